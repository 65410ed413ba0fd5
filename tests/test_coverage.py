"""Evidence against an answer: words of the question the entry does not explain."""

from __future__ import annotations

import pytest

from faqcli import store
from faqcli.engine import DEFAULTS, MemoryIndex, assess, explain, rank
from faqcli.engine.coverage import carries, coverage, left_out
from faqcli.model import Entry

SEED = MemoryIndex(store.load(store.bundled_path()).entries)
CLINIC = MemoryIndex(
    [
        Entry("bring", "What should I bring to my first appointment?", "Your card and a list."),
        Entry("park", "Is there parking at the clinic?", "Yes, behind the building."),
        Entry("hours", "When is the clinic open?", "Monday to Friday, 8 to 18."),
    ]
)


def answered(index: MemoryIndex, query: str) -> str | None:
    matches = rank(index, query, 1)
    return matches[0].entry.id if matches and matches[0].score >= DEFAULTS.threshold else None


@pytest.mark.parametrize(
    "query",
    [
        "could more floods happen soon",
        "could more layoffs happen soon",
        "how common are tigers at the land border",
    ],
)
def test_a_question_that_keeps_an_entrys_frame_but_swaps_its_subject_is_refused(
    query: str,
) -> None:
    """Each of these was answered at 90 or more: one word, the one nothing in the FAQ
    explains, tells it from an entry's question."""
    assert answered(SEED, query) is None


@pytest.mark.xfail(strict=True, reason="still answered: the swapped word is a common noun")
@pytest.mark.parametrize(
    "query",
    [
        "how do defectors usually escape prison",
        "why did the soldier get promoted",
        "how do defectors find jobs in south korea",
    ],
)
def test_swaps_of_a_common_noun_are_not_yet_refused(query: str) -> None:
    """Known to fail (issue 19): *prison*, *promoted* and *jobs* are so common in English
    that what they leave unexplained weighs too little against the rest of the match."""
    assert answered(SEED, query) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("what happens to defectors who get caught", "crossing-risks"),
        ("how does this affect diplomacy", "north-south-relations"),
        ("is the border heavily guarded", "crossing-risks"),
        ("what is pyongyang's likely response", "north-south-relations"),
        ("why did the north korean soldier flee?", "why-defect-now"),
    ],
)
def test_a_question_answered_by_the_answers_words_is_answered(query: str, expected: str) -> None:
    """The first four were abstained on (33-58) with the right entry on top: their words
    are in one sentence of its answer, not in its question."""
    assert answered(SEED, query) == expected


def test_a_word_no_entry_explains_counts_against_the_entry() -> None:
    """ "cancel my appointment" shares *appointment* with one entry of a clinic's FAQ;
    *cancel* is in no entry and weighs a lot: no answer, and --explain says why."""
    assert answered(CLINIC, "cancel my appointment") is None
    found = assess(CLINIC, "cancel my appointment", 2)
    assert found is not None and found.evidence.unexplained > 0.2
    why = explain(CLINIC, "cancel my appointment", found)
    assert why is not None
    assert [w.word for w in why.against] == ["cancel"]
    assert answered(CLINIC, "what should I bring to my appointment") == "bring"


def test_chat_and_function_words_weigh_nothing_and_subjects_weigh_much() -> None:
    for word in ("hi", "plz", "please", "thanks", "how", "the", "2024"):
        assert carries(SEED, word) == 0.0, word
    for word in ("floods", "tigers", "cancel", "layoffs"):
        assert carries(SEED, word) > 0.3, word
    assert carries(SEED, "happen") < carries(SEED, "floods")


def test_chat_noise_does_not_count_against_an_answer() -> None:
    """ "hi plz help, how do defectors escape": the greeting is no evidence against."""
    plain = assess(SEED, "how do defectors escape", 2)
    noisy = assess(SEED, "hi plz help how do defectors escape", 2)
    assert plain is not None and noisy is not None
    assert noisy.evidence.unexplained == plain.evidence.unexplained == 0.0
    assert answered(SEED, "hi plz help how do defectors escape") == "escape-routes"


def test_each_word_says_what_explains_it() -> None:
    index = CLINIC
    words = {w.word: w for w in coverage(index, index.query_words("parkng at the clinik"), 1)}
    assert (words["parkng"].by, words["parkng"].how) == ("parking", "typo")
    assert words["clinik"].where == "question"
    assert words["at"].weight == 0.0
    answer_only = {w.word: w for w in coverage(index, index.query_words("behind building"), 1)}
    assert answer_only["building"].where == "answer"
    assert answer_only["building"].explained == DEFAULTS.answer_coverage


def test_the_entrys_subject_left_out_of_the_question_is_named() -> None:
    doc = next(i for i in range(SEED.size) if SEED.entry(i).id == "why-defect-now")
    left = left_out(SEED, SEED.query_words("why did the soldier get promoted"), doc)
    assert left is not None and left.word in {"defect", "korean", "north"}
    assert left_out(SEED, SEED.query_words(SEED.entry(doc).question), doc) is None
