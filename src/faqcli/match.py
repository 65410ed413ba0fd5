"""The matching engine: rank FAQ entries for a query and score them 0-100.

Pure functions and data, no I/O of its own: the CLI, the benchmarks and the tests all
call it. The one thing it reads is the word-vector table shipped inside the package
(``faqcli.vectors``, mapped once on first use), a part of the engine like the
stemmer's rules, never a user's file.

How a query is scored
---------------------
1. Text is normalised (NFKC, casefold, diacritics dropped) and split into words; each
   word is stemmed (Snowball English), so *defecting* and *defect* meet.
   Question words (*what*, *where*, *can*...) are kept: in a FAQ they tell entries apart.
2. Query words the FAQ never uses are corrected to the nearest FAQ words by edit
   distance (rapidfuzz), so ``riskss of crosing the bordr`` still finds *risks*,
   *crossing* and *border*; two query words written as one FAQ word
   (*corona virus*) are joined.
3. Each entry is scored with BM25 over two fields: the question together with its
   alternates (full weight) and the answer (weaker evidence). Rare words count more
   than common ones through the inverse document frequency.
4. The best candidates are re-scored with a character n-gram similarity between the
   query and the question (or alternate), which rewards shared word pieces that
   stemming misses (*defector* / *defection*) and word order.
5. Then by meaning: the query and each of the best candidates become the IDF-weighted
   average of their stems' word vectors (``faqcli.vectors``), and the cosine of the
   two is blended in, so *dangerous* counts towards *risks* and *price* towards
   *cost*. A small FAQ is read whole, so an entry sharing no word can still win.
6. The confidence in the top entry is a probability (see ``probability``) from three
   pieces of evidence: how well the words match (``_word_match``: how much of the
   query the entry explains and how much of the entry's question the query asks
   about; a word the FAQ never uses is information nothing explains), how close the
   meanings are, and how close the query is to what the FAQ as a whole is about
   (``faq_topic``). The other entries get the top score scaled by their relevance,
   so scores are always sorted.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import math
import re
import unicodedata
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from faqcli import vectors as word_vectors
from faqcli.model import Entry
from faqcli.vectors import Vector, WordVectors


class Weights(NamedTuple):
    """The weights of the logistic function that turns evidence into a probability: a
    bias and one weight per piece of :class:`Evidence` (log-odds per unit)."""

    bias: float
    words: float
    meaning: float
    topic: float
    lead: float
    twin: float
    letters: float


# Written by benchmarks/calibrate.py (see Settings.calibration).
FITTED = Weights(bias=-2.1, words=0.0, meaning=4.76, topic=0.0, lead=2.32, twin=-5.27, letters=5.46)
FITTED_WORDS_ONLY = Weights(
    bias=-1.17, words=4.38, meaning=0.0, topic=0.0, lead=1.61, twin=-7.33, letters=5.9
)


@dataclass(frozen=True)
class Settings:
    """The engine's defaults. One set serves every FAQ; each value says why."""

    # BM25 saturation and length normalisation: the textbook values (Robertson &
    # Zaragoza 2009); they held across all three benchmark FAQs within noise.
    k1: float = 1.2
    b: float = 0.75
    # Answers are long and say much besides the topic: a word found only there is
    # weaker evidence than one in the question. 0.2 keeps the answer from outvoting
    # the question on large FAQs while still breaking ties on small ones.
    answer_weight: float = 0.2
    # A query word at most one edit in four letters from a FAQ word is a typo of it.
    fuzzy_cutoff: float = 0.75
    fuzzy_min_len: int = 4
    fuzzy_limit: int = 3
    # Weight of the character n-gram similarity against the (max-normalised) BM25
    # score when re-ranking the first candidates. With meaning in the blend, hit@1 on
    # the benchmark FAQs was flat from 0.4 to 0.6 (0.2 cost covidfaq 2 points): 0.5,
    # the middle.
    char_weight: float = 0.5
    candidates: int = 50
    # A word found in more entries than this is so common that its weakest postings
    # cannot lift an entry into the first candidates; only its strongest are read, so
    # a query costs the same on a FAQ of 6 entries or 1,000,000. Candidates are then
    # scored exactly. FAQs up to this size are ranked as if there were no cut at all.
    postings_limit: int = 2000
    # In the confidence, a query word matched only in the answer explains this much.
    answer_credit: float = 0.5
    # Weight of meaning (the cosine of word-vector averages, see faqcli.vectors)
    # against the lexical score when re-ranking the candidates. Words alone cannot
    # tell that "is the trip dangerous" asks about risks; meaning alone ignores the
    # names and rare terms a FAQ is made of. Half and half: on all three benchmark FAQs
    # the best weight lay between 0.4 and 0.6, and 0.5 is the plain middle.
    semantic_weight: float = 0.5
    # An entry's meaning: its question and alternates, plus the start of its answer at
    # this weight (the answer is weaker evidence, as in BM25 above). The first words
    # of an answer restate the topic; the rest of a long answer says much besides it
    # and costs time on every candidate: on the benchmark FAQs the first 50 words did
    # as well as whole answers, and the answer at 0.3 a point better than none.
    answer_meaning_weight: float = 0.3
    answer_meaning_words: int = 50
    # Meaning re-orders only the best candidates by words; computing it costs some
    # 0.2 ms an entry. On the three benchmark FAQs, ten gave the same top answers as
    # fifty: the right entry that words rank lower still is rarely rescued by meaning.
    meaning_candidates: int = 10
    # The confidence is the probability that the top entry is the right answer: a
    # logistic function of the evidence (see ``Evidence``, ``probability``). The weights
    # are fitted by ``benchmarks/calibrate.py`` on the six benchmark FAQs' dev queries
    # pooled, each FAQ weighing the same, and checked leave-one-FAQ-out; the second set
    # is fitted without meaning and topic, for when the word vectors are missing.
    calibration: Weights = FITTED
    words_calibration: Weights = FITTED_WORDS_ONLY
    # Default confidence threshold (score 0-100): below it, faq abstains. A wrong answer
    # given with confidence costs a user more than "not sure, here are the closest", so
    # faq answers only when the answer is clearly more likely right than wrong.
    threshold: float = 60.0
    # Two answers whose scores differ by less than this are "nearly tied".
    tie_margin: float = 5.0
    # Only this much of a query is read: a question longer than a page is not a question.
    max_query_chars: int = 2000


