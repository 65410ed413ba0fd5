"""Issue 15, item 3: the log of unanswered questions (opt-in, local, per FAQ, bounded,
safe under concurrent asks, never a crash when damaged) and faq misses."""

from __future__ import annotations

import json
import os
import random
import shlex
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import Result

from faqcli import misslog as misses
from faqcli import store
from faqcli.errors import ExitCode

Run = Callable[..., Result]

MISS = "what is the capital of peru"  # nothing in the small FAQ answers it
HIT = "where is the office"


def log_of(faq: Path) -> Path:
    """The log path, as faq computes it inside the run fixture's user folders."""
    return misses.log_path(faq)


@pytest.fixture
def data_home(run: Run) -> None:
    """The run fixture's user folders, for the code these tests call directly."""


@pytest.mark.usefixtures("data_home")
def test_a_log_that_is_a_pipe_is_never_read_written_or_deleted(run: Run, small_faq: Path) -> None:
    """Reading or appending to a pipe could wait for ever: faq never does, and says so
    (faq misses said "No unanswered questions are logged" while ask warned)."""
    log = log_of(small_faq)
    log.parent.mkdir(parents=True)
    os.mkfifo(log)
    asked = run("--faq", str(small_faq), "ask", "--log-misses", MISS)
    assert asked.exit_code == ExitCode.NO_MATCH
    assert asked.stderr == f"faq: warning: the question was not logged: {log}: not a regular file\n"
    listed = run("--faq", str(small_faq), "misses")
    assert (listed.exit_code, listed.stderr) == (
        ExitCode.DATA,
        f"faq: {log}: not a regular file; faq reads only its own log\n",
    )
    cleared = run("--faq", str(small_faq), "misses", "--clear")
    assert (cleared.exit_code, cleared.stderr) == (
        ExitCode.DATA,
        f"faq: {log}: not a regular file; faq deletes only its own log\n",
    )
    assert log.is_fifo()


@pytest.mark.usefixtures("data_home")
def test_log_lines_faq_did_not_write_are_skipped_and_questions_shown_on_one_line(
    run: Run, small_faq: Path
) -> None:
    log = log_of(small_faq)
    log.parent.mkdir(parents=True)
    lines = [
        {"question": "bad time", "asked": "x\u001b[31m"},
        {"question": "half \ud800 a character", "asked": "2025-05-01T10:00:00Z"},
        {"question": "x" * 5_000, "asked": "2025-05-01T10:00:30Z"},  # faq logs 2,000 at most
        {"question": "is there\nparking", "asked": "2025-05-01T10:01:00Z"},
    ]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run("--faq", str(small_faq), "misses")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.startswith(f"1 unanswered question logged for {small_faq}")
    assert "1x  is there parking\n" in result.stdout


@pytest.mark.usefixtures("data_home")
def test_nothing_is_logged_unless_asked_to(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", MISS)
    assert result.exit_code == ExitCode.NO_MATCH
    assert not log_of(small_faq).exists()


@pytest.mark.usefixtures("data_home")
def test_a_logged_question_with_a_line_separator_is_kept(run: Run, small_faq: Path) -> None:
    odd = "bake\u2028bread\u0085please"
    for question in (odd, MISS):
        assert run("--faq", str(small_faq), "ask", "--log-misses", question).exit_code == (
            ExitCode.NO_MATCH
        )
    result = run("--faq", str(small_faq), "misses", "--json")
    assert result.exit_code == ExitCode.OK
    report = json.loads(result.stdout)
    logged = [q["question"] for g in report["groups"] for q in g["questions"]]
    assert (report["questions"], sorted(logged)) == (2, sorted([odd, MISS]))


@pytest.mark.usefixtures("data_home")
@pytest.mark.parametrize(
    ("args", "env"),
    [(["--log-misses"], {}), ([], {"FAQ_LOG_MISSES": "1"}), ([], {"FAQ_LOG_MISSES": "yes"})],
)
def test_unanswered_questions_are_logged_with_the_flag_or_the_variable(
    run: Run, small_faq: Path, args: list[str], env: dict[str, str]
) -> None:
    missed = run("--faq", str(small_faq), "ask", *args, MISS, env=env)
    answered = run("--faq", str(small_faq), "ask", *args, HIT, env=env)
    assert (missed.exit_code, answered.exit_code) == (ExitCode.NO_MATCH, ExitCode.OK)
    assert missed.stderr == answered.stderr == ""
    lines = log_of(small_faq).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["question"] for line in lines] == [MISS]
    assert log_of(small_faq).parent == store.user_data_dir() / "misses"


