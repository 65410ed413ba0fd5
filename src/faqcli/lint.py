"""``faq check``: findings about a valid FAQ that will still answer badly. Pure: it
reads the entries and ranks with the index it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from faqcli.engine import Index, order, words
from faqcli.engine.coverage import coverage, explained
from faqcli.model import Entry

# An answer of fewer words than this is suspicious: "Yes." answers nothing on its own.
MIN_ANSWER_WORDS = 3
# A phrasing is ranked this deep: enough to say where its own entry came, when it did
# not come first, at the cost of one ranking per phrasing (so a check is near-linear).
DEPTH = 10
# Every entry's question is ranked, so the features and letters of every entry are
# met again and again: a FAQ up to this size keeps them all while it is checked.
KEEP_ALL = 20_000
# Two entries are near-duplicates when, asked either's question, the other comes next
# at least this relevant, and each explains this share of the other's question or more
# (the words that say what it is about, or words close in meaning: "How do I pay my
# invoice?" and "How can I pay an invoice?", not "When is the office open?" and
# "Where is the office?", which differ by "open"). One would take the other's askers.
NEAR_RELEVANCE = 0.6
NEAR_SHARE = 0.9


class Finding(NamedTuple):
    kind: str  # "invalid", "short-answer", "clash" or "near-duplicate"
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
    runner_up: dict[str, tuple[Entry, Entry, float]] = {}  # id -> (entry, next, relevance)
    locate: Callable[[str], int | None] | None = getattr(index, "find", None)
    if locate is None:  # an index in memory: its entries are at hand
        locate = {index.entry(d).id: d for d in range(index.size)}.get
    try:
        for done, entry in enumerate(entries, start=1):
            findings += _findings(entry, index, runner_up)
            if report and done % 50 == 0:
                report.analysed(done)
        for entry, other, relevance in runner_up.values():
            back = runner_up.get(other.id)
            if (
                entry.id < other.id
                and back is not None
                and back[1].id == entry.id
                and _near(index, locate, entry, other, min(relevance, back[2]))
            ):
                findings.append(_near_duplicate(entry, other, min(relevance, back[2])))
    finally:
        if report:
            report.finished()
    return findings


def _findings(
    entry: Entry, index: Index, runner_up: dict[str, tuple[Entry, Entry, float]]
) -> list[Finding]:
    """The entry's own findings; the entry that comes next for its question is put in
    ``runner_up`` (near-duplicates are pairs, found once every question is ranked)."""
    found = []
    count = len(words(entry.answer))
    if count < MIN_ANSWER_WORDS:
        found.append(Finding("short-answer", entry.id, f"the answer has {count} word(s)"))
    for number, phrase in enumerate((entry.question, *entry.alternates)):
        ranked = order(index, phrase, DEPTH)
        if not ranked:
            continue
        if ranked[0][0].id == entry.id:
            if number == 0 and len(ranked) > 1:
                runner_up[entry.id] = (entry, *ranked[1])
            continue
        winner = ranked[0][0].id
        own = next((f"{rel:.2f}" for e, rel in ranked if e.id == entry.id), None)
        versus = f"{entry.id} {own}" if own else f"{entry.id} not in the first {DEPTH}"
        message = f"{phrase!r} finds {winner} first (relevance {winner} 1.00 vs {versus})"
        found.append(Finding("clash", entry.id, message))
    return found


def _near(
    index: Index, locate: Callable[[str], int | None], entry: Entry, other: Entry, relevance: float
) -> bool:
    """Whether ``entry`` and ``other`` (next when ``entry``'s question is asked, at
    ``relevance``) ask the same question (see NEAR_SHARE)."""
    if relevance < NEAR_RELEVANCE:
        return False
    for asked, by in ((entry, other), (other, entry)):
        doc = locate(by.id)
        if doc is None:
            return False
        covered = coverage(index, index.query_words(asked.question), doc)
        if not any(w.weight for w in covered) or explained(covered) < NEAR_SHARE:
            return False
    return True


def _near_duplicate(entry: Entry, other: Entry, relevance: float) -> Finding:
    message = (
        f"{entry.question!r} and {other.id} {other.question!r} ask the same thing "
        f"(each comes next for the other's question, relevance {relevance:.2f}): one takes "
        f"the other's askers; merge them (one entry, the other's question as an alternate) "
        f"or reword one"
    )
    return Finding("near-duplicate", entry.id, message)
