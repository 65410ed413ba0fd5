"""Why an entry is the answer and what its score is made of (``faq ask --explain``)."""

from __future__ import annotations

from typing import NamedTuple

from faqcli.engine.analysis import Index
from faqcli.engine.confidence import contributions, weights_for
from faqcli.engine.coverage import LeftOut, WordCoverage, coverage, left_out
from faqcli.engine.rank import Assessment, Match, assess, scored
from faqcli.model import Entry

# What each piece of evidence is called when faq explains a score, in the order shown.
EVIDENCE_LABELS = {
    "meaning": "closeness in meaning",
    "letters": "letters in common with the question",
    "lead": "lead over the next entry in words",
    "twin": "closeness of the entry's nearest twin",
    "words": "share of words matched",
    "topic": "closeness to what the FAQ is about",
    "unexplained": "a word nothing in the FAQ explains",
    "explained": "share of the question explained",
    "passage": "question covered by one answer sentence",
    "missing": "the entry's word not asked about",
}


class Part(NamedTuple):
    """A piece of evidence, its weight and its part in the log-odds of the score."""

    name: str
    label: str
    value: float
    weight: float
    part: float


class Explanation(NamedTuple):
    """Why an entry is the answer and why its score is what it is."""

    entry: Entry
    score: float
    words: list[WordCoverage]  # each query word, its weight and what explains it
    parts: list[Part]
    bias: float
    runner_up: Match | None  # the next entry, with its score
    left_out: LeftOut | None  # the entry's word the query asks least about
    shift: float = 0.0  # what faq learnt of this FAQ from its own questions (log-odds)
    learned_from: int = 0  # from how many of them

    @property
    def log_odds(self) -> float:
        return self.bias + sum(p.part for p in self.parts) + self.shift

    @property
    def unexplained(self) -> list[str]:
        """The query's words that no entry of the FAQ uses (nor a correction of them)."""
        return [w.word for w in self.words if not w.in_faq]

    @property
    def against(self) -> list[WordCoverage]:
        """The query's words no entry uses that this one leaves unexplained, the one
        left most unexplained first: what the evidence "unexplained" weighs."""
        return sorted((w for w in self.words if not w.in_faq and w.against > 0),
                      key=lambda w: -w.against)  # fmt: skip


def explain(index: Index, query: str, found: Assessment | None = None) -> Explanation | None:
    """Why the best entry for ``query`` is the best, and what its score is made of;
    None when nothing is ranked. ``found``: the query's assessment, when the caller
    has made it already (it is the same however many entries it ranks beyond two)."""
    if found is None:
        found = assess(index, query, 2)
    if found is None:
        return None
    matches = scored(found, index.settings)
    parts = contributions(found.evidence, index.settings)
    weights = weights_for(found.evidence, index.settings)
    query_words = index.query_words(query)
    return Explanation(
        matches[0].entry,
        matches[0].score,
        coverage(index, query_words, found.top),
        [
            Part(name, label, value, getattr(weights, name), parts[name])
            for name, label in EVIDENCE_LABELS.items()
            if (value := getattr(found.evidence, name)) is not None
        ],
        parts["bias"],
        matches[1] if len(matches) > 1 else None,
        left_out(index, query_words, found.top),
        found.shift,
        index.learned_from,
    )