@pytest.mark.usefixtures("data_home")
def test_faq_log_misses_0_logs_nothing(run: Run, small_faq: Path) -> None:
    run("--faq", str(small_faq), "ask", MISS, env={"FAQ_LOG_MISSES": "0"})
    assert not log_of(small_faq).exists()


@pytest.mark.usefixtures("data_home")
def test_every_unanswered_question_on_stdin_is_logged(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "--log-misses", "-",
                 input=f"{MISS}\n{HIT}\nbitcoin price today\n")  # fmt: skip
    assert result.exit_code == ExitCode.OK
    questions = [q for q, *_ in misses.MissLog.for_faq(small_faq).read()]
    assert questions == [MISS, "bitcoin price today"]


@pytest.mark.usefixtures("data_home")
def test_each_faq_has_its_own_log(run: Run, small_faq: Path, write_faq: Callable) -> None:
    other = write_faq({"entries": [{"question": "Do you ship?", "answer": "Yes."}]}, "b.json")
    run("--faq", str(small_faq), "ask", "--log-misses", MISS)
    run("--faq", str(other), "ask", "--log-misses", "bitcoin price today")
    assert log_of(small_faq) != log_of(other)
    shown = run("--faq", str(other), "misses", "--json")
    assert [g["questions"][0]["question"] for g in json.loads(shown.stdout)["groups"]] == [
        "bitcoin price today"
    ]


def test_the_log_keeps_the_newest_questions(tmp_path: Path) -> None:
    log = misses.MissLog(tmp_path / "log.jsonl", limit=5)
    for i in range(12):
        assert log.record(f"question number {i}") is None
    assert [q for q, *_ in log.read()] == [f"question number {i}" for i in range(7, 12)]
    assert log.path.read_text().count("\n") == 5


def test_the_default_bound_is_a_thousand_questions() -> None:
    assert misses.MAX_LOGGED == 1000
    assert misses.MissLog(Path("x")).limit == 1000


@pytest.mark.parametrize(
    "damage",
    [
        b"\xff\xfe garbage \x00\n",
        b'{"question": "torn line", "ask',
        b"[1, 2, 3]\n{}\nnull\n" + b"[" * 50_000 + b"\n",
        b'{"question": 3, "asked": "x"}\n{"question": "  ", "asked": "x"}\n',
    ],
    ids=["binary", "torn", "not-objects", "wrong-types"],
)
def test_a_damaged_log_never_breaks_ask_and_its_good_lines_still_count(
    run: Run, small_faq: Path, damage: bytes
) -> None:
    log = log_of(small_faq)
    good = misses.MissLog(log)
    assert good.record("is there parking") is None
    with open(log, "ab") as f:
        f.write(damage)
    result = run("--faq", str(small_faq), "ask", "--log-misses", MISS)
    assert result.exit_code == ExitCode.NO_MATCH
    assert result.stderr == ""
    questions = [q for q, *_ in good.read()]
    assert (questions[0], questions[-1]) == ("is there parking", MISS)
    listed = run("--faq", str(small_faq), "misses", "--json")
    assert listed.exit_code == ExitCode.OK
    assert json.loads(listed.stdout)["questions"] == 2


@pytest.mark.usefixtures("data_home")
def test_a_log_grown_past_its_size_bound_starts_over(small_faq: Path) -> None:
    log = misses.MissLog(log_of(small_faq), limit=10)
    log.path.parent.mkdir(parents=True)
    log.path.write_bytes(b"x" * (misses.MAX_BYTES + 1))
    assert log.record(MISS) is None
    assert [q for q, *_ in log.read()] == [MISS]


