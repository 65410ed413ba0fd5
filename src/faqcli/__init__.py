"""faq: answer a question from a FAQ file, in the terminal, or from Python.

    >>> import faqcli
    >>> source = faqcli.resolve(None)  # as faq: $FAQ_FILE, your own FAQ, else the bundled one
    >>> answer = faqcli.ask(faqcli.open_index(source), "why did the soldier defect?")
    >>> answer.confident, answer.matches[0].entry.id
    (True, 'why-defect-now')

Every command of ``faq`` is one function here (``faqcli.operations``) returning a typed
result (``faqcli.results``); errors are :class:`FaqError` with the exit code the
command line would use.
"""

from __future__ import annotations

# Not typing.TYPE_CHECKING: importing typing costs milliseconds before faqcli.launch
# runs (type checkers read this name the same way).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from faqcli.engine import Match, MemoryIndex, Settings
    from faqcli.engine.rank import rank
    from faqcli.errors import ExitCode, FaqError
    from faqcli.model import Entry, Faq
    from faqcli.operations import (
        add,
        ask,
        ask_each,
        build_index,
        check,
        clear_misses,
        edit,
        edit_in_editor,
        evaluate_queries,
        export,
        filter_listing,
        import_entries,
        init,
        list_entries,
        list_matching,
        misses,
        open_index,
        remove,
        show,
        where,
    )
    from faqcli.results import (
        Answer,
        Change,
        Changed,
        CheckReport,
        EntryList,
        EntryShown,
        Evaluation,
        Exported,
        Imported,
        Indexed,
        MissesCleared,
        MissGroup,
        MissReport,
        Where,
    )
    from faqcli.store import FaqSource, resolve

__all__ = [
    "Answer",
    "Change",
    "Changed",
    "CheckReport",
    "Entry",
    "EntryList",
    "EntryShown",
    "Evaluation",
    "ExitCode",
    "Exported",
    "Faq",
    "FaqError",
    "FaqSource",
    "Imported",
    "Indexed",
    "Match",
    "MemoryIndex",
    "MissGroup",
    "MissReport",
    "MissesCleared",
    "Settings",
    "Where",
    "add",
    "ask",
    "ask_each",
    "build_index",
    "check",
    "clear_misses",
    "edit",
    "edit_in_editor",
    "evaluate_queries",
    "export",
    "filter_listing",
    "import_entries",
    "init",
    "list_entries",
    "list_matching",
    "misses",
    "open_index",
    "rank",
    "remove",
    "resolve",
    "show",
    "where",
]


# The modules the names of the API come from: imported when a name is first used, not
# with the package, since ``faq`` starts in faqcli.launch, which runs before anything
# heavy is loaded. (faqcli.operations imports the others.)
_HOMES = ("operations", "results", "store", "engine", "errors", "model")


def __getattr__(name: str) -> Any:
    # importlib.metadata costs ~40 ms to import, so the version is looked up only
    # when someone asks for it (``faq --version``), never on the path of ``faq ask``.
    if name == "__version__":
        from importlib.metadata import version

        return version("faqcli")
    if name not in __all__:
        raise AttributeError(name)
    import importlib

    homes = (importlib.import_module(f"faqcli.{home}") for home in _HOMES)
    value = next(getattr(home, name) for home in homes if hasattr(home, name))
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
