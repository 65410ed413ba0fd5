"""Measure match quality on labelled queries (``faq eval``). Pure: no I/O.

The labelled queries are JSON Lines, one object per line with exactly two keys:
``{"query": "how do I pay", "expected": "payment"}``: ``query`` is the question a user
would type, ``expected`` the id of the entry that answers it, or ``null`` when the FAQ
does not answer it (out of scope: the right behaviour is to abstain). Blank lines are
skipped. The metrics are defined in :class:`Report`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from faqcli import store
from faqcli.engine import Index, Match, rank
from faqcli.errors import FaqDataError
from faqcli.model import id_key

RANKED = 10  # MRR@10 and hit@5 need the first ten
KEYS = frozenset({"query", "expected"})
CALIBRATION_BINS = 10
SURE = 90.0  # wrong_at_90 looks at the answers scored at least this
TRUSTED = 0.90  # coverage_at_90: the answer precision a threshold must keep
SWEEP = tuple(range(0, 100, 5))  # the thresholds of the sweep


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    expected: str | None  # the id of the entry that answers it; None: out of scope
    line: int


@dataclass(frozen=True)
class Miss:
    """An in-scope query whose labelled entry did not come first."""

    query: str
    expected: str
    got: str | None
    rank: int | None  # 1-based rank of the expected entry within the first ten


class Outcome(NamedTuple):
    """What faq did with one labelled query: the top entry's score (0 when nothing was
    ranked), whether the top entry is the labelled one (never, out of scope), and whether
    the query is in scope."""

    score: float
    right: bool
    in_scope: bool


@dataclass(frozen=True)
class Scored:
    """A labelled query, the entry faq put first (None: nothing ranked) and its score."""

    query: str
    expected: str | None
    got: str | None
    score: float


class SweepRow(NamedTuple):
    """What one threshold would do: shares of the in-scope queries answered right and
    answered with another entry, the share of out-of-scope queries answered, and the
    answer precision (None when nothing is answered)."""

    threshold: float
    answered_correct: float
    answered_wrong: float
    oos_answered: float
    answer_precision: float | None


def answer_precision(outcomes: Sequence[Outcome], threshold: float) -> float | None:
    """Correct answers / all answers given (score at or above ``threshold``); an answer
    to an out-of-scope query counts as wrong. None when no answer is given."""
    answered = [o for o in outcomes if o.score >= threshold]
    return sum(o.right for o in answered) / len(answered) if answered else None


def expected_calibration_error(outcomes: Sequence[Outcome]) -> float:
    """Over all queries, the top score / 100 against whether the top entry is right, in
    10 equal-width bins ([0, 0.1), ..., [0.9, 1.0]): the sum over bins of
    |mean score - share right| x bin size, divided by the number of queries."""
    bins: list[list[Outcome]] = [[] for _ in range(CALIBRATION_BINS)]
    for o in outcomes:
        bins[min(int(o.score / 100 * CALIBRATION_BINS), CALIBRATION_BINS - 1)].append(o)
    total = 0.0
    for b in bins:
        if b:
            mean_score = sum(o.score for o in b) / len(b) / 100
            share_right = sum(o.right for o in b) / len(b)
            total += abs(mean_score - share_right) * len(b)
    return total / len(outcomes) if outcomes else 0.0


def wrong_at_90(outcomes: Sequence[Outcome]) -> float | None:
    """Among queries whose top score is at least 90, the share whose top entry is
    wrong (an out-of-scope query's always is). None when no score reaches 90."""
    sure = [o for o in outcomes if o.score >= SURE]
    return sum(not o.right for o in sure) / len(sure) if sure else None


def sweep_row(outcomes: Sequence[Outcome], threshold: float) -> SweepRow:
    """What ``threshold`` would do (see :class:`SweepRow`)."""
    in_scope = [o for o in outcomes if o.in_scope]
    oos = [o for o in outcomes if not o.in_scope]
    answered = [o for o in in_scope if o.score >= threshold]
    right = sum(o.right for o in answered)
    return SweepRow(
        threshold,
        right / (len(in_scope) or 1),
        (len(answered) - right) / (len(in_scope) or 1),
        sum(o.score >= threshold for o in oos) / (len(oos) or 1),
        answer_precision(outcomes, threshold),
    )


def coverage_at_90(outcomes: Sequence[Outcome]) -> tuple[float, float | None]:
    """The largest share of the in-scope queries answered right at any threshold whose
    answer precision is at least 0.90, and that threshold. The thresholds tried are the
    scores themselves; of those giving the largest share, the highest (it answers the
    fewest wrongly). (0.0, None) when no threshold keeps that precision."""
    n = sum(o.in_scope for o in outcomes) or 1
    best, threshold = 0.0, None
    answered = right = right_in_scope = 0
    by_score = sorted(outcomes, key=lambda o: -o.score)
    for i, o in enumerate(by_score):
        answered += 1
        right += o.right
        right_in_scope += o.right and o.in_scope
        if i + 1 < len(by_score) and by_score[i + 1].score == o.score:
            continue  # a threshold answers every query of a score, or none
        if right / answered >= TRUSTED and right_in_scope / n > best:
            best, threshold = right_in_scope / n, o.score
    return best, threshold


@dataclass
class Report:
    """hit@1, hit@5 and MRR@10 rank the in-scope queries; answered_correct,
    answered_wrong and abstained_in_scope are shares of them at the threshold;
    oos_abstained is the share of out-of-scope queries not answered; answer_precision,
    ece and wrong_at_90 check the score as a probability (see their functions)."""

    in_scope: int = 0
    hit1: float = 0.0
    hit5: float = 0.0
    mrr10: float = 0.0
    answered_correct: float = 0.0
    answered_wrong: float = 0.0
    abstained_in_scope: float = 0.0
    out_of_scope: int = 0
    oos_abstained: float = 0.0
    answer_precision: float | None = None
    ece: float = 0.0
    wrong_at_90: float | None = None
    coverage_at_90: float = 0.0
    coverage_at_90_threshold: float | None = None
    misses: list[Miss] = field(default_factory=list)
    # Where trust breaks: answers given that are wrong (an out-of-scope query answered,
    # or an in-scope one with another entry), highest score first; in-scope queries not
    # answered, those whose top entry was the right one first, lowest score first.
    wrong_answers: list[Scored] = field(default_factory=list)
    withheld: list[Scored] = field(default_factory=list)
    sweep: list[SweepRow] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int | None]:
        """The JSON contract of ``faq eval --json``."""
        return {
            "in_scope": self.in_scope,
            "hit@1": self.hit1,
            "hit@5": self.hit5,
            "mrr@10": self.mrr10,
            "answered_correct": self.answered_correct,
            "answered_wrong": self.answered_wrong,
            "abstained_in_scope": self.abstained_in_scope,
            "out_of_scope": self.out_of_scope,
            "oos_abstained": self.oos_abstained,
            "answer_precision": self.answer_precision,
            "ece": self.ece,
            "wrong_at_90": self.wrong_at_90,
            "coverage_at_90": self.coverage_at_90,
            "coverage_at_90_threshold": self.coverage_at_90_threshold,
        }


