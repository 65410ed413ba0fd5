"""The matching engine, called directly: a table of queries and Hypothesis properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faqcli import store, vectors
from faqcli.engine import (
    DEFAULTS,
    Evidence,
    Index,
    MemoryIndex,
    contributions,
    is_confident,
    nearly_tied,
    normalise,
    probability,
    rank,
)
from faqcli.model import Entry

from .conftest import SMALL_FAQ

SMALL = MemoryIndex(store.from_document(SMALL_FAQ, "small").entries)
SEED = MemoryIndex(store.load(store.bundled_path()).entries)


def best(index: Index, query: str) -> str | None:
    matches = rank(index, query)
    return matches[0].entry.id if is_confident(matches, DEFAULTS.threshold) else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # exact and reworded
        ("How do I reset my password?", "reset-password"),
        ("password reset", "reset-password"),  # keywords only, reordered
        ("i forgot my password", "reset-password"),  # an alternate
        ("how to delete my account", "delete-account"),
        # typos
        ("how do i resett my pasword", "reset-password"),
        ("delet acount", "delete-account"),
        # question words tell entries apart
        ("where is the office", "office-location"),
        ("when is the office open", "opening-hours"),
        ("can i get my money back, a refund", "refund"),
        # nothing fits
        ("what is the price of gold", None),
        ("hello there", None),
        ("who won the football match yesterday", None),
        # a word in common, but another topic
        ("delete the last line of a poem", None),
        ("when is the next solar eclipse", None),
    ],
)
def test_small_faq_table(query: str, expected: str | None) -> None:
    assert best(SMALL, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("why did the north korean soldier flee?", "why-defect-now"),
        ("wat are the riskss of crosing the bordr", "crossing-risks"),
        ("how do North Koreans usually escape", "escape-routes"),
        ("border land defections how common", "land-border-frequency"),
        ("how do I bake bread", None),
        ("football scores today", None),
        ("risks of eating raw fish", None),
        ("how do birds escape predators", None),
    ],
)
def test_seed_faq_table(query: str, expected: str | None) -> None:
    assert best(SEED, query) == expected


def test_normalise_folds_case_width_and_diacritics() -> None:
    assert normalise("Ça Coûte ＡＢＣ") == "ca coute abc"


def test_empty_or_wordless_query_finds_nothing() -> None:
    assert rank(SMALL, "") == []
    assert rank(SMALL, "?!... ---") == []


def test_empty_faq_finds_nothing() -> None:
    assert rank(MemoryIndex([]), "anything") == []


def test_nearly_tied_when_two_entries_are_the_same_question() -> None:
    twins = MemoryIndex(
        [Entry("a", "How do I pay?", "Card."), Entry("b", "How do I pay?", "Cash.")]
    )
    matches = rank(twins, "how do i pay")
    assert nearly_tied(matches)
    assert not nearly_tied(rank(SMALL, "where is the office"))


def test_limit_caps_the_number_of_matches() -> None:
    assert len(rank(SMALL, "how do i", limit=2)) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_and_scores_are_sorted_within_0_100(query: str) -> None:
    matches = rank(SMALL, query, limit=10)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert len({m.entry.id for m in matches}) == len(matches)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=100))
def test_ranking_is_deterministic(query: str) -> None:
    assert rank(SMALL, query) == rank(SMALL, query)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=80)),
        min_size=1,
        max_size=8,
    ),
    st.text(max_size=60),
)
def test_any_unicode_faq_and_query_never_raises(pairs: list[tuple[str, str]], query: str) -> None:
    entries = [Entry(str(i), q, a) for i, (q, a) in enumerate(pairs)]
    for m in rank(MemoryIndex(entries), query):
        assert 0 <= m.score <= 100


TRIP = [
    Entry(id="risks", question="What are the risks of the trip?", answer="See the safety notes."),
    Entry(id="costs", question="What are the costs of the trip?", answer="See the price list."),
    Entry(id="length", question="How long is the trip?", answer="About a week."),
]
WORDS_ONLY = DEFAULTS._replace(semantic_weight=0.0)
WHOLE_WORDS_ONLY = WORDS_ONLY._replace(char_weight=0.0)  # BM25 alone


def order(index: Index, query: str) -> list[str]:
    return [m.entry.id for m in rank(index, query)]


@pytest.mark.parametrize(
    ("query", "nearer", "farther"),
    [
        ("is the trip dangerous", "risks", "costs"),
        ("is the trip safe", "risks", "costs"),
        ("what could go wrong on the trip", "risks", "costs"),
        ("how expensive is the trip", "costs", "risks"),
    ],
)
def test_meaning_breaks_a_tie_of_words(query: str, nearer: str, farther: str) -> None:
    """ "risks" and "costs" share the same words with the query; meaning tells them apart
    (and outweighs letters in common: "could" and "costs")."""
    words_only = {m.entry.id: m.score for m in rank(MemoryIndex(TRIP, WHOLE_WORDS_ONLY), query)}
    assert words_only[nearer] == words_only[farther]
    ranked = order(MemoryIndex(TRIP), query)
    assert ranked.index(nearer) < ranked.index(farther)


def test_meaning_finds_a_synonym_the_words_miss() -> None:
    """ "cost" is a word of two questions, but only one is about money."""
    query = "how much does the trip cost me"
    assert order(MemoryIndex(TRIP, WORDS_ONLY), query)[0] == "length"
    assert order(MemoryIndex(TRIP), query)[0] == "costs"


def test_without_word_vectors_words_alone_rank(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing vectors file costs meaning, not answers."""
    monkeypatch.setattr(vectors, "default", lambda: None)
    for query in ("is the trip dangerous", "how long is the trip"):
        assert order(MemoryIndex(TRIP), query) == order(MemoryIndex(TRIP, WORDS_ONLY), query)


