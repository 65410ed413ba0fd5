"""faq's interactive mode: ``faq ask`` on a terminal without a question (or with ``-``).

Questions are typed at a prompt, with line editing and a history kept in the user data
folder (the standard library's ``readline``), and answered with the FAQ and its index
loaded once. A line that starts with ``:`` is a command (:data:`COMMANDS`). Ctrl-D or
``:quit`` leaves; Ctrl-C drops the line being typed, or the question being answered,
and prompts again.

Answers and what the session says (its greeting, ``:help``, a changed setting, a line
it did not understand) are results drawn by the renderer it is given, like any
command's; only the prompt itself, and the line break after Ctrl-C or Ctrl-D, are
written here, to the terminal the prompt is on.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from faqcli import operations, store
from faqcli.engine import DEFAULTS, Index
from faqcli.errors import ExitCode, FaqError, UsageError
from faqcli.misslog import wording
from faqcli.results import Decision, SessionHelp, SessionProblem, SessionSettings

if TYPE_CHECKING:
    from faqcli.misslog import MissLog
    from faqcli.render import Renderer
    from faqcli.review import Item as ReviewItem

PROMPT = "faq> "
HISTORY_LENGTH = 1000  # lines of history kept in the file: the newest


class Action(Enum):
    TOP = "top"
    EXPLAIN = "explain"
    HELP = "help"
    QUIT = "quit"


class Command(NamedTuple):
    """A command of the session: its names (the first is shown), usage and what it does."""

    action: Action
    names: tuple[str, ...]
    usage: str
    help: str


COMMANDS = (
    Command(Action.TOP, (":top",), ":top N", "show the N best answers"),
    Command(Action.EXPLAIN, (":explain",), ":explain", "also say why each answer (again: stop)"),
    Command(Action.HELP, (":help", ":h", ":?"), ":help", "this list"),
    Command(Action.QUIT, (":quit", ":q", ":exit"), ":quit", "leave (Ctrl-D too)"),
)
ACTIONS = {name: command.action for command in COMMANDS for name in command.names}


def history_path() -> Path:
    """Where the questions typed at the prompt are kept between sessions."""
    return store.user_data_dir() / "history"


@dataclass
class Session:
    """The state of one interactive session: the index, the renderer and the settings
    the commands change."""

    index: Index
    renderer: Renderer
    faq: Path
    top: int = 1
    threshold: float | None = None  # None: the FAQ's own, else faq's default
    why: bool = False
    log: MissLog | None = None
    history: Path | None = None

    def help(self, greeting: bool = False) -> SessionHelp:
        commands = tuple((c.usage, c.help) for c in COMMANDS)
        settings = self.settings()
        return SessionHelp(self.faq, self.index.size, commands, settings, self.history, greeting)

    def settings(self) -> SessionSettings:
        return SessionSettings(self.top, self.why)

    def handle(self, line: str) -> bool:
        """Answer a question or carry out a command; False when the session is over."""
        text = line.strip()[: DEFAULTS.max_query_chars]
        if not text:
            return True
        if text.startswith(":"):
            return self.command(text)
        answer = operations.ask(
            self.index, text, top=self.top, threshold=self.threshold, why=self.why, log=self.log
        )
        self.renderer.render(answer)
        return True

    def command(self, text: str) -> bool:
        name, *rest = text.split(maxsplit=1)  # any white space parts them ("text" is not blank)
        action, argument = ACTIONS.get(name.lower()), rest[0].strip() if rest else ""
        if action is None:
            raise UsageError(f"unknown command {name!r}: :help lists the commands")
        if action is Action.QUIT:
            return False
        if action is Action.TOP:
            self.top = _count(argument) if argument else self.top
            self.renderer.render(self.settings())
        elif action is Action.EXPLAIN:
            self.why = _switch(argument, self.why)
            self.renderer.render(self.settings())
        else:
            self.renderer.render(self.help())
        return True


def _count(argument: str) -> int:
    """The N of ``:top N``: a whole number from 1, in ASCII digits."""
    if argument.isascii() and argument.isdigit() and int(argument) >= 1:
        return int(argument)
    raise UsageError(f":top takes a whole number from 1, as in :top 3, not {argument!r}")


def _switch(argument: str, current: bool) -> bool:
    """``:explain`` turns it over; ``:explain on`` and ``:explain off`` set it."""
    if not argument:
        return not current
    if argument.lower() in ("on", "off"):
        return argument.lower() == "on"
    raise UsageError(f":explain takes nothing, on or off, not {argument!r}")


class Prompt:
    """Lines typed at the terminal: with readline's line editing and history when the
    prompt can be on stdout (a terminal), else a plain prompt on stderr."""

    def __init__(self, history: Path | None) -> None:
        self.editing = sys.stdout.isatty() and _readline() is not None
        self.stream: IO[str] = sys.stdout if self.editing else sys.stderr
        self.history = history if self.editing else None
        if self.history is not None and not _load_history(self.history):
            self.history = None

    def read(self) -> str | None:
        """The next line; "" after Ctrl-C; None at Ctrl-D."""
        try:
            if self.editing:
                line = input(PROMPT)
            else:
                self.stream.write(PROMPT)
                self.stream.flush()
                line = input()
        except EOFError:
            self.newline()
            return None
        except KeyboardInterrupt:
            self.newline()
            return ""
        except UnicodeDecodeError:
            raise UsageError("that line is not UTF-8 text") from None
        if self.history is not None and line.strip():
            _append_history(self.history)
        return line

    def newline(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def run(session: Session, prompt: Prompt | None = None) -> ExitCode:
    """Greet, then answer the lines typed until Ctrl-D or :quit."""
    prompt = prompt or Prompt(session.history)
    if prompt.history is None:  # no line editing, or no file for it: no history
        session = replace(session, history=None)
    session.renderer.render(session.help(greeting=True))
    while True:
        try:
            line = prompt.read()
            if line is None or not session.handle(line):
                return ExitCode.OK
        except KeyboardInterrupt:
            prompt.newline()  # Ctrl-C while answering: drop the question
        except FaqError as err:
            session.renderer.render(SessionProblem(err.message))


def _readline() -> Any:
    """The readline module, which gives ``input()`` line editing; None where there is
    none (Windows without pyreadline)."""
    try:
        import readline
    except ImportError:
        return None
    return readline


def _load_history(path: Path) -> bool:
    """Read the history file, and cut it back to its newest ``HISTORY_LENGTH`` lines;
    False when there can be no history there (a pipe or a device: reading or appending
    could wait for ever)."""
    if not store.regular_or_absent(path):
        return False
    readline = _readline()
    readline.set_history_length(HISTORY_LENGTH)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        readline.read_history_file(str(path))
        if readline.get_current_history_length() >= HISTORY_LENGTH:
            readline.write_history_file(str(path))
    except (OSError, UnicodeDecodeError):
        pass  # history is a convenience: a file that cannot be read just starts empty
    return True


def _append_history(path: Path) -> None:
    """Add the line just typed to the history file (so that concurrent sessions, and a
    session that is killed, keep theirs)."""
    with contextlib.suppress(OSError):  # a history that cannot be written is not kept
        _readline().append_history_file(1, str(path))


# --- faq review on a terminal ---------------------------------------------------------

REVIEW_KEYS = "1-3 alternate of that entry, n new entry, o off-topic, w wrong, s skip, q quit"


class ReviewKey(NamedTuple):
    """What a key typed at the review prompt asks for."""

    decision: Decision | None  # None: skip or quit
    choice: int = 0  # for an alternate: which of the closest entries (1-based)
    quit: bool = False


def read_review_key(line: str, item: ReviewItem) -> ReviewKey | None:
    """The key typed for ``item``; None when it means nothing for it."""
    key = line.strip().lower()
    if key in ("q", "quit"):
        return ReviewKey(None, quit=True)
    if key in ("s", "skip", ""):
        return ReviewKey(None)
    if key.isdigit() and 1 <= int(key) <= len(item.closest):
        return ReviewKey(Decision.ALTERNATE, int(key))
    if key == "n":
        return ReviewKey(Decision.NEW)
    if key == "o":
        return ReviewKey(Decision.OFF_TOPIC)
    if key == "w" and item.answered is not None:
        return ReviewKey(Decision.WRONG)
    return None


def review(
    source: store.FaqSource,
    renderer: Renderer,
    new_entry: Callable[[ReviewItem], str | None],
    read: Callable[[str], str | None] | None = None,
) -> ExitCode:
    """``faq review`` on a terminal: each logged question in turn, its closest entries and
    what adding it to each would change, and a key for what to do with it. A decision is
    written at once; the items are then ranked again against the FAQ as it now is.
    ``new_entry(item)`` gives the answer of a new entry asking the item (None: none, the
    item is left as it was); ``read(prompt)`` a line typed, None at the end of input."""
    read = read or _read_line
    seen: set[str] = set()
    while True:
        report = operations.review(source)
        pending = [i for i in report.items if wording(i.question) not in seen]
        if not pending:
            if not seen:  # nothing logged at all: say how to log questions
                renderer.render(report)
            return ExitCode.OK
        item = pending[0]
        total = len(seen) + len(pending)
        renderer.render(report._replace(items=(item,), step=(len(seen) + 1, total)))
        key = None
        while key is None:
            line = read(f"{REVIEW_KEYS}\n> ")
            if line is None:  # Ctrl-D: leave, as at the ask prompt
                return ExitCode.OK
            key = read_review_key(line, item)
            if key is None:
                renderer.render(SessionProblem(f"{line.strip()!r}: {REVIEW_KEYS}"))
        if key.quit:
            return ExitCode.OK
        seen.add(wording(item.question))
        if key.decision is None:
            continue
        try:
            _decide(source, item, key, new_entry, renderer)
        except FaqError as err:
            renderer.render(SessionProblem(err.message))


def _decide(
    source: store.FaqSource,
    item: ReviewItem,
    key: ReviewKey,
    new_entry: Callable[[ReviewItem], str | None],
    renderer: Renderer,
) -> None:
    entry_id, answer = None, None
    if key.decision is Decision.ALTERNATE:
        entry_id = item.closest[key.choice - 1].entry.id
    elif key.decision is Decision.WRONG:
        assert item.answered is not None
        entry_id = item.answered.answer
    elif key.decision is Decision.NEW:
        answer = new_entry(item)
        if answer is None:
            renderer.render(SessionProblem("no answer given: nothing added"))
            return
    assert key.decision is not None
    done = operations.decide(source, item.question, key.decision, entry_id=entry_id, answer=answer)
    renderer.render(done)


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        sys.stdout.write("\n")  # the shell's prompt on a line of its own
        return None
