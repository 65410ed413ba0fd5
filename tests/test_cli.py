"""The command line: every command, option and exit code."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli import store
from faqcli.cli import app
from faqcli.errors import ExitCode

Run = Callable[..., Result]

SEED_IDS = [
    "why-defect-now",
    "land-border-frequency",
    "north-south-relations",
    "more-defections",
    "escape-routes",
    "crossing-risks",
]


def test_ask_prints_best_answer_and_exits_0(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "how can i reset my pasword")
    assert result.exit_code == ExitCode.OK
    assert "How do I reset my password? [reset-password, score" in result.stdout
    assert "Open **Settings**" in result.stdout
    assert result.stderr == ""


def test_ask_without_confident_answer_suggests_and_exits_1(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "what is the capital of peru")
    assert result.exit_code == ExitCode.NO_MATCH
    assert result.stdout.startswith("No confident answer for: what is the capital of peru")
    assert "Did you mean:" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line.startswith("  ")]) <= 3


def test_threshold_option_changes_the_verdict(run: Run, small_faq: Path) -> None:
    loose = run("--faq", str(small_faq), "ask", "--threshold", "0", "price of my subscription")
    strict = run("--faq", str(small_faq), "ask", "--threshold", "100", "price of my subscription")
    assert loose.exit_code == ExitCode.OK
    assert strict.exit_code == ExitCode.NO_MATCH


def test_top_shows_more_answers(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "--top", "2", "how do I reset my account")
    assert result.exit_code == 0
    assert "[reset-password, score" in result.stdout
    assert "[delete-account, score" in result.stdout


@pytest.mark.parametrize(
    "args",
    [("ask", ""), ("ask", "   "), ("ask", "--top", "0", "x"), ("ask", "--bogus", "x"), ("ask",)],
)
def test_usage_errors_exit_2(run: Run, small_faq: Path, args: tuple[str, ...]) -> None:
    result = run("--faq", str(small_faq), *args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""


def test_ask_json_contract(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "--json", "forgot my password")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) == {"query", "answer", "matches", "confident", "threshold", "near_tie"}
    assert (doc["confident"], doc["threshold"], doc["near_tie"]) == (True, 60.0, False)
    assert doc["query"] == "forgot my password"
    assert doc["answer"]["id"] == "reset-password"
    assert 1 <= len(doc["matches"]) <= 3
    assert doc["matches"][0] == doc["answer"]
    for match in doc["matches"]:
        assert set(match) == {"id", "question", "answer", "score", "confident"}
        assert 0 <= match["score"] <= 100
        assert match["confident"] == (match["score"] >= doc["threshold"])
    scores = [m["score"] for m in doc["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_without_answer_has_null_and_still_lists_matches(
    run: Run, small_faq: Path
) -> None:
    result = run("--faq", str(small_faq), "ask", "--json", "--top", "2", "cheap flights to rome")
    assert result.exit_code == ExitCode.NO_MATCH
    doc = json.loads(result.stdout)
    assert doc["answer"] is None
    assert len(doc["matches"]) <= 2


def test_ask_stdin_answers_each_line_in_order(run: Run, small_faq: Path) -> None:
    lines = "where is the office\n\nwhen is the office open\nbitcoin price today\n"
    result = run("--faq", str(small_faq), "ask", "--json", "-", input=lines)
    assert result.exit_code == 0  # batch mode exits 0 even when one question has no answer
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["query"] for d in docs] == [
        "where is the office",
        "when is the office open",
        "bitcoin price today",
    ]
    assert docs[0]["answer"]["id"] == "office-location"
    assert docs[1]["answer"]["id"] == "opening-hours"
    assert docs[2]["answer"] is None


def test_ask_stdin_human_output_echoes_each_question(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "-", input="where is the office\n")
    assert result.exit_code == 0
    assert result.stdout.startswith("> where is the office\n")
    assert "Harbour Street" in result.stdout


def test_very_long_question_on_stdin_returns(run: Run, small_faq: Path) -> None:
    huge = ("password reset " * 70_000)[:1_000_000]
    result = run("--faq", str(small_faq), "ask", "--json", "-", input=huge + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["matches"][0]["id"] == "reset-password"


def test_very_long_argument_returns_and_is_echoed_as_far_as_ranking_reads(
    run: Run, small_faq: Path
) -> None:
    """100,000 characters were echoed whole (stdin's were cut to what ranking reads)."""
    from faqcli.engine import DEFAULTS

    result = run("--faq", str(small_faq), "ask", "--json", "x" * 100_000)
    assert result.exit_code == ExitCode.NO_MATCH  # a word the FAQ never uses
    assert json.loads(result.stdout)["query"] == "x" * DEFAULTS.max_query_chars
    padded = run("--faq", str(small_faq), "ask", "--json", " " * 3000 + "office hours")
    assert json.loads(padded.stdout)["query"] == "office hours"  # not 2,000 spaces


def test_list_piped_prints_id_tab_question(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "reset-password\tHow do I reset my password?"
    assert len(lines) == 5


def test_list_json_prints_the_document(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "list", "--json")
    doc = json.loads(result.stdout)
    assert doc["title"] == "Support desk"
    assert [e["id"] for e in doc["entries"]][:2] == ["reset-password", "delete-account"]
    assert doc["entries"][0]["alternates"] == ["I forgot my password"]


def test_show_prints_entry(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "show", "reset-password")
    assert result.exit_code == 0
    assert result.stdout.startswith("How do I reset my password? [reset-password]")
    assert "Also asked as: I forgot my password" in result.stdout
    assert "Tags: account" in result.stdout


def test_show_json(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "show", "refund", "--json")
    assert json.loads(result.stdout) == {
        "id": "refund",
        "question": "Can I get a refund for my subscription?",
        "answer": "Yes, within 14 days of purchase.",
    }


def test_show_unknown_id_suggests_closest_and_exits_1(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "show", "refnd")
    assert result.exit_code == ExitCode.NO_MATCH
    assert result.stdout == ""
    assert result.stderr.startswith("faq: no entry with id 'refnd'; did you mean: refund")


def test_faq_file_env_var_is_used(run: Run, small_faq: Path) -> None:
    result = run("list", env={"FAQ_FILE": str(small_faq)})
    assert result.stdout.startswith("reset-password\t")


def test_faq_option_beats_env_var(run: Run, small_faq: Path, write_faq: Any) -> None:
    other = write_faq([{"id": "only", "question": "Q?", "answer": "A."}], "other.json")
    result = run("--faq", str(other), "list", env={"FAQ_FILE": str(small_faq)})
    assert result.stdout == "only\tQ?\n"


def test_bundled_faq_is_the_default(run: Run) -> None:
    result = run("list")
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert ids == SEED_IDS


def test_bundled_faq_answers_the_readme_question(run: Run) -> None:
    result = run("ask", "Why did the North Korean soldier flee?")
    assert result.exit_code == 0
    assert "[why-defect-now," in result.stdout


def test_version_comes_from_package_metadata(run: Run) -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"faq {version('faqcli')}\n"


COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert re.search(rf"faq (--faq \S+ )?{command}", result.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_paragraphs_fill_an_80_column_terminal(run: Run, command: str) -> None:
    """Each line of a command's description is as full as the next word allows: Typer
    keeps a docstring's own line breaks, which on 80 columns left a word alone on a
    line after every docstring line longer than the terminal."""
    result = run(command, "--help", env={"COLUMNS": "80"})
    text = result.stdout.split("Usage:", 1)[1].split("\u256d", 1)[0]  # up to the first box
    lines = [line.rstrip() for line in text.splitlines()[1:]]
    for line, after in itertools.pairwise(lines):
        if line.strip() and after.strip():
            room = 80 - 2 - len(line)  # Rich pads one column on each side
            assert len(after.split()[0]) >= room, (line, after)


def test_top_level_help_lists_every_command(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert re.search(rf"\b{command}\b", result.stdout)


def test_markup_in_faq_text_prints_literally(run: Run, write_faq: Any) -> None:
    question = "What does [bold red]markup[/bold red] do?"
    path = write_faq([{"id": "m", "question": question, "answer": "It [link=x]stays[/link]."}])
    shown = run("--faq", str(path), "show", "m")
    assert question in shown.stdout
    assert "It [link=x]stays[/link]." in shown.stdout


def test_control_sequences_never_reach_the_terminal(run: Run, write_faq: Any) -> None:
    evil = "Clear \x1b[2J screen \x1b]0;pwned\x07 and bell\x07 \x9b"
    path = write_faq([{"id": "evil", "question": "Evil question?", "answer": evil}])
    for args in (("show", "evil"), ("ask", "evil question"), ("list",)):
        result = run("--faq", str(path), *args)
        assert "\x1b" not in result.stdout
        assert "\x07" not in result.stdout
        assert "\x9b" not in result.stdout
    raw = run("--faq", str(path), "show", "evil", "--json")
    assert "\x1b" not in raw.stdout and "\x9b" not in raw.stdout
    assert json.loads(raw.stdout)["answer"] == evil  # JSON keeps the text exactly


BAD_DATA: list[tuple[str, str]] = [
    ("{not json", "1:2: malformed JSON"),
    (
        '{"entries": [\n  {"question": "Q?", "answer": "A"},\n  {"question": "Q2?"}\n]}',
        ":3: entry 2",
    ),
    ("42", "top level must be a list of entries or an object with 'entries'"),
    ('{"title": "x"}', "top level must be a list"),
    ('{"entries": {}}', "'entries' must be a list"),
    ('[{"question": 5, "answer": "A"}]', "entry 1: field 'question' must be a string"),
    ('[{"question": "  ", "answer": "A"}]', "entry 1: field 'question' is blank"),
    ('[{"question": "Q", "answer": ""}]', "entry 1: field 'answer' is blank"),
    (
        '[{"id": "a", "question": "Q", "answer": "A"}, "oops"]',
        "entry 2: an entry must be an object",
    ),
    (
        '[{"id": "a", "question": "Q", "answer": "A"},\n'
        ' {"id": "a", "question": "R", "answer": "B"}]',
        ":2: entry 2 (id 'a'): duplicate id (also entry 1)",
    ),
    ('[{"id": "a", "question": "Q", "answer": "A", "tags": "x"}]', "field 'tags' must be a list"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_DATA)
def test_bad_faq_data_is_one_line_exit_3(
    run: Run, write_faq: Any, text: str, expected: str
) -> None:
    path = write_faq(text)
    result = run("--faq", str(path), "list")
    assert result.exit_code == ExitCode.DATA
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"faq: {path}")
    assert expected in result.stderr


def test_missing_file_directory_and_non_utf8(run: Run, tmp_path: Path) -> None:
    missing = run("--faq", str(tmp_path / "nope.json"), "list")
    directory = run("--faq", str(tmp_path), "list")
    latin1 = tmp_path / "latin1.json"
    # column 19 is the é after `[{"question": "Caf`
    latin1.write_bytes('[{"question": "Caf\xe9?", "answer": "A"}]'.encode("latin-1"))
    binary = run("--faq", str(latin1), "list")
    assert (missing.exit_code, directory.exit_code, binary.exit_code) == (3, 3, 3)
    assert "no such file" in missing.stderr
    assert "is a directory" in directory.stderr
    assert f"{latin1}:1:19: not UTF-8" in binary.stderr


def test_entry_without_id_gets_one_from_its_question(run: Run, write_faq: Any) -> None:
    path = write_faq([{"question": "How do I pay?", "answer": "By card."}])
    assert run("--faq", str(path), "list").stdout == "how-do-i-pay\tHow do I pay?\n"


def test_bare_list_is_accepted(run: Run, write_faq: Any) -> None:
    path = write_faq([{"id": "x", "question": "Q?", "answer": "A."}])
    assert run("--faq", str(path), "show", "x", "--json").exit_code == 0


def test_bundled_file_matches_the_seed_text() -> None:
    """data/faq.json holds the six seed entries verbatim, with the agreed ids."""
    faq = store.load(store.bundled_path())
    assert [e.id for e in faq.entries] == SEED_IDS
    seed = Path(__file__).parents[2] / "shared" / "seed" / "000_ef3ff8d944980d97.txt"
    if not seed.exists():
        pytest.skip("../shared/seed is not beside the project")
    blocks = seed.read_text(encoding="utf-8").split("-\n")[1:]
    pairs = [tuple(b.strip("\n").split("\n", 1)) for b in blocks]
    assert [(e.question, e.answer) for e in faq.entries] == pairs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ask", "--top", "0", "x"],
            "faq: Invalid value for '--top' / '-n': 0 is not in the range",
        ),
        (["ask", "--bogus", "x"], "faq: No such option: --bogus"),
        (["ask"], "faq: Missing argument 'QUESTION...'"),  # and stdin is no terminal
    ],
)
def test_usage_errors_from_the_console_script_are_one_line(args: list[str], message: str) -> None:
    """Through the real entry point (not CliRunner): one stderr line, exit 2, no box."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "faqcli", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "(see 'faq ask --help')" in result.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [(["ask", "--plain", "x"],
      "faq: No such option: --plain. Did you mean --explain? (see 'faq ask --help')\n"),
     (["ask", "--top", "x", "q"],
      "faq: Invalid value for '--top' / '-n': 'x' is not a whole number. (see 'faq ask --help')\n"),
     (["ask", "-t", "abc", "q"],
      "faq: Invalid value for '--threshold' / '-t': 'abc' is not a number."
      " (see 'faq ask --help')\n"),
     (["--faq"], "faq: Option '--faq' requires an argument. (see 'faq --help')\n")],
    ids=repr,
)  # fmt: skip
def test_usage_errors_are_sentences_with_a_help_pointer(args: list[str], line: str) -> None:
    """Issue 23, item 12: a missing full stop, "not a valid integer range", and faq --faq
    without a pointer to the help."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "faqcli", *args], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    assert (result.returncode, result.stderr) == (ExitCode.USAGE, line)


def test_a_faq_without_a_title_is_exported_and_listed_without_a_null_title(
    run: Run, write_faq: Any
) -> None:
    path = write_faq({"entries": [{"id": "a", "question": "Q?", "answer": "A."}]})
    for args in (["export"], ["export", "-f", "json"], ["list", "--json"]):
        result = run("--faq", str(path), *args)
        assert result.exit_code == 0
        assert json.loads(result.stdout) == {
            "entries": [{"id": "a", "question": "Q?", "answer": "A."}]
        }


def test_explain_shows_typos_unmatched_words_and_the_parts_of_the_score(
    run: Run, small_faq: Path
) -> None:
    result = run("--faq", str(small_faq), "ask", "--explain", "how do i resett my pasword zzyzx")
    assert result.exit_code == 0
    out = result.stdout
    assert "Why reset-password" in out
    assert re.search(r"resett\s+\d\.\d\d  reset \(typo\), in the question, explains \d+%", out)
    assert re.search(r"pasword\s+\d\.\d\d  password \(typo\), in the question, explains", out)
    assert re.search(r"zzyzx\s+\d\.\d\d  nothing: in no entry of the FAQ", out)
    assert re.search(r"Not explained, in no entry of the FAQ: zzyzx \(weighs \d\.\d\d\)", out)
    assert "closeness in meaning" in out and "bias" in out
    assert "Next: " in out


def test_explain_names_the_runner_up_of_a_near_tie(run: Run, write_faq: Any) -> None:
    twins = write_faq(
        [
            {"id": "card", "question": "How do I pay?", "answer": "By card."},
            {"id": "cash", "question": "How do I pay?", "answer": "In cash."},
        ]
    )
    result = run("--faq", str(twins), "ask", "--explain", "how do i pay")
    out = result.stdout
    assert "Two answers fit about equally well" in out
    twin_line = next(line for line in out.splitlines() if "nearest twin" in line)
    assert re.search(r"\s0\.9\d x\s+-", twin_line)  # the twin is as close as can be
    assert re.search(r"Next: (card|cash), score \d+ \([01] behind\)", out)


def test_explain_json_parts_add_up_to_the_score(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "--json", "--explain", "delet acount")
    doc = json.loads(result.stdout)
    explain = doc["explain"]
    assert set(explain) == {
        "id", "score", "words", "unexplained", "left_out", "evidence", "bias", "shift",
        "learned_from", "log_odds", "runner_up", "threshold",
    }  # fmt: skip
    assert explain["id"] == doc["matches"][0]["id"] == "delete-account"
    total = (
        explain["bias"] + explain["shift"] + sum(p["part"] for p in explain["evidence"].values())
    )
    assert total == pytest.approx(explain["log_odds"])
    assert explain["score"] == pytest.approx(100 / (1 + math.exp(-total)), abs=0.05)
    words = {w["word"]: (w["by"], w["how"], w["where"]) for w in explain["words"]}
    assert words["delet"] == ("delete", "stem", "question")  # "delet" is delete's stem
    assert words["acount"] == ("account", "typo", "question")


def test_explain_json_is_null_when_nothing_is_ranked(run: Run, small_faq: Path) -> None:
    # A question of no words is a usage error on the command line; a line of them in
    # a batch is answered, with nothing ranked.
    result = run("--faq", str(small_faq), "ask", "--json", "--explain", "-", input="?!\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["explain"] is None


def test_the_python_api_answers_like_the_command(run: Run, small_faq: Path) -> None:
    """The README's `import faqcli` example, on a FAQ of our own: the same answer as
    `faq ask`, without Typer."""
    import faqcli

    answer = faqcli.ask(faqcli.open_index(faqcli.resolve(small_faq)), "how do i reset my password")
    assert answer.confident and answer.matches[0].entry.id == "reset-password"
    assert answer.exit_code == ExitCode.OK
    shown = json.loads(run("--faq", str(small_faq), "ask", "--json", answer.query).stdout)
    assert shown["answer"]["id"] == "reset-password"
    assert set(faqcli.__all__) <= set(dir(faqcli))


def _help(*args: str, columns: int) -> str:
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "faqcli", *args], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, check=True)  # fmt: skip
    return done.stdout


