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
import heapq
import math
from abc import ABC, abstractmethod
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from faqcli.engine import text
from faqcli.engine.meaning import Meaning, QueryWords, WordVectorMeaning, question_words
from faqcli.engine.settings import DEFAULTS, Settings
from faqcli.engine.text import char_grams, stem, words
from faqcli.model import Entry
from faqcli.vectors import Vector


class Postings(NamedTuple):
    """The entries holding a term and the term's impact in each, best first (ties by
    entry): the entry's BM25 term-frequency part for the term, rounded to float32 as
    both kinds of index store it. A query term adds idf x impact to each entry."""

    docs: array[int]
    impacts: array[float]


NO_POSTINGS = Postings(array("i"), array("f"))


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
    """Each term's BM25 term-frequency part in one entry (see :class:`Postings`)."""
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


class Accumulator:
    """Entries go in one at a time; out come each term's postings, in term order.

    Nothing is kept of an entry but its lengths and, per posting (an entry holding a
    term), the term's number, the entry's number and the term's counts in its question
    and answer (one number: question x 2^16 + answer), in flat typed arrays of 12 bytes
    a posting, so that analysing a million entries needs some hundreds of megabytes,
    not gigabytes. Impacts need the collection's average lengths, known once every
    entry is in: :meth:`postings` computes them, in bulk with numpy for a large FAQ
    (:data:`BULK` postings or more: imported only then, never for a FAQ read whole in
    memory), in plain Python otherwise; the two give the same postings, bit for bit.
    """

    def __init__(self) -> None:
        self.question_len = array("d")
        self.answer_len = array("d")
        self.words: set[str] = set()
        self._ids: dict[str, int] = {}  # term -> its number, in order of first use
        self._tid = array("i")
        self._ends = array("q")  # per entry: where its postings end in the flat arrays
        self._packed = array("I")

    @property
    def size(self) -> int:
        return len(self.question_len)

    def add(self, entry: Entry) -> Counts:
        """Take in the next entry; its counts (the index keeps them, for its features)."""
        c, entry_words = count(entry)
        self.question_len.append(c.question_len)
        self.answer_len.append(c.answer_len)
        self.words.update(entry_words)
        question, answer = c.question, c.answer
        terms = [*question, *(t for t in answer if t not in question)]
        ids = self._ids
        tids = [ids.get(t, -1) for t in terms]
        if -1 in tids:  # new terms: numbered in order of first use
            for i, t in enumerate(terms):
                if tids[i] == -1:
                    tids[i] = ids[t] = len(ids)
        self._tid.extend(tids)
        self._ends.append(len(self._tid))
        # Counts are packed inline when none can exceed 16 bits: every entry of fewer
        # than 65,536 words in its question and in its answer.
        if len(entry_words) < 0xFFFF:
            packed = [(question.get(t, 0) << 16) | answer.get(t, 0) for t in terms]
        else:
            packed = [_pack(question.get(t, 0), answer.get(t, 0)) for t in terms]
        self._packed.extend(packed)
        return c

    def stats(self) -> Stats:
        n = max(self.size, 1)
        return Stats(
            self.size,
            sum(self.question_len) / n or 1.0,
            sum(self.answer_len) / n or 1.0,
        )

    @property
    def question_terms(self) -> Counter[str]:
        """Stem counts over every question and alternate (for the FAQ's topic), from the
        postings' question counts."""
        if len(self._tid) >= BULK:
            sums = self._bulk_count(weighted=True)
            return Counter({t: int(sums[i]) for t, i in self._ids.items() if sums[i]})
        found: Counter[int] = Counter()
        for t, tfs in zip(self._tid, self._packed, strict=True):
            if tfs >> 16:
                found[t] += tfs >> 16
        names = {i: t for t, i in self._ids.items()}
        return Counter({names[i]: n for i, n in found.items()})

    def df(self) -> dict[str, int]:
        if len(self._tid) >= BULK:
            counts = self._bulk_count(weighted=False)
            return {term: int(counts[i]) for term, i in self._ids.items()}
        found = Counter(self._tid)
        return {term: found[i] for term, i in self._ids.items()}

    def _bulk_count(self, weighted: bool) -> Any:
        """Per term number: its postings, or (``weighted``) its count in the questions,
        summed a range of postings at a time (numpy widens what it counts to 64 bits)."""
        import numpy as np

        tids = np.frombuffer(self._tid, dtype=np.int32)
        packed = np.frombuffer(self._packed, dtype=np.uint32)
        total = np.zeros(len(self._ids), dtype=np.float64 if weighted else np.int64)
        for start in range(0, len(tids), CHUNK):
            part = slice(start, start + CHUNK)
            weights = (packed[part] >> 16).astype(np.float64) if weighted else None
            total += np.bincount(tids[part], weights=weights, minlength=len(self._ids))
        return total

    def postings(self, settings: Settings) -> Iterator[tuple[str, int, Postings]]:
        """Each term (in order) with its df and its postings: the ``postings_limit``
        with the highest impact, best first, ties by entry."""
        stats = self.stats()
        if len(self._tid) >= BULK:
            yield from self._bulk_postings(settings, stats)
            return
        k1, b, answer_weight = settings.k1, settings.b, settings.answer_weight
        q_norm = [k1 * (1 - b + b * n / stats.avg_question_len) for n in self.question_len]
        a_norm = [k1 * (1 - b + b * n / stats.avg_answer_len) for n in self.answer_len]
        positions: dict[int, list[int]] = {}
        for i, t in enumerate(self._tid):
            positions.setdefault(t, []).append(i)
        doc_of: list[int] = []  # each posting's entry
        for d, end in enumerate(self._ends):
            doc_of.extend([d] * (end - len(doc_of)))
        for term in sorted(self._ids):
            at = positions[self._ids[term]]
            docs = array("i", map(doc_of.__getitem__, at))
            values = [
                (q * (k1 + 1) / (q + q_norm[d]) if (q := tfs >> 16) else 0.0)
                + (answer_weight * a * (k1 + 1) / (a + a_norm[d]) if (a := tfs & 0xFFFF) else 0.0)
                for d, tfs in zip(docs, map(self._packed.__getitem__, at), strict=True)
            ]
            yield term, len(docs), _best(docs, array("f", values), settings.postings_limit)

    def _bulk_postings(
        self, settings: Settings, stats: Stats
    ) -> Iterator[tuple[str, int, Postings]]:
        """:meth:`postings` with numpy: the terms taken in ranges of about
        :data:`CHUNK` postings, each range's impacts computed and sorted at once."""
        import numpy as np

        k1, b, answer_weight = settings.k1, settings.b, settings.answer_weight
        q_norm = k1 * (1 - b + b * np.frombuffer(self.question_len) / stats.avg_question_len)
        a_norm = k1 * (1 - b + b * np.frombuffer(self.answer_len) / stats.avg_answer_len)
        names = sorted(self._ids)
        rank = np.empty(len(names), dtype=np.int32)
        rank[[self._ids[t] for t in names]] = np.arange(len(names), dtype=np.int32)
        ranks = rank[np.frombuffer(self._tid, dtype=np.int32)]  # each posting's term, in order
        entry_ends = np.frombuffer(self._ends, dtype=np.int64)
        packed_all = np.frombuffer(self._packed, dtype=np.uint32)
        df = np.zeros(len(names), dtype=np.int64)
        for start in range(0, len(ranks), CHUNK):
            df += np.bincount(ranks[start : start + CHUNK], minlength=len(names))
        ends = np.cumsum(df)
        limit = settings.postings_limit
        first = 0
        while first < len(names):
            start = int(ends[first - 1]) if first else 0
            last = int(np.searchsorted(ends, start + CHUNK, side="right"))
            last = min(max(last, first + 1), len(names))
            inside = ranks >= first
            np.logical_and(inside, ranks < last, out=inside)
            at = np.flatnonzero(inside)
            del inside
            term_of, packed = ranks[at], packed_all[at]
            docs = np.searchsorted(entry_ends, at, side="right").astype(np.int32)  # whose
            del at
            q = (packed >> 16).astype(np.float64)
            a = (packed & 0xFFFF).astype(np.float64)
            del packed
            values = _impacts(q, q_norm[docs], k1, 1.0)
            values += _impacts(a, a_norm[docs], k1, answer_weight)
            values = values.astype(np.float32)
            order = np.lexsort((docs, -values, term_of))
            docs, values = docs[order], values[order]
            offset = 0
            for number in range(first, last):
                n = int(df[number])
                kept = slice(offset, offset + min(n, limit))
                offset += n
                plist = Postings(
                    array("i", docs[kept].tobytes()), array("f", values[kept].tobytes())
                )
                yield names[number], n, plist
            first = last