DEFAULTS = Settings()


@dataclass(frozen=True)
class Match:
    """An entry and how well it answers the query (0-100)."""

    entry: Entry
    score: float


_WORD = re.compile(r"[^\W_]+")
_STEMMER = Stemmer.Stemmer("english")


def normalise(text: str) -> str:
    """NFKC, casefold, and drop diacritics: ``Ça Coûte`` -> ``ca coute``."""
    if text.isascii():  # the common case, and NFKC and diacritics do nothing to it
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _char_grams(text: str) -> Counter[str]:
    """Character 3- to 5-grams of the normalised words, with word boundaries marked."""
    padded = " " + " ".join(words(text)) + " "
    grams: Counter[str] = Counter()
    for n in (3, 4, 5):
        for i in range(len(padded) - n + 1):
            grams[padded[i : i + n]] += 1
    return grams


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm


# A posting: (entry number, impact). The impact is the entry's BM25 term-frequency
# part for the term: the question-and-alternates field plus the answer field weighted
# by ``answer_weight``. A query term's contribution to an entry is idf x impact.
Posting = tuple[int, float]
# Per entry, the impact of each of its terms and whether the term is in its question
# (or an alternate) rather than only in the answer.
Features = dict[str, tuple[float, bool]]


class Index(ABC):
    """What ranking needs to know about a FAQ. Two kinds hold the same data: built in
    memory from entries (:class:`MemoryIndex`) or read from a persisted file
    (``faqcli.index``); :func:`rank` sees only this interface, so both rank alike."""

    settings: Settings = DEFAULTS
    _lengths: list[int] | None = None  # the lengths of vocabulary(), for _typo_candidates
    twins: dict[int, float] | None = None  # _twin's answer per entry number, once computed

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

    def __len__(self) -> int:
        return self.size

    @abstractmethod
    def topic(self) -> Vector | None:
        """What the FAQ as a whole is about: :func:`faq_topic` of its entries."""

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency; a word no entry has gets the largest."""
        return idf(self.size, self.df(term))

    def query_words(self, query: str) -> dict[str, dict[str, float]]:
        """Each distinct query word (in order) with the stems that stand for it,
        weighted in (0, 1].

        A word the FAQ uses stands for its own stem (weight 1). A word it never uses
        also stands for the FAQ words within a typo of it, weighted by similarity, or
        for the FAQ word it forms with the next query word (*corona virus*).
        """
        s = self.settings
        raw = words(query[: s.max_query_chars])
        groups: dict[str, dict[str, float]] = {}
        for i, word in enumerate(raw):
            if word in groups:
                continue
            group = groups[word] = {stem(word): 1.0}
            if self.df(stem(word)) or self.has_word(word):
                continue
            if i + 1 < len(raw) and self.has_word(word + raw[i + 1]):
                group[stem(word + raw[i + 1])] = 1.0
            elif len(word) >= s.fuzzy_min_len:
                for candidate, similarity, _ in process.extract(
                    word,
                    self._typo_candidates(len(word)),
                    scorer=Levenshtein.normalized_similarity,
                    limit=s.fuzzy_limit,
                    score_cutoff=s.fuzzy_cutoff,
                ):
                    term = stem(candidate)
                    group[term] = max(group.get(term, 0.0), float(similarity))
        return groups

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


def idf(size: int, df: int) -> float:
    """BM25's inverse document frequency of a term in ``df`` of ``size`` entries."""
    return math.log(1.0 + (size - df + 0.5) / (df + 0.5))


