"""Issue 15, item 5: large FAQs on a terminal. list pages when taller than the
screen (never in a pipe), list --tag and --grep, ids complete in the shell."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from rich.console import Console
from typer.testing import Result

from faqcli.cli import app, complete_ids
from faqcli.errors import ExitCode
from faqcli.model import Entry
from faqcli.render import RichRenderer
from faqcli.results import EntryList
from tests.terminal import Terminal, faq_env

Run = Callable[..., Result]


# --- list --tag, list --grep -------------------------------------------------------------


def test_list_tag_shows_only_entries_with_that_tag_ignoring_case(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "list", "--tag", "ACCOUNT")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == (
        "reset-password\tHow do I reset my password?\ndelete-account\tHow do I delete my account?\n"
    )
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("OFFICE", ["opening-hours", "office-location"]),  # in questions, any case
        ("forgot", ["reset-password"]),  # in an alternate
        ("harbour street", ["office-location"]),  # in an answer
    ],
)
def test_list_grep_looks_in_questions_alternates_and_answers(
    run: Run, small_faq: Path, text: str, ids: list[str]
) -> None:
    result = run("--faq", str(small_faq), "list", "--grep", text)
    assert result.exit_code == ExitCode.OK
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ids


def test_list_tag_and_grep_must_both_match(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "list", "--tag", "account", "--grep", "delete")
    assert result.stdout == "delete-account\tHow do I delete my account?\tquestion, answer\n"


def test_a_filter_that_matches_nothing_exits_1_saying_so(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "list", "--tag", "billing", "--grep", "card")
    assert result.exit_code == ExitCode.NO_MATCH
    assert result.stdout == ""
    assert result.stderr == "faq: no entry matches tag 'billing' and text 'card'\n"


def test_list_json_with_a_filter_holds_the_matching_entries(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "list", "--json", "--tag", "account")
    doc = json.loads(result.stdout)
    assert doc["title"] == "Support desk"
    assert [e["id"] for e in doc["entries"]] == ["reset-password", "delete-account"]


def test_list_help_says_what_grep_searches(run: Run) -> None:
    result = run("list", "--help")
    text = re.sub(r"[\s│]+", " ", result.stdout)
    assert "--grep TEXT looks for TEXT in the question, alternates and answer" in text
    assert "ignoring case" in text


# --- the pager --------------------------------------------------------------------------


class Recorder:
    """A pager that keeps what it was given."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def show(self, content: str) -> None:
        self.shown.append(content)


ENTRIES = tuple(Entry(f"e{i}", f"Question {i}?", "Answer.", (), ("t",)) for i in range(30))


def _listed(count: int, height: int) -> tuple[str, Recorder]:
    out, pager = io.StringIO(), Recorder()
    console = Console(file=out, width=60, height=height, force_terminal=True)
    RichRenderer(console, out, pager).render(EntryList(ENTRIES[:count], "T"))
    return out.getvalue(), pager


def test_a_list_taller_than_the_terminal_goes_through_the_pager_without_colour() -> None:
    printed, pager = _listed(30, height=24)
    assert printed == ""
    assert len(pager.shown) == 1
    assert "e29" in pager.shown[0] and "\x1b[" not in pager.shown[0]


def test_a_list_that_fits_is_printed_as_it_is() -> None:
    printed, pager = _listed(5, height=24)
    assert pager.shown == []
    assert "e4" in printed


def test_list_on_a_real_terminal_runs_pager(
    write_faq: Callable[..., Path], tmp_path: Path, terminals: list[Any]
) -> None:
    faq = write_faq({"entries": [e.to_dict() for e in ENTRIES]})
    paged = tmp_path / "paged.txt"
    env = faq_env(tmp_path, PAGER=f"cat > {paged}")
    term = Terminal(["--faq", str(faq), "list"], env, rows=20)
    terminals.append(term)
    assert term.wait() == 0
    assert "e29" in paged.read_text(encoding="utf-8")
    assert "e29" not in term.output  # the rows went to the pager, not the terminal


@pytest.mark.parametrize("pager", ["no-such-pager-here", "false"])
def test_a_pager_that_fails_leaves_the_list_on_the_terminal_with_a_warning(
    write_faq: Callable[..., Path], tmp_path: Path, terminals: list[Any], pager: str
) -> None:
    """Rich's pager (pydoc's) printed nothing and exited 0: the listing was lost."""
    faq = write_faq({"entries": [e.to_dict() for e in ENTRIES]})
    term = Terminal(["--faq", str(faq), "list"], faq_env(tmp_path, PAGER=pager), rows=20)
    terminals.append(term)
    assert term.wait() == 0
    assert "e0" in term.output and "e29" in term.output
    assert f"faq: warning: the pager '{pager}' failed (exit" in term.output


