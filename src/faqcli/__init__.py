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

from faqcli.engine import Match, MemoryIndex, Settings, rank
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


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~40 ms to import, so the version is looked up only
    # when someone asks for it (``faq --version``), never on the path of ``faq ask``.
    if name == "__version__":
        from importlib.metadata import version

        return version("faqcli")
    raise AttributeError(name)