def test_a_log_that_cannot_be_written_is_a_warning_and_the_answer_stands(
    run: Run, small_faq: Path
) -> None:
    log_of(small_faq).mkdir(parents=True)  # a folder where the file should be
    result = run("--faq", str(small_faq), "ask", "--log-misses", MISS)
    assert result.exit_code == ExitCode.NO_MATCH
    assert result.stdout.startswith(f"No confident answer for: {MISS}")
    assert result.stderr.startswith("faq: warning: the question was not logged: ")
    assert result.stderr.count("\n") == 1


WRITER = """
import sys
from pathlib import Path
from faqcli.misslog import MissLog
log = MissLog(Path(sys.argv[1]), limit=int(sys.argv[3]))
for i in range(40):
    problem = log.record(f"writer {sys.argv[2]} question {i}")
    assert problem is None, problem
"""


@pytest.mark.parametrize("limit", [1000, 60])
def test_concurrent_asks_each_append_whole_lines(tmp_path: Path, limit: int) -> None:
    """Six processes log 40 questions each at once: every line stays whole; with room
    for all, all are there; with a bound, exactly the bound is kept."""
    path = tmp_path / "log.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w), str(limit)],
                         stderr=subprocess.PIPE)
        for w in range(6)
    ]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(set(json.loads(line)) == {"question", "asked"} for line in lines)
    assert len(lines) == min(240, limit)
    if limit >= 240:
        expected = {f"writer {w} question {i}" for w in range(6) for i in range(40)}
        assert {json.loads(line)["question"] for line in lines} == expected


# --- faq misses -----------------------------------------------------------------------


def _log(faq: Path, *questions: str) -> None:
    log = misses.MissLog.for_faq(faq)
    for i, question in enumerate(questions):
        asked = datetime(2025, 5, 1, 10, i, tzinfo=timezone.utc)
        assert log.record(question, asked) is None


@pytest.mark.usefixtures("data_home")
def test_misses_groups_look_alikes_with_counts_closest_entries_and_a_command(
    run: Run, small_faq: Path
) -> None:
    _log(small_faq, "do you have parking", "do you have parking?", "is there parking",
         "parking for visitors", "Do you have a parking lot", "bitcoin price")  # fmt: skip
    result = run("--faq", str(small_faq), "misses")
    assert result.exit_code == ExitCode.OK
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith(f"6 unanswered questions logged for {small_faq}, in ")
    # the same words twice, a longer wording, other words about parking: one group
    assert "\n\n4x  do you have parking\n" in out
    assert "    also asked as: Do you have a parking lot (1x); is there parking (1x)\n" in out
    assert "    last asked: 2025-05-01 10:04 UTC\n" in out
    assert "    closest: " in out
    assert (
        f"    cover it: faq --faq {small_faq} add -q 'do you have parking' "
        "--alternate 'Do you have a parking lot' --alternate 'is there parking'\n"
    ) in out
    assert "\n\n1x  parking for visitors\n" in out  # not alike enough


@pytest.mark.usefixtures("data_home")
def test_misses_json_lists_groups_most_asked_first(run: Run, small_faq: Path) -> None:
    _log(small_faq, "bitcoin price", "do you have parking", "do you have parking?",
         "when does the office open on weekends")  # fmt: skip
    result = run("--faq", str(small_faq), "misses", "--json")
    doc = json.loads(result.stdout)
    assert doc["faq"] == str(small_faq)
    assert doc["log"] == str(log_of(small_faq))
    assert doc["questions"] == 4
    groups = doc["groups"]
    assert [g["times"] for g in groups] == sorted((g["times"] for g in groups), reverse=True)
    first = groups[0]
    assert set(first) == {"times", "last_asked", "questions", "closest", "answered", "command"}
    assert first["questions"] == [
        {"question": "do you have parking", "times": 2, "last_asked": "2025-05-01T10:02:00Z"}
    ]
    assert all(set(m) == {"id", "question", "score"} for m in first["closest"])
    # opening-hours is likely the entry meant, if not sure enough ("weekends" it lacks)
    weekends = "when does the office open on weekends"
    hours = next(g for g in groups if g["questions"][0]["question"] == weekends)
    assert hours["closest"][0]["id"] == "opening-hours"
    assert misses.ALTERNATE_FLOOR <= hours["closest"][0]["score"] < 60
    assert hours["command"] == (
        f"faq --faq {small_faq} edit opening-hours --add-alternate '{weekends}'"
    )


