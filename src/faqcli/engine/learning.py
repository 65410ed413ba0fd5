"""What faq learns from a FAQ's own labelled questions: its score for this FAQ.

The weights of the score are fitted once, across seven benchmark FAQs; they cannot know
how hard a new FAQ is. A FAQ can say so itself: each alternate of an entry is a
question people asked that the author says the entry answers, and each negative
(``Faq.negatives``: marked in ``faq review``) a question the author says an entry, or no
entry, does not answer. Ranked against the FAQ without itself (:class:`Revised`: the
entry minus that alternate), each is a labelled question of this very FAQ, and the
evidence the engine finds for its top entry says how often, on this FAQ, that evidence
meant the right answer. :func:`shift` turns those outcomes into one number: how much
to add to the log-odds of every score on this FAQ, zero until there are questions to
learn from and growing with their number (a prior worth :data:`PRIOR` questions holds it
at the fitted mapping's).

Learning ranks at most :data:`LEARNED` of the FAQ's labelled questions (spread evenly
over them): a few hundred already fix one number, and the cost stays bounded on a FAQ
of a million entries. The shift is computed when a FAQ is indexed and kept with the
index (``faqcli.index``), so that asking costs nothing more.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from faqcli.engine.analysis import NO_POSTINGS, Features, Index, Postings, entry_features
from faqcli.engine.confidence import Evidence, contributions
from faqcli.engine.rank import assess
from faqcli.engine.text import stem, words
from faqcli.model import Entry, Negative
from faqcli.vectors import Vector

LEARNED = 200  # labelled questions ranked at most
PRIOR = 5.0  # the fitted mapping weighs as much as this many labelled questions
MOST = 2.0  # the shift is kept within +-this (log-odds): a FAQ can say little more


class Outcome(NamedTuple):
    """A labelled question of the FAQ, ranked: the log-odds of its score without any
    shift, and whether its top entry is the right one."""

    question: str
    log_odds: float
    right: bool


class Learned(NamedTuple):
    """What faq learnt of a FAQ: the shift of its log-odds and from how many questions."""

    shift: float
    questions: int


NOTHING = Learned(0.0, 0)


def learn(index: Index, negatives: Sequence[Negative] = ()) -> Learned:
    """The shift for ``index``'s FAQ, from its alternates and ``negatives``."""
    found = list(outcomes(index, negatives))
    return Learned(shift(found), len(found)) if found else NOTHING


def outcomes(index: Index, negatives: Sequence[Negative] = ()) -> Iterator[Outcome]:
    """Each labelled question (at most :data:`LEARNED`), ranked: an alternate against
    the FAQ without it, a negative against the FAQ as it is."""
    labelled = [("alternate", doc, i) for doc, i in _alternates(index)]
    labelled += [("negative", n, 0) for n in range(len(negatives))]
    step = max(1, math.ceil(len(labelled) / LEARNED))
    for kind, where, i in labelled[::step]:
        if kind == "alternate":
            entry = index.entry(where)
            question = entry.alternates[i]
            without = entry.replace(alternates=entry.alternates[:i] + entry.alternates[i + 1 :])
            found = assess(Revised(index, where, without), question, 2)
            if found is not None:
                right = index.entry(found.top).id == entry.id
                yield Outcome(question, _log_odds(found.evidence, index), right)
        else:
            negative = negatives[where]
            found = assess(index, negative.question, 2)
            if found is not None:
                top = index.entry(found.top).id
                # An off-topic question is never answered right; one marked wrong for an
                # entry is answered right only by another entry.
                right = negative.entry is not None and top != negative.entry
                yield Outcome(negative.question, _log_odds(found.evidence, index), right)


def _log_odds(evidence: Evidence, index: Index) -> float:
    return sum(contributions(evidence, index.settings).values())  # before any shift


def _alternates(index: Index) -> Iterator[tuple[int, int]]:
    for doc in range(index.size):
        for i in range(len(index.entry(doc).alternates)):
            yield doc, i