# NamedTuples rather than dataclasses below: they cost far less to define, and this
# module is imported on every `faq ask`.
def vocabulary_order(words: Iterable[str]) -> list[str]:
    """Shortest words first, then alphabetical: typo candidates are a slice of lengths."""
    return sorted(words, key=lambda w: (len(w), w))


class Stats(NamedTuple):
    """Collection statistics that BM25 needs besides the entries themselves."""

    size: int
    avg_question_len: float
    avg_answer_len: float


class _Counts(NamedTuple):
    question: Counter[str]  # stem counts in the question and alternates
    answer: Counter[str]
    question_len: float  # words per phrase: alternates are other phrasings, not a longer question
    answer_len: int


def _question_words(entry: Entry) -> list[str]:
    """The words of the question and its alternates, one phrase after the other."""
    return [w for p in (entry.question, *entry.alternates) for w in words(p)]


def _count(entry: Entry) -> tuple[_Counts, list[str]]:
    q_words = _question_words(entry)
    a_words = words(entry.answer)
    counts = _Counts(
        Counter(map(stem, q_words)),
        Counter(map(stem, a_words)),
        len(q_words) / (1 + len(entry.alternates)),
        len(a_words),
    )
    return counts, q_words + a_words


def _impacts(c: _Counts, stats: Stats, s: Settings) -> Features:
    """Each term's BM25 term-frequency part in one entry (see :data:`Posting`)."""
    k1, b = s.k1, s.b
    q_norm = k1 * (1 - b + b * c.question_len / stats.avg_question_len)
    a_norm = k1 * (1 - b + b * c.answer_len / stats.avg_answer_len)
    feats: Features = {
        term: (tf * (k1 + 1) / (tf + q_norm), True) for term, tf in c.question.items()
    }
    for term, tf in c.answer.items():
        impact = s.answer_weight * tf * (k1 + 1) / (tf + a_norm)
        previous = feats.get(term)
        feats[term] = (previous[0] + impact, True) if previous else (impact, False)
    return feats


def entry_features(entry: Entry, stats: Stats, settings: Settings = DEFAULTS) -> Features:
    """An entry's terms with their impact, given the collection's statistics."""
    return _impacts(_count(entry)[0], stats, settings)


class Analysis(NamedTuple):
    """Everything an index holds, computed from the entries; both kinds are built from it."""

    entries: tuple[Entry, ...]
    stats: Stats
    df: dict[str, int]
    # term -> (negated impact, entry number); a list longer than postings_limit is cut
    # to its highest impacts
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
        return _analyse(entries, settings, progress)
    finally:
        if was_enabled:
            gc.enable()


