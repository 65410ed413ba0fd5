"""The one error type of faq, and the exit codes it carries."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes, like grep's: documented in the README."""

    OK = 0  # answered / found / clean
    NO_MATCH = 1  # no confident answer, id not found, eval below --fail-under, check findings,
    # a prompt declined or left with Ctrl-D
    USAGE = 2  # bad command line: empty question, --top 0, unknown option
    DATA = 3  # bad FAQ data or a FAQ file that cannot be read or written
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class FaqError(Exception):
    """An error meant for the user: one line of text and an exit code."""

    exit_code: ExitCode = ExitCode.DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FaqDataError(FaqError):
    """The FAQ file is missing, unreadable or invalid (names file and place)."""

    exit_code = ExitCode.DATA


class UsageError(FaqError):
    """The command line asks for something impossible."""

    exit_code = ExitCode.USAGE


class NotFoundError(FaqError):
    """An id or entry asked for does not exist."""

    exit_code = ExitCode.NO_MATCH


def io_error(path: Path | str, exc: OSError, doing: str = "read") -> FaqDataError:
    """The one wording of a file that cannot be read or written: ``PATH: problem``."""
    if isinstance(exc, FileNotFoundError) and doing == "read":
        problem = "no such file"
    elif isinstance(exc, IsADirectoryError):
        problem = "is a directory, not a FAQ file"
    elif isinstance(exc, PermissionError):
        problem = "permission denied"
    else:
        problem = f"cannot {doing}: {exc.strerror or exc}"
    return FaqDataError(f"{path}: {problem}")
