"""Analysis: entries become terms with BM25 impacts, and an :class:`Index` holds them.

Text is normalised and stemmed (``engine.text``); each entry's terms get their BM25
term-frequency part over two fields, the question with its alternates (full weight)
and the answer (``answer_weight``). An index answers what ranking asks: document
frequencies, postings, an entry's features, the vocabulary for typo correction and
the FAQ's topic. Two kinds hold the same data: :class:`MemoryIndex`, built from the
entries, and the persisted index (``faqcli.index``); ranking sees only :class:`Index`,
so both rank alike.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import math
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from faqcli.engine.meaning import Meaning, QueryWords, WordVectorMeaning, question_words
from faqcli.engine.settings import DEFAULTS, Settings
from faqcli.engine.text import stem, words
from faqcli.model import Entry
from faqcli.vectors import Vector


class Posting(NamedTuple):
    """An entry holding a term, and the term's impact in it: the entry's BM25
    term-frequency part for the term. A query term adds idf x impact to the entry."""

    doc: int
    impact: float


class TermFeature(NamedTuple):
    """A term of one entry: its impact, and whether it is in the question (or an
    alternate) rather than only in the answer."""

    impact: float
    in_question: bool


Features = dict[str, TermFeature]


def idf(size: int, df: int) -> float:
    """BM25's inverse document frequency of a term in ``df`` of ``size`` entries."""
    return math.log(1.0 + (size - df + 0.5) / (df + 0.5))


def vocabulary_order(vocabulary: Iterable[str]) -> list[str]:
    """Shortest words first, then alphabetical: typo candidates are a slice of lengths."""
    return sorted(vocabulary, key=lambda w: (len(w), w))


# NamedTuples rather than dataclasses: they cost far less to define, and this module
# is imported on every `faq ask`.
class Stats(NamedTuple):
    """Collection statistics that BM25 needs besides the entries themselves."""

    size: int
    avg_question_len: float
    avg_answer_len: float


class Counts(NamedTuple):
    """One entry's stem counts, the input of its impacts."""

    question: Counter[str]  # stem counts in the question and alternates
    answer: Counter[str]
    question_len: float  # words per phrase: alternates are other phrasings, not a longer question
    answer_len: int


def count(entry: Entry) -> tuple[Counts, list[str]]:
    """The entry's stem counts, and its normalised words (for the vocabulary)."""
    q_words = question_words(entry)
    a_words = words(entry.answer)
    counts = Counts(
        Counter(map(stem, q_words)),
        Counter(map(stem, a_words)),
        len(q_words) / (1 + len(entry.alternates)),
        len(a_words),
    )
    return counts, q_words + a_words


def impacts(c: Counts, stats: Stats, s: Settings) -> Features:
    """Each term's BM25 term-frequency part in one entry (see :class:`Posting`)."""
    k1, b = s.k1, s.b
    q_norm = k1 * (1 - b + b * c.question_len / stats.avg_question_len)
    a_norm = k1 * (1 - b + b * c.answer_len / stats.avg_answer_len)
    feats: Features = {
        term: TermFeature(tf * (k1 + 1) / (tf + q_norm), True) for term, tf in c.question.items()
    }
    for term, tf in c.answer.items():
        impact = s.answer_weight * tf * (k1 + 1) / (tf + a_norm)
        previous = feats.get(term)
        if previous:
            feats[term] = TermFeature(previous.impact + impact, True)
        else:
            feats[term] = TermFeature(impact, False)
    return feats


def entry_features(entry: Entry, stats: Stats, settings: Settings = DEFAULTS) -> Features:
    """An entry's terms with their impact, given the collection's statistics."""
    return impacts(count(entry)[0], stats, settings)


class Analysis(NamedTuple):
    """Everything an index holds, computed from the entries; both kinds are built from it."""

    entries: tuple[Entry, ...]
    stats: Stats
    df: dict[str, int]
    # term -> (negated impact, entry number), highest impact first; a list longer than
    # postings_limit is cut to its highest impacts
    postings: dict[str, list[tuple[float, int]]]
    words: set[str]
    question_terms: Counter[str]  # stem counts over every question and alternate


