"""The process's side of the command line, shared by the full command line
(``faqcli.cli``) and the fast path for a plain question (``faqcli.fast``): standard
streams faq can always write, the terminal's size within bounds, which renderer draws
the results, the question as it reached faq, and how a write that failed ends.

No Typer, no click, no Rich here (Rich is imported only when a terminal is drawn on):
``faq ask`` answers through this module before any of them is loaded.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any

from faqcli.errors import ExitCode
from faqcli.render import JsonRenderer, PlainRenderer, safe

if TYPE_CHECKING:
    from collections.abc import Callable

    from faqcli.index import BuildReport
    from faqcli.render import Renderer

RICH_MIN_WIDTH = 20  # columns: narrower, a panel has no room for its text


COLORS = ("auto", "always", "never")
color = "auto"  # faq --color: set by the command line before anything is rendered


def color_choice() -> str:
    """``--color`` when given; else "always" when FORCE_COLOR or CLICOLOR_FORCE asks
    for colour and NO_COLOR does not forbid it; else "auto"."""
    if color != "auto":
        return color
    env = os.environ
    forced = env.get("FORCE_COLOR", "") != "" or env.get("CLICOLOR_FORCE", "0") not in ("", "0")
    return "always" if forced and env.get("NO_COLOR", "") == "" else "auto"


def renderer(as_json: bool = False) -> Renderer:
    """JSON when asked; Rich on a terminal (or anywhere with ``--color always``, for
    ``less -R`` and previews), plain text otherwise, and on a terminal too narrow for
    panels and tables, where Rich drew their frames with the text left out. Rich
    honours NO_COLOR by itself under "auto"; "never" draws without any style."""
    if as_json:
        return JsonRenderer(sys.stdout, sys.stderr)
    choice = color_choice()
    if sys.stdout.isatty() or choice == "always":
        from rich.console import Console

        from faqcli.render import RichRenderer

        if choice == "always":
            console = Console(force_terminal=True, no_color=False)
        elif choice == "never":
            console = Console(color_system=None)
        else:
            console = Console()
        if console.width >= RICH_MIN_WIDTH:
            return RichRenderer(console, sys.stderr)
    return PlainRenderer(sys.stdout, sys.stderr)


def progress(label: str = "Indexing the FAQ") -> Callable[[int], BuildReport] | None:
    """A progress bar on stderr for long index builds and checks, on a terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    from faqcli.render import BuildProgress

    return BuildProgress(Console(stderr=True), label)


SURROGATE = re.compile("[\ud800-\udfff]")  # bytes that were not UTF-8, to Python


def query_text(text: str) -> str:
    """A question as it reached faq, with bytes that were not UTF-8 (which Python hands
    over as lone surrogates) shown as U+FFFD: the rest of the question still counts."""
    return SURROGATE.sub("\ufffd", text)


def standard_streams() -> None:
    """Standard streams faq can always write: a stream the caller closed (faq ask - <&-)
    is None to Python, and is read or written as /dev/null; text that the output's
    encoding cannot hold (PYTHONIOENCODING=ascii) is written as ?; and a message that
    stderr cannot take (2>/dev/full) is lost without changing the exit code."""
    import codecs

    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        if codecs.lookup(encoding).name != "utf-8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if not isinstance(sys.stderr, _Unfailing):
        sys.stderr = _Unfailing(sys.stderr)


class _Unfailing:
    """A stream whose writes never fail: once one does, the rest go to /dev/null."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self.stream.write(text))
        except OSError:
            silence(self.stream)
            return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError:
            silence(self.stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def silence(stream: Any) -> None:
    """Send what is still to be written to ``stream`` to /dev/null: it failed once, and
    would fail again when Python flushes it at exit."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # not a real file: nothing at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def reader_gone() -> int:
    """The reader of stdout went away (faq list | head): stop quietly, as grep does."""
    silence(sys.stdout)
    return int(ExitCode.OK)


def output_failed(err: OSError) -> int:
    """Writing the output failed (a full disk): one line on stderr, exit 3. An error
    with a file name is about that file (faq's own files are otherwise named in a
    FaqError: this is the last word for one that slipped through)."""
    silence(sys.stdout)
    what = err.strerror or str(err)
    if err.filename is not None:
        sys.stderr.write(f"faq: {safe(str(err.filename))}: {what}\n")
    else:
        sys.stderr.write(f"faq: cannot write the output: {what}\n")
    return int(ExitCode.DATA)


def flushed(code: int) -> int:
    """``code``, once what is still buffered for stdout is written: here, where a failed
    write is caught, not at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return reader_gone()
    except OSError as err:
        return output_failed(err)
    return code


# A terminal wider or taller than this is taken for this size: Rich draws a line as wide
# as the terminal, so COLUMNS=10000000000 made it build lines of 10^10 characters.
MAX_COLUMNS = 1000


def columns() -> int:
    """The width help is drawn at: COLUMNS (once :func:`terminal_size` has checked it),
    else standard output's terminal, else 80."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def terminal_size() -> None:
    """COLUMNS and LINES, as Rich and click read them, within 1 to ``MAX_COLUMNS``; a
    value that is no whole number (COLUMNS=abc, ²) is dropped: faq asks the terminal."""
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name)
        if value is None:
            continue
        digits = value.lstrip("0")  # int() refuses a number of over 4,300 digits
        if not (value.isascii() and value.isdigit()) or not digits:
            del os.environ[name]
        elif len(digits) > len(str(MAX_COLUMNS)) or int(digits) > MAX_COLUMNS:
            os.environ[name] = str(MAX_COLUMNS)