def _analyse(
    entries: Sequence[Entry], settings: Settings, progress: Callable[[int], None] | None
) -> Analysis:
    counts: list[_Counts] = []
    question_terms: Counter[str] = Counter()
    surface: set[str] = set()
    for doc, entry in enumerate(entries):
        c, entry_words = _count(entry)
        counts.append(c)
        question_terms.update(c.question)
        surface.update(entry_words)
        if progress and doc % 1000 == 999:
            progress(doc + 1)
    n = max(len(counts), 1)
    stats = Stats(
        len(counts),
        sum(c.question_len for c in counts) / n or 1.0,
        sum(c.answer_len for c in counts) / n or 1.0,
    )
    # (negated impact, entry number), so that plain tuple order puts the highest impact
    # first, ties by entry, with no key function to call millions of times.
    postings: defaultdict[str, list[tuple[float, int]]] = defaultdict(list)
    for doc, c in enumerate(counts):
        for term, (impact, _) in _impacts(c, stats, settings).items():
            postings[term].append((-impact, doc))
    df = {term: len(plist) for term, plist in postings.items()}
    limit = settings.postings_limit
    for plist in postings.values():
        if len(plist) > limit:
            # The limit-th best impact, found among plain floats (cheaper to compare
            # than tuples), then the postings at least that good, best first.
            worst_kept = heapq.nsmallest(limit, [p[0] for p in plist])[-1]
            plist[:] = sorted(p for p in plist if p[0] <= worst_kept)[:limit]
    if progress:
        progress(len(counts))
    return Analysis(tuple(entries), stats, df, dict(postings), surface, question_terms)


class MemoryIndex(Index):
    """An index built in memory from the entries."""

    def __init__(self, entries: Sequence[Entry], settings: Settings = DEFAULTS) -> None:
        self._load(analyse(entries, settings), settings)

    @classmethod
    def from_analysis(cls, analysis: Analysis, settings: Settings = DEFAULTS) -> MemoryIndex:
        index = cls.__new__(cls)
        index._load(analysis, settings)
        return index

    def _load(self, a: Analysis, settings: Settings) -> None:
        self.settings = settings
        self.entries = a.entries
        self.stats = a.stats
        self._df = a.df
        self._postings = {t: [(d, -n) for n, d in plist] for t, plist in a.postings.items()}
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
            self._topic = (faq_topic(self._question_terms, self.idf),)
        return self._topic[0]


class Evidence(NamedTuple):
    """What the confidence in the top entry is computed from (see :func:`probability`).
    Each piece is a number, roughly 0-1, that a FAQ author can read in ``faq ask --explain``."""

    words: float  # how well the words match, 0-1 (see _word_match)
    meaning: float | None  # cosine of the query's and the entry's meaning; None: no vectors
    topic: float | None  # cosine of the query's meaning and the FAQ's (faq_topic)
    lead: float  # words minus the runner-up's words: how far the best entry stands out
    twin: float  # how close the entry's nearest other entry is (see _twin), 0-1
    letters: float  # character n-gram similarity of the query and the entry's question


class Candidate(NamedTuple):
    """An entry being ranked, with what each stage found."""

    doc: int
    words: float  # exact BM25 relevance relative to the best candidate's, 0-1
    letters: float  # character n-gram cosine with the question or its closest alternate
    meaning: float | None = None  # cosine of meanings; None when not computed
    relevance: float = 0.0  # the blend of the above that orders the entries


class Assessment(NamedTuple):
    """The best entries for a query, best first, each with its relevance relative to the
    first (1.0), and the evidence that the first answers it."""

    ranked: list[tuple[Entry, float]]
    evidence: Evidence
    top: int  # the entry number of the first


def rank(index: Index, query: str, limit: int = 10) -> list[Match]:
    """The ``limit`` best entries for ``query``, best first, scored 0-100: the first
    scores the chance, in percent, that it is the right answer, the others that times
    their relevance relative to it, so scores are always sorted."""
    found = assess(index, query, limit)
    return _scored(found, index.settings) if found else []


def _scored(found: Assessment, settings: Settings) -> list[Match]:
    confidence = probability(found.evidence, settings)
    return [
        Match(entry, round(min(max(100.0 * confidence * rel, 0.0), 100.0), 1))
        for entry, rel in found.ranked
    ]


def contributions(evidence: Evidence, settings: Settings = DEFAULTS) -> dict[str, float]:
    """Each piece of evidence's part in the score, in log-odds (the bias included): the
    probability is the logistic function of their sum. Pieces that are unknown (no word
    vectors) are left out, and the weights fitted without them are used."""
    weights = settings.calibration
    if evidence.meaning is None or evidence.topic is None:
        weights = settings.words_calibration
    parts = {"bias": weights.bias}
    for name, value in evidence._asdict().items():
        if value is not None:
            parts[name] = getattr(weights, name) * value
    return parts


def probability(evidence: Evidence, settings: Settings = DEFAULTS) -> float:
    """The chance that the top entry answers the query: a logistic function of the
    evidence, with the weights of ``Settings.calibration``."""
    z = sum(contributions(evidence, settings).values())
    return 1.0 / (1.0 + math.exp(-z))