unit = st.floats(min_value=0.0, max_value=1.0)
FAVOURABLE = ("words", "meaning", "topic", "lead", "letters", "explained", "passage")
AGAINST = ("twin", "unexplained", "missing")
evidence = st.builds(Evidence, *[unit] * len(Evidence._fields))


@given(evidence, st.sampled_from(FAVOURABLE))
def test_confidence_never_falls_as_favourable_evidence_grows(e: Evidence, better: str) -> None:
    more = e._replace(**{better: getattr(e, better) + 0.1})
    assert 0.0 < probability(e) <= probability(more) < 1.0
    if getattr(DEFAULTS.calibration, better) > 0:
        assert probability(e) < probability(more)


@given(evidence, st.sampled_from(AGAINST))
def test_evidence_against_an_answer_makes_it_less_sure(e: Evidence, worse: str) -> None:
    """A closer twin, a word nothing explains, an entry's word not asked about: each
    makes the entry less likely to be the one meant (each fitted weight is below 0)."""
    assert getattr(DEFAULTS.calibration, worse) < 0
    assert probability(e._replace(**{worse: getattr(e, worse) + 0.1})) < probability(e)


def test_the_parts_of_the_score_add_up_to_its_log_odds() -> None:
    e = Evidence(0.5, 0.6, 0.3, 0.2, 0.25, 0.4, 0.1, 0.8, 0.5, 0.2)
    parts = contributions(e)
    assert set(parts) == {"bias", *Evidence._fields}
    z = sum(parts.values())
    assert probability(e) == pytest.approx(1 / (1 + math.exp(-z)))


def test_confidence_from_words_alone_when_meaning_is_unknown() -> None:
    """Without word vectors the weights fitted without meaning are used, and a piece of
    meaning without the topic does not change the score."""
    weak = Evidence(0.1, None, None, 0.0, 0.3, 0.1, 0.5, 0.2, 0.1, 0.5)
    strong = Evidence(0.9, None, None, 0.8, 0.1, 0.9, 0.0, 1.0, 0.8, 0.0)
    assert probability(weak) < 0.5 < probability(strong)
    assert probability(strong._replace(meaning=0.5)) == probability(strong)
    assert "meaning" not in contributions(strong)


def test_a_question_sharing_no_word_with_the_faq_still_gets_suggestions() -> None:
    """On a small FAQ every entry is weighed by meaning, so faq can still show the
    closest questions; it does not answer."""
    query = "good afternoon"
    assert not any(SEED.df(term) for group in SEED.query_words(query).values() for term in group)
    matches = rank(SEED, query)
    assert len(matches) == SEED.size
    assert not is_confident(matches, DEFAULTS.threshold)


def test_a_near_miss_is_refused_where_the_question_it_resembles_is_answered() -> None:
    """A question sharing "where is the office" with an entry, "where is the nearest office
    supply store", asks something else: refused. Its model question is answered."""
    assert best(SMALL, "where is the office") == "office-location"
    assert best(SMALL, "where is the nearest office supply store") is None


class _Compass:
    """A stub meaning: a query or entry points north when it says "cat", east otherwise."""

    def __init__(self, cat_is: list[float]) -> None:
        self.cat_is = cat_is

    def _vector(self, text: str) -> list[float]:
        return self.cat_is if "cat" in text.lower() else [0.0, 1.0]

    def query(self, text: str, query_words: object, rarity: object) -> list[float] | None:
        return [1.0, 0.0]  # every query points north

    def entry(self, entry: Entry, rarity: object) -> list[float] | None:
        return self._vector(entry.question)

    def topic(self, question_terms: object, rarity: object) -> list[float] | None:
        return [1.0, 0.0]

    def word(self, term: str) -> None:
        return None  # no word is known: coverage weighs words by their rarity alone

    def knows_words(self) -> bool:
        return False


@pytest.mark.parametrize(("cat_is", "expected"), [([1.0, 0.0], "cat"), ([0.0, -1.0], "dog")])
def test_the_meaning_component_is_passed_in(cat_is: list[float], expected: str) -> None:
    """Ranking reads meaning through the Meaning interface: a stub decides between two
    entries that words cannot tell apart, with no patching of the engine."""
    entries = [
        Entry("cat", "How do I feed my cat?", "Fish."),
        Entry("dog", "How do I feed my dog?", "Meat."),
    ]
    index = MemoryIndex(entries, meaning=_Compass(cat_is))
    assert rank(index, "how do I feed my pet")[0].entry.id == expected


@pytest.mark.parametrize(("chance", "score"), [(0.99996, 99.9), (0.99949, 99.9), (1.0, 100.0)])
def test_a_chance_short_of_certainty_never_scores_100(
    monkeypatch: pytest.MonkeyPatch, chance: float, score: float
) -> None:
    """Rounding to one decimal must not turn 99.96 into 100: only certainty is 100."""
    import importlib

    ranking = importlib.import_module("faqcli.engine.rank")  # the module, not rank()
    monkeypatch.setattr(ranking, "probability", lambda evidence, settings, shift: chance)
    assert ranking.rank(SMALL, "how do I reset my password")[0].score == score