def _impacts(tf: Any, norm: Any, k1: float, weight: float) -> Any:
    """BM25's term-frequency part, ``weight x tf x (k1 + 1) / (tf + norm)``, as the plain
    Python path computes it (the same operations in the same order), with one
    temporary array less: ``norm`` is overwritten."""
    import numpy as np

    top = weight * tf if weight != 1.0 else tf.copy()
    top *= k1 + 1
    norm += tf
    return np.divide(top, norm, out=norm)


# Postings from which the bulk analysis pays for importing numpy (some 60 ms), and how
# many it sorts at once (a range of terms: memory stays near the flat arrays' own).
BULK = 200_000
CHUNK = 2_000_000


def _pack(question: int, answer: int) -> int:
    """A term's counts in an entry's question and answer as one number (each at most
    65535: a word said more often than that says nothing more)."""
    return (min(question, 0xFFFF) << 16) | min(answer, 0xFFFF)


def _best(docs: array[int], values: array[float], limit: int) -> Postings:
    """The ``limit`` postings with the highest impact, best first, ties by entry (the
    entries come in order, and the sort is stable). The limit-th best is found first
    (``heapq.nlargest``, linear in the postings for a fixed limit), so that only the
    postings kept are sorted."""
    keep: Sequence[int] = range(len(docs))
    if len(docs) > limit:
        worst_kept = heapq.nlargest(limit, values)[-1]
        keep = [i for i in keep if values[i] >= worst_kept]
    order = sorted(keep, key=values.__getitem__, reverse=True)[:limit]
    return Postings(
        array("i", map(docs.__getitem__, order)), array("f", map(values.__getitem__, order))
    )


