"""Issue 15, items 1 and 6: unquoted questions, and the small things of daily use
(a hint for Markdown given as the FAQ, where's warning, a repeated --faq, -V, init
--empty, scores coloured by confidence)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import Result

from faqcli.engine import Match
from faqcli.errors import ExitCode
from faqcli.model import Entry
from faqcli.render import RichRenderer
from faqcli.results import Answer, Strength, strength

Run = Callable[..., Result]


# --- 1. unquoted questions -------------------------------------------------------------


def test_ask_joins_the_words_of_an_unquoted_question(run: Run, small_faq: Path) -> None:
    unquoted = run("--faq", str(small_faq), "ask", "--json", "how", "can", "i", "reset", "it")
    quoted = run("--faq", str(small_faq), "ask", "--json", "how can i reset it")
    assert unquoted.exit_code == quoted.exit_code == ExitCode.OK
    assert unquoted.stdout == quoted.stdout
    assert json.loads(unquoted.stdout)["query"] == "how can i reset it"
    assert unquoted.stderr == ""


def test_options_may_follow_the_words_of_a_question(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", "where", "is", "the", "office", "--top", "2")
    assert result.exit_code == ExitCode.OK
    assert "[office-location, score" in result.stdout
    assert result.stdout.count("score") == 2


def test_ask_without_a_question_off_a_terminal_is_a_usage_error(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "ask", input="")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert "Missing argument 'QUESTION...'" in result.stderr


def test_questions_piped_to_ask_without_a_dash_are_answered(run: Run, small_faq: Path) -> None:
    """Issue 23, item 6: echo "where is the office" | faq ask was exit 2."""
    result = run("--faq", str(small_faq), "ask", input="where is the office\nrefund please\n")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "[office-location, score" in result.stdout
    assert "[refund, score" in result.stdout
    assert result.stdout.index("office-location") < result.stdout.index("[refund")


@pytest.mark.parametrize("question", ["", " ", "?", "?!", "  ...  "])
def test_a_question_without_words_is_a_usage_error_like_an_empty_one(
    run: Run, small_faq: Path, question: str
) -> None:
    """Issue 23, item 7: faq ask "?" and faq ask "" gave different exits."""
    result = run("--faq", str(small_faq), "ask", question)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr in ("faq: the question is empty\n", "faq: the question has no words\n")


def test_a_lone_dash_among_words_is_part_of_the_question(run: Run, small_faq: Path) -> None:
    """Only a lone '-' reads stdin; 'office - hours' is a question of three words."""
    result = run("--faq", str(small_faq), "ask", "--json", "office", "-", "hours", input="")
    assert result.exit_code in (ExitCode.OK, ExitCode.NO_MATCH)
    assert json.loads(result.stdout)["query"] == "office - hours"


# --- 6. small things --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("notes.md", "# Support\n\n## How do I pay?\nBy card.\n", "Markdown"),
        ("faq.csv", "question,answer\nHow do I pay?,By card.\n", "CSV"),
        ("faq.txt", "question,answer\nHow do I pay?,By card.\n", "CSV"),  # by its first line
        ("seed.txt", "-\nHow do I pay?\nBy card.\n", "seed text"),
    ],
)
def test_a_faq_that_looks_like_an_import_format_says_how_to_import_it(
    run: Run, tmp_path: Path, name: str, text: str, kind: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("--faq", str(path), "ask", "how do I pay")
    assert result.exit_code == ExitCode.DATA
    assert result.stdout == ""
    assert "malformed JSON" in result.stderr
    assert result.stderr.endswith(f"(faq import reads {kind}: faq import {path})\n")


def test_malformed_json_named_json_gets_no_import_hint(run: Run, write_faq: Callable) -> None:
    path = write_faq('{"entries": [', name="faq.json")
    result = run("--faq", str(path), "list")
    assert result.exit_code == ExitCode.DATA
    assert "faq import" not in result.stderr


def test_where_warns_on_stderr_when_faq_file_names_no_file(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "my faq.json"
    result = run("where", env={"FAQ_FILE": str(missing)})
    assert result.exit_code == ExitCode.OK
    assert result.stdout == f"{missing}\tFAQ_FILE environment variable\n"
    assert result.stderr == (
        f"faq: warning: {missing}, named by the FAQ_FILE environment variable, does not "
        f"exist (faq init '{missing}' creates it)\n"
    )


def test_where_says_nothing_more_when_the_file_exists(run: Run, small_faq: Path) -> None:
    result = run("where", env={"FAQ_FILE": str(small_faq)})
    assert (result.exit_code, result.stderr) == (0, "")
    as_json = run("where", "--help")
    assert as_json.exit_code == 0


def test_a_repeated_faq_option_is_a_usage_error(run: Run, small_faq: Path, tmp_path: Path) -> None:
    result = run("--faq", str(small_faq), "--faq", str(tmp_path / "b.json"), "list")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert "--faq is given 2 times" in result.stderr


def test_a_repeated_faq_option_is_one_line_from_the_console_script(small_faq: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "faqcli", "--faq", str(small_faq), "--faq", "b.json", "list"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        f"faq: --faq is given 2 times ({small_faq}, b.json); give it once (see 'faq --help')\n"
    )


def test_dash_capital_v_prints_the_version_like_version(run: Run) -> None:
    short, long = run("-V"), run("--version")
    assert short.exit_code == long.exit_code == ExitCode.OK
    assert short.stdout == long.stdout
    assert short.stdout.startswith("faq ")


def test_init_empty_writes_no_title(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    result = run("init", "--empty", str(path))
    assert result.exit_code == ExitCode.OK
    assert json.loads(path.read_text(encoding="utf-8")) == {"entries": []}


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (60.0, Strength.CONFIDENT),
        (99.0, Strength.CONFIDENT),
        (59.9, Strength.NEAR),
        (45.1, Strength.NEAR),
        (45.0, Strength.WEAK),
        (3.0, Strength.WEAK),
    ],
)
def test_a_score_is_confident_at_the_threshold_near_within_15_below_else_weak(
    score: float, expected: Strength
) -> None:
    assert strength(score, 60.0) is expected


PAY = Entry("pay", "How do I pay?", "By card.")
REFUND = Entry("refund", "Can I get a refund?", "Yes.")
SHOP = Entry("shop", "Where is the shop?", "Here.")


def _terminal(answer: Answer, no_color: bool = False) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=60, force_terminal=True, color_system="standard", no_color=no_color
    )
    RichRenderer(console, out).render(answer)
    return out.getvalue()


GREEN, YELLOW, DIM = "\x1b[32m", "\x1b[33m", "\x1b[2m"


def test_scores_are_coloured_by_confidence_on_a_terminal() -> None:
    answered = _terminal(Answer("pay", (Match(PAY, 91.0), Match(REFUND, 5.0)), 60.0))
    assert f"{GREEN} score 91 " in answered  # a panel's subtitle
    unsure = _terminal(Answer("x", (Match(PAY, 50.0), Match(REFUND, 20.0)), 60.0))
    assert f"{YELLOW}score 50" in unsure  # the suggestions
    assert f"{DIM}score 20" in unsure


def test_scores_keep_their_numbers_and_lose_their_colour_under_no_color() -> None:
    text = _terminal(
        Answer("x", (Match(PAY, 50.0), Match(REFUND, 20.0), Match(SHOP, 9.0)), 60.0),
        no_color=True,
    )
    for number in ("score 50", "score 20", "score 9"):
        assert number in text
    assert GREEN not in text and YELLOW not in text


def test_an_entry_is_immutable_compared_without_its_extra_fields_and_picklable() -> None:
    import pickle

    from faqcli.model import Entry

    a = Entry("pay", "How do I pay?", "By card.", ("payment",), ("billing",), {"x": 1})
    b = Entry("pay", "How do I pay?", "By card.", ("payment",), ("billing",), {"x": 2})
    assert a == b and hash(a) == hash(b) and a.extra != b.extra
    assert a != a.replace(answer="In cash.")
    assert a.replace(tags=()).tags == () and a.tags == ("billing",)
    with pytest.raises(AttributeError):
        a.answer = "changed"  # type: ignore[misc]
    back = pickle.loads(pickle.dumps(a))
    assert back == a and back.extra == {"x": 1}
    assert (
        Entry("a", "q", "r").extra == {}
        and Entry("a", "q", "r").extra is not Entry("a", "q", "r").extra
    )


def test_the_digests_faq_computes_without_hashlib_are_hashlibs() -> None:
    """store.sha256 and store.blake2b take CPython's own modules to spare faq ask the
    import of hashlib: the same digests, so no index, log or draft changes its name."""
    import hashlib

    from faqcli import store

    for data in (b"", b"faq.json", "caf\u00e9".encode(), bytes(range(256)) * 100):
        assert store.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        ours = store.content_hasher()
        ours.update(data)
        assert ours.hexdigest() == hashlib.blake2b(data, digest_size=20).hexdigest()
