"""Meaning: what the engine knows of words beyond their spelling.

Ranking and confidence compare meanings through the :class:`Meaning` interface, so a
research tool or a test swaps the component (``MemoryIndex(entries, meaning=...)``)
without patching the engine. The default, :class:`WordVectorMeaning`, averages the
word vectors shipped with faq (``faqcli.vectors``), rare words weighing more.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from faqcli import vectors as word_vectors
from faqcli.engine import text
from faqcli.engine.settings import Settings
from faqcli.engine.text import stem, words
from faqcli.model import Entry
from faqcli.vectors import Vector, WordVectors

Rarity = Callable[[str], float]  # a stem's weight: the FAQ's inverse document frequency
# Each distinct query word (normalised, in order) with the stems that stand for it,
# weighted in (0, 1]: its own stem, typo corrections, a word joined with the next.
QueryWords = dict[str, dict[str, float]]


class WordVector(NamedTuple):
    """One stem's vector: its direction, and its length, which says how much the word
    moves a meaning (frame words are short, subjects long: ``engine.coverage``)."""

    unit: tuple[float, ...]
    length: float


class Meaning(Protocol):
    """A way to put queries, entries and whole FAQs in one space of meaning. Vectors
    are unit length; None means "no meaning known", and the engine falls back to words."""

    def query(self, text: str, query_words: QueryWords, rarity: Rarity) -> Vector | None:
        """The meaning of a query."""

    def entry(self, entry: Entry, rarity: Rarity) -> Vector | None:
        """The meaning of an entry."""

    def topic(self, question_terms: Counter[str], rarity: Rarity) -> Vector | None:
        """What a whole FAQ is about, from the stem counts of all its questions."""

    def word(self, term: str) -> WordVector | None:
        """One stem's vector, to compare two words; None when unknown."""

    def knows_words(self) -> bool:
        """Whether :meth:`word` knows any word at all (False: no word vectors)."""


class WordVectorMeaning:
    """Meaning as the IDF-weighted average of word vectors (the shipped table)."""

    def __init__(self, settings: Settings, vectors: WordVectors | None = None) -> None:
        self.settings = settings
        self._vectors = vectors
        self._words: dict[str, WordVector | None] = {}

    @property
    def vectors(self) -> WordVectors | None:
        """The table: the one given, else the shipped one (None when it is missing, and
        for a FAQ not in English: the shipped vectors are of English words)."""
        if self._vectors is not None:
            return self._vectors
        return word_vectors.default() if text.language == "en" else None

    def query(self, text: str, query_words: QueryWords, rarity: Rarity) -> Vector | None:
        """Its stems' vectors averaged; a misspelt word stands for its best correction."""
        vectors = self.vectors
        if vectors is None:
            return None
        counts: Counter[str] = Counter()
        for word, group in query_words.items():
            term = stem(word)
            if vectors.get(term) is None and len(group) > 1:
                term = max((t for t in group if t != term), key=lambda t: group[t])
            counts[term] += 1
        return mean_vector(rarity, counts, vectors)

    def entry(self, entry: Entry, rarity: Rarity) -> Vector | None:
        """Its question and alternates, and the start of its answer weighing
        ``answer_meaning_weight``."""
        vectors = self.vectors
        if vectors is None:
            return None
        s = self.settings
        question = mean_vector(rarity, Counter(map(stem, question_words(entry))), vectors)
        answer_words = words(entry.answer)[: s.answer_meaning_words]
        answer = mean_vector(rarity, Counter(map(stem, answer_words)), vectors)
        if question is None or answer is None:
            return question or answer
        w = s.answer_meaning_weight
        return unit([q + w * a for q, a in zip(question, answer, strict=True)])

    def topic(self, question_terms: Counter[str], rarity: Rarity) -> Vector | None:
        """All its questions and alternates taken as one text (answers say much besides
        the topic), each stem weighing its rarity."""
        vectors = self.vectors
        return mean_vector(rarity, question_terms, vectors) if vectors else None

    def word(self, term: str) -> WordVector | None:
        """The stem's vector in the table, as a direction and a length."""
        try:
            return self._words[term]
        except KeyError:
            pass
        vectors = self.vectors
        vector = vectors.get(term) if vectors is not None else None
        norm = math.sqrt(sum(x * x for x in vector)) if vector else 0.0
        found = WordVector(tuple(x / norm for x in vector), norm) if vector and norm else None
        self._words[term] = found
        return found

    def knows_words(self) -> bool:
        return self.vectors is not None


def question_words(entry: Entry) -> list[str]:
    """The words of the question and its alternates, one phrase after the other."""
    return [w for p in (entry.question, *entry.alternates) for w in words(p)]


def mean_vector(rarity: Rarity, counts: Counter[str], vectors: WordVectors) -> Vector | None:
    """The rarity-weighted average of the vectors of ``counts``' stems, as a unit
    vector; None when the table knows none of them."""
    total: Vector | None = None
    for term, n in counts.items():
        vector = vectors.get(term)
        if vector is None:
            continue
        w = n * rarity(term)
        if total is None:
            total = [w * x for x in vector]
        else:
            total = [t + w * x for t, x in zip(total, vector, strict=True)]
    return unit(total) if total else None


def unit(vector: Iterable[float]) -> Vector | None:
    """``vector`` scaled to length 1; None for the zero vector."""
    values = list(vector)
    norm = math.sqrt(sum(x * x for x in values))
    return [x / norm for x in values] if norm else None


def dot(a: Vector, b: Vector) -> float:
    """The dot product: the cosine of two unit vectors."""
    return sum(x * y for x, y in zip(a, b, strict=True))
