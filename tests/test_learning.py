"""What faq learns of a FAQ from its own labelled questions (engine.learning)."""

from __future__ import annotations

import math

import pytest

from faqcli.engine import MemoryIndex, rank
from faqcli.engine.learning import MOST, PRIOR, Outcome, Revised, learn, outcomes, shift
from faqcli.model import Entry, Negative

ENTRIES = [
    Entry("pay", "How do I pay?", "By card or in cash.", ("payment methods", "can I pay by card")),
    Entry("refund", "Can I get a refund?", "Yes, within 14 days.", ("money back",)),
    Entry("hours", "When are you open?", "Monday to Friday, 9 to 5.", ("opening hours",)),
]


def test_no_labelled_question_no_shift() -> None:
    index = MemoryIndex([e.replace(alternates=()) for e in ENTRIES])
    assert learn(index) == (0.0, 0)


def test_the_shift_fits_the_outcomes_pulled_towards_zero_by_the_prior() -> None:
    # Four questions at log-odds 0 (50%), all right: with no prior the best shift is as
    # large as allowed; with the prior, the shift b where the gradient vanishes:
    # 4 x (sigmoid(b) - 1) + PRIOR x b / 2 = 0.
    right = [Outcome(f"q{i}", 0.0, True) for i in range(4)]
    assert shift(right, prior=0.0) == MOST
    b = shift(right)
    assert 4 * (1 / (1 + math.exp(-b)) - 1) + PRIOR * b / 2 == pytest.approx(0, abs=1e-3)
    assert 0 < b < MOST
    # Half right at 50%: nothing to learn.
    mixed = [Outcome("a", 0.0, True), Outcome("b", 0.0, False)]
    assert shift(mixed) == 0.0


def test_an_alternate_is_ranked_against_the_faq_without_it() -> None:
    """The Revised view ranks as an index rebuilt without that alternate would."""
    base = MemoryIndex(ENTRIES)
    without = ENTRIES[0].replace(alternates=("can I pay by card",))
    rebuilt = MemoryIndex([without, *ENTRIES[1:]])
    view = Revised(base, 0, without)
    for query in ("payment methods", "how can I pay", "refund", "opening hours please"):
        got = [(m.entry.id, m.score) for m in rank(view, query, 3)]
        want = [(m.entry.id, m.score) for m in rank(rebuilt, query, 3)]
        assert [i for i, _ in got] == [i for i, _ in want], query
        for (_, a), (_, b) in zip(got, want, strict=True):
            assert a == pytest.approx(b, abs=1.0), query  # average lengths stay the FAQ's


def test_each_alternate_and_negative_is_a_labelled_question() -> None:
    index = MemoryIndex(ENTRIES)
    negatives = (Negative("do you sell gift cards", None), Negative("pay my taxes", "pay"))
    found = {o.question: o.right for o in outcomes(index, negatives)}
    assert set(found) == {"payment methods", "can I pay by card", "money back",
                          "opening hours", "do you sell gift cards", "pay my taxes"}  # fmt: skip
    assert found["do you sell gift cards"] is False  # off-topic: never answered right
    assert found["can I pay by card"] is True


def test_a_learnt_shift_moves_every_score_of_the_faq() -> None:
    index = MemoryIndex(ENTRIES)
    before = rank(index, "how can I pay")[0].score
    index.shift = 1.0
    after = rank(index, "how can I pay")[0].score
    odds = lambda p: math.log(p / (100 - p))  # noqa: E731
    assert odds(after) - odds(before) == pytest.approx(1.0, abs=0.05)  # scores to 0.1