def parse_queries(text: str, name: str, known_ids: Collection[str]) -> list[LabelledQuery]:
    """JSON Lines of ``{"query": str, "expected": id or null}``; blank lines skipped.
    Anything else on a line (another key, a missing key, an unknown id) is an error
    naming the line: a typo such as ``"id"`` for ``"expected"`` must not silently turn
    a query into an out-of-scope one. An id is the FAQ's however its characters are
    composed (``café``: one ``é`` or ``e`` and an accent)."""
    stored = {id_key(i): i for i in known_ids}
    out = []
    for number, line in enumerate(text.split("\n"), start=1):  # JSON Lines: \n ends a line
        if not line.strip():
            continue
        try:
            obj = store.loads(line)
        except json.JSONDecodeError as exc:
            raise FaqDataError(f"{name}:{number}:{exc.colno}: malformed JSON: {exc.msg}") from None
        except store.NotJsonNumber as exc:
            column = exc.place(line).partition(":")[2]
            raise FaqDataError(f"{name}:{number}:{column or 1}: {exc}") from None
        except RecursionError:
            raise FaqDataError(f"{name}:{number}: malformed JSON: nested too deeply") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("query"), str):
            raise FaqDataError(f"{name}:{number}: expected an object with a string 'query'")
        unknown = sorted(set(obj) - KEYS)
        if unknown:
            keys = ", ".join(repr(k) for k in unknown)
            msg = f"{name}:{number}: unknown key {keys} (a line has 'query' and 'expected')"
            raise FaqDataError(msg)
        if "expected" not in obj:  # not taken for null: a line half written is no label
            msg = f"{name}:{number}: missing key 'expected' (null when the FAQ should not answer)"
            raise FaqDataError(msg)
        expected = obj["expected"]
        if expected is not None and not isinstance(expected, str):
            raise FaqDataError(f"{name}:{number}: 'expected' must be an entry id or null")
        if expected is not None and expected not in known_ids:
            expected = stored.get(id_key(expected))  # one id however it is composed
            if expected is None:
                raise FaqDataError(f"{name}:{number}: unknown expected id {obj['expected']!r}")
        out.append(LabelledQuery(obj["query"], expected, number))
    return out


