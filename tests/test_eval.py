"""`faq eval`: metrics on a tiny labelled set worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from faqcli import store
from faqcli.engine import MemoryIndex
from faqcli.errors import FaqDataError
from faqcli.evaluate import (
    LabelledQuery,
    Outcome,
    answer_precision,
    evaluate,
    expected_calibration_error,
    parse_queries,
    report,
    wrong_at_90,
)

from .conftest import SMALL_FAQ

INDEX = MemoryIndex(store.from_document(SMALL_FAQ, "small").entries)
KEYS = {
    "in_scope", "hit@1", "hit@5", "mrr@10", "answered_correct", "answered_wrong",
    "abstained_in_scope", "out_of_scope", "oos_abstained",
    "answer_precision", "ece", "wrong_at_90",
}  # fmt: skip

# Six made-up outcomes (score, top entry right, in scope), worked out by hand below.
OUTCOMES = [
    Outcome(95.0, True, True),
    Outcome(92.0, False, True),
    Outcome(55.0, True, True),
    Outcome(51.0, False, False),  # out of scope, answered: wrong
    Outcome(10.0, False, False),
    Outcome(0.0, False, True),  # nothing ranked
]


def test_answer_precision_counts_answers_to_out_of_scope_queries_as_wrong() -> None:
    # answered at threshold 50: 95 (right), 92 (wrong), 55 (right), 51 (out of scope)
    assert answer_precision(OUTCOMES, 50) == 2 / 4
    assert answer_precision(OUTCOMES, 93) == 1.0
    assert answer_precision(OUTCOMES, 99) is None  # no answer given


def test_ece_in_ten_equal_width_bins() -> None:
    # bin [0.9, 1]: mean score 0.935, share right 1/2 -> 0.435 x 2
    # bin [0.5, 0.6): mean score 0.53, share right 1/2 -> 0.03 x 2
    # bin [0.1, 0.2): 0.10 vs 0 -> 0.10 x 1; bin [0, 0.1): 0 vs 0 -> 0
    expected = (0.435 * 2 + 0.03 * 2 + 0.10 * 1 + 0.0) / 6
    assert expected_calibration_error(OUTCOMES) == pytest.approx(expected)


def test_ece_puts_a_score_of_100_in_the_last_bin() -> None:
    assert expected_calibration_error([Outcome(100.0, True, True)]) == 0.0
    assert expected_calibration_error([Outcome(100.0, False, True)]) == 1.0


def test_wrong_at_90_is_the_share_of_wrong_tops_among_scores_of_90_or_more() -> None:
    assert wrong_at_90(OUTCOMES) == 1 / 2
    assert wrong_at_90(OUTCOMES[2:]) is None


def test_report_arithmetic_on_a_stub_ranking() -> None:
    """The metrics of made-up rankings, without the engine."""
    queries = [LabelledQuery(f"q{i}", expected, i) for i, expected in enumerate("aab")]
    queries.append(LabelledQuery("off topic", None, 4))
    results = [
        (queries[0], ["a", "b"], 95.0),  # right at rank 1, answered
        (queries[1], ["b", "a"], 92.0),  # rank 2, answered wrongly
        (queries[2], ["a", "c", "d", "e", "f", "b"], 30.0),  # rank 6, abstained
        (queries[3], ["c"], 70.0),  # out of scope, answered
    ]
    r = report(results, threshold=60)
    assert (r.in_scope, r.out_of_scope) == (3, 1)
    assert r.hit1 == pytest.approx(1 / 3)
    assert r.hit5 == pytest.approx(2 / 3)
    assert r.mrr10 == pytest.approx((1 + 1 / 2 + 1 / 6) / 3)
    assert (r.answered_correct, r.answered_wrong) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert r.abstained_in_scope == pytest.approx(1 / 3)
    assert r.oos_abstained == 0.0
    assert r.answer_precision == pytest.approx(1 / 3)
    assert r.wrong_at_90 == pytest.approx(1 / 2)
    # bins: [0.9, 1] 0.935 vs 1/2; [0.7, 0.8) 0.70 vs 0; [0.3, 0.4) 0.30 vs 0
    assert r.ece == pytest.approx((0.435 * 2 + 0.70 + 0.30) / 4)


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
    [
        ("{", "q.jsonl:1:2: malformed JSON"),
        ('{"expected": null}', "q.jsonl:1: expected an object with a string 'query'"),
        ('{"query": "a", "id": "refund"}', "q.jsonl:1: unknown key 'id'"),
        ('{"query": "a", "expected": 3}', "q.jsonl:1: 'expected' must be an entry id or null"),
        ("[1, 2]", "q.jsonl:1: expected an object"),
        ('{"query": "a"}', r"^q.jsonl:1: missing key 'expected' \(null when the FAQ should not "),
    ],
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


def test_a_line_separator_inside_a_query_is_no_line_break() -> None:
    """JSON Lines ends a line at \\n only: U+2028, U+2029 and U+0085 are text."""
    text = '{"query": "bake\u2028bread\u0085now\u2029", "expected": null}\r\n'
    text += '{"query": "b", "expected": null}\n'
    parsed = parse_queries(text, "q.jsonl", set())
    assert [q.query for q in parsed] == ["bake\u2028bread\u0085now\u2029", "b"]