@pytest.mark.usefixtures("data_home")
def test_a_group_the_faq_now_answers_says_so_and_needs_no_command(
    run: Run, small_faq: Path
) -> None:
    _log(small_faq, "is there parking")
    run("--faq", str(small_faq), "edit", "office-location", "--add-alternate", "is there parking")
    doc = json.loads(run("--faq", str(small_faq), "misses", "--json").stdout)
    assert (doc["groups"][0]["answered"], doc["groups"][0]["command"]) == (True, None)
    text = run("--faq", str(small_faq), "misses").stdout
    assert "    now answered by: office-location (score" in text
    assert "cover it" not in text


def test_the_command_is_quoted_for_a_posix_shell(tmp_path: Path) -> None:
    nasty = 'what\'s $HOME; `rm -rf /` "quoted"\nnext line'
    group = misses.Group((misses.Phrasing(nasty, 2, "t"), misses.Phrasing("plain words", 1, "t")))
    faq = tmp_path / "my faq.json"
    add = misses.cover_command(group, "refund", 10.0, faq)
    assert shlex.split(add) == ["faq", "--faq", str(faq), "add", "-q",
                                "what's $HOME; `rm -rf /` \"quoted\" next line",
                                "--alternate", "plain words"]  # fmt: skip
    edit = misses.cover_command(group, "re fund", 50.0, None)
    assert shlex.split(edit) == ["faq", "edit", "re fund",
                                 "--add-alternate", "what's $HOME; `rm -rf /` \"quoted\" next line",
                                 "--add-alternate", "plain words"]  # fmt: skip


@pytest.mark.parametrize(("score", "command"), [(33.0, "edit"), (32.9, "add"), (0.0, "add")])
def test_alternates_are_suggested_when_the_closest_entry_is_likely_the_one_meant(
    score: float, command: str
) -> None:
    group = misses.Group((misses.Phrasing("is there parking", 1, "t"),))
    assert shlex.split(misses.cover_command(group, "pay", score, None))[1] == command


@pytest.mark.usefixtures("data_home")
@pytest.mark.parametrize("entry_id", ["-v", "--help"])
def test_the_cover_command_for_an_id_that_looks_like_an_option_runs_as_shown(
    run: Run, write_faq: Callable, entry_id: str
) -> None:
    faq = write_faq([{"id": entry_id, "question": "How do I reset my password?",
                      "answer": "Open settings and choose reset."}])  # fmt: skip
    group = misses.Group((misses.Phrasing("password reset help", 1, "t"),))
    command = shlex.split(misses.cover_command(group, entry_id, 50.0, faq))
    assert command[-2:] == ["--", entry_id]
    result = run(*command[1:])
    assert (result.exit_code, result.stderr) == (ExitCode.OK, f"edited {entry_id}\n")
    assert store.load(faq).entries[0].alternates == ("password reset help",)


def test_grouping_is_deterministic_whatever_the_order_of_the_log() -> None:
    questions = [
        misses.Logged(q, f"2025-05-01T10:{i:02d}:00Z")
        for i, q in enumerate(["parking?", "is there parking", "do you have parking",
                               "refund please", "refunds please", "opening hours",
                               "when do you open", "parking for visitors"])
    ]  # fmt: skip
    expected = misses.group(questions)
    for seed in range(5):
        shuffled = questions[:]
        random.Random(seed).shuffle(shuffled)
        assert misses.group(shuffled) == expected
    assert sum(g.times for g in expected) == len(questions)


