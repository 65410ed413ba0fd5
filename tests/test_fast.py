"""The fast path for a plain question (``faqcli.fast``) against the full command line:
the same output, the same errors, the same exit code, and nothing of Typer, click,
Rich or numpy loaded to answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from faqcli import fast

from .conftest import SMALL_FAQ

QUESTION = "why did the soldier defect"


def faq_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAQ_", "_FAQ_"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.update(extra)
    return env


def run(tmp_path: Path, entry: str, args: list[str], **env: str) -> tuple[int, str, str]:
    """``faq ARGS`` through ``entry``: faqcli.launch (the console script, with the fast
    path) or faqcli.cli (the full command line only)."""
    code = f"import sys; sys.argv[0] = 'faq'; from faqcli.{entry} import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        env=faq_env(tmp_path, **env),
        check=False,
        timeout=120,
    )
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode()


@pytest.fixture
def faqs(tmp_path: Path) -> dict[str, str]:
    good = tmp_path / "small.json"
    good.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [', encoding="utf-8")
    return {"good": str(good), "bad": str(bad), "missing": str(tmp_path / "none.json")}


CASES = [
    ["ask", QUESTION],  # answered
    ["ask", "why", "did", "the", "soldier", "defect"],  # words joined
    ["ask", "why did the soldeir defetc"],  # typos
    ["ask", "how do I bake sourdough bread"],  # unanswered: exit 1
    ["ask", "--json", QUESTION],
    ["ask", QUESTION, "--json"],  # an option after the words
    ["ask", "--top", "3", QUESTION],
    ["ask", "-n", "2", "--json", QUESTION],
    ["ask", "--top=2", QUESTION],
    ["ask", "--threshold", "99.5", QUESTION],  # withheld at a high threshold
    ["ask", "-t", "0", "how do I bake sourdough bread"],
    ["ask", "--threshold=40", "--json", QUESTION],
    ["--no-cache", "ask", QUESTION],
    ["--faq", "{good}", "ask", "how do I pay"],
    ["--faq={good}", "ask", "--json", "refund"],
    ["--faq", "{bad}", "ask", QUESTION],  # bad data: exit 3
    ["--faq", "{missing}", "ask", QUESTION],
    ["ask", "caf\udce9 soldier defect"],  # a byte that was not UTF-8
]
# What the fast path leaves to the full command line, which answers as it always did.
LEFT = [
    ["ask", "  "],  # empty: the full command line's usage error
    ["ask", "?"],  # no words: the same usage error as an empty question
    ["ask", "--top", "0", QUESTION],  # refused by the full command line
    ["ask", "--threshold", "101", QUESTION],
    ["ask", "--explain", QUESTION],  # not a plain question: the full command line
    ["ask", "-", QUESTION],
]


@pytest.mark.parametrize("args", CASES + LEFT, ids=repr)
def test_the_fast_path_answers_as_the_full_command_line(
    tmp_path: Path, faqs: dict[str, str], args: list[str]
) -> None:
    argv = [a.format(**faqs) for a in args]
    assert (fast.parse(argv) is not None) == (args in CASES)
    launched = run(tmp_path, "launch", argv)
    full = run(tmp_path, "cli", argv)
    assert launched == full
    assert "Traceback" not in launched[2]


def test_the_fast_path_meets_every_outcome_of_a_question(
    tmp_path: Path, faqs: dict[str, str]
) -> None:
    """The questions the fast path answers are not all one outcome: answered, not
    answered, bad data."""
    codes = {run(tmp_path, "launch", [a.format(**faqs) for a in args])[0] for args in CASES}
    assert codes == {0, 1, 3}


@pytest.mark.parametrize(
    "argv",
    [["ask", QUESTION], ["--faq", "x.json", "ask", "-n", "2", "a", "b"], ["--no-cache", "ask", "q"],
     ["ask", "--json", "q", "--threshold", "50"], ["ask", "--top=7", "q"]],
    ids=repr,
)  # fmt: skip
def test_plain_questions_are_taken(argv: list[str]) -> None:
    assert fast.parse(argv) is not None


@pytest.mark.parametrize(
    "argv",
    [[], ["list"], ["ask"], ["ask", "-"], ["ask", "--explain", "q"], ["ask", "--", "q"],
     ["ask", "-5", "degrees"], ["ask", "--top", "q"], ["ask", "q", "--top"], ["ask", "-n3", "q"],
     ["ask", "--top", "-1", "q"], ["ask", "--top", "1e3", "q"], ["ask", "-t", "nan", "q"],
     ["ask", "--json=1", "q"], ["--faq", "a", "--faq", "b", "ask", "q"], ["--faq", "", "ask", "q"],
     ["--faq", "--json", "ask", "q"], ["--version", "ask", "q"], ["ask", "--help"],
     ["-h", "ask", "q"], ["ask", "--log-misses", "q"], ["ask", "--faq", "x", "q"],
     ["show", "ask", "q"], ["ask", "\t"]],
    ids=repr,
)  # fmt: skip
def test_anything_else_is_left_to_the_full_command_line(argv: list[str]) -> None:
    assert fast.parse(argv) is None


@pytest.mark.parametrize("name", ["FAQ_LOG_MISSES", "FAQ_LOG_ANSWERS", "_FAQ_COMPLETE"])
def test_logging_and_completion_are_left_to_the_full_command_line(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, "")
    assert fast.parse(["ask", QUESTION]) is not None  # empty: unset, as click reads it
    monkeypatch.setenv(name, "1")
    assert fast.parse(["ask", QUESTION]) is None


def test_a_logged_question_is_logged(tmp_path: Path) -> None:
    """FAQ_LOG_MISSES=1 goes to the full command line, which logs the miss."""
    code, _, _ = run(tmp_path, "launch", ["ask", "how do I bake bread"], FAQ_LOG_MISSES="1")
    assert code == 1
    code, out, _ = run(tmp_path, "cli", ["misses", "--json"])
    assert code == 0
    assert "how do I bake bread" in out


def test_a_plain_question_loads_no_typer_click_rich_or_numpy(tmp_path: Path) -> None:
    code = (
        "import sys; from faqcli import fast; code = fast.main(['ask', 'why did the north "
        "korean soldier flee?']); sys.stdout.flush(); print(code, sorted({m.split('.')[0] for m"
        " in sys.modules} & {'typer', 'click', 'rich', 'numpy', 'sqlite3'}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=faq_env(tmp_path), check=False
    )
    assert done.stderr.decode().strip() == "0 []"
    assert "Why did this North Korean soldier defect now?" in done.stdout.decode()
