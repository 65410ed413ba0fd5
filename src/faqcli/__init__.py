"""faq: answer a question from a FAQ file, in the terminal."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~40 ms to import, so the version is looked up only
    # when someone asks for it (``faq --version``), never on the path of ``faq ask``.
    if name == "__version__":
        from importlib.metadata import version

        return version("faqcli")
    raise AttributeError(name)