def test_wordings_in_another_order_or_form_are_one_group() -> None:
    questions = ["how do I bake bread", "bread baking tips", "weather in seoul"]
    logged = [misses.Logged(q, "2025-05-01T10:00:00Z") for q in questions]
    groups = misses.group(logged)
    assert sorted(len(g.phrasings) for g in groups) == [1, 2]
    (pair,) = [g for g in groups if len(g.phrasings) == 2]
    assert {p.question for p in pair.phrasings} == {"how do I bake bread", "bread baking tips"}


def test_the_wording_asked_most_often_leads_its_group() -> None:
    logged = [misses.Logged(q, "2025-05-01T10:00:00Z")
              for q in ["refund please", "refunds please", "refunds please"]]  # fmt: skip
    (group,) = misses.group(logged)
    assert [(p.question, p.times) for p in group.phrasings] == [
        ("refunds please", 2), ("refund please", 1)
    ]  # fmt: skip


@pytest.mark.usefixtures("data_home")
def test_misses_clear_deletes_the_log(run: Run, small_faq: Path) -> None:
    _log(small_faq, "is there parking", "bitcoin price")
    cleared = run("--faq", str(small_faq), "misses", "--clear")
    assert cleared.exit_code == ExitCode.OK
    assert cleared.stdout == ""
    assert cleared.stderr == f"cleared 2 logged questions ({log_of(small_faq)})\n"
    assert not log_of(small_faq).exists()
    assert run("--faq", str(small_faq), "misses").stdout.startswith("No unanswered questions")


def test_misses_with_nothing_logged_says_how_to_log(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "misses")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == (
        f"No unanswered questions are logged for {small_faq}. faq logs them only when asked "
        "to: faq ask --log-misses, or FAQ_LOG_MISSES=1 in the environment.\n"
    )
    assert json.loads(run("--faq", str(small_faq), "misses", "--json").stdout)["groups"] == []


def test_faq_misses_runs_as_a_fresh_process(small_faq: Path, tmp_path: Path) -> None:
    """Through the console script, with nothing imported beforehand (the operation
    faqcli.misses and the module faqcli.misslog must not shadow each other)."""
    import os

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("FAQ_FILE", None)
    for args in (["ask", "--log-misses", MISS], ["misses"]):
        result = subprocess.run(
            [sys.executable, "-m", "faqcli", "--faq", str(small_faq), *args],
            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        assert "Traceback" not in result.stderr
    assert result.returncode == ExitCode.OK
    assert result.stdout.startswith(f"1 unanswered question logged for {small_faq}, in 1 group:")


def test_on_a_terminal_the_command_is_printed_unbroken_to_copy(tmp_path: Path) -> None:
    """However narrow the terminal, the command is one line (soft-wrapped by the
    terminal, never broken by faq), and the scores are coloured by confidence."""
    import io

    from rich.console import Console

    from faqcli.engine import Match
    from faqcli.model import Entry
    from faqcli.render import RichRenderer
    from faqcli.results import MissGroup, MissReport

    phrasing = misses.Phrasing("is there any parking near the office building", 2, "t")
    entry = Entry("office-location", "Where is the office?", "Here.")
    command = "faq add -q 'is there any parking near the office building'"
    group = MissGroup(misses.Group((phrasing,)), (Match(entry, 50.0),), command)
    report = MissReport(tmp_path / "f.json", tmp_path / "l.jsonl", 2, (group,))
    out = io.StringIO()
    console = Console(file=out, width=40, force_terminal=True, color_system="standard")
    RichRenderer(console, out).render(report)
    text = out.getvalue()
    assert command in text
    assert "\x1b[33mscore 50" in text  # near the threshold: yellow


@pytest.mark.usefixtures("data_home")
def test_a_log_faq_may_not_read_is_an_error_not_nothing_logged(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    """It said "No unanswered questions are logged ... only when asked to", exit 0."""
    from . import unprivileged

    _log(small_faq, "is there parking")
    log = log_of(small_faq)
    log.chmod(0)
    result = unprivileged.run(  # the run fixture's user folders are in the environment
        [sys.executable, "-m", "faqcli", "--faq", str(small_faq), "misses"], env=dict(os.environ)
    )
    assert (result.returncode, result.stderr) == (ExitCode.DATA, f"faq: {log}: permission denied\n")