def evaluate(
    index: Index,
    queries: Sequence[LabelledQuery],
    threshold: float,
    ranked: Sequence[Sequence[Match]] | None = None,
) -> Report:
    """Every metric of :class:`Report` for the engine on ``queries`` (``ranked``: each
    query's matches, ``RANKED`` deep, when the caller has ranked them already)."""
    if ranked is None:
        ranked = [rank(index, q.query, limit=RANKED) for q in queries]
    results = []
    for q, matches in zip(queries, ranked, strict=True):
        results.append((q, [m.entry.id for m in matches], matches[0].score if matches else 0.0))
    return report(results, threshold)


def report(results: Iterable[tuple[LabelledQuery, list[str], float]], threshold: float) -> Report:
    """The metrics of ranked results: per labelled query, the ids ranked (best first, at
    least ten when there are ten) and the top score. Pure arithmetic, so it is tested
    with results made up by hand."""
    r = Report()
    outcomes = []
    correct = wrong = abstained = oos_abstained = hit1 = hit5 = 0
    rr = 0.0
    withheld_right: list[Scored] = []
    for q, ids, score in results:
        answered = bool(ids) and score >= threshold
        right = bool(ids) and ids[0] == q.expected
        outcomes.append(Outcome(score if ids else 0.0, right, q.expected is not None))
        scored = Scored(q.query, q.expected, ids[0] if ids else None, score if ids else 0.0)
        if answered and not right:
            r.wrong_answers.append(scored)
        elif not answered and q.expected is not None:
            (withheld_right if right else r.withheld).append(scored)
        if q.expected is None:
            r.out_of_scope += 1
            oos_abstained += not answered
            continue
        r.in_scope += 1
        position = ids.index(q.expected) + 1 if q.expected in ids[:RANKED] else None
        if position == 1:
            hit1 += 1
        else:
            r.misses.append(Miss(q.query, q.expected, ids[0] if ids else None, position))
        hit5 += position is not None and position <= 5
        rr += 1.0 / position if position else 0.0
        if not answered:
            abstained += 1
        elif position == 1:
            correct += 1
        else:
            wrong += 1
    n = r.in_scope or 1
    r.hit1, r.hit5, r.mrr10 = hit1 / n, hit5 / n, rr / n
    r.answered_correct, r.answered_wrong = correct / n, wrong / n
    r.abstained_in_scope = abstained / n
    r.oos_abstained = oos_abstained / (r.out_of_scope or 1)
    r.answer_precision = answer_precision(outcomes, threshold)
    r.ece = expected_calibration_error(outcomes)
    r.wrong_at_90 = wrong_at_90(outcomes)
    r.coverage_at_90, r.coverage_at_90_threshold = coverage_at_90(outcomes)
    r.sweep = [sweep_row(outcomes, t) for t in SWEEP]
    r.wrong_answers.sort(key=lambda s: -s.score)
    withheld_right.sort(key=lambda s: s.score)
    r.withheld = withheld_right + sorted(r.withheld, key=lambda s: s.score)
    return r
