"""Measure match quality on labelled queries (``faq eval``). Pure: no I/O."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from faqcli.errors import FaqDataError
from faqcli.match import Index, rank

RANKED = 10  # MRR@10 and hit@5 need the first ten


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


@dataclass
class Report:
    in_scope: int = 0
    hit1: float = 0.0
    hit5: float = 0.0
    mrr10: float = 0.0
    answered_correct: float = 0.0
    answered_wrong: float = 0.0
    abstained_in_scope: float = 0.0
    out_of_scope: int = 0
    oos_abstained: float = 0.0
    misses: list[Miss] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int]:
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
        }


def parse_queries(text: str, name: str, known_ids: Collection[str]) -> list[LabelledQuery]:
    """JSON Lines of ``{"query": str, "expected": id or null}``; blank lines skipped."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FaqDataError(f"{name}:{number}:{exc.colno}: malformed JSON: {exc.msg}") from None
        except RecursionError:
            raise FaqDataError(f"{name}:{number}: malformed JSON: nested too deeply") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("query"), str):
            raise FaqDataError(f"{name}:{number}: expected an object with a string 'query'")
        expected = obj.get("expected")
        if expected is not None and not isinstance(expected, str):
            raise FaqDataError(f"{name}:{number}: 'expected' must be an entry id or null")
        if expected is not None and expected not in known_ids:
            raise FaqDataError(f"{name}:{number}: unknown expected id {expected!r}")
        out.append(LabelledQuery(obj["query"], expected, number))
    return out


def evaluate(index: Index, queries: Sequence[LabelledQuery], threshold: float) -> Report:
    """hit@1, hit@5, MRR@10 and abstention rates of the engine on ``queries``."""
    report = Report()
    correct = wrong = abstained = oos_abstained = 0
    hit1 = hit5 = 0
    rr = 0.0
    for q in queries:
        matches = rank(index, q.query, limit=RANKED)
        answered = bool(matches) and matches[0].score >= threshold
        if q.expected is None:
            report.out_of_scope += 1
            oos_abstained += not answered
            continue
        report.in_scope += 1
        ids = [m.entry.id for m in matches]
        position = ids.index(q.expected) + 1 if q.expected in ids else None
        if position == 1:
            hit1 += 1
        else:
            report.misses.append(Miss(q.query, q.expected, ids[0] if ids else None, position))
        hit5 += position is not None and position <= 5
        rr += 1.0 / position if position else 0.0
        if not answered:
            abstained += 1
        elif position == 1:
            correct += 1
        else:
            wrong += 1
    n = report.in_scope or 1
    report.hit1, report.hit5, report.mrr10 = hit1 / n, hit5 / n, rr / n
    report.answered_correct, report.answered_wrong = correct / n, wrong / n
    report.abstained_in_scope = abstained / n
    report.oos_abstained = oos_abstained / (report.out_of_scope or 1)
    return report