def shift(found: Sequence[Outcome], prior: float = PRIOR) -> float:
    """The shift of the log-odds that best fits ``found`` (maximum likelihood), pulled
    towards 0 by a prior worth ``prior`` questions, within +-:data:`MOST`."""
    if not found:
        return 0.0
    b = 0.0
    for _ in range(50):  # Newton's method on a smooth, convex function of one number
        gradient, curvature = prior * b * 0.5, prior * 0.5
        for o in found:
            p = 1.0 / (1.0 + math.exp(-(o.log_odds + b)))
            gradient += p - o.right
            curvature += p * (1.0 - p)
        step = gradient / curvature
        b = min(max(b - step, -MOST), MOST)
        if abs(step) < 1e-6:
            break
    return round(b, 3)


def _words_of(entry: Entry) -> set[str]:
    return {w for p in (entry.question, *entry.alternates, entry.answer) for w in words(p)}


class Revised(Index):
    """An index with entry ``doc`` replaced by ``entry`` (an alternate taken out, or
    one added), read through the index it revises: only what that entry changes is
    computed anew: its features, its letters and meaning, the document frequencies of
    the terms it gains or loses and the words it no longer has. The rest (the average
    lengths, the vocabulary for typos, the topic) stays the FAQ's."""

    def __init__(self, base: Index, doc: int, entry: Entry) -> None:
        self.base = base
        self.doc = doc
        self.revised = entry
        self.settings = base.settings
        self.stats = base.stats
        self.shift, self.learned_from, self.threshold = (
            base.shift,
            base.learned_from,
            base.threshold,
        )
        self._meaning = base.meaning
        self.twins = {d: t for d, t in (base.twins or {}).items() if d != doc}
        self._own: Features | None = None
        self._words = _words_of(entry)
        self._gone = _words_of(base.entry(doc)) - self._words
        old, new = set(base.features(doc)), set(self.features(doc))
        self._df_change = {t: -1 for t in old - new} | {t: 1 for t in new - old}

    @property
    def size(self) -> int:
        return self.base.size

    def df(self, term: str) -> int:
        return self.base.df(term) + self._df_change.get(term, 0)

    def postings(self, term: str) -> Postings:
        plist = self.base.postings(term)
        own = self.features(self.doc).get(term)
        others = [(d, i) for d, i in zip(plist.docs, plist.impacts, strict=True) if d != self.doc]
        if own is not None:
            others.append((self.doc, own.impact))
        if not others:
            return NO_POSTINGS
        others.sort(key=lambda p: (-p[1], p[0]))
        return Postings(array("i", (d for d, _ in others)), array("f", (i for _, i in others)))

    def entry_features(self, doc: int) -> Features:
        if doc != self.doc:
            return self.base.features(doc)
        if self._own is None:
            self._own = entry_features(self.revised, self.stats, self.settings)
        return self._own

    def features(self, doc: int) -> Features:
        return self.entry_features(doc)

    def entry(self, doc: int) -> Entry:
        return self.revised if doc == self.doc else self.base.entry(doc)

    def has_word(self, word: str) -> bool:
        if word in self._words:
            return True
        if word in self._gone:  # used elsewhere in the FAQ only if its stem still is
            return self.df(stem(word)) > 0
        return self.base.has_word(word)

    def words_of_length(self, shortest: int, longest: int) -> Sequence[str]:
        return self.base.words_of_length(shortest, longest)

    def topic(self) -> Vector | None:
        return self.base.topic()

    def prefetch(self, terms: Iterable[str]) -> None:
        self.base.prefetch(terms)

    def question_grams(self, doc: int) -> list[Counter[str]]:
        if doc != self.doc:
            return self.base.question_grams(doc)
        return self._question_grams(doc)

    def entry_meaning(self, doc: int) -> Vector | None:
        if doc != self.doc:
            return self.base.entry_meaning(doc)
        return super().entry_meaning(doc)