def test_help_groups_the_commands_one_short_line_each() -> None:
    """Issue 23, items 3 and 8: commands in groups (as gh does), init mentioned."""
    text = _help("--help", columns=100)
    groups = [text.index(f"─ {name} ─") for name in ("Asking", "Authoring", "Maintenance")]
    assert groups == sorted(groups)
    commands = [line for line in text.splitlines() if re.match(r"│ [a-z]+ +\S", line)]
    named = {line.split()[1] for line in commands}
    assert named == {"ask", "list", "show", "init", "add", "edit", "remove", "import", "export",
                     "check", "eval", "misses", "review", "index", "where", "help"}  # fmt: skip
    assert "faq init copies the sample FAQ" in text


@pytest.mark.parametrize("command", ["ask", "add", "eval"])
def test_faq_help_command_is_the_command_s_help(command: str) -> None:
    assert _help("help", command, columns=80) == _help(command, "--help", columns=80)


def test_faq_help_alone_is_faq_s_help() -> None:
    assert _help("help", columns=80) == _help("--help", columns=80)


@pytest.mark.parametrize("columns", [30, 40, 59])
def test_narrow_help_is_plain_and_never_cuts_an_option_name(columns: int) -> None:
    text = _help("ask", "--help", columns=columns)
    for option in ("--top", "--threshold", "--json", "--explain", "--log-misses", "--log-answers"):
        assert option in text
    assert "╭" not in text and "\\[" not in text
    # click's plain help is never narrower than 50 columns (its own minimum)
    assert max(len(line) for line in text.splitlines()) <= max(columns, 50)


