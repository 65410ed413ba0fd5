"""Why an entry is the answer and what its score is made of (``faq ask --explain``)."""

from __future__ import annotations

from typing import NamedTuple

from faqcli.engine.analysis import Index
from faqcli.engine.confidence import contributions, weights_for
from faqcli.engine.meaning import QueryWords, question_words
from faqcli.engine.rank import Assessment, Match, assess, scored
from faqcli.engine.text import stem, words
from faqcli.model import Entry

# What each piece of evidence is called when faq explains a score, in the order shown.
EVIDENCE_LABELS = {
    "meaning": "closeness in meaning",
    "letters": "letters in common with the question",
    "lead": "lead over the next entry in words",
    "twin": "closeness of the entry's nearest twin",
    "words": "share of words matched",
    "topic": "closeness to what the FAQ is about",
}


class WordMatch(NamedTuple):
    """One query word and what it stands for in the answer that was chosen."""

    word: str  # as normalised from the query
    found: str | None  # the entry's word it matched (stem, typo or joined word), if any
    how: str | None  # "same" (the very word), "stem", "typo" or "joined"; None: no match
    similarity: float  # 1.0, or the edit-distance similarity of a typo correction
    where: str | None  # "question" (or an alternate), "answer", or None
    in_faq: bool  # whether any entry of the FAQ uses it (or a correction of it)


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
    words: list[WordMatch]
    parts: list[Part]
    bias: float
    runner_up: Match | None  # the next entry, with its score

    @property
    def log_odds(self) -> float:
        return self.bias + sum(p.part for p in self.parts)

    @property
    def unexplained(self) -> list[str]:
        """The query's words that no entry of the FAQ uses (nor a correction of them)."""
        return [w.word for w in self.words if not w.in_faq]


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
    return Explanation(
        matches[0].entry,
        matches[0].score,
        word_matches(index, index.query_words(query), found.top),
        [
            Part(name, label, value, getattr(weights, name), parts[name])
            for name, label in EVIDENCE_LABELS.items()
            if (value := getattr(found.evidence, name)) is not None
        ],
        parts["bias"],
        matches[1] if len(matches) > 1 else None,
    )


def word_matches(index: Index, query_words: QueryWords, doc: int) -> list[WordMatch]:
    """Each query word and the best word of entry ``doc`` it matched: in the question
    before the answer, then the closer spelling."""
    feats = index.features(doc)
    entry = index.entry(doc)
    surface: dict[str, str] = {}
    for word in [*question_words(entry), *words(entry.answer)]:
        surface.setdefault(stem(word), word)
    found = []
    for word, group in query_words.items():
        in_faq = any(index.df(term) for term in group)
        best: WordMatch | None = None
        for term, similarity in group.items():
            if term not in feats:
                continue
            entry_word = surface.get(term, term)
            if term == stem(word):
                how = "same" if entry_word == word else "stem"
            else:
                how = "typo" if similarity < 1.0 else "joined"
            where = "question" if feats[term].in_question else "answer"
            candidate = WordMatch(word, entry_word, how, similarity, where, in_faq)
            if best is None or _better(candidate, best):
                best = candidate
        found.append(best or WordMatch(word, None, None, 0.0, None, in_faq))
    return found


def _better(a: WordMatch, b: WordMatch) -> bool:
    return (a.where == "question", a.similarity) > (b.where == "question", b.similarity)