def test_ctrl_c_while_the_pager_reads_waits_for_the_pager(
    write_faq: Callable[..., Path], tmp_path: Path, terminals: list[Any]
) -> None:
    """A list over a pipe's 64 KiB: faq blocks writing it while the pager has not read
    yet. Ctrl-C reaches both; faq exited 130 at once, the pager (less ignores it) still
    holding the terminal under the shell's prompt. faq now waits for the pager."""
    entries = [{"id": f"e{i}", "question": f"Question number {i} " + "x" * 60 + "?",
                "answer": "An answer."} for i in range(2000)]  # fmt: skip
    faq = write_faq({"entries": entries})
    started, done = tmp_path / "started", tmp_path / "paged.txt"
    pager = f"trap '' INT; touch {started}; sleep 2; cat > {done}.part; mv {done}.part {done}"
    term = Terminal(["--faq", str(faq), "list"], faq_env(tmp_path, PAGER=pager), rows=20)
    terminals.append(term)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the pager asleep, faq blocked writing the rest
    term.send("\x03")
    code = term.wait()
    assert done.exists()  # faq ended after its pager
    assert code == 0


def test_the_pager_is_pager_not_manpager(
    write_faq: Callable[..., Path], tmp_path: Path, terminals: list[Any]
) -> None:
    """pydoc prefers $MANPAGER, man's setting: faq's list is not a manual page."""
    faq = write_faq({"entries": [e.to_dict() for e in ENTRIES]})
    paged, manpaged = tmp_path / "paged.txt", tmp_path / "manpaged.txt"
    env = faq_env(tmp_path, PAGER=f"cat > {paged}", MANPAGER=f"cat > {manpaged}")
    term = Terminal(["--faq", str(faq), "list"], env, rows=20)
    terminals.append(term)
    assert term.wait() == 0
    assert "e29" in paged.read_text(encoding="utf-8")
    assert not manpaged.exists()


def test_a_short_list_on_a_real_terminal_is_not_paged(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    paged = tmp_path / "paged.txt"
    term = Terminal(["--faq", str(small_faq), "list"], faq_env(tmp_path, PAGER=f"cat > {paged}"))
    terminals.append(term)
    assert term.wait() == 0
    assert "office-location" in term.output
    assert not paged.exists()


def test_a_piped_list_is_never_paged(run: Run, write_faq: Any, tmp_path: Path) -> None:
    faq = write_faq({"entries": [e.to_dict() for e in ENTRIES]})
    paged = tmp_path / "paged.txt"
    result = run("--faq", str(faq), "list", env={"PAGER": f"cat > {paged}"})
    assert result.stdout.count("\n") == 30
    assert not paged.exists()


# --- completion of ids ------------------------------------------------------------------


def _context(*root_args: str) -> click.Context:
    """The context of ``faq ROOT_ARGS show`` as the shell's completion builds it."""
    command = typer.main.get_command(app)
    root = command.make_context("faq", [*root_args, "show"], resilient_parsing=True)
    assert isinstance(command, click.Group)
    show = command.get_command(root, "show")
    assert show is not None
    return show.make_context("show", [], parent=root, resilient_parsing=True)


def test_ids_complete_from_the_faq_named_by_faq_with_their_questions(small_faq: Path) -> None:
    ctx = _context("--faq", str(small_faq))
    assert complete_ids(ctx, "re") == [
        ("reset-password", "How do I reset my password?"),
        ("refund", "Can I get a refund for my subscription?"),
    ]
    assert [i for i, _ in complete_ids(ctx, "")][:2] == ["reset-password", "delete-account"]


def test_ids_complete_from_faq_file(small_faq: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_FILE", str(small_faq))
    assert complete_ids(_context(), "off") == [("office-location", "Where is the office?")]


def test_a_question_over_several_lines_completes_as_one_line(write_faq: Any) -> None:
    faq = write_faq([{"id": "a", "question": "How\ndo I\tpay?", "answer": "Card."}])
    assert complete_ids(_context("--faq", str(faq)), "") == [("a", "How do I pay?")]


@pytest.mark.parametrize(
    "content",
    [None, "dir", b'{"entries": [', b"\xff\xfe", b"[" * 100_000, b'[{"id": "x"}]'],
    ids=["missing", "directory", "malformed", "not-utf8", "too-deep", "invalid"],
)
def test_a_faq_that_cannot_be_read_completes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | str | None
) -> None:
    faq = tmp_path / "faq.json"
    if content == "dir":
        faq.mkdir()
    elif isinstance(content, bytes):
        faq.write_bytes(content)
    assert complete_ids(_context("--faq", str(faq)), "") == []
    monkeypatch.setenv("FAQ_FILE", str(faq))
    assert complete_ids(_context(), "") == []


@pytest.mark.parametrize("command", ["show", "edit", "remove"])
def test_the_shell_completes_ids_for_show_edit_and_remove(small_faq: Path, command: str) -> None:
    """Through click's completion machinery, as ``faq --install-completion`` uses it."""
    from click.shell_completion import BashComplete

    completion = BashComplete(typer.main.get_command(app), {}, "faq", "_FAQ_COMPLETE")
    items = completion.get_completions(["--faq", str(small_faq), command], "de")
    assert [item.value for item in items] == ["delete-account"]


def test_completion_through_the_console_script(small_faq: Path) -> None:
    import subprocess

    env = {"_FAQ_COMPLETE": "complete_bash", "COMP_WORDS": f"faq --faq {small_faq} show o",
           "COMP_CWORD": "4", "PATH": "/usr/bin:/bin"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "faqcli"], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.split() == ["opening-hours", "office-location"]


def test_list_filters_compose_with_entries_streamed_from_the_index(
    run: Run, write_faq: Any
) -> None:
    """A large FAQ is listed from its persisted index; --tag and --grep filter that."""
    entries = [
        {"id": f"q{i}", "question": f"Question number {i} about shipping parcels abroad?",
         "answer": "Within a week, by post. " * 4, "tags": ["ship" if i % 2 else "pay"]}
        for i in range(600)
    ]  # fmt: skip
    faq = write_faq({"entries": entries}, "big.json")
    assert faq.stat().st_size >= 64 * 1024
    assert run("--faq", str(faq), "index").exit_code == ExitCode.OK
    result = run("--faq", str(faq), "list", "--tag", "SHIP", "--grep", "number 59")
    assert result.exit_code == ExitCode.OK
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        "q59",
        *(f"q59{d}" for d in range(1, 10, 2)),
    ]
    assert result.stderr == ""


