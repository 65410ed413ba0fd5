"""The one error type of faq, and the exit codes it carries."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, like grep's: documented in the README."""

    OK = 0  # answered / found / clean
    NO_MATCH = 1  # no confident answer, id not found, eval below --fail-under, check findings
    USAGE = 2  # bad command line: empty question, --top 0, unknown option
    DATA = 3  # bad FAQ data or a FAQ file that cannot be read or written


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
