"""`faq review`: logged questions become alternates, new entries or negatives, with the
change each would make checked first."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli import misslog, review, store
from faqcli.engine import MemoryIndex
from faqcli.errors import ExitCode
from faqcli.misslog import Answered, Logged, MissLog
from faqcli.model import Entry

from .terminal import Terminal, faq_env

Run = Callable[..., Result]
CLINIC = {
    "entries": [
        {"id": "bring", "question": "What should I bring to my first appointment?",
         "answer": "Your card and a list of your medicines."},
        {"id": "pets", "question": "Are pets allowed in the clinic?", "answer": "Only guide dogs."},
        {"id": "parking", "question": "Is there parking at the clinic?",
         "answer": "Yes, behind the building."},
    ]
}  # fmt: skip


@pytest.fixture
def clinic(write_faq: Callable[..., Path], run: Run) -> Path:
    """The clinic's FAQ, and a log as --log-answers writes it: a question faq did not
    answer, and one it answered with pets."""
    path = write_faq(CLINIC, "clinic.json")
    log = MissLog.for_faq(path, answers=True)
    log.record("can I bring my dog")
    log.record("can my dog come in", answered=Answered("pets", 80.3, 30.0))
    return path


def test_adding_an_alternate_that_captures_another_entrys_question_says_so() -> None:
    """ "can I bring my dog" as an alternate of "What should I bring ...?" would take
    "can my dog come in" from pets: the check says so before anything is written."""
    index = MemoryIndex([Entry.from_dict(e) for e in CLINIC["entries"]])
    logged = [
        Logged("can I bring my dog", "2026-01-01T00:00:00Z"),
        Logged("can my dog come in", "2026-01-01T00:00:00Z", "pets", 80.3, 30.0),
    ]
    (item,) = review.items(index, logged, 60)  # the answered one is no close call
    assert item.question == "can I bring my dog"
    to = {c.entry_id: c for c in item.consequences}
    assert to["bring"].changes == (review.Changed("can my dog come in", "pets", "bring"),)
    assert to["pets"].changes == ()  # where it belongs: nothing else moves


def test_a_close_call_is_reviewed_after_the_unanswered_ones() -> None:
    index = MemoryIndex([Entry.from_dict(e) for e in CLINIC["entries"]])
    logged = [
        Logged("is parking free", "2026-01-01T00:00:00Z", "parking", 70.0, 10.0),
        Logged("opening hours", "2026-01-01T00:00:00Z"),
    ]
    found = review.items(index, logged, 60)
    assert [(i.question, i.answered) for i in found] == [
        ("opening hours", None),
        ("is parking free", Answered("parking", 70.0, 10.0)),
    ]


def test_review_lists_each_question_its_choices_and_their_consequences(
    run: Run, clinic: Path
) -> None:
    result = run("--faq", str(clinic), "review")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("1. can I bring my dog  (1x; not answered)")
    assert "  1 bring (score " in out
    assert "changes the answer of 1 other question: 'can my dog come in' pets -> bring" in out
    doc = json.loads(run("--faq", str(clinic), "review", "--json").stdout)
    (item,) = doc["items"]
    choice = next(c for c in item["choices"] if c["id"] == "bring")
    assert choice["changes"] == [{"question": "can my dog come in", "before": "pets",
                                  "after": "bring"}]  # fmt: skip


def test_review_accepts_a_question_as_an_alternate(run: Run, clinic: Path) -> None:
    result = run(
        "--faq", str(clinic), "review", "-q", "can I bring my dog", "--alternate-of", "pets"
    )
    assert result.exit_code == 0, result.stderr
    assert "added 'can I bring my dog' to pets as an alternate (1 logged question" in result.stderr
    assert store.load(clinic).get("pets").alternates == ("can I bring my dog",)  # type: ignore[union-attr]
    assert [q.question for q in MissLog.for_faq(clinic).read()] == ["can my dog come in"]


def test_review_starts_a_new_entry(run: Run, clinic: Path) -> None:
    result = run("--faq", str(clinic), "review", "-q", "can I bring my dog", "--new",
                 "--answer", "Only guide dogs, sorry.")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    faq = store.load(clinic)
    assert [e.question for e in faq.entries][-1] == "can I bring my dog"


@pytest.mark.parametrize(("flags", "negative"), [
    (["--off-topic"], {"question": "can I bring my dog", "entry": None}),
    (["--wrong", "pets"], {"question": "can I bring my dog", "entry": "pets"}),
])  # fmt: skip
def test_review_keeps_a_negative_in_the_faq_file(
    run: Run, clinic: Path, flags: list[str], negative: dict[str, Any]
) -> None:
    before = store.load(clinic).entries
    result = run("--faq", str(clinic), "review", "-q", "can I bring my dog", *flags)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(clinic.read_text())
    assert doc["negatives"] == [negative]
    faq = store.load(clinic)
    assert faq.entries == before
    assert [n.to_dict() for n in faq.negatives] == [negative]
    # the same decision again adds nothing
    run("--faq", str(clinic), "review", "-q", "can I bring my dog", *flags)
    assert json.loads(clinic.read_text())["negatives"] == [negative]


def test_a_negative_is_learnt_from(run: Run, clinic: Path, tmp_path: Path) -> None:
    """A question marked off-topic is a labelled question of the FAQ: its index learns
    from it (its explanation says from how many)."""
    run("--faq", str(clinic), "review", "-q", "can I bring my dog", "--off-topic")
    doc = json.loads(run("--faq", str(clinic), "ask", "--json", "--explain", "pets").stdout)
    assert doc["explain"]["learned_from"] == 1


def test_review_dismisses_a_question_from_the_log_only(run: Run, clinic: Path) -> None:
    before = clinic.read_bytes()
    result = run("--faq", str(clinic), "review", "-q", "can my dog come in", "--dismiss")
    assert result.exit_code == 0
    assert clinic.read_bytes() == before
    assert [q.question for q in MissLog.for_faq(clinic).read()] == ["can I bring my dog"]


@pytest.mark.parametrize(("args", "message"), [
    (["-q", "x"], "what to do with it?"),
    (["--off-topic"], "which question?"),
    (["-q", "x", "--off-topic", "--dismiss"], "one decision at a time"),
    (["-q", "x", "--off-topic", "--answer", "y"], "--answer goes with --new"),
    (["-q", "x", "--new"], "a new entry needs its answer"),
])  # fmt: skip
def test_review_decisions_by_flags_are_checked(
    run: Run, clinic: Path, args: list[str], message: str
) -> None:
    before = clinic.read_bytes()
    result = run("--faq", str(clinic), "review", *args)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert clinic.read_bytes() == before


def test_review_of_an_empty_log_says_how_to_fill_it(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "review")
    assert result.exit_code == 0
    assert "FAQ_LOG_MISSES=1" in result.stdout and "FAQ_LOG_ANSWERS=1" in result.stdout


def test_answered_questions_are_logged_only_with_log_answers(run: Run, small_faq: Path) -> None:
    run("--faq", str(small_faq), "ask", "--log-misses", "how do I reset my password")
    assert MissLog.for_faq(small_faq).read() == []
    run("--faq", str(small_faq), "ask", "how do I reset my password",
        env={"FAQ_LOG_ANSWERS": "1"})  # fmt: skip
    (logged,) = MissLog.for_faq(small_faq).read()
    assert logged.answer == "reset-password"
    assert logged.score is not None and logged.margin is not None and logged.margin > 0
    assert run("--faq", str(small_faq), "misses").stdout.startswith("No unanswered")


def test_a_logged_answer_line_faq_did_not_write_is_skipped(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    good = {"question": "q", "asked": "2026-01-01T00:00:00Z", "answer": "a", "score": 70,
            "margin": 5}  # fmt: skip
    bad = [{**good, "score": "70"}, {**good, "margin": 101}, {**good, "answer": ""},
           {**good, "extra": 1}, {**good, "score": float("nan")}]  # fmt: skip
    log.write_text("\n".join(json.dumps(x) for x in [good, *bad]) + "\n")
    assert misslog.MissLog(log).read() == [Logged("q", good["asked"], "a", 70.0, 5.0)]


def test_review_on_a_terminal_takes_a_key_for_each_question(
    clinic: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    env = faq_env(tmp_path)  # the same data folder as the fixture's log
    term = Terminal(["--faq", str(clinic), "review"], env)
    terminals.append(term)
    first = term.expect("q quit")
    term.expect("> ")
    assert "[1/1] can I bring my dog  (1x; not answered)" in first
    assert "'can my dog come in' pets -> bring" in first
    term.send("x\r")  # not a key: asked again
    assert "'x': 1-3 alternate of that entry" in term.expect("q quit")
    term.expect("> ")
    term.send("o\r")
    assert term.wait() == ExitCode.OK
    assert "kept 'can I bring my dog' as off-topic for this FAQ" in term.output
    assert json.loads(clinic.read_text())["negatives"] == [
        {"question": "can I bring my dog", "entry": None}
    ]