def analyse(
    entries: Sequence[Entry],
    settings: Settings = DEFAULTS,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Tokenise every entry and compute each term's impact in each entry.

    ``progress`` is called with the number of entries done so far, now and then.
    """
    # Millions of small tuples and no cycles: the cyclic garbage collector would only
    # rescan them again and again (about an eighth of the time on 100,000 entries).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        counts, question_terms, surface = _count_all(entries, progress)
        stats = _stats(counts)
        postings = _postings(counts, stats, settings)
        df = {term: len(plist) for term, plist in postings.items()}
        for plist in postings.values():
            _cut(plist, settings.postings_limit)
        if progress:
            progress(len(counts))
        return Analysis(tuple(entries), stats, df, postings, surface, question_terms)
    finally:
        if was_enabled:
            gc.enable()


def _count_all(
    entries: Sequence[Entry], progress: Callable[[int], None] | None
) -> tuple[list[Counts], Counter[str], set[str]]:
    counts: list[Counts] = []
    question_terms: Counter[str] = Counter()
    surface: set[str] = set()
    for doc, entry in enumerate(entries):
        c, entry_words = count(entry)
        counts.append(c)
        question_terms.update(c.question)
        surface.update(entry_words)
        if progress and doc % 1000 == 999:
            progress(doc + 1)
    return counts, question_terms, surface


def _stats(counts: list[Counts]) -> Stats:
    n = max(len(counts), 1)
    return Stats(
        len(counts),
        sum(c.question_len for c in counts) / n or 1.0,
        sum(c.answer_len for c in counts) / n or 1.0,
    )


def _postings(
    counts: list[Counts], stats: Stats, settings: Settings
) -> dict[str, list[tuple[float, int]]]:
    """(negated impact, entry number) per term, so that plain tuple order puts the
    highest impact first, ties by entry, with no key function to call millions of times."""
    postings: defaultdict[str, list[tuple[float, int]]] = defaultdict(list)
    for doc, c in enumerate(counts):
        for term, feature in impacts(c, stats, settings).items():
            postings[term].append((-feature.impact, doc))
    return dict(postings)


def _cut(plist: list[tuple[float, int]], limit: int) -> None:
    """Keep the ``limit`` highest impacts of a posting list, best first."""
    if len(plist) > limit:
        # The limit-th best impact, found among plain floats (cheaper to compare than
        # tuples), then the postings at least that good, best first.
        worst_kept = heapq.nsmallest(limit, [p[0] for p in plist])[-1]
        plist[:] = sorted(p for p in plist if p[0] <= worst_kept)[:limit]


class Index(ABC):
    """What ranking needs to know about a FAQ (see the module's docstring)."""

    settings: Settings = DEFAULTS
    _meaning: Meaning | None = None
    _lengths: list[int] | None = None  # the lengths of vocabulary(), for _typo_candidates
    twins: dict[int, float] | None = None  # rank.twin's answer per entry number, once computed
    _entry_meanings: dict[int, Vector | None] | None = None

    @property
    @abstractmethod
    def size(self) -> int:
        """The number of entries."""

    @abstractmethod
    def df(self, term: str) -> int:
        """How many entries contain ``term``."""

    @abstractmethod
    def postings(self, term: str) -> Sequence[Posting]:
        """The entries with ``term``: all of them, or the ``postings_limit`` with the
        highest impact when more have it."""

    @abstractmethod
    def features(self, doc: int) -> Features:
        """Entry ``doc``'s terms with their impact."""

    @abstractmethod
    def entry(self, doc: int) -> Entry:
        """Entry number ``doc``."""

    @abstractmethod
    def has_word(self, word: str) -> bool:
        """Whether some entry uses ``word`` (normalised, unstemmed)."""

    @abstractmethod
    def vocabulary(self) -> Sequence[str]:
        """Every normalised word of the FAQ (for typo correction), in
        :func:`vocabulary_order`."""

    @abstractmethod
    def topic(self) -> Vector | None:
        """What the FAQ as a whole is about (``Meaning.topic`` of its questions)."""

    def __len__(self) -> int:
        return self.size

    @property
    def meaning(self) -> Meaning:
        """How meanings are compared: the shipped word vectors unless given another."""
        if self._meaning is None:
            self._meaning = WordVectorMeaning(self.settings)
        return self._meaning

    def entry_meaning(self, doc: int) -> Vector | None:
        """Entry ``doc``'s meaning (``Meaning.entry``), computed once per index: a query
        and the twin of its answer weigh the same candidates."""
        if self._entry_meanings is None:
            self._entry_meanings = {}
        if doc not in self._entry_meanings:
            self._entry_meanings[doc] = self.meaning.entry(self.entry(doc), self.idf)
        return self._entry_meanings[doc]

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency; a word no entry has gets the largest."""
        return idf(self.size, self.df(term))

    def query_words(self, query: str) -> QueryWords:
        """Each distinct query word (in order) with the stems that stand for it,
        weighted in (0, 1].

        A word the FAQ uses stands for its own stem (weight 1). A word it never uses
        also stands for the FAQ words within a typo of it, weighted by similarity, or
        for the FAQ word it forms with the next query word (*corona virus*).
        """
        s = self.settings
        raw = words(query[: s.max_query_chars])
        groups: QueryWords = {}
        for i, word in enumerate(raw):
            if word in groups:
                continue
            group = groups[word] = {stem(word): 1.0}
            if self.df(stem(word)) or self.has_word(word):
                continue
            if i + 1 < len(raw) and self.has_word(word + raw[i + 1]):
                group[stem(word + raw[i + 1])] = 1.0
            elif len(word) >= s.fuzzy_min_len:
                for candidate, similarity in self._typos(word):
                    term = stem(candidate)
                    group[term] = max(group.get(term, 0.0), similarity)
        return groups

    def _typos(self, word: str) -> list[tuple[str, float]]:
        """The FAQ words within a typo of ``word``, with their similarity (rapidfuzz is
        imported here, when a query has a word the FAQ never uses)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        s = self.settings
        found = process.extract(
            word,
            self._typo_candidates(len(word)),
            scorer=Levenshtein.normalized_similarity,
            limit=s.fuzzy_limit,
            score_cutoff=s.fuzzy_cutoff,
        )
        return [(str(candidate), float(similarity)) for candidate, similarity, _ in found]

    def _typo_candidates(self, length: int) -> Sequence[str]:
        """The words whose length allows a similarity of ``fuzzy_cutoff`` or more with a
        word of ``length`` letters: at least cutoff x length and at most length / cutoff
        (an edit distance is at least the difference in length)."""
        vocabulary = self.vocabulary()
        if self._lengths is None:
            self._lengths = [len(w) for w in vocabulary]
        cutoff = self.settings.fuzzy_cutoff
        lo = bisect.bisect_left(self._lengths, math.ceil(cutoff * length))
        hi = bisect.bisect_right(self._lengths, math.floor(length / cutoff))
        return vocabulary[lo:hi]


class MemoryIndex(Index):
    """An index built in memory from the entries; ``meaning`` replaces the shipped word
    vectors (research tools, tests)."""

    def __init__(
        self,
        entries: Sequence[Entry],
        settings: Settings = DEFAULTS,
        meaning: Meaning | None = None,
    ) -> None:
        self._load(analyse(entries, settings), settings, meaning)

    @classmethod
    def from_analysis(cls, analysis: Analysis, settings: Settings = DEFAULTS) -> MemoryIndex:
        index = cls.__new__(cls)
        index._load(analysis, settings, None)
        return index

    def _load(self, a: Analysis, settings: Settings, meaning: Meaning | None) -> None:
        self.settings = settings
        self._meaning = meaning
        self.entries = a.entries
        self.stats = a.stats
        self._df = a.df
        self._postings = {t: [Posting(d, -n) for n, d in plist] for t, plist in a.postings.items()}
        self._words = a.words
        self._question_terms = a.question_terms
        self._vocabulary: list[str] | None = None
        self._topic: tuple[Vector | None] | None = None

    @property
    def size(self) -> int:
        return len(self.entries)

    def df(self, term: str) -> int:
        return self._df.get(term, 0)

    def postings(self, term: str) -> Sequence[Posting]:
        return self._postings.get(term, ())

    def features(self, doc: int) -> Features:
        return entry_features(self.entries[doc], self.stats, self.settings)

    def entry(self, doc: int) -> Entry:
        return self.entries[doc]

    def has_word(self, word: str) -> bool:
        return word in self._words

    def vocabulary(self) -> Sequence[str]:
        if self._vocabulary is None:
            self._vocabulary = vocabulary_order(self._words)
        return self._vocabulary

    def topic(self) -> Vector | None:
        if self._topic is None:  # computed on first use: a FAQ without vectors never needs it
            self._topic = (self.meaning.topic(self._question_terms, self.idf),)
        return self._topic[0]