def assess(index: Index, query: str, limit: int = 10) -> Assessment | None:
    """The ``limit`` best entries for ``query`` and the evidence for the first; None when
    no entry shares anything with it."""
    if limit <= 0:
        return None
    groups = index.query_words(query)
    query_vector = _query_vector(index, groups)
    ranked = _ranking(index, query, groups, query_vector, limit)
    if not ranked:
        return None
    topic = index.topic() if query_vector else None
    top = ranked[0]
    words = _word_match(index, groups, top.doc)
    runner_up = _word_match(index, groups, ranked[1].doc) if len(ranked) > 1 else 0.0
    evidence = Evidence(
        words=words,
        meaning=top.meaning,
        topic=_dot(query_vector, topic) if query_vector and topic else None,
        lead=words - runner_up,
        twin=_twin(index, top.doc),
        letters=top.letters,
    )
    best = top.relevance
    ranked_entries = [(index.entry(c.doc), c.relevance / best) for c in ranked]
    return Assessment(ranked_entries, evidence, top.doc)


def _ranking(
    index: Index,
    query: str,
    groups: dict[str, dict[str, float]],
    query_vector: Vector | None,
    limit: int,
) -> list[Candidate]:
    """The stages of ranking, in order: candidates from the postings, exact BM25, letters,
    meaning. The ``limit`` best, or nothing when no entry shares anything with the query."""
    s = index.settings
    terms: dict[str, float] = {}
    for group in groups.values():
        for term, weight in group.items():
            terms[term] = max(terms.get(term, 0.0), weight)
    if not terms or not index.size:
        return []
    weights = {term: index.idf(term) * weight for term, weight in terms.items()}
    pool = _candidates(index, weights, max(s.candidates, limit))
    if not pool:
        return []
    lexical = _lexical(index, query, weights, pool)
    blended = _with_meaning(index, query_vector, lexical)
    if blended[0].relevance <= 0:  # nothing in common: no word, no letters, no meaning
        return []
    return blended[:limit]


def _candidates(index: Index, weights: dict[str, float], size: int) -> list[int]:
    """The ``size`` entries with the best approximate BM25 score, from postings whose
    lists for very common words are cut short. A small FAQ is read whole: an entry that
    shares no word with the query may still mean the same ("price of delivery", "how
    much does shipping cost")."""
    approx: dict[int, float] = {}
    for term, weight in weights.items():
        for doc, impact in index.postings(term):
            approx[doc] = approx.get(doc, 0.0) + weight * impact
    if index.size <= index.settings.candidates:
        for doc in range(index.size):
            approx.setdefault(doc, 0.0)
    best = heapq.nsmallest(size, approx.items(), key=lambda kv: (-kv[1], kv[0]))
    return [doc for doc, _ in best]


def _lexical(
    index: Index, query: str, weights: dict[str, float], pool: list[int]
) -> list[Candidate]:
    """Each candidate's exact BM25 relevance, from its own terms, relative to the best,
    and its character n-gram similarity: best first by their blend (``char_weight``)."""
    s = index.settings
    exact = []
    for doc in pool:
        feats = index.features(doc)
        exact.append(sum(w * feats[t][0] for t, w in weights.items() if t in feats))
    best = max(exact)
    query_grams = _char_grams(query[: s.max_query_chars])
    found = []
    for doc, relevance in zip(pool, exact, strict=True):
        entry = index.entry(doc)
        letters = max(
            _cosine(query_grams, _char_grams(p)) for p in (entry.question, *entry.alternates)
        )
        words = relevance / best if best > 0 else 0.0
        blend = (1 - s.char_weight) * words + s.char_weight * letters
        found.append(Candidate(doc, words, letters, relevance=blend))
    found.sort(key=lambda c: (-c.relevance, c.doc))
    return found


