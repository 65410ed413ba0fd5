"""Ranking: the stages from a query to scored entries, and the evidence for the first.

1. Query words (``Index.query_words``): normalised and stemmed, words the FAQ never
   uses corrected to the nearest FAQ words (*riskss* -> *risks*) or joined with the
   next (*corona virus*).
2. Candidates (:func:`candidates`): the entries with the best approximate BM25 score,
   from postings whose lists for very common words are cut short; a small FAQ is read
   whole.
3. Lexical (:func:`lexical`): each candidate's exact BM25 relevance, blended with the
   character n-gram similarity of the query and its question (*defector* /
   *defection*, word order).
4. Meaning (:func:`with_meaning`): the best candidates re-ordered by the cosine of
   their meaning and the query's (``Index.meaning``), so *dangerous* counts towards
   *risks*.
5. Evidence (:func:`assess`) for the first, weighed by ``engine.confidence``: among it
   the words of the query the entry explains and those it does not (``engine.coverage``).

The first entry scores the chance, in percent, that it is the right answer; the others
that times their relevance relative to it, so scores are always sorted.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from faqcli.engine import coverage
from faqcli.engine.analysis import Index
from faqcli.engine.confidence import Evidence, probability, word_match
from faqcli.engine.meaning import QueryWords, dot, question_words
from faqcli.engine.settings import DEFAULTS, Settings
from faqcli.engine.text import char_grams, content_words, cosine, stem, words
from faqcli.model import Entry
from faqcli.vectors import Vector


class Match(NamedTuple):
    """An entry and how well it answers the query (0-100)."""

    entry: Entry
    score: float


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
    shift: float = 0.0  # what faq learnt of this FAQ (``engine.learning``), in log-odds


def rank(index: Index, query: str, limit: int = 10) -> list[Match]:
    """The ``limit`` best entries for ``query``, best first, scored 0-100."""
    found = assess(index, query, limit)
    return scored(found, index.settings) if found else []


def scored(found: Assessment, settings: Settings = DEFAULTS) -> list[Match]:
    """The ranked entries with their scores: the probability of the first (x100), the
    others that times their relevance relative to it."""
    confidence = probability(found.evidence, settings, found.shift)
    return [Match(entry, _percent(confidence * rel)) for entry, rel in found.ranked]


def _percent(chance: float) -> float:
    """``chance`` x 100 to one decimal, never rounded up to 100 short of certainty."""
    exact = min(max(100.0 * chance, 0.0), 100.0)
    shown = round(exact, 1)
    return 99.9 if shown == 100.0 and exact < 100.0 else shown


def order(index: Index, query: str, limit: int = 10) -> list[tuple[Entry, float]]:
    """The ``limit`` best entries for ``query``, best first, each with its relevance
    relative to the first: the ranking alone, without the evidence and the score
    (``faq check`` ranks every question of a FAQ this way)."""
    query_words = index.query_words(query)
    ranked = ranking(index, query, query_words, _query_meaning(index, query, query_words), limit)
    if not ranked:
        return []
    best = ranked[0].relevance
    return [(index.entry(c.doc), c.relevance / best) for c in ranked]


def assess(index: Index, query: str, limit: int = 10) -> Assessment | None:
    """The ``limit`` best entries for ``query`` and the evidence for the first; None when
    no entry shares anything with it."""
    if limit <= 0:
        return None
    query_words = index.query_words(query)
    query_vector = _query_meaning(index, query, query_words)
    ranked = ranking(index, query, query_words, query_vector, limit)
    if not ranked:
        return None
    topic = index.topic() if query_vector else None
    top = ranked[0]
    words = word_match(index, query_words, top.doc)
    runner_up = word_match(index, query_words, ranked[1].doc) if len(ranked) > 1 else 0.0
    covered = coverage.coverage(index, query_words, top.doc)
    evidence = Evidence(
        words=words,
        meaning=top.meaning,
        topic=dot(query_vector, topic) if query_vector and topic else None,
        lead=words - runner_up,
        twin=twin(index, top.doc),
        letters=content_letters(index, query, top.doc),
        unexplained=coverage.unexplained(covered),
        explained=coverage.explained(covered),
        passage=coverage.passage(index, query_words, top.doc, covered),
        missing=left.against if (left := coverage.left_out(index, query_words, top.doc)) else 0.0,
    )
    best = top.relevance
    entries = [(index.entry(c.doc), c.relevance / best) for c in ranked]
    return Assessment(entries, evidence, top.doc, index.shift)


def ranking(
    index: Index,
    query: str,
    query_words: QueryWords,
    query_vector: Vector | None,
    limit: int,
) -> list[Candidate]:
    """The stages in order: the ``limit`` best candidates, or nothing when no entry
    shares anything with the query (no word, no letters, no meaning)."""
    terms: dict[str, float] = {}
    for group in query_words.values():
        for term, weight in group.items():
            terms[term] = max(terms.get(term, 0.0), weight)
    if not terms or not index.size:
        return []
    weights = {term: index.idf(term) * weight for term, weight in terms.items()}
    pool = candidates(index, weights, max(index.settings.candidates, limit))
    if not pool:
        return []
    blended = with_meaning(index, query_vector, lexical(index, query, weights, pool))
    if blended[0].relevance <= 0:
        return []
    return blended[:limit]


def candidates(index: Index, weights: dict[str, float], size: int) -> list[int]:
    """The ``size`` entries with the best approximate BM25 score, from postings whose
    lists for very common words are cut short. A small FAQ is read whole: an entry that
    shares no word with the query may still mean the same ("price of delivery", "how
    much does shipping cost")."""
    approx: dict[int, float] = {}
    get = approx.get
    for term, weight in weights.items():
        plist = index.postings(term)
        for doc, impact in zip(plist.docs, plist.impacts, strict=True):
            approx[doc] = get(doc, 0.0) + weight * impact
    if index.size <= index.settings.candidates:
        for doc in range(index.size):
            approx.setdefault(doc, 0.0)
    if len(approx) > size:
        # The size-th best score found among plain floats, then only the entries at
        # least that good are sorted (ties by entry): the same as sorting them all.
        worst_kept = heapq.nlargest(size, approx.values())[-1]
        approx = {doc: score for doc, score in approx.items() if score >= worst_kept}
    best = sorted(approx.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
    return [doc for doc, _ in best]


def lexical(
    index: Index, query: str, weights: dict[str, float], pool: list[int]
) -> list[Candidate]:
    """Each candidate's exact BM25 relevance, from its own terms, relative to the best,
    and its character n-gram similarity: best first by their blend (``char_weight``)."""
    s = index.settings
    exact = []
    for doc in pool:
        feats = index.features(doc)
        exact.append(sum(w * feats[t].impact for t, w in weights.items() if t in feats))
    best = max(exact)
    query_grams = char_grams(query[: s.max_query_chars])
    found = []
    for doc, relevance in zip(pool, exact, strict=True):
        letters = max(cosine(query_grams, grams) for grams in index.question_grams(doc))
        words = relevance / best if best > 0 else 0.0
        blend = (1 - s.char_weight) * words + s.char_weight * letters
        found.append(Candidate(doc, words, letters, relevance=blend))
    found.sort(key=lambda c: (-c.relevance, c.doc))
    return found


def with_meaning(
    index: Index, query_vector: Vector | None, lexical: list[Candidate]
) -> list[Candidate]:
    """The candidates re-ordered by meaning blended with their lexical relevance
    (``semantic_weight``). Meaning is computed for the first ``meaning_candidates``; the
    others are credited with the least found among them, so that none overtakes one
    that ranks above it by words."""
    s = index.settings
    top_lexical = lexical[0].relevance
    meaning: dict[int, float] = {}
    if query_vector:
        known = index._entry_meanings or {}
        index.prefetch(
            _meaning_stems(
                index, [c for c in lexical[: s.meaning_candidates] if c.doc not in known]
            )
        )
        for c in lexical[: s.meaning_candidates]:
            entry_vector = index.entry_meaning(c.doc)
            meaning[c.doc] = dot(query_vector, entry_vector) if entry_vector else 0.0
    least = min(meaning.values(), default=0.0)
    blended = []
    for c in lexical:
        lexical_part = c.relevance / top_lexical if top_lexical > 0 else 0.0
        m = meaning.get(c.doc, least)
        relevance = (1 - s.semantic_weight) * lexical_part + s.semantic_weight * m
        blended.append(c._replace(meaning=meaning.get(c.doc), relevance=relevance))
    blended.sort(key=lambda c: (-c.relevance, c.doc))
    return blended


def content_letters(index: Index, query: str, doc: int) -> float:
    """The letters the query shares with entry ``doc``'s question (or closest alternate),
    counting only the words that say what a question is about: "how do I" in common is
    no evidence that "how do I bake bread" asks "How do I pay?"."""
    grams = char_grams(" ".join(content_words(query[: index.settings.max_query_chars])))
    entry = index.entry(doc)
    return max(
        cosine(grams, char_grams(" ".join(content_words(p))))
        for p in (entry.question, *entry.alternates)
    )


def _meaning_stems(index: Index, candidates: list[Candidate]) -> Iterator[str]:
    """The stems whose rarity the meaning of ``candidates`` weighs."""
    limit = index.settings.answer_meaning_words
    for c in candidates:
        entry = index.entry(c.doc)
        yield from map(stem, question_words(entry))
        yield from map(stem, words(entry.answer)[:limit])


def twin(index: Index, doc: int) -> float:
    """How close entry ``doc``'s nearest other entry is: asked the entry's own question,
    the relevance of the best other entry relative to the entry's, 0-1. An entry with a
    near twin in the FAQ is a less sure answer, whatever the query: its words fit the
    twin almost as well. Computed once per entry and index."""
    if index.twins is None:
        index.twins = {}
    cache = index.twins
    if doc not in cache:
        question = index.entry(doc).question
        query_words = index.query_words(question)
        query_vector = _query_meaning(index, question, query_words)
        ranked = ranking(index, question, query_words, query_vector, 2)
        own = next((c.relevance for c in ranked if c.doc == doc), None)
        other = next((c.relevance for c in ranked if c.doc != doc), 0.0)
        cache[doc] = min(other / own, 1.0) if own and own > 0 else 1.0
    return cache[doc]


def _query_meaning(index: Index, query: str, query_words: QueryWords) -> Vector | None:
    """The query's meaning, or None when meaning is off (``semantic_weight`` 0) or unknown."""
    if index.settings.semantic_weight <= 0:
        return None
    return index.meaning.query(query[: index.settings.max_query_chars], query_words, index.idf)


def is_confident(matches: Sequence[Match], threshold: float) -> bool:
    """Whether the first match reaches ``threshold``: faq answers, not just suggests."""
    return bool(matches) and matches[0].score >= threshold


def nearly_tied(matches: Sequence[Match], settings: Settings = DEFAULTS) -> bool:
    """True when the second answer is about as good as the first."""
    return len(matches) > 1 and matches[0].score - matches[1].score < settings.tie_margin