def _piped(*args: str, **env: str) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items()
             if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "faqcli", *args], capture_output=True,
                          text=True, env={**clean, **env}, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [(["ask", "why defect", "--color", "always"], {}, True),
     (["--color=always", "show", "escape-routes"], {}, True),
     (["list", "--color", "always"], {"NO_COLOR": "1"}, True),  # asked for: beats NO_COLOR
     (["ask", "why defect"], {"FORCE_COLOR": "1"}, True),
     (["ask", "why defect"], {"CLICOLOR_FORCE": "1"}, True),
     (["ask", "why defect"], {"CLICOLOR_FORCE": "0"}, False),
     (["ask", "why defect"], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
     (["ask", "why defect", "--color", "never"], {"FORCE_COLOR": "1"}, False),
     (["ask", "why defect"], {}, False)],
    ids=repr,
)  # fmt: skip
def test_color_on_demand_in_a_pipe(args: list[str], env: dict[str, str], coloured: bool) -> None:
    """Issue 23, item 2: --color auto|always|never after any command, FORCE_COLOR and
    CLICOLOR_FORCE honoured, NO_COLOR winning over auto."""
    code, out = _piped(*args, **env)
    assert code == 0, out
    assert ("\x1b[" in out) == coloured
    assert ("╭" in out or "┏" in out) == coloured  # drawn as on a terminal


def test_color_words_after_a_double_dash_are_the_question_s() -> None:
    code, out = _piped("ask", "--", "--color", "always")
    assert code == 1 and "No confident answer for: --color always" in out


def test_an_unknown_color_is_a_usage_error() -> None:
    code, out = _piped("ask", "x", "--color", "sometimes")
    assert code == 2
    assert out == ("faq: Invalid value for '--color': 'sometimes' is not one of auto, always, "
                   "never. (see 'faq --help')\n")  # fmt: skip


@pytest.mark.parametrize(
    ("pager", "less", "keeps"),
    [(None, None, True), (None, "FX", False), (None, "FRX", True), ("less -R", "FX", True),
     ("/usr/bin/less", None, True), ("more", None, False), ("less '", None, False)],
)  # fmt: skip
def test_the_pager_keeps_colour_only_where_it_shows_it(
    monkeypatch: pytest.MonkeyPatch, pager: str | None, less: str | None, keeps: bool
) -> None:
    from faqcli.render import _pager_keeps_colour

    for name, value in (("PAGER", pager), ("LESS", less)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert _pager_keeps_colour() is keeps
