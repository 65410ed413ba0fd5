"""The fast path: a plain question, answered without building the command line.

``faq ask WORDS`` is what people type most, and Typer, click and building the command
with its thirty options cost more than answering. ``faqcli.launch`` hands the
arguments here first; a command line made only of::

    faq [--faq PATH] [--no-cache] ask WORD... [--top N | -n N] [--json]
        [--threshold T | -t T]

(options before, between or after the words, ``--option=value`` too) is answered here,
through the same operation, renderer and error handling as the full command line,
with the same output and exit code. Anything else (another command, another option, a
word starting with -, no question, a value the full command line would refuse or read
differently, FAQ_LOG_MISSES or FAQ_LOG_ANSWERS set, shell completion) is left to
``faqcli.cli``, untouched: :func:`parse` says None.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator

# Environment variables the full command line reads as options of ``faq ask``, and the
# one that asks it for shell completions: with any of them set, it answers.
_ENVIRONMENT = ("FAQ_LOG_MISSES", "FAQ_LOG_ANSWERS", "_FAQ_COMPLETE")

_WHOLE = re.compile(r"[0-9]{1,9}")
_DECIMAL = re.compile(r"(?:[0-9]{1,3}(?:\.[0-9]*)?|\.[0-9]+)")


class Question(NamedTuple):
    """A plain ``faq ask``, parsed."""

    words: list[str]
    faq: Path | None
    cache: bool
    top: int | None
    threshold: float | None
    as_json: bool


def parse(argv: list[str]) -> Question | None:
    """``argv`` (without the program's name) as a plain question; None when it is
    anything else, or anything the full command line could read otherwise."""
    if any(os.environ.get(name) for name in _ENVIRONMENT):  # set, and not empty
        return None
    faq: Path | None = None
    cache = True
    rest = iter(argv)
    for arg in rest:
        if arg == "ask":
            break
        name, value = _option(arg, rest)
        if name == "--faq" and faq is None and value and not value.startswith("-"):
            faq = Path(value)
        elif name == "--no-cache" and value is None:
            cache = False
        else:
            return None
    else:
        return None  # no ask
    words: list[str] = []
    top: int | None = None
    threshold: float | None = None
    as_json = False
    for arg in rest:
        if not arg.startswith("-"):
            words.append(arg)
            continue
        name, value = _option(arg, rest)
        if name in ("--top", "-n") and value is not None and _WHOLE.fullmatch(value):
            top = int(value)
            if top < 1:
                return None
        elif name in ("--threshold", "-t") and value is not None and _DECIMAL.fullmatch(value):
            threshold = float(value)
            if threshold > 100:
                return None
        elif name == "--json" and value is None:
            as_json = True
        else:
            return None  # -, --, --explain, --help, a negative number, a typo...
    if not any(c.isalnum() for word in words for c in word):
        return None  # the full command line says what is missing ("", "?")
    return Question(words, faq, cache, top, threshold, as_json)


# The options that take a value; the others are flags.
_VALUED = ("--faq", "--top", "-n", "--threshold", "-t")


def _option(arg: str, rest: Iterator[str]) -> tuple[str | None, str | None]:
    """An option and its value (``--top 3``, ``--top=3``), the value taken from ``rest``
    for an option that has one; (None, None) for what is no option faq answers here."""
    name, equals, value = arg.partition("=")
    if not arg.startswith("-") or (equals and not name.startswith("--")):
        return None, None
    if name not in _VALUED:
        return (name, None) if not equals else (None, None)
    if equals:
        return name, value
    return name, next(rest, None)


def answer(question: Question) -> int:
    """Answer ``question`` as the full command line would; its exit code."""
    from faqcli import operations, store, terminal
    from faqcli.errors import ExitCode, FaqError
    from faqcli.render import safe

    try:
        index = operations.open_index(
            store.resolve(question.faq), cache=question.cache, progress=terminal.progress()
        )
        found = operations.ask(
            index,
            terminal.query_text(" ".join(question.words)),
            top=question.top or (3 if question.as_json else 1),
            threshold=question.threshold,
        )
        terminal.renderer(question.as_json).render(found)
        code = int(found.exit_code)
    except FaqError as err:
        sys.stderr.write(f"faq: {safe(err.message)}\n")
        code = int(err.exit_code)
    except KeyboardInterrupt:
        code = int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        code = terminal.reader_gone()
    except OSError as err:
        code = terminal.output_failed(err)
    return terminal.flushed(code)


def main(argv: list[str]) -> int | None:
    """Answer ``argv`` if it is a plain question (its exit code); None if it is not, for
    the full command line to run."""
    question = parse(argv)
    if question is None:
        return None
    from faqcli import terminal

    terminal.standard_streams()
    terminal.terminal_size()
    return answer(question)
