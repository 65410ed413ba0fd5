"""The ``faq`` command line: parse the arguments, call one operation, render its
result, exit with its code. What faq does lives in ``faqcli.operations``; how results
look, in ``faqcli.render``."""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeVar

import click
import typer

from faqcli import formats, operations, store, terminal
from faqcli.engine import DEFAULTS
from faqcli.errors import ExitCode, FaqError, UsageError
from faqcli.formats import Format
from faqcli.model import Entry
from faqcli.render import Renderer, one_line, safe
from faqcli.results import Decision

if TYPE_CHECKING:
    from faqcli.engine import Index
    from faqcli.misslog import MissLog
    from faqcli.results import EntryList, Result
    from faqcli.review import Item as ReviewItem

app = typer.Typer(
    help="Answer a question from a FAQ file.\n\nExample:  faq ask why did the soldier defect"
    "\n\n(faq ask alone, on a terminal, asks one question after another at a prompt)"
    "\n\nFirst time: faq init copies the sample FAQ to a file of your own (faq init --empty: "
    "none), then faq add adds your entries.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def examples(*lines: str) -> str:
    """A command's help epilog: one example per paragraph, so help keeps them apart."""
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


def handles_errors(func: F) -> F:
    """The one place where a FaqError becomes a line on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FaqError as err:
            typer.echo(f"faq: {safe(err.message)}", err=True)
            raise typer.Exit(int(err.exit_code)) from None
        except BrokenPipeError:
            # Caught here, not left to Typer's main(), which would exit 1 for it.
            raise _reader_gone() from None

    return wrapper  # type: ignore[return-value]


def _reader_gone() -> typer.Exit:
    """The reader of stdout went away (faq list | head): stop quietly, as grep does."""
    return typer.Exit(terminal.reader_gone())


def _finish(result: Result, as_json: bool = False) -> None:
    """Render ``result`` and exit with its code."""
    terminal.renderer(as_json).render(result)
    if result.exit_code:
        raise typer.Exit(int(result.exit_code))


class Options(NamedTuple):
    """The options of ``faq`` itself, for every command."""

    faq: Path | None
    cache: bool


def _source(ctx: typer.Context) -> store.FaqSource:
    options: Options = ctx.obj
    return store.resolve(options.faq)


def _index(ctx: typer.Context) -> Index:
    options: Options = ctx.obj
    return operations.open_index(_source(ctx), cache=options.cache, progress=terminal.progress())


def complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of an entry's id (``show``, ``edit``, ``remove``): the ids of
    the FAQ that --faq, $FAQ_FILE or the default names that start with what is typed,
    each with its question as help. A FAQ that cannot be read completes nothing."""
    listing = _completed_listing(ctx)
    if listing is None:
        return []
    from rich.markup import escape

    # One line (the completion protocol's unit), no control characters, and no markup:
    # Typer draws a completion's help as Rich markup.
    return [
        (e.id, escape(one_line(e.question))) for e in listing.entries if e.id.startswith(incomplete)
    ]


def complete_tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of ``--tag``: the tags of the FAQ in use that start with what
    is typed; a FAQ that cannot be read completes nothing."""
    listing = _completed_listing(ctx)
    if listing is None:
        return []
    tags = {t for e in listing.entries for t in e.tags}
    return sorted(t for t in tags if t.startswith(incomplete) and "\n" not in t)


def _completed_listing(ctx: typer.Context) -> EntryList | None:
    """The entries of the FAQ that --faq, $FAQ_FILE or the default names, for shell
    completion; None when it cannot be read, or is no regular file (a FIFO or a device
    would block the shell): completion must never fail, the shell would print the
    traceback."""
    given = ctx.find_root().params.get("faq") or ()
    try:
        source = store.resolve(given[-1] if given else None)
        return operations.list_entries(source) if source.path.is_file() else None
    except (FaqError, OSError):
        return None


# Characters bash reads as more than themselves on a command line, or breaks a word at
# when it completes (: and =).
_SHELL_SPECIAL = re.compile(r"[^\w@%+,./-]")


def for_bash(value: str) -> str:
    """A completion as bash must get it: Typer's bash script takes faq's output line by
    line, unquoted, globs it and puts each on the command line as it is, so an id
    ``a;rm -rf ~`` would run a second command. Each special character (a space too) is
    escaped with a backslash, as if typed."""
    return _SHELL_SPECIAL.sub(lambda m: "\\" + m.group(), value)


def _bash_completion() -> None:
    """Have Typer's bash completion escape what it offers (:func:`for_bash`). Done after
    Typer registers its own, which it does each time it builds the command; escaping in
    :func:`complete_ids` instead would fail Typer's check that a completion starts with
    what is typed (unescaped), once that holds an escaped character."""
    typers = click.shell_completion.get_completion_class("bash")
    if typers is None or getattr(typers, "escapes", False):
        return

    class EscapedBash(typers):  # type: ignore[misc,valid-type]
        escapes = True

        def format_completion(self, item: click.shell_completion.CompletionItem) -> str:
            return for_bash(str(super().format_completion(item)))

    click.shell_completion.add_completion_class(EscapedBash, "bash")


def _version(value: bool) -> None:
    if value:
        from faqcli import __version__

        typer.echo(f"faq {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    faq: list[Path] = typer.Option(
        [],
        "--faq",
        metavar="PATH",
        help="FAQ file to use (once). Default: $FAQ_FILE, else your own FAQ, else the bundled FAQ.",
        show_default=False,
        readable=False,  # an unreadable FAQ is bad data (exit 3), as through $FAQ_FILE
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Do not use or write the persisted index of a large FAQ."
    ),
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
    color: str = typer.Option(
        "auto",
        "--color",
        metavar="WHEN",
        help="Colour and panels: auto (on a terminal, unless NO_COLOR), always (also in a "
        "pipe: less -R, fzf --preview), never. Taken after any command too.",
        show_default=False,
    ),
) -> None:
    """Answer a question from a FAQ file.

    Examples:

      faq ask why did the soldier defect

      faq ask            (on a terminal: a prompt, one question after another)

      faq --faq support.json list
    """
    if len(faq) > 1:
        # Click keeps the last of a repeated option; two FAQ files is a mistake to name.
        given = ", ".join(safe(str(p)) for p in faq)
        raise click.UsageError(f"--faq is given {len(faq)} times ({given}); give it once", ctx)
    if color not in terminal.COLORS:
        msg = f"{color!r} is not one of auto, always, never."
        raise click.BadParameter(msg, ctx, param_hint="'--color'")
    terminal.color = color
    ctx.obj = Options(faq[0] if faq else None, cache=not no_cache)


_BLANKS = b" \t\v\f\r"


def _questions() -> Iterator[str]:
    """The questions on stdin, one a line (``faq ask -``)."""
    # Bytes, not text: a line that is not UTF-8 is still a question, and only as much
    # of a line as ranking reads is kept, however long the line.
    keep = DEFAULTS.max_query_chars * 4  # bytes enough for that many characters
    stdin = sys.stdin.buffer
    while chunk := stdin.readline(keep):
        # Blanks before the question are dropped as they are read, so that a question
        # after any number of them is still read (not a line of blanks, skipped).
        line = chunk.lstrip(_BLANKS)
        while chunk and not line and not chunk.endswith(b"\n"):
            chunk = stdin.readline(keep)
            line = chunk.lstrip(_BLANKS)
        if line and not line.endswith(b"\n"):
            line += stdin.readline(keep - len(line))
        if line and not line.endswith(b"\n"):
            while (rest := stdin.readline(65536)) and not rest.endswith(b"\n"):
                pass  # the rest of an overlong line: read and dropped, a piece at a time
        text = line.decode("utf-8", "replace").rstrip("\r\n")[: DEFAULTS.max_query_chars]
        if text.strip():
            yield text


def _finite(value: float | None) -> float | None:
    """Refuse NaN, which click's range check lets through (every comparison is false)."""
    if value is not None and math.isnan(value):
        raise typer.BadParameter("nan is not a number")
    return value


def _threshold_option(help: str) -> Any:
    """``--threshold``/``-t``: a score from 0 to 100 (``ask`` and ``eval``); by default
    the FAQ file's own "threshold", else faq's."""
    return typer.Option(
        None,
        "--threshold",
        "-t",
        min=0,
        max=100,
        callback=_finite,
        help=f'{help} Default: the FAQ file\'s "threshold" (faq eval --tune), else '
        f"{DEFAULTS.threshold:g}.",
        show_default=False,
    )


@app.command(
    epilog=examples(
        "faq ask how common are land defections",
        "faq ask --json --top 5 'risks of crossing?'",
        "faq ask            (on a terminal: a prompt; :help there lists its commands)",
        "cat questions.txt | faq ask -",
        "faq ask --explain is the crossing dangerous",
        "FAQ_LOG_MISSES=1 faq ask how do I bake bread    (then: faq misses)",
    )
)
@handles_errors
def ask(
    ctx: typer.Context,
    question: list[str] | None = typer.Argument(
        None,
        metavar="QUESTION...",
        help="Your question, quoted or not (its words are joined with spaces); - reads one "
        "question per line from stdin. None, on a terminal: a prompt.",
        show_default=False,
    ),
    top: int | None = typer.Option(
        None,
        "--top",
        "-n",
        min=1,
        help="How many matches to show. Default: 1, or 3 with --json.",
        show_default=False,
    ),
    threshold: float | None = _threshold_option(
        "Confidence (0-100) below which faq does not answer."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (one object per question)."),
    why: bool = typer.Option(
        False,
        "--explain",
        help="Also show why: the words matched, the evidence and its part in the score.",
    ),
    log_misses: bool = typer.Option(
        False,
        "--log-misses",
        envvar="FAQ_LOG_MISSES",
        help="Log the questions faq does not answer, for 'faq misses' and 'faq review' "
        "(kept on this computer only, the newest 1,000 per FAQ). FAQ_LOG_MISSES=1 does it "
        "for every ask.",
    ),
    log_answers: bool = typer.Option(
        False,
        "--log-answers",
        envvar="FAQ_LOG_ANSWERS",
        help="Log the questions faq answers too, with the entry, its score and its margin, "
        "for 'faq review' to show the close calls (implies --log-misses). "
        "FAQ_LOG_ANSWERS=1 does it for every ask.",
    ),
) -> None:
    """Print the answer that best fits QUESTION.

    Without a question (or with -) on a terminal, faq asks for one question after
    another at a prompt, with line editing and history, loading the FAQ once.

    On a terminal, scores are green when faq answers, yellow less than 15 below the
    threshold, dim further below (the number is always shown; NO_COLOR is honoured).

    Exit status: 0 answered, 1 no confident answer, 2 usage error, 3 bad FAQ data.
    """
    logging = Logging.ANSWERS if log_answers else Logging.MISSES if log_misses else Logging.OFF
    options = Asking(top or (3 if as_json else 1), threshold, why, logging, as_json)
    _ask(ctx, question or [], options)


class Asking(NamedTuple):
    """The options of ``faq ask``, resolved."""

    top: int
    threshold: float | None  # None: the FAQ's own, else faq's default
    why: bool
    logging: Logging
    as_json: bool


class Logging(Enum):
    """What ``faq ask`` logs for ``faq misses`` and ``faq review``."""

    OFF = "off"
    MISSES = "misses"  # the questions it does not answer
    ANSWERS = "answers"  # every question, with what answered it


def _ask(ctx: typer.Context, question: list[str], o: Asking) -> None:
    """One question from the command line, questions from stdin (``-``), or a prompt
    when there is none on a terminal."""
    text = " ".join(question)
    from_stdin = text == "-" or not question  # none given: piped in, or at a prompt
    prompting = from_stdin and sys.stdin.isatty()  # a person at a terminal: a prompt
    if not from_stdin and not any(c.isalnum() for c in text):
        # "" and "?" alike: nothing to match ("?" is no more a question than "")
        empty = "the question is empty" if not text.strip() else "the question has no words"
        raise UsageError(empty)
    index = _index(ctx)
    log = _miss_log(ctx, o.logging is Logging.ANSWERS) if o.logging is not Logging.OFF else None
    top, threshold, why = o.top, o.threshold, o.why
    if prompting:
        _prompt(
            ctx, index, terminal.renderer(o.as_json), top=top, threshold=threshold, why=why, log=log
        )
    if not from_stdin:
        answer = operations.ask(
            index, terminal.query_text(text), top=top, threshold=threshold, why=why, log=log
        )
        _finish(answer, o.as_json)
        return
    renderer = terminal.renderer(o.as_json)
    read: list[str] = []  # the first question read, if any

    def questions() -> Iterator[str]:
        for line in _questions():
            read[:1] = [line]
            yield line

    answers = operations.ask_each(
        index, questions(), top=top, threshold=threshold, why=why, log=log, source=_source(ctx)
    )
    for answer in answers:
        renderer.render(answer)  # batch mode exits 0 however each question went
    if not question and not read:  # 'faq ask' with nothing piped in (< /dev/null)
        msg = "Missing argument 'QUESTION...': ask a question, or pipe questions in"
        raise click.UsageError(msg, ctx)


def _prompt(
    ctx: typer.Context,
    index: Index,
    renderer: Renderer,
    *,
    top: int,
    threshold: float | None,
    why: bool,
    log: MissLog | None,
) -> NoReturn:
    """Questions at a prompt, one after another (``faqcli.interactive``), then exit."""
    from faqcli import interactive

    session = interactive.Session(
        index, renderer, _source(ctx).path, top, threshold, why, log, interactive.history_path()
    )
    raise typer.Exit(int(interactive.run(session)))


def _miss_log(ctx: typer.Context, answers: bool = False) -> MissLog:
    from faqcli.misslog import MissLog

    return MissLog.for_faq(_source(ctx).path, answers)


@app.command(
    epilog=examples(
        "faq misses",
        "faq --faq support.json misses --json",
        "faq misses --clear",
    )
)
@handles_errors
def misses(
    ctx: typer.Context,
    clear: bool = typer.Option(False, "--clear", help="Delete the log of this FAQ."),
    as_json: bool = typer.Option(False, "--json", help="Print the groups as JSON."),
) -> None:
    """List the questions faq could not answer, grouped by likeness, most asked first.

    They are logged only when asked for: faq ask --log-misses, or FAQ_LOG_MISSES=1 in
    the environment. The log is a file in your user data folder, one per FAQ, never
    sent anywhere; it keeps the newest 1,000 questions. Each group shows its wordings,
    how often and when they were asked, the closest entries, and the command that would
    answer them: the wordings as alternates of the closest entry when it is likely the
    one meant (score 33 or more), else a new entry (faq add asks for the answer).
    """
    if clear:
        _finish(operations.clear_misses(_source(ctx)), as_json)
        return
    options: Options = ctx.obj
    _finish(
        operations.misses(_source(ctx), cache=options.cache, progress=terminal.progress()), as_json
    )


@app.command(
    epilog=examples(
        "faq review                    (on a terminal: one question after another)",
        "faq review --json",
        "faq review --question 'what did he risk' --alternate-of crossing-risks",
        "faq review --question 'can I bring my dog' --off-topic",
        "faq review --question 'do you open on sundays' --new --answer 'No, we do not.'",
    )
)
@handles_errors
def review(
    ctx: typer.Context,
    question: str | None = typer.Option(
        None,
        "--question",
        "-q",
        help="The logged question to decide about (with one of the options below; its "
        "other wordings in the log go with it).",
    ),
    alternate_of: str | None = typer.Option(
        None, "--alternate-of", metavar="ID", help="Add it as an alternate of entry ID."
    ),
    new: bool = typer.Option(False, "--new", help="Add a new entry asking it (with --answer)."),
    answer: str | None = typer.Option(
        None, "--answer", "-a", help="The answer of the new entry; - reads it from stdin."
    ),
    off_topic: bool = typer.Option(
        False, "--off-topic", help="No entry answers it: keep it as a negative of the FAQ."
    ),
    wrong: str | None = typer.Option(
        None,
        "--wrong",
        metavar="ID",
        help="Entry ID answered it, wrongly: keep it as a negative of that entry.",
    ),
    dismiss: bool = typer.Option(False, "--dismiss", help="Only take it off the log."),
    as_json: bool = typer.Option(False, "--json", help="Print the questions to review as JSON."),
) -> None:
    """Go through the questions people asked (logged with FAQ_LOG_MISSES=1 or
    FAQ_LOG_ANSWERS=1) and turn them into alternates, new entries or negatives.

    Each logged question comes with its closest entries and, for each, what adding it as
    an alternate would do: what it would then score, and which other logged questions
    would change their answer. On a terminal, a key decides: 1-3 add it to that entry, n
    a new entry (in $EDITOR), o off-topic, w answered wrongly, s skip, q quit. Elsewhere
    faq lists them; --question with one of --alternate-of, --new, --off-topic, --wrong,
    --dismiss applies a decision. Alternates and negatives are also what faq learns this
    FAQ's score from (faq ask --explain shows it).
    """
    source = _source(ctx)
    choices = [
        (alternate_of is not None, Decision.ALTERNATE),
        (new, Decision.NEW),
        (off_topic, Decision.OFF_TOPIC),
        (wrong is not None, Decision.WRONG),
        (dismiss, Decision.DISMISSED),
    ]
    decisions = [d for chosen, d in choices if chosen]
    if len(decisions) > 1:
        raise UsageError("one decision at a time: --alternate-of, --new, --off-topic, --wrong "
                         "or --dismiss")  # fmt: skip
    if decisions and question is None:
        raise UsageError("which question? (--question TEXT)")
    if question is not None and not decisions:
        raise UsageError("what to do with it? (--alternate-of ID, --new, --off-topic, "
                         "--wrong ID or --dismiss)")  # fmt: skip
    if answer is not None and not new:
        raise UsageError("--answer goes with --new")
    if question is not None:
        entry_id = alternate_of if alternate_of is not None else wrong
        text = None if answer is None else _read_field(answer, "answer")
        done = operations.decide(
            source, _utf8(question, "--question"), decisions[0], entry_id=entry_id, answer=text
        )
        _finish(done, as_json)
        return
    if not as_json and sys.stdin.isatty() and sys.stdout.isatty():
        from faqcli import interactive

        status = interactive.review(source, terminal.renderer(False), _new_entry_answer)
        raise typer.Exit(int(status))
    options: Options = ctx.obj
    _finish(operations.review(source, cache=options.cache, progress=terminal.progress()), as_json)


def _new_entry_answer(item: ReviewItem) -> str | None:
    """The answer of a new entry asking ``item``, written in $EDITOR: the entry comes
    filled in with the question and its other wordings, the answer left for you."""
    import json

    from faqcli import editor

    draft = {"question": item.question, "answer": "", "alternates": item.wordings[1:]}
    text = json.dumps(draft, indent=2, ensure_ascii=False) + "\n"
    status, data = editor.run(editor.command(), text, "new-entry")
    if status != 0:
        raise UsageError(f"the editor exited with status {status}; nothing added")
    edited = store.decode(store.decode_text(data, "the new entry"), "the new entry")
    found = edited.get("answer") if isinstance(edited, dict) else None
    return found if isinstance(found, str) and found.strip() else None


@app.command(
    name="list",
    epilog=examples(
        "faq list",
        "faq list --tag billing",
        "faq list --grep refund --tag billing     (both must match)",
        "faq list --json | jq '.entries[].id'",
    ),
)
@handles_errors
def list_(
    ctx: typer.Context,
    tags: list[str] = typer.Option(
        [],
        "--tag",
        help="Only entries with this tag, ignoring case (repeat: all of them).",
        autocompletion=complete_tags,
    ),
    grep: str | None = typer.Option(
        None,
        "--grep",
        metavar="TEXT",
        help="Only entries whose question, alternates or answer hold TEXT, ignoring case "
        "(where it matched is shown).",
    ),
    within: list[str] = typer.Option(
        [],
        "--in",
        metavar="FIELD",
        help="With --grep: look only in question, alternates or answer (repeat for more).",
        autocompletion=lambda: list(operations.GREP_FIELDS),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the FAQ document as JSON."),
) -> None:
    """Show the entries: id, question and tags (id<TAB>question when piped).

    On a terminal, a list taller than the screen is shown through $PAGER (or less);
    piped, it never is. With --tag or --grep, only the entries that match both (exit 1
    when none does): --tag T, those tagged T; --grep TEXT looks for TEXT in the
    question, alternates and answer; both ignoring case.
    """
    tag_list = [_utf8(t, "--tag") for t in tags]
    text = None if grep is None else _utf8(grep, "--grep")
    fields = [f.strip().lower() for f in within]
    fields = ["alternates" if f == "alternate" else f for f in fields]
    unknown = [f for f in fields if f not in operations.GREP_FIELDS]
    if unknown or (fields and text is None):
        why = f"{unknown[0]!r} is not question, alternates or answer" if unknown else "needs --grep"
        raise UsageError(f"--in {why}")
    found = operations.list_matching(
        _source(ctx), cache=ctx.obj.cache, tags=tag_list, grep=text,
        fields=tuple(dict.fromkeys(fields)) or operations.GREP_FIELDS,
    )  # fmt: skip
    _finish(found, as_json)


@app.command(epilog=examples("faq show escape-routes", "faq show escape-routes --json"))
@handles_errors
def show(
    ctx: typer.Context,
    entry_id: str = typer.Argument(
        ...,
        metavar="ID",
        help="The entry's id (see faq list; completes in the shell).",
        autocompletion=complete_ids,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the entry as JSON."),
) -> None:
    """Print one entry in full."""
    _finish(operations.show(_source(ctx), entry_id, cache=ctx.obj.cache), as_json)


# The metrics of faq eval that --fail-under can name: those where more is better.
_AT_LEAST = ("hit@1", "hit@5", "mrr@10", "answered_correct", "oos_abstained",
             "answer_precision", "coverage_at_90")  # fmt: skip
_FAIL_UNDER_HELP = (f"Exit 1 when hit@1 (or METRIC: {', '.join(_AT_LEAST)}) is below VALUE, "
                    "a fraction; repeat for several.")  # fmt: skip


def _fail_under(text: str) -> tuple[str, float]:
    """``--fail-under 0.8`` (hit@1) or ``--fail-under answer_precision=0.9``."""
    name, equals, value = text.rpartition("=")
    name = name.strip() if equals else "hit@1"
    if name not in _AT_LEAST:
        known = ", ".join(_AT_LEAST)
        raise typer.BadParameter(f"{name!r} is not a metric it can name (one of {known})")
    try:
        least = float(value)
    except ValueError:
        least = math.nan
    if math.isnan(least) and value.strip().lower() == "nan":
        raise typer.BadParameter("nan is not a number")
    if not 0 <= least <= 1:  # also nan
        raise typer.BadParameter(f"{value.strip()!r} is not a fraction from 0 to 1")
    return name, least


@app.command(
    name="eval",
    epilog=examples(
        "faq --faq faq.json eval queries.jsonl",
        "faq eval queries.jsonl --json --fail-under 0.8",
    ),
)
@handles_errors
def eval_(
    ctx: typer.Context,
    queries: Path = typer.Argument(
        ...,
        metavar="QUERIES.jsonl",
        help='JSON Lines of {"query": ..., "expected": id or null} (see below).',
        readable=False,  # an unreadable file is bad data (exit 3), not a usage error
    ),
    threshold: float | None = _threshold_option("Confidence threshold."),
    fail_under: list[str] = typer.Option(
        [],
        "--fail-under",
        metavar="[METRIC=]VALUE",
        help=_FAIL_UNDER_HELP,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as one JSON object."),
    tune: bool = typer.Option(
        False,
        "--tune",
        help="Set the FAQ's own threshold from these queries: the one that answers the "
        "most of them right while 90% of its answers are right. Written to the FAQ file "
        'as "threshold"; faq ask uses it unless --threshold is given.',
    ),
) -> None:
    """Measure how well the FAQ answers labelled queries (hit@1, MRR, abstention, and
    whether the score is a true probability: answer precision, ECE, wrong at 90).

    QUERIES.jsonl has one JSON object per line with exactly two keys: "query" (what a
    user would type) and "expected" (the id of the entry that answers it, or null when
    the FAQ does not: faq should abstain). Blank lines are skipped; any other key, a
    missing "query" or "expected" or an unknown id is an error naming the line (exit 3).

    Example line:  {"query": "how do I pay", "expected": "payment"}
    """
    tuned = _source(ctx) if tune else None
    least = tuple(_fail_under(text) for text in fail_under)
    result = operations.evaluate_queries(
        _index(ctx), queries, threshold=threshold, fail_under=least, tune=tuned,
        source=_source(ctx),
    )  # fmt: skip
    _finish(result, as_json)


@app.command(name="index", epilog=examples("faq --faq big.json index"))
@handles_errors
def index_(ctx: typer.Context) -> None:
    """Build the persisted index of the FAQ now and report its size.

    faq ask builds it by itself the first time it meets a large FAQ (64 KiB or more)
    and rebuilds it whenever the FAQ changes; this command just does it ahead of time.
    """
    if not ctx.obj.cache:
        raise UsageError("--no-cache: faq index writes the persisted index; drop one of them")
    _finish(operations.build_index(_source(ctx), progress=terminal.progress()))


@app.command(
    epilog=examples(
        "faq where",
        "faq --faq support.json where",
        "FAQ_FILE=team.json faq where     (warns when team.json does not exist)",
    )
)
@handles_errors
def where(ctx: typer.Context) -> None:
    """Print which FAQ file is in use, and why; warn on stderr when --faq or $FAQ_FILE
    names a file that does not exist."""
    _finish(operations.where(_source(ctx)))


@app.command(
    epilog=examples(
        "faq init",
        "faq init --empty team.json",
        "faq --faq team.json init     (the same as faq init team.json)",
        "faq init --force old.json",
    )
)
@handles_errors
def init(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None,
        metavar="[PATH]",
        help="Where to create the FAQ file. Default: the file --faq names, else your own "
        "FAQ (see faq where; never $FAQ_FILE's: with --force, that could be a team's FAQ).",
        show_default=False,
    ),
    empty: bool = typer.Option(False, "--empty", help="Start with no entries."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    language: str | None = typer.Option(
        None,
        "--language",
        metavar="CODE",
        help="A FAQ in another language (es, de, fr, it, pt, nl): its words are read in it. "
        "It starts empty (the sample entries are English).",
    ),
) -> None:
    """Create a FAQ file, starting from the bundled entries (or empty)."""
    options: Options = ctx.obj
    if path is None and options.faq is not None:
        path = Path(options.faq)  # named on the command line: not ignored
    try:
        code = None if language is None else store.read_language(language, "--language")
    except FaqError:
        from faqcli.engine.text import STEMMERS

        known = ", ".join(STEMMERS)
        raise UsageError(f"--language {language!r}: not one faq reads ({known})") from None
    _finish(operations.init(path, empty=empty or code is not None, force=force, language=code))


def _read_field(value: str | None, name: str) -> str:
    """A field from its option, from stdin for "-", or from a prompt on a terminal."""
    if value == "-":
        data = store.read_limited(sys.stdin.buffer, f"--{name} -", store.FIELD_MAX)
        try:
            value = data.decode("utf-8").strip("\n")
        except UnicodeDecodeError as exc:
            msg = f"--{name} -: standard input is not UTF-8 text (byte 0x{data[exc.start]:02x})"
            raise UsageError(msg) from None
    elif value is None:
        if not sys.stdin.isatty():
            raise UsageError(f"--{name} is required")
        value = _typed(f"{name.capitalize()}: ")
        if value is None:  # Ctrl-D
            typer.echo("nothing added", err=True)
            raise typer.Exit(int(ExitCode.NO_MATCH))
    if store.blank(value):
        raise UsageError(f"the {name} is empty")
    return _utf8(value, f"--{name}")


def _utf8(value: str, option: str) -> str:
    """Text for the FAQ, as typed: bytes that are not UTF-8 (lone surrogates to Python)
    are refused, since they could be neither stored nor printed."""
    bad = terminal.SURROGATE.search(value)
    if bad:
        code = ord(bad.group())
        byte = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
        raise UsageError(f"{option}: not UTF-8 text ({byte})")
    return value


@app.command(
    epilog=examples(
        "faq --faq support.json add --question 'How do I pay?' --answer 'By card.'",
        "faq add -q 'Refunds?' -a - --tag billing --alternate 'money back' < answer.md",
        "faq add -q 'How do I pay?' -a 'In cash.' --force   (a second entry, same question)",
    )
)
@handles_errors
def add(
    ctx: typer.Context,
    question: str | None = typer.Option(None, "--question", "-q", help="The question."),
    answer: str | None = typer.Option(
        None, "--answer", "-a", help="The answer (Markdown); - reads it from stdin."
    ),
    entry_id: str | None = typer.Option(
        None, "--id", help="The entry's id. Default: derived from the question."
    ),
    tags: list[str] = typer.Option([], "--tag", help="A tag (repeat for more)."),
    alternates: list[str] = typer.Option(
        [], "--alternate", help="Another phrasing of the question (repeat for more)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Add it even when an entry already asks the same question."
    ),
) -> None:
    """Add an entry to the FAQ file (atomic and locked: concurrent adds all land).

    A question an entry already asks (the same text but for case, accents, spacing and
    the punctuation around it) is refused, naming that entry (exit 2), unless --force.
    """
    result = operations.add(
        _source(ctx),
        _read_field(question, "question"),
        _read_field(answer, "answer"),
        entry_id=None if entry_id is None else _utf8(entry_id, "--id"),
        tags=[_utf8(t, "--tag") for t in tags],
        alternates=[_utf8(a, "--alternate") for a in alternates],
        force=force,
    )
    _finish(result)


@app.command(
    epilog=examples(
        "faq --faq support.json remove refund     (shows the question, asks y/N)",
        "faq remove refund --yes                  (in a script: no question asked)",
    )
)
@handles_errors
def remove(
    ctx: typer.Context,
    entry_ids: list[str] = typer.Argument(
        ...,
        metavar="ID...",
        help="The ids of the entries to remove (complete in the shell).",
        autocompletion=complete_ids,
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove entries: on a terminal, shows their questions and asks once first
    (declining exits 1); elsewhere --yes is required (exit 2 without it). An unknown id
    removes nothing."""
    if not yes and not sys.stdin.isatty():
        msg = "remove asks before deleting, and stdin is not a terminal"
        which = " ".join(shlex.quote(i) for i in entry_ids)
        raise UsageError(f"{msg}: pass --yes to remove {which} without asking")
    confirm = None if yes else _confirm_removal
    _finish(operations.remove(_source(ctx), entry_ids, confirm=confirm))


def _confirm_removal(entries: list[Entry]) -> bool:
    def line(entry: Entry) -> str:
        return f"{safe(entry.id)} ({safe(entry.question.replace(chr(10), ' '))})"

    if len(entries) == 1:
        return _confirm(f"Remove {line(entries[0])}?", default=False) is True
    listed = "".join(f"\n  {line(e)}" for e in entries)
    return _confirm(f"Remove these {len(entries)} entries?{listed}\n", default=False) is True


@app.command(
    epilog=examples(
        "faq --faq support.json edit refund     (in $EDITOR, on a terminal)",
        "faq edit refund --answer 'Within 30 days.' --add-alternate 'money back'",
        "faq edit refund --answer - < answer.md",
    )
)
@handles_errors
def edit(
    ctx: typer.Context,
    entry_id: str = typer.Argument(
        ...,
        metavar="ID",
        help="The id of the entry to edit (completes in the shell).",
        autocompletion=complete_ids,
    ),
    question: str | None = typer.Option(None, "--question", "-q", help="A new question."),
    answer: str | None = typer.Option(
        None, "--answer", "-a", help="A new answer; - reads it from stdin."
    ),
    add_alternates: list[str] = typer.Option(
        [], "--add-alternate", help="Add another phrasing (repeat for more)."
    ),
    tags: list[str] = typer.Option([], "--tag", help="Add a tag (repeat for more)."),
    remove_alternates: list[str] = typer.Option(
        [], "--remove-alternate", help="Drop a phrasing (repeat for more)."
    ),
    remove_tags: list[str] = typer.Option([], "--remove-tag", help="Drop a tag (repeat for more)."),
    new_id: str | None = typer.Option(None, "--id", help="Rename the entry: its new id."),
) -> None:
    """Change an entry: with options, those fields; without, the whole entry in $EDITOR
    ($VISUAL, else $EDITOR, else vi; only on a terminal: elsewhere, use the options).

    An edit that leaves the entry invalid is refused with the reason and the file is
    untouched; an edit in the editor that is refused is kept in a file (its path is in
    the message) and the next 'faq edit ID' offers to reopen it: answer n to start from
    the entry as it is. An edit that changes nothing says "no changes".
    """
    source = _source(ctx)
    fields = (add_alternates, tags, remove_alternates, remove_tags)
    if question is None and answer is None and new_id is None and not any(fields):
        from faqcli import editor

        session = editor.EditorSession(source.path, entry_id, _reopen_draft)
        _finish(operations.edit_in_editor(source, entry_id, session))
        return
    result = operations.edit(
        source,
        entry_id,
        question=None if question is None else _read_field(question, "question"),
        answer=None if answer is None else _read_field(answer, "answer"),
        add_alternates=[_utf8(a, "--add-alternate") for a in add_alternates],
        tags=[_utf8(t, "--tag") for t in tags],
        remove_alternates=[_utf8(a, "--remove-alternate") for a in remove_alternates],
        remove_tags=[_utf8(t, "--remove-tag") for t in remove_tags],
        new_id=None if new_id is None else _utf8(new_id, "--id"),
    )
    _finish(result)


def _reopen_draft(draft: Path) -> bool:
    """Ask whether to reopen a refused edit kept in ``draft``."""
    where = safe(str(draft))
    prompt = f"A refused edit of this entry is kept in {where}.\nReopen it"
    prompt += " (n: edit the entry as it is now)?"
    reopen = _confirm(prompt, default=True)
    if reopen is None:  # Ctrl-D: leave, changing nothing
        raise typer.Exit(int(ExitCode.NO_MATCH))
    return reopen


def _typed(text: str) -> str | None:
    """A line typed at the terminal after ``text``; None at Ctrl-D. Ctrl-D and Ctrl-C
    both end the line first, so that the shell's prompt starts on a line of its own
    (Ctrl-C then ends faq with exit 130)."""
    try:
        return input(text)
    except EOFError:
        print()
        return None
    except KeyboardInterrupt:
        print()
        raise


def _confirm(text: str, default: bool) -> bool | None:
    """Yes or no at the terminal, Enter for ``default``; None at Ctrl-D (see
    :func:`_typed`): a question not answered, which every caller takes as no."""
    choices = " [Y/n]: " if default else " [y/N]: "
    while (reply := _typed(text + choices)) is not None:
        reply = reply.strip().lower()
        if not reply:
            return default
        if reply in ("y", "yes", "n", "no"):
            return reply.startswith("y")
        print("Answer y or n.")
    return None


@app.command(epilog=examples("faq check", "faq --faq support.json check --json"))
@handles_errors
def check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Lint the FAQ: invalid data, short answers, and entries the matcher confuses.

    Each entry's question and alternates must find that entry first; when another entry
    wins, both ids and their relevance are reported. Exit 0 when clean, 1 with findings.
    """
    result = operations.check(
        _source(ctx), cache=ctx.obj.cache, progress=terminal.progress("Checking the FAQ")
    )
    _finish(result, as_json)


@app.command(
    name="import",
    epilog=examples(
        "faq --faq support.json import old-faq.csv",
        "faq import notes.md --format md --dry-run",
        "faq export -f csv > faq.csv; (edit faq.csv); faq import --update faq.csv",
        "curl -s https://example.com/faq.md | faq import -",
    ),
)
@handles_errors
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        metavar="FILE",
        help="The file to import entries from; - reads standard input.",
        readable=False,
    ),
    fmt: Format = typer.Option(Format.AUTO, "--format", "-f", help="The file's format."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would change only."),
    update: bool = typer.Option(
        False,
        "--update",
        help="Replace the entries the file holds a changed version of (same id; without "
        "an id, same question).",
    ),
    maps: list[str] = typer.Option(
        [],
        "--map",
        metavar="FIELD=COLUMN",
        help="CSV: read FIELD (question, answer, id, tags, alternates) from COLUMN; "
        "repeat --map answer=... to join several columns into the answer.",
    ),
    delimiter: str | None = typer.Option(
        None, "--delimiter", help="CSV: the delimiter (, ; or tab). Default: told from the header."
    ),
    prune: bool = typer.Option(
        False,
        "--prune",
        help="With --update: remove the entries the file no longer holds (by id, else by "
        "question); asks first on a terminal, needs --yes elsewhere (or --dry-run).",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="--prune without asking."),
    heading_level: int | None = typer.Option(
        None,
        "--heading-level",
        min=1,
        max=6,
        help="Markdown: the level of the question headings (3 for '### Question'). "
        "Default: told from the page.",
    ),
) -> None:
    """Merge entries from seed text, CSV, Markdown or FAQ JSON; duplicates are skipped
    (or, with --update, replace the entries they duplicate when they differ).

    Seed text: blocks of a line with only '-', the question line, then the answer. CSV: a
    header naming question,answer[,id,tags,alternates], or any columns named with --map
    (comma, semicolon or tab; HTML answers become Markdown). Markdown: question headings
    of one level with the answer below (higher headings: sections, kept as tags), 'Q:'
    and 'A:' lines, or bold questions. With FILE -, the format is told from the first
    line. A file in which no entry is found is an error (exit 3).
    """
    if str(file) == "-":
        data = store.read_limited(sys.stdin.buffer, "<stdin>", store.TEXT_MAX)
        text, name = store.decode_text(data, "<stdin>"), "<stdin>"
    else:
        text, name = store.read_text(file), str(file)
    reading = formats.Reading(
        tuple(_mapped(m) for m in maps), _delimiter_option(delimiter), heading_level
    )
    if prune and not update:
        raise UsageError("--prune removes what the file no longer holds: it needs --update")
    if prune and not (yes or dry_run) and not sys.stdin.isatty():
        raise UsageError("--prune asks before removing, and stdin is not a terminal: pass "
                         "--yes, or --dry-run to see what it would remove")  # fmt: skip
    if prune and str(file) == "-" and not (yes or dry_run):
        raise UsageError("--prune with FILE - cannot ask: pass --yes or --dry-run")
    confirm = None if yes else _confirm_removal
    result = operations.import_entries(
        _source(ctx), text, name, fmt, dry_run=dry_run, update=update, reading=reading,
        prune=prune, confirm=confirm,
    )  # fmt: skip
    _finish(result)


def _mapped(text: str) -> tuple[str, str]:
    """``--map answer=Body`` as ("answer", "Body")."""
    field, equals, column = text.partition("=")
    if not equals or field.strip() not in formats.MAPPED or not column.strip():
        fields = ", ".join(formats.MAPPED)
        raise UsageError(f"--map {text!r}: give FIELD=COLUMN, FIELD one of {fields}")
    return field.strip(), column


def _delimiter_option(value: str | None) -> str | None:
    if value is None:
        return None
    chosen = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "|": "|"}.get(value)
    if chosen is None:
        raise UsageError(f"--delimiter {value!r}: give , ; tab or |")
    return chosen


@app.command(
    epilog=examples("faq export --format csv > faq.csv", "faq --faq support.json export -f md")
)
@handles_errors
def export(
    ctx: typer.Context,
    fmt: Format = typer.Option(
        Format.JSON,
        "--format",
        "-f",
        help="json, csv, md or seed.",
        autocompletion=lambda: [f.value for f in Format if f is not Format.AUTO],
    ),
) -> None:
    """Write the whole FAQ to stdout in another format (faq import reads it back)."""
    _finish(operations.export(_source(ctx), fmt))


def _paragraphs_as_lines(typer_app: typer.Typer) -> None:
    """Give each command's help with every paragraph on one line, for Rich to wrap to
    the terminal: Typer keeps a docstring's line breaks, so on 80 columns a line of 84
    characters would leave its last word alone on a line of its own."""
    for info in typer_app.registered_commands:
        doc = info.help or (info.callback and info.callback.__doc__)
        if doc:
            paragraphs = inspect.cleandoc(doc).split("\n\n")
            info.help = "\n\n".join(" ".join(p.split()) for p in paragraphs)


_paragraphs_as_lines(app)


# faq --help: the commands in groups, as gh shows them, one short line each.
_GROUPS = {
    "Asking": {
        "ask": "Answer a question (none, on a terminal: a prompt).",
        "list": "List the entries: id, question, tags.",
        "show": "Print one entry in full.",
    },
    "Authoring": {
        "init": "Create your FAQ file: the sample entries, or --empty.",
        "add": "Add an entry.",
        "edit": "Change an entry (in $EDITOR, or by options).",
        "remove": "Remove entries.",
        "import": "Merge entries from CSV, Markdown, seed text or JSON.",
        "export": "Print the whole FAQ as JSON, CSV, Markdown or seed text.",
    },
    "Maintenance": {
        "check": "Find entries the matcher confuses, duplicates, bad data.",
        "eval": "Measure answers on labelled questions; tune the threshold.",
        "misses": "The questions faq could not answer, grouped.",
        "review": "Turn logged questions into alternates or entries.",
        "index": "Build the index of a large FAQ now.",
        "where": "Which FAQ file is in use, and why.",
        "help": "Help on faq or on one command.",
    },
}


def _grouped(typer_app: typer.Typer) -> None:
    """Put each command in its group with its short line, in the order of ``_GROUPS``
    (Typer shows the groups in the order their first command was registered)."""
    order = [name for commands in _GROUPS.values() for name in commands]

    def name(info: typer.models.CommandInfo) -> str:
        return info.name or (info.callback.__name__.rstrip("_") if info.callback else "")

    for info in typer_app.registered_commands:
        for group, commands in _GROUPS.items():
            if name(info) in commands:
                info.rich_help_panel, info.short_help = group, commands[name(info)]
    typer_app.registered_commands.sort(key=lambda info: order.index(name(info)))


@app.command(name="help", epilog=examples("faq help", "faq help ask"))
def help_(
    ctx: typer.Context,
    command: list[str] | None = typer.Argument(
        None, metavar="[COMMAND]", help="The command to explain.", show_default=False
    ),
) -> None:
    """Show the help of faq, or of COMMAND (as faq COMMAND --help does)."""
    root = ctx.find_root()
    group = root.command
    if not command:
        typer.echo(group.get_help(root))
        return
    found = group.get_command(root, command[0]) if isinstance(group, click.Group) else None
    if found is None or len(command) > 1:
        raise click.UsageError(f"No such command: {' '.join(command)!r}", ctx)
    with found.make_context(command[0], ["--help"], parent=root, resilient_parsing=True) as sub:
        typer.echo(found.get_help(sub))


_grouped(app)


def main() -> None:
    """Console-script entry point (through ``faqcli.launch``): usage errors become one
    line on stderr, exit 2; output that cannot be written, one line and exit 3."""
    terminal.standard_streams()
    terminal.terminal_size()
    code = terminal.flushed(_run())
    parallel = sys.modules.get("faqcli.parallel")
    if parallel is not None and parallel.reader_left_running():
        # The thread reading 'faq ask -' questions ahead is blocked on stdin (after a
        # Ctrl-C, or an output that failed): Python's shutdown would wait for stdin's
        # lock and abort (SIGABRT). Everything is written; nothing is left to clean up.
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _color_first(args: list[str]) -> list[str]:
    """``args`` with a ``--color WHEN`` given after the command moved before it, where
    faq's own options go: ``faq ask x --color always`` as ripgrep takes it. Words after
    ``--`` are the question's, left alone."""
    out: list[str] = []
    moved: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            out.extend([arg, *rest])
            break
        if arg == "--color":
            moved.extend([arg, next(rest, "")])
        elif arg.startswith("--color="):
            moved.append(arg)
        else:
            out.append(arg)
    return moved + out


PLAIN_HELP_BELOW = 60  # columns: narrower, help is click's plain text, not Rich's tables


def _worded(message: str) -> str:
    """click's message in faq's words: sentences that end ("No such option: --plain.
    Did you mean --explain?"), and a number that is not one called so, not an "integer
    range"."""
    message = re.sub(r"^(No such option: \S+) (Did you mean)", r"\1. \2", message)
    message = message.replace("is not a valid integer range", "is not a whole number")
    return message.replace("is not a valid float range", "is not a number")


def _run() -> int:
    """Run the command line; its exit code, whatever it raises."""
    try:
        if terminal.columns() < PLAIN_HELP_BELOW:
            # Rich's tables would cut option names: click's plain help instead. Typer
            # escapes "[x>=1]" for Rich whenever Rich is installed, so it is told not.
            app.rich_markup_mode = None
            typer.core.HAS_RICH = False
        command = typer.main.get_command(app)
        _bash_completion()  # after Typer's own, registered as the command is built
        code = command.main(_color_first(sys.argv[1:]), standalone_mode=False, prog_name="faq")
        sys.stdout.flush()
    except click.exceptions.NoArgsIsHelpError as err:
        typer.echo(err.format_message(), err=True)  # bare `faq`: the help, as Typer does
        return int(ExitCode.USAGE)
    except click.ClickException as err:
        where = getattr(err, "ctx", None)
        hint = f" (see '{where.command_path if where is not None else 'faq'} --help')"
        typer.echo(f"faq: {safe(_worded(err.format_message()))}{hint}", err=True)
        return err.exit_code
    except (KeyboardInterrupt, click.Abort):
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return _reader_gone().exit_code
    except OSError as err:  # writing the output failed (faq list > /dev/full)
        return terminal.output_failed(err)
    return code if isinstance(code, int) else int(ExitCode.OK)