def _with_meaning(
    index: Index, query_vector: Vector | None, lexical: list[Candidate]
) -> list[Candidate]:
    """The candidates re-ordered by meaning blended with their lexical relevance
    (``semantic_weight``). Meaning is computed for the first ``meaning_candidates``; the
    others are credited with the least found among them, so that none overtakes one
    that ranks above it by words."""
    s = index.settings
    top_lexical = lexical[0].relevance
    meaning: dict[int, float] = {}
    vectors = word_vectors.default()
    if query_vector and vectors:
        for c in lexical[: s.meaning_candidates]:
            entry_vector = _entry_vector(index, index.entry(c.doc), vectors)
            meaning[c.doc] = _dot(query_vector, entry_vector) if entry_vector else 0.0
    least = min(meaning.values(), default=0.0)
    blended = []
    for c in lexical:
        lexical_part = c.relevance / top_lexical if top_lexical > 0 else 0.0
        m = meaning.get(c.doc, least)
        relevance = (1 - s.semantic_weight) * lexical_part + s.semantic_weight * m
        blended.append(c._replace(meaning=meaning.get(c.doc), relevance=relevance))
    blended.sort(key=lambda c: (-c.relevance, c.doc))
    return blended


def _twin(index: Index, doc: int) -> float:
    """How close entry ``doc``'s nearest other entry is: asked the entry's own question,
    the relevance of the best other entry relative to the entry's, 0-1. An entry with a
    near twin in the FAQ is a less sure answer, whatever the query: its words fit the
    twin almost as well. Computed once per entry and index."""
    if index.twins is None:
        index.twins = {}
    cache = index.twins
    if doc not in cache:
        question = index.entry(doc).question
        groups = index.query_words(question)
        ranked = _ranking(index, question, groups, _query_vector(index, groups), 2)
        own = next((c.relevance for c in ranked if c.doc == doc), None)
        other = next((c.relevance for c in ranked if c.doc != doc), 0.0)
        cache[doc] = min(other / own, 1.0) if own and own > 0 else 1.0
    return cache[doc]


def _query_vector(index: Index, groups: dict[str, dict[str, float]]) -> Vector | None:
    """The meaning of the query: its stems' vectors averaged, rare words weighing more.
    A misspelt word stands for its best correction. None when meaning is off (no
    vectors, or ``semantic_weight`` 0) or the table knows none of its words."""
    vectors = word_vectors.default()
    if vectors is None or index.settings.semantic_weight <= 0:
        return None
    counts: Counter[str] = Counter()
    for word, group in groups.items():
        term = stem(word)
        if vectors.get(term) is None and len(group) > 1:
            term = max((t for t in group if t != term), key=lambda t: group[t])
        counts[term] += 1
    return _mean_vector(index.idf, counts, vectors)


def _entry_vector(index: Index, entry: Entry, vectors: WordVectors) -> Vector | None:
    """The meaning of an entry: its question and alternates, and the start of its answer
    weighing ``answer_meaning_weight``."""
    s = index.settings
    question = _mean_vector(index.idf, Counter(map(stem, _question_words(entry))), vectors)
    answer_words = words(entry.answer)[: s.answer_meaning_words]
    answer = _mean_vector(index.idf, Counter(map(stem, answer_words)), vectors)
    if question is None or answer is None:
        return question or answer
    w = s.answer_meaning_weight
    return _unit([q + w * a for q, a in zip(question, answer, strict=True)])


def faq_topic(question_terms: Counter[str], rarity: Callable[[str], float]) -> Vector | None:
    """What a FAQ is about: the meaning of all its questions and alternates taken as one
    text (``Analysis.question_terms``; answers say much besides the topic), each stem
    weighing ``rarity`` (its IDF). A query far from it is likely about something the FAQ
    does not cover, however well it matches one entry's words."""
    vectors = word_vectors.default()
    return _mean_vector(rarity, question_terms, vectors) if vectors else None


def _mean_vector(
    rarity: Callable[[str], float], counts: Counter[str], vectors: WordVectors
) -> Vector | None:
    """The IDF-weighted average of the vectors of ``counts``' stems, as a unit vector;
    None when the table knows none of them."""
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
    return _unit(total) if total else None


def _unit(vector: Vector) -> Vector | None:
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else None


def _dot(a: Vector, b: Vector) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# Words that make a sentence a question rather than say what it is about. They still
# rank (in a FAQ *where* and *when* tell entries apart), but in the confidence they
# count for little: "how do I bake bread" shares "how do I" with half of any FAQ,
# and that must not look like an answer. General English, not tuned to any FAQ.
FUNCTION_WORDS = frozenset(
    "a an the of to in on at for and or but if so is are was were be been being am do does "
    "did i me my mine you your we our us it its this that these those there their they them "
    "he she his her with from by as about can could would should will shall may might must "
    "how what where when why who whom which whose not no any some s t".split()
)
FUNCTION_WEIGHT = 0.15


