"""`faq eval`: metrics on a tiny labelled set worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from faqcli import store
from faqcli.errors import FaqDataError
from faqcli.evaluate import LabelledQuery, evaluate, parse_queries
from faqcli.match import MemoryIndex

from .conftest import SMALL_FAQ

INDEX = MemoryIndex(store.from_document(SMALL_FAQ, "small").entries)
KEYS = {
    "in_scope", "hit@1", "hit@5", "mrr@10", "answered_correct", "answered_wrong",
    "abstained_in_scope", "out_of_scope", "oos_abstained",
}  # fmt: skip


def test_metrics_worked_out_by_hand() -> None:
    queries = [
        # ranks first and confidently: hit, answered correct
        LabelledQuery("How do I reset my password?", "reset-password", 1),
        # the same question labelled with the wrong entry: reset-password ranks first and
        # delete-account (sharing "how do i ... my") second: rank 2, answered wrong
        LabelledQuery("How do I reset my password?", "delete-account", 2),
        # out of scope and nothing fits: abstained
        LabelledQuery("bitcoin price", None, 3),
        # out of scope but the exact question: answered, not abstained
        LabelledQuery("Where is the office?", None, 4),
    ]
    report = evaluate(INDEX, queries, threshold=30)
    assert report.in_scope == 2
    assert report.hit1 == 0.5
    assert report.hit5 == 1.0
    assert report.mrr10 == pytest.approx((1 + 1 / 2) / 2)
    assert report.answered_correct == 0.5
    assert report.answered_wrong == 0.5
    assert report.abstained_in_scope == 0.0
    assert report.out_of_scope == 2
    assert report.oos_abstained == 0.5
    assert [m.expected for m in report.misses] == ["delete-account"]


def test_threshold_100_abstains_unless_every_word_is_explained() -> None:
    queries = [LabelledQuery("reset my password on the router", "reset-password", 1)]
    report = evaluate(INDEX, queries, threshold=100)
    assert report.abstained_in_scope == 1.0
    assert report.hit1 == 1.0  # ranking is independent of the threshold


def test_unknown_expected_id_names_the_line() -> None:
    text = '{"query": "a", "expected": "refund"}\n\n{"query": "b", "expected": "nope"}\n'
    with pytest.raises(FaqDataError, match=r"^q.jsonl:3: unknown expected id 'nope'$"):
        parse_queries(text, "q.jsonl", {"refund"})


@pytest.mark.parametrize(
    ("line", "message"),
    [("{", "q.jsonl:1:2: malformed JSON"), ('{"expected": null}', "string 'query'")],
)
def test_malformed_query_lines(line: str, message: str) -> None:
    with pytest.raises(FaqDataError, match=message):
        parse_queries(line, "q.jsonl", set())


def write_queries(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "queries.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_json_has_exactly_the_contract_keys(
    run: Callable[..., Result], small_faq: Path, tmp_path: Path
) -> None:
    queries = write_queries(
        tmp_path, [{"query": "reset my password", "expected": "reset-password"}]
    )
    result = run("--faq", str(small_faq), "eval", str(queries), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) == KEYS
    assert doc["hit@1"] == 1.0


def test_eval_fail_under_exits_1(
    run: Callable[..., Result], small_faq: Path, tmp_path: Path
) -> None:
    queries = write_queries(tmp_path, [{"query": "reset my password", "expected": "refund"}])
    result = run("--faq", str(small_faq), "eval", str(queries), "--fail-under", "0.5")
    assert result.exit_code == 1
    assert "below --fail-under" in result.stderr
    assert "Worst misses" in result.stdout


def test_eval_unknown_id_exits_3(
    run: Callable[..., Result], small_faq: Path, tmp_path: Path
) -> None:
    queries = write_queries(tmp_path, [{"query": "x", "expected": "ghost"}])
    result = run("--faq", str(small_faq), "eval", str(queries))
    assert result.exit_code == 3
    assert result.stderr == f"faq: {queries}:1: unknown expected id 'ghost'\n"
