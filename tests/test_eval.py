"""`faq eval`: metrics on a tiny labelled set worked out by hand."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from faqcli import store
from faqcli.engine import MemoryIndex
from faqcli.errors import ExitCode, FaqDataError
from faqcli.evaluate import (
    LabelledQuery,
    Outcome,
    answer_precision,
    coverage_at_90,
    evaluate,
    expected_calibration_error,
    parse_queries,
    report,
    sweep_row,
    wrong_at_90,
)

from .conftest import SMALL_FAQ

INDEX = MemoryIndex(store.from_document(SMALL_FAQ, "small").entries)
KEYS = {
    "in_scope", "hit@1", "hit@5", "mrr@10", "answered_correct", "answered_wrong",
    "abstained_in_scope", "out_of_scope", "oos_abstained",
    "answer_precision", "ece", "wrong_at_90", "coverage_at_90", "coverage_at_90_threshold",
    "sweep", "wrong_answers", "withheld", "threshold", "tuned",
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


def test_coverage_at_90_is_the_most_answered_right_at_a_precision_of_90_percent() -> None:
    # Thresholds at the scores, highest first: 95 answers 1, right (precision 1.0,
    # coverage 1/4 of the four in-scope); 92 adds a wrong one (1/2); 55 adds a right one
    # (2/3); below, only wrong ones. So 1/4, at 95: the only threshold kept at 0.90.
    assert coverage_at_90(OUTCOMES) == (pytest.approx(1 / 4), 95.0)
    nine_right = [Outcome(80.0 + i, True, True) for i in range(9)]  # 80 to 88
    one_wrong = [Outcome(85.5, False, False)]
    # At 80 all ten are answered: 9 right of 10 is precision 0.90 exactly, which is kept
    # (at 81, 8 right of 9 is not); the threshold is the lowest score answered.
    assert coverage_at_90(nine_right + one_wrong) == (pytest.approx(1.0), 80.0)
    # With the wrong one below every right one, the coverage is the same at 80 and at 70:
    # the highest threshold giving it is kept (it answers fewer wrongly).
    assert coverage_at_90([*nine_right, Outcome(70.0, False, False)]) == (1.0, 80.0)
    # Two right at one score and a wrong one just above: 85 answers 1 of 1 wrong (0.0),
    # 80 answers 2 of 3 right (0.67): no threshold keeps 0.90.
    tied = [Outcome(85.0, False, True), Outcome(80.0, True, True), Outcome(80.0, True, True)]
    assert coverage_at_90(tied) == (0.0, None)


def test_a_sweep_row_is_what_that_threshold_would_do() -> None:
    # At 50: in scope answered 95 (right), 92 (wrong), 55 (right) of 4; out of scope, 51
    # of 2; precision 2 right of the 4 answers.
    row = sweep_row(OUTCOMES, 50)
    assert row.answered_correct == pytest.approx(2 / 4)
    assert row.answered_wrong == pytest.approx(1 / 4)
    assert row.oos_answered == pytest.approx(1 / 2)
    assert row.answer_precision == pytest.approx(2 / 4)
    assert sweep_row(OUTCOMES, 99).answer_precision is None


def test_eval_lists_wrong_answers_most_confident_first_and_withheld_right_ones() -> None:
    queries = [LabelledQuery(f"q{i}", expected, i) for i, expected in enumerate("aabc")]
    queries.append(LabelledQuery("off topic", None, 5))
    results = [
        (queries[0], ["a"], 95.0),  # answered right
        (queries[1], ["b"], 70.0),  # answered wrong
        (queries[2], ["b"], 20.0),  # right, withheld at 20
        (queries[3], ["c"], 50.0),  # right, withheld at 50
        (queries[4], ["a"], 80.0),  # out of scope, answered: wrong
    ]
    r = report(results, threshold=60)
    assert [(s.query, s.score) for s in r.wrong_answers] == [("off topic", 80.0), ("q1", 70.0)]
    assert [(s.query, s.got) for s in r.withheld] == [("q2", "b"), ("q3", "c")]


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


@pytest.mark.parametrize(
    ("limits", "code", "said"),
    [(["hit@1=0.5"], 0, ""), (["answer_precision=0.99"], 1,
      "faq: answer_precision 0.500 is below --fail-under answer_precision=0.99\n"),
     (["0.2", "mrr@10=1"], 1, " is below --fail-under mrr@10=1\n"),
     (["ece=0.1"], 2, "'ece' is not a metric it can name"),
     (["hit@1=1.5"], 2, "'1.5' is not a fraction")],
)  # fmt: skip
def test_eval_fail_under_can_name_the_metric(
    run: Callable[..., Result], small_faq: Path, tmp_path: Path, limits: list[str], code: int,
    said: str,
) -> None:  # fmt: skip
    """Issue 23, item 11: --fail-under answer_precision=0.8, repeatable."""
    labelled = [{"query": "reset my password", "expected": "reset-password"},
                {"query": "where is the office", "expected": "opening-hours"}]  # fmt: skip
    queries = write_queries(tmp_path, labelled)
    args = [a for limit in limits for a in ("--fail-under", limit)]
    result = run("--faq", str(small_faq), "eval", str(queries), *args, "-t", "0")
    assert result.exit_code == code, result.stderr
    assert said in result.stderr


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


def _tuning_queries(tmp_path: Path) -> Path:
    """Labelled questions of SMALL_FAQ: 20 in scope, reworded as people do, and 6 off
    topic, enough for --tune."""
    asked = {
        "reset-password": ["reset my password", "forgot password", "change my password",
                           "password reset", "I lost my password"],
        "delete-account": ["delete my account", "remove my account", "close my account",
                           "how to delete account", "cancel my account forever"],
        "opening-hours": ["when are you open", "office hours", "opening times",
                          "is the office open on monday", "what time do you open"],
        "office-location": ["where is your office", "office address", "where are you",
                            "how do I find the office", "office location"],
    }  # fmt: skip
    lines = [{"query": q, "expected": e} for e, qs in asked.items() for q in qs]
    lines += [{"query": q, "expected": None} for q in (
        "bitcoin price", "weather tomorrow", "who won the match", "best pizza nearby",
        "translate hello to french", "how tall is everest")]  # fmt: skip
    return write_queries(tmp_path, lines)


def test_eval_tune_writes_the_faqs_own_threshold_which_ask_then_uses(
    run: Callable[..., Result], small_faq: Path, tmp_path: Path
) -> None:
    queries = _tuning_queries(tmp_path)
    result = run("--faq", str(small_faq), "eval", str(queries), "--tune", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    tuned = doc["tuned"]
    assert tuned == math.floor(doc["coverage_at_90_threshold"])
    assert json.loads(small_faq.read_text())["threshold"] == tuned
    assert "the FAQ's threshold is now" in result.stderr
    where = run("--faq", str(small_faq), "where").stdout
    assert f'threshold\t{tuned:g} (the FAQ file\'s "threshold")' in where
    explained = run("--faq", str(small_faq), "ask", "--explain", "office address").stdout
    assert f'Threshold: {tuned:g} (the FAQ file\'s "threshold")' in explained
    forced = run("--faq", str(small_faq), "ask", "--explain", "-t", "99", "office address")
    assert "Threshold: 99 (--threshold): not answered" in forced.stdout


def test_eval_tune_needs_enough_questions_of_both_kinds(
    run: Callable[..., Result], small_faq: Path, tmp_path: Path
) -> None:
    queries = write_queries(
        tmp_path, [{"query": "reset my password", "expected": "reset-password"}]
    )
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "eval", str(queries), "--tune")
    assert result.exit_code == ExitCode.USAGE
    assert "--tune needs at least 20 questions" in result.stderr
    assert small_faq.read_bytes() == before


def test_eval_tune_refuses_the_bundled_faq(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("eval", str(_tuning_queries(tmp_path)), "--tune")
    assert result.exit_code == ExitCode.DATA
    assert "bundled FAQ is read-only" in result.stderr
