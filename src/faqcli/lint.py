"""``faq check``: findings about a valid FAQ that will still answer badly. Pure: it
reads the entries and ranks with the index it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from faqcli.engine import Index, order, words
from faqcli.model import Entry

# An answer of fewer words than this is suspicious: "Yes." answers nothing on its own.
MIN_ANSWER_WORDS = 3
# A phrasing is ranked this deep: enough to say where its own entry came, when it did
# not come first, at the cost of one ranking per phrasing (so a check is near-linear).
DEPTH = 10
# Every entry's question is ranked, so the features and letters of every entry are
# met again and again: a FAQ up to this size keeps them all while it is checked.
KEEP_ALL = 20_000


class Finding(NamedTuple):
    kind: str  # "invalid", "short-answer" or "clash"
    id: str | None
    message: str


class Progress(Protocol):
    """How far a check is (a progress bar on a terminal)."""

    def analysed(self, done: int) -> None: ...
    def finished(self) -> None: ...


def lint(
    entries: Iterable[Entry],
    index: Index,
    progress: Callable[[int], Progress] | None = None,
) -> list[Finding]:
    """Short answers, and phrasings (a question or alternate) that find another entry
    first, each ranked against ``index`` (which holds ``entries``)."""
    report = progress(index.size) if progress else None
    index.cache_size = max(index.cache_size, min(index.size, KEEP_ALL))
    findings = []
    try:
        for done, entry in enumerate(entries, start=1):
            findings += _findings(entry, index)
            if report and done % 50 == 0:
                report.analysed(done)
    finally:
        if report:
            report.finished()
    return findings


def _findings(entry: Entry, index: Index) -> list[Finding]:
    found = []
    count = len(words(entry.answer))
    if count < MIN_ANSWER_WORDS:
        found.append(Finding("short-answer", entry.id, f"the answer has {count} word(s)"))
    for phrase in (entry.question, *entry.alternates):
        ranked = order(index, phrase, DEPTH)
        if not ranked or ranked[0][0].id == entry.id:
            continue
        winner = ranked[0][0].id
        own = next((f"{rel:.2f}" for e, rel in ranked if e.id == entry.id), None)
        versus = f"{entry.id} {own}" if own else f"{entry.id} not in the first {DEPTH}"
        message = f"{phrase!r} finds {winner} first (relevance {winner} 1.00 vs {versus})"
        found.append(Finding("clash", entry.id, message))
    return found