def test_a_completions_help_is_neither_markup_nor_control_sequences(
    write_faq: Any, tmp_path: Path
) -> None:
    """The shell shows a completion's help as it is given: Typer reads it as Rich
    markup first, so FAQ text must reach it escaped and without control characters."""
    question = "How do I [bold red]pay[/] \x1b[31mnow\x1b]0;TITLE\x07?"
    faq = write_faq([{"id": "evil", "question": question, "answer": "By card."}])
    env = dict(
        os.environ,
        _FAQ_COMPLETE="complete_zsh",
        _TYPER_COMPLETE_ARGS=f"faq --faq {faq} show e",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    shown = subprocess.run(
        [sys.executable, "-m", "faqcli"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "evil" in shown
    assert "[bold red]pay[/]" in shown
    assert "\x1b" not in shown and "\x07" not in shown


ODD_IDS = ["a;>pwned", "a*", "a'b", 'a"b', "a$(pwd)b", "a|b", "a&b", "a~", "a\\b", "aé", "a:b",
           "a=b", "a b", "a\u00a0b"]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "offered"),
    [("a", ODD_IDS), ("a\\;", ["a;>pwned"]), ("a\\ ", ["a b"]), ("'a;", ["a;>pwned"])],
)
def test_bash_completion_puts_each_id_on_the_command_line_as_one_literal_word(
    write_faq: Any, tmp_path: Path, typed: str, offered: list[str]
) -> None:
    """Through Typer's own bash script (faq --show-completion bash) and bash: it puts
    each completion on the command line as it is, unquoted and globbed, so an id
    "a;>pwned" completed to a second command and "a*" to the files in the folder. Each
    word bash gets must read back, as a shell reads a command line, as exactly its id,
    also when what is typed already holds an escaped character."""
    entries = [
        {"id": i, "question": f"Question {n}?", "answer": "An answer."}
        for n, i in enumerate(ODD_IDS)
    ]
    faq = write_faq(entries)
    folder = tmp_path / "cwd"
    folder.mkdir()
    (folder / "a1.txt").write_text("")  # what "a*" would glob to
    launcher = tmp_path / "bin" / "faq"
    launcher.parent.mkdir()
    launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m faqcli "$@"\n')
    launcher.chmod(0o755)
    env = {**os.environ, "PATH": f"{launcher.parent}:{os.environ['PATH']}"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    script = subprocess.run(
        ["faq", "--show-completion", "bash"], env=env, capture_output=True, text=True, check=True
    ).stdout
    complete = (
        # bash gives the words as typed, backslashes and quotes included
        f"{script}\nCOMP_WORDS=(faq --faq {shlex.quote(str(faq))} show {shlex.quote(typed)})\n"
        "COMP_CWORD=4\n"
        '_faq_completion faq; printf "%s\\0" "${COMPREPLY[@]}"'
    )
    words = subprocess.run(
        ["bash", "-c", complete], cwd=folder, env=env, capture_output=True, check=True
    ).stdout.decode()
    read_back = [
        subprocess.run(
            ["bash", "-c", f"printf '%s\\0' {word}"], cwd=folder, capture_output=True, check=True
        ).stdout.decode()
        for word in words.split("\0")[:-1]
    ]
    assert read_back == [f"{i}\0" for i in offered]
    assert sorted(os.listdir(folder)) == ["a1.txt"]  # nothing ran: no file "pwned"


def test_piped_lines_hold_one_entry_each_whatever_white_space_a_question_holds(
    run: Run, write_faq: Any
) -> None:
    """A tab or line break in a question made `faq list | cut -f1` see three fields, or
    a line that is no entry; the plain `ask` and `show` heading too."""
    faq = write_faq(
        [
            {"id": "t1", "question": "Tab\there?", "answer": "Yes, a tab."},
            {"id": "n1", "question": "Line\nbreak?", "answer": "Yes, a break."},
        ]
    )
    assert run("--faq", str(faq), "list").stdout == "t1\tTab here?\nn1\tLine break?\n"
    asked = run("--faq", str(faq), "ask", "line", "break")
    assert asked.stdout.splitlines()[0].startswith("Line break? [n1, score ")
    assert run("--faq", str(faq), "show", "t1").stdout.splitlines()[0] == "Tab here? [t1]"


@pytest.mark.parametrize("cols", [3, 12])
def test_a_terminal_too_narrow_for_panels_gets_the_plain_answer(
    small_faq: Path, tmp_path: Path, terminals: list[Any], cols: int
) -> None:
    """At 3 columns Rich drew a panel's corners and none of its text, exit 0."""
    env = faq_env(tmp_path)
    env.pop("COLUMNS", None)
    term = Terminal(["--faq", str(small_faq), "ask", "where is the office"], env, cols=cols)
    terminals.append(term)
    assert term.wait() == 0
    flat = "".join(term.output.split())  # the terminal wraps the lines
    assert "Whereistheoffice?[office-location,score" in flat  # the plain heading
    assert "At12HarbourStreet,secondfloor." in flat


# --- issue 23, item 10 -----------------------------------------------------------------


def test_grep_says_where_it_matched_and_in_limits_it(run: Any, small_faq: Path) -> None:
    found = run("--faq", str(small_faq), "list", "--grep", "password")
    assert found.exit_code == 0
    assert found.stdout == (
        "reset-password\tHow do I reset my password?\tquestion, alternate, answer\n"
    )
    office = run("--faq", str(small_faq), "list", "--grep", "office", "--in", "question")
    assert office.stdout.splitlines() == [
        "opening-hours\tWhen is the office open?\tquestion",
        "office-location\tWhere is the office?\tquestion"]  # fmt: skip
    answers = run("--faq", str(small_faq), "list", "--grep", "office", "--in", "answer")
    assert answers.exit_code == 1 and answers.stdout == ""
    assert run("--faq", str(small_faq), "list", "--in", "question").exit_code == 2
    assert run("--faq", str(small_faq), "list", "--grep", "x", "--in", "body").exit_code == 2


def _complete(tmp_path: Path, faq: Path, words: str) -> list[str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "FAQ_FILE": str(faq), "_FAQ_COMPLETE": "complete_bash",
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1),
           "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d")}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", "from faqcli.launch import main; main()"],
                          env=env, capture_output=True, text=True, check=False,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_tag_completion_offers_the_faq_s_tags(tmp_path: Path, small_faq: Path) -> None:
    assert _complete(tmp_path, small_faq, "faq list --tag ") == ["account"]
    assert _complete(tmp_path, small_faq, "faq list --tag ac") == ["account"]
    assert _complete(tmp_path, small_faq, "faq list --tag x") == []


def test_export_format_completion_offers_only_what_export_writes(
    tmp_path: Path, small_faq: Path
) -> None:
    offered = _complete(tmp_path, small_faq, "faq export --format ")
    assert sorted(offered) == ["csv", "json", "md", "seed"]
