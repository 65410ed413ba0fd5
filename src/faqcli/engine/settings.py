"""The engine's settings: one set of defaults serves every FAQ.

Each value says what it means and why in a line or two; the measurements that chose
them are the benchmarks' (``benchmarks/quality.py``, ``benchmarks/calibrate.py``).
"""

from __future__ import annotations

from typing import NamedTuple


class Weights(NamedTuple):
    """The weights of the logistic function that turns evidence into a probability: a
    bias and one weight per piece of ``Evidence`` (log-odds per unit)."""

    bias: float
    words: float
    meaning: float
    topic: float
    lead: float
    twin: float
    letters: float
    unexplained: float
    explained: float
    passage: float
    missing: float


# Written by benchmarks/calibrate.py, which fits them and checks them leave-one-FAQ-out.
FITTED = Weights(
    bias=-1.24, words=0.0, meaning=2.94, topic=0.0, lead=0.41, twin=-3.25, letters=0.9,
    unexplained=-1.46, explained=0.97, passage=1.17, missing=-0.8,
)  # fmt: skip
FITTED_WORDS_ONLY = Weights(
    bias=-0.18, words=1.9, meaning=0.0, topic=0.0, lead=0.31, twin=-4.76, letters=0.62,
    unexplained=-1.68, explained=1.62, passage=1.03, missing=-1.74,
)  # fmt: skip


class Settings(NamedTuple):
    """The engine's defaults. One set serves every FAQ; each value says why."""

    # BM25 saturation and length normalisation: the textbook values (Robertson &
    # Zaragoza 2009).
    k1: float = 1.2
    b: float = 0.75
    # Answers say much besides the topic: a word found only there is weaker evidence
    # than one in the question, yet it still breaks ties on small FAQs.
    answer_weight: float = 0.2
    # A query word at most one edit in four letters from a FAQ word is a typo of it;
    # words shorter than four letters are not corrected (too many near neighbours).
    fuzzy_cutoff: float = 0.75
    fuzzy_min_len: int = 4
    fuzzy_limit: int = 3
    # Weight of the character n-gram similarity against the (max-normalised) BM25
    # score when re-ranking: shared word pieces that stemming misses, and word order.
    char_weight: float = 0.5
    # How many entries are ranked exactly after the approximate first pass; a FAQ this
    # small is read whole, so an entry sharing no word can still win by meaning.
    candidates: int = 50
    # Only a word's this-many strongest postings are read, so a query costs the same
    # on a FAQ of 6 entries or 1,000,000; smaller FAQs rank as if there were no cut.
    postings_limit: int = 2000
    # In the word match, a query word matched only in the answer explains this much.
    answer_credit: float = 0.5
    # In the coverage of the question's words (``engine.coverage``), a word explained
    # only by the answer (the word itself or one close in meaning) is this well
    # explained: an answer says much besides its topic, yet it answers in its words.
    answer_coverage: float = 0.7
    # Weight of meaning against the lexical score: words alone cannot tell that "is the
    # trip dangerous" asks about risks; meaning alone ignores a FAQ's names and terms.
    semantic_weight: float = 0.5
    # An entry's meaning: its question and alternates, plus the first words of its
    # answer (which restate the topic) at a lower weight, as in BM25 above.
    answer_meaning_weight: float = 0.3
    answer_meaning_words: int = 50
    # Meaning re-orders only the best candidates by words (it costs some 0.2 ms each).
    meaning_candidates: int = 10
    # The weights of the confidence (a probability, see ``confidence.probability``);
    # the second set is for when the word vectors are missing (no meaning, no topic).
    calibration: Weights = FITTED
    words_calibration: Weights = FITTED_WORDS_ONLY
    # Below this score (0-100) faq abstains. A wrong answer given with confidence costs
    # a user more than "not sure, here are the closest": answer when clearly likely.
    threshold: float = 60.0
    # Two answers whose scores differ by less than this are "nearly tied".
    tie_margin: float = 5.0
    # Only this much of a query is read: a question longer than a page is not a question.
    max_query_chars: int = 2000


DEFAULTS = Settings()