class Analysis(NamedTuple):
    """Everything an index holds, computed from the entries (:func:`analyse`)."""

    entries: tuple[Entry, ...]
    stats: Stats
    df: dict[str, int]
    postings: dict[str, Postings]  # best first, cut to postings_limit
    words: set[str]
    question_terms: Counter[str]  # stem counts over every question and alternate


def analyse(
    entries: Sequence[Entry],
    settings: Settings = DEFAULTS,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Tokenise every entry and compute each term's postings.

    ``progress`` is called with the number of entries done so far, now and then.
    """
    acc = Accumulator()
    for doc, entry in enumerate(entries):
        acc.add(entry)
        if progress and doc % 1000 == 999:
            progress(doc + 1)
    if progress:
        progress(acc.size)
    stats, words, question_terms = acc.stats(), acc.words, acc.question_terms
    df, postings = {}, {}
    for term, count_, plist in acc.postings(settings):
        df[term] = count_
        postings[term] = plist
    return Analysis(tuple(entries), stats, df, postings, words, question_terms)


# How many entries' features and letter sequences an index keeps between queries
# (some 20 kB each).
CACHED_ENTRIES = 2_000


_T = TypeVar("_T")


def _kept(cache: dict[int, _T], doc: int, limit: int, compute: Callable[[int], _T]) -> _T:
    """``cache[doc]``, computed by ``compute(doc)`` when it is not there; a cache that
    holds ``limit`` entries is emptied first (those ranked lately are met again)."""
    found = cache.get(doc)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[doc] = compute(doc)
    return found


class Index(ABC):
    """What ranking needs to know about a FAQ (see the module's docstring)."""

    settings: Settings = DEFAULTS
    stats: Stats  # the collection statistics BM25 needs
    # What faq learnt of this FAQ from its own labelled questions (``engine.learning``):
    # a shift of the log-odds of every score, and from how many questions.
    shift: float = 0.0
    learned_from: int = 0
    threshold: float | None = None  # the FAQ's own (``faq eval --tune``), if it has one
    _meaning: Meaning | None = None
    twins: dict[int, float] | None = None  # rank.twin's answer per entry number, once computed
    _entry_meanings: dict[int, Vector | None] | None = None
    _grams: dict[int, list[Counter[str]]] | None = None
    _features: dict[int, Features] | None = None
    cache_size: int = CACHED_ENTRIES  # entries whose features and letters are kept

    @property
    @abstractmethod
    def size(self) -> int:
        """The number of entries."""

    @abstractmethod
    def df(self, term: str) -> int:
        """How many entries contain ``term``."""

    @abstractmethod
    def postings(self, term: str) -> Postings:
        """The entries with ``term``: all of them, or the ``postings_limit`` with the
        highest impact when more have it."""

    @abstractmethod
    def entry_features(self, doc: int) -> Features:
        """Entry ``doc``'s terms with their impact, computed afresh."""

    def features(self, doc: int) -> Features:
        """Entry ``doc``'s terms with their impact, kept for the entries ranked lately
        (up to ``cache_size``: a batch of questions, or ``faq check``, meets them again)."""
        if self._features is None:
            self._features = {}
        return _kept(self._features, doc, self.cache_size, self.entry_features)

    @abstractmethod
    def entry(self, doc: int) -> Entry:
        """Entry number ``doc``."""

    @abstractmethod
    def has_word(self, word: str) -> bool:
        """Whether some entry uses ``word`` (normalised, unstemmed)."""

    @abstractmethod
    def words_of_length(self, shortest: int, longest: int) -> Sequence[str]:
        """The FAQ's normalised words of ``shortest`` to ``longest`` letters (for typo
        correction), in :func:`vocabulary_order`."""

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

    def prefetch(self, terms: Iterable[str]) -> None:
        """A hint that the df of ``terms`` is about to be asked for: an index that reads
        them from a file reads them at once. One in memory has nothing to do."""
        return

    def question_grams(self, doc: int) -> list[Counter[str]]:
        """The letter sequences of entry ``doc``'s question and each alternate, kept
        for the entries ranked lately (a batch of questions meets the same ones)."""
        if self._grams is None:
            self._grams = {}
        return _kept(self._grams, doc, self.cache_size, self._question_grams)

    def _question_grams(self, doc: int) -> list[Counter[str]]:
        entry = self.entry(doc)
        return [char_grams(p) for p in (entry.question, *entry.alternates)]

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
        cutoff = self.settings.fuzzy_cutoff
        return self.words_of_length(math.ceil(cutoff * length), math.floor(length / cutoff))


class MemoryIndex(Index):
    """An index built in memory from the entries; ``meaning`` replaces the shipped word
    vectors (research tools, tests)."""

    def __init__(
        self,
        entries: Sequence[Entry],
        settings: Settings = DEFAULTS,
        meaning: Meaning | None = None,
        language: str | None = None,
    ) -> None:
        text.use(language)  # the FAQ's words are read, and questions asked, in it
        self.language = language
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
        self._postings = a.postings
        self._words = a.words
        self._question_terms = a.question_terms
        self._vocabulary: list[str] | None = None
        self._lengths: list[int] = []
        self._topic: tuple[Vector | None] | None = None

    @property
    def size(self) -> int:
        return len(self.entries)

    def df(self, term: str) -> int:
        return self._df.get(term, 0)

    def postings(self, term: str) -> Postings:
        return self._postings.get(term, NO_POSTINGS)

    def entry_features(self, doc: int) -> Features:
        return entry_features(self.entries[doc], self.stats, self.settings)

    def entry(self, doc: int) -> Entry:
        return self.entries[doc]

    def has_word(self, word: str) -> bool:
        return word in self._words

    def words_of_length(self, shortest: int, longest: int) -> Sequence[str]:
        if self._vocabulary is None:
            self._vocabulary = vocabulary_order(self._words)
            self._lengths = [len(w) for w in self._vocabulary]
        lo = bisect.bisect_left(self._lengths, shortest)
        hi = bisect.bisect_right(self._lengths, longest)
        return self._vocabulary[lo:hi]

    def topic(self) -> Vector | None:
        if self._topic is None:  # computed on first use: a FAQ without vectors never needs it
            self._topic = (self.meaning.topic(self._question_terms, self.idf),)
        return self._topic[0]