def _word_match(index: Index, groups: dict[str, dict[str, float]], doc: int) -> float:
    """How well entry ``doc``'s words match the query, in [0, 1].

    The geometric mean of two shares of IDF weight, function words discounted:
    how much of the query the entry explains (a word the FAQ never uses explains
    nothing and weighs the most), and how much of the entry's question (or best
    alternate) the query asks about. Both must be high: a query that only brushes
    an entry, or an entry that only shares a word with the query, is not an answer.
    """
    s = index.settings

    def weight(word: str, rarity: float) -> float:
        return rarity * (FUNCTION_WEIGHT if word in FUNCTION_WORDS else 1.0)

    feats = index.features(doc)
    total = explained = 0.0
    for word, group in groups.items():
        word_idf = weight(word, max(index.idf(term) for term in group))
        total += word_idf
        best = 0.0
        for term, similarity in group.items():
            if term in feats:
                in_question = feats[term][1]
                best = max(best, similarity * (1.0 if in_question else s.answer_credit))
        explained += word_idf * best
    query_share = explained / total if total else 0.0

    asked = {term for group in groups.values() for term in group}
    entry = index.entry(doc)
    entry_share = 0.0
    for phrase in (entry.question, *entry.alternates):
        phrase_total = phrase_asked = 0.0
        for word in set(words(phrase)):
            w = weight(word, index.idf(stem(word)))
            phrase_total += w
            phrase_asked += w if stem(word) in asked else 0.0
        if phrase_total:
            entry_share = max(entry_share, phrase_asked / phrase_total)
    return math.sqrt(query_share * entry_share)


def is_confident(matches: Sequence[Match], threshold: float) -> bool:
    return bool(matches) and matches[0].score >= threshold


def nearly_tied(matches: Sequence[Match], settings: Settings = DEFAULTS) -> bool:
    """True when the second answer is about as good as the first."""
    return len(matches) > 1 and matches[0].score - matches[1].score < settings.tie_margin


def closest_ids(ids: Iterable[str], wanted: str, limit: int = 3) -> list[str]:
    """Ids that look like ``wanted`` (for "did you mean" after an unknown id)."""
    found = process.extract(wanted, list(ids), limit=limit, score_cutoff=50)
    return [str(choice) for choice, _, _ in found]


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


def explain(index: Index, query: str) -> Explanation | None:
    """Why the best entry for ``query`` is the best, and what its score is made of;
    None when nothing is ranked."""
    found = assess(index, query, 2)
    if found is None:
        return None
    matches = _scored(found, index.settings)
    weights = contributions(found.evidence, index.settings)
    used = index.settings.calibration
    if found.evidence.meaning is None or found.evidence.topic is None:
        used = index.settings.words_calibration
    parts = [
        Part(name, label, value, getattr(used, name), weights[name])
        for name, label in EVIDENCE_LABELS.items()
        if (value := getattr(found.evidence, name)) is not None
    ]
    return Explanation(
        matches[0].entry,
        matches[0].score,
        _word_matches(index, index.query_words(query), found.top),
        parts,
        weights["bias"],
        matches[1] if len(matches) > 1 else None,
    )


def _better(a: WordMatch, b: WordMatch) -> bool:
    """A match in the question beats one in the answer, then the closer spelling."""
    return (a.where == "question", a.similarity) > (b.where == "question", b.similarity)


def _word_matches(index: Index, groups: dict[str, dict[str, float]], doc: int) -> list[WordMatch]:
    feats = index.features(doc)
    entry = index.entry(doc)
    surface: dict[str, str] = {}
    for word in [*_question_words(entry), *words(entry.answer)]:
        surface.setdefault(stem(word), word)
    found = []
    for word, group in groups.items():
        in_faq = any(index.df(term) for term in group)
        best: WordMatch | None = None
        for term, similarity in group.items():
            if term not in feats:
                continue
            where = "question" if feats[term][1] else "answer"
            entry_word = surface.get(term, term)
            if term == stem(word):
                how = "same" if entry_word == word else "stem"
            else:
                how = "typo" if similarity < 1.0 else "joined"
            candidate = WordMatch(word, entry_word, how, similarity, where, in_faq)
            if best is None or _better(candidate, best):
                best = candidate
        found.append(best or WordMatch(word, None, None, 0.0, None, in_faq))
    return found
