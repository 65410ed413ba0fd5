"""``faq check``: findings about a valid FAQ that will still answer badly. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from faqcli.engine import MemoryIndex, rank, words
from faqcli.model import Entry

# An answer of fewer words than this is suspicious: "Yes." answers nothing on its own.
MIN_ANSWER_WORDS = 3


class Finding(NamedTuple):
    kind: str  # "short-answer" or "clash"
    id: str | None
    message: str


def lint(entries: Sequence[Entry]) -> list[Finding]:
    """Short answers, and phrasings (a question or alternate) that find another entry first."""
    findings = []
    for e in entries:
        count = len(words(e.answer))
        if count < MIN_ANSWER_WORDS:
            findings.append(Finding("short-answer", e.id, f"the answer has {count} word(s)"))
    index = MemoryIndex(entries)
    for e in entries:
        for phrase in (e.question, *e.alternates):
            matches = rank(index, phrase, limit=len(entries))
            if not matches or matches[0].entry.id == e.id:
                continue
            own = next((m.score for m in matches if m.entry.id == e.id), 0.0)
            winner = matches[0]
            findings.append(
                Finding(
                    "clash",
                    e.id,
                    f"{phrase!r} finds {winner.entry.id} first "
                    f"({winner.entry.id} {winner.score:g} vs {e.id} {own:g})",
                )
            )
    return findings
