"""Confidence: the chance, from the evidence, that the top entry answers the query.

The score of the top entry is a probability: a logistic function of nine pieces of
:class:`Evidence`, with weights fitted on seven benchmark FAQs (and questions made from
them that no entry answers) and checked leave-one-FAQ-out by ``benchmarks/calibrate.py``
(``Settings.calibration``). Ranking
computes the evidence (``engine.rank``); this module weighs it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from faqcli.engine import text
from faqcli.engine.settings import DEFAULTS, Settings, Weights
from faqcli.engine.text import stem, words

if TYPE_CHECKING:
    from faqcli.engine.analysis import Index
    from faqcli.engine.meaning import QueryWords

# In the word match, a function word (see text.FUNCTION_WORDS) weighs this much of its
# rarity: "how do I" must not look like an answer.
FUNCTION_WEIGHT = 0.15


class Evidence(NamedTuple):
    """What the confidence in the top entry is computed from (see :func:`probability`).
    Each piece is a number, roughly 0-1, that a FAQ author can read in ``--explain``."""

    words: float  # how well the words match, 0-1 (see word_match)
    meaning: float | None  # cosine of the query's and the entry's meaning; None: no vectors
    topic: float | None  # cosine of the query's meaning and the FAQ's topic
    lead: float  # words minus the runner-up's words: how far the best entry stands out
    twin: float  # how close the entry's nearest other entry is (see rank.twin), 0-1
    letters: float  # letters shared by the content words (see rank.content_letters)
    unexplained: float  # the weight of the question word the entry explains least (coverage)
    explained: float  # the share of the question's weight the entry explains (coverage)
    passage: float  # the share of the question one sentence of the answer covers (coverage)
    missing: float  # the weight of the entry's word the question asks least about (coverage)


def weights_for(evidence: Evidence, settings: Settings = DEFAULTS) -> Weights:
    """The fitted weights that apply: without meaning, those fitted without it."""
    if evidence.meaning is None or evidence.topic is None:
        return settings.words_calibration
    return settings.calibration


def contributions(
    evidence: Evidence, settings: Settings = DEFAULTS, shift: float = 0.0
) -> dict[str, float]:
    """Each piece of evidence's part in the score, in log-odds (the bias included, and
    ``shift``, what faq learnt of this FAQ from its own questions, when not 0): the
    probability is the logistic function of their sum. Pieces that are unknown (no word
    vectors) are left out."""
    weights = weights_for(evidence, settings)
    parts = {"bias": weights.bias}
    for name, value in evidence._asdict().items():
        if value is not None:
            parts[name] = getattr(weights, name) * value
    if shift:
        parts["shift"] = shift
    return parts


def probability(evidence: Evidence, settings: Settings = DEFAULTS, shift: float = 0.0) -> float:
    """The chance that the top entry answers the query: a logistic function of the
    evidence, with the weights of ``Settings.calibration`` (and ``shift``)."""
    z = sum(contributions(evidence, settings, shift).values())
    return 1.0 / (1.0 + math.exp(-z))


def word_match(index: Index, query_words: QueryWords, doc: int) -> float:
    """How well entry ``doc``'s words match the query, in [0, 1].

    The geometric mean of two shares of IDF weight, function words discounted:
    how much of the query the entry explains (a word the FAQ never uses explains
    nothing and weighs the most), and how much of the entry's question (or best
    alternate) the query asks about. Both must be high: a query that only brushes
    an entry, or an entry that only shares a word with the query, is not an answer.
    """
    query_share = _query_share(index, query_words, doc)
    asked = {term for group in query_words.values() for term in group}
    entry = index.entry(doc)
    entry_share = 0.0
    for phrase in (entry.question, *entry.alternates):
        phrase_total = phrase_asked = 0.0
        for word in set(words(phrase)):
            w = _weight(word, index.idf(stem(word)))
            phrase_total += w
            phrase_asked += w if stem(word) in asked else 0.0
        if phrase_total:
            entry_share = max(entry_share, phrase_asked / phrase_total)
    return math.sqrt(query_share * entry_share)


def _query_share(index: Index, query_words: QueryWords, doc: int) -> float:
    """The share of the query's weight that entry ``doc`` explains."""
    feats = index.features(doc)
    total = explained = 0.0
    for word, group in query_words.items():
        word_idf = _weight(word, max(index.idf(term) for term in group))
        total += word_idf
        best = 0.0
        for term, similarity in group.items():
            if term in feats:
                credit = 1.0 if feats[term].in_question else index.settings.answer_credit
                best = max(best, similarity * credit)
        explained += word_idf * best
    return explained / total if total else 0.0


def _weight(word: str, rarity: float) -> float:
    return rarity * (FUNCTION_WEIGHT if word in text.FUNCTION_WORDS else 1.0)
