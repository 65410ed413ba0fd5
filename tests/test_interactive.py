"""Issue 15, item 2: interactive mode, through a real pseudo-terminal (tests/terminal.py):
the prompt, answers, :top, :explain, :help, history kept in the user data folder,
Ctrl-C and Ctrl-D; ask - on a terminal; remove asking with the question shown."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from faqcli import interactive, operations, store
from faqcli.errors import ExitCode, UsageError
from faqcli.render import PlainRenderer
from tests.terminal import Terminal, faq_env

UP = "\x1b[A"
CTRL_C, CTRL_D = "\x03", "\x04"


def prompt_on(small_faq: Path, tmp_path: Path, terminals: list[Any], *args: str) -> Terminal:
    term = Terminal(["--faq", str(small_faq), *args], faq_env(tmp_path))
    terminals.append(term)
    return term


def test_ask_on_a_terminal_prompts_answers_and_takes_commands(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    term = prompt_on(small_faq, tmp_path, terminals, "ask")
    greeting = term.expect("faq> ")
    assert f"faq: 5 questions from {small_faq}." in greeting
    assert ":help lists the commands, Ctrl-D leaves" in greeting
    term.send("how can i reset my pasword\r")
    answer = term.expect("faq> ")
    assert "reset-password" in answer and "How do I reset my password?" in answer
    assert "score" in answer and "delete-account" not in answer

    term.send(":top 2\r")
    assert "top 2, explain off" in term.expect("faq> ")
    term.send("how do I reset my account\r")
    two = term.expect("faq> ")
    assert "reset-password" in two and "delete-account" in two

    term.send(":explain\r")
    assert "top 2, explain on" in term.expect("faq> ")
    term.send("where is the office\r")
    explained = term.expect("faq> ")
    assert "Why office-location" in explained and "Evidence" in explained

    term.send(":help\r")
    shown = term.expect("faq> ")
    for usage in (":top N", ":explain", ":help", ":quit"):
        assert usage in shown
    history = tmp_path / "xdg-data" / "faq" / "history"
    assert f"kept in {history}" in shown

    term.send(CTRL_D)
    assert term.wait() == ExitCode.OK
    assert "Traceback" not in term.output
    kept = history.read_text(encoding="utf-8").splitlines()
    assert kept[0] == "how can i reset my pasword"
    assert "where is the office" in kept and ":top 2" in kept


def test_the_history_of_earlier_sessions_is_recalled_with_up(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    first = prompt_on(small_faq, tmp_path, terminals, "ask")
    first.expect("faq> ")
    first.send("when is the office open\r")
    first.expect("faq> ")
    first.send(CTRL_D)
    assert first.wait() == ExitCode.OK

    second = prompt_on(small_faq, tmp_path, terminals, "ask")
    second.expect("faq> ")
    second.send(UP + "\r")  # the question of the first session, recalled
    assert "Monday to Friday" in second.expect("faq> ")
    second.send(CTRL_D)
    assert second.wait() == ExitCode.OK


def test_a_history_that_is_a_pipe_is_not_used_and_never_blocks(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    history = tmp_path / "xdg-data" / "faq" / "history"
    history.parent.mkdir(parents=True)
    os.mkfifo(history)
    term = prompt_on(small_faq, tmp_path, terminals, "ask")
    term.expect("faq> ")  # reading a pipe would wait here for ever
    term.send(":help\r")
    assert "recall earlier questions" not in term.expect("faq> ")  # no history to recall
    term.send("when is the office open\r")
    assert "Monday to Friday" in term.expect("faq> ")  # nor appending it here
    term.send(CTRL_D)
    assert term.wait() == ExitCode.OK
    assert history.is_fifo()


def test_ctrl_c_at_the_prompt_drops_the_line_and_prompts_again(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    term = prompt_on(small_faq, tmp_path, terminals, "ask")
    term.expect("faq> ")
    term.send("half a questi")
    term.expect("half a questi")  # shown by readline: it is reading the line now
    # A person pauses before Ctrl-C. Sent within microseconds of the echo, the signal can
    # land before Python's readline loop waits again, and is then seen at the next key:
    # a race in CPython's readline module, not in faq.
    time.sleep(0.3)
    term.send(CTRL_C)
    term.expect("faq> ")
    term.send("where is the office\r")
    assert "Harbour Street" in term.expect("faq> ")
    term.send(CTRL_D)
    assert term.wait() == ExitCode.OK
    assert "Traceback" not in term.output and "KeyboardInterrupt" not in term.output
    assert "half a questi" not in (tmp_path / "xdg-data" / "faq" / "history").read_text()


def test_a_bad_command_is_said_and_the_session_goes_on(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    term = prompt_on(small_faq, tmp_path, terminals, "ask", "--top", "2")
    term.expect("faq> ")
    term.send(":top 0\r")
    assert "faq: :top takes a whole number from 1, as in :top 3, not '0'" in term.expect("faq> ")
    term.send(":frobnicate\r")
    assert "faq: unknown command ':frobnicate': :help lists the commands" in term.expect("faq> ")
    term.send(":top\r")
    assert "top 2, explain off" in term.expect("faq> ")  # --top carried into the session
    term.send(":q\r")
    assert term.wait() == ExitCode.OK


def test_ask_dash_on_a_terminal_prompts_and_shows_each_question_once(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    term = prompt_on(small_faq, tmp_path, terminals, "ask", "-")
    term.expect("faq> ")
    term.send("where is the office\r")
    answer = term.expect("faq> ")
    assert "Harbour Street" in answer
    assert term.output.count("where is the office") == 1  # as typed; never echoed back
    assert "> where is the office" not in term.output.replace("faq> where", "")
    term.send(CTRL_D)
    assert term.wait() == ExitCode.OK


def test_with_stdout_in_a_file_the_prompt_is_on_the_terminal_and_answers_in_the_file(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    answers = tmp_path / "answers.txt"
    term = Terminal(["--faq", str(small_faq), "ask"], faq_env(tmp_path), stdout=answers)
    terminals.append(term)
    term.expect("faq> ")
    term.send("where is the office\r")
    term.expect("faq> ")
    term.send(CTRL_D)
    assert term.wait() == ExitCode.OK
    assert "Harbour Street" not in term.output
    assert re.fullmatch(
        r"Where is the office\? \[office-location, score \d+\]\n"
        r"At 12 Harbour Street, second floor\.\n",
        answers.read_text(encoding="utf-8"),
    )


def test_unanswered_questions_of_a_session_are_logged_when_asked_to(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    term = prompt_on(small_faq, tmp_path, terminals, "ask", "--log-misses")
    term.expect("faq> ")
    term.send("what is the capital of peru\r")
    assert "No confident answer" in term.expect("faq> ")
    term.send("where is the office\r")
    term.expect("faq> ")
    term.send(CTRL_D)
    assert term.wait() == ExitCode.OK
    logs = list((tmp_path / "xdg-data" / "faq" / "misses").glob("*.jsonl"))
    assert len(logs) == 1
    assert '"question": "what is the capital of peru"' in logs[0].read_text()
    assert "office" not in logs[0].read_text()


def test_remove_on_a_terminal_shows_the_question_and_keeps_the_entry_on_no(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    before = small_faq.read_bytes()
    term = prompt_on(small_faq, tmp_path, terminals, "remove", "refund")
    asked = term.expect("[y/N]: ")
    assert "Remove refund (Can I get a refund for my subscription?)?" in asked
    term.send("n\r")
    assert term.wait() == ExitCode.NO_MATCH
    assert "kept refund: nothing removed" in term.output
    assert small_faq.read_bytes() == before

    again = prompt_on(small_faq, tmp_path, terminals, "remove", "refund")
    again.expect("[y/N]: ")
    again.send("y\r")
    assert again.wait() == ExitCode.OK
    assert store.load(small_faq).get("refund") is None


def test_remove_of_several_ids_lists_them_and_asks_once(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    term = prompt_on(small_faq, tmp_path, terminals, "remove", "refund", "office-location")
    asked = term.expect("[y/N]: ")
    assert "Remove these 2 entries?" in asked
    assert "  refund (Can I get a refund for my subscription?)" in asked
    assert "  office-location (Where is the office?)" in asked
    term.send("y\r")
    assert term.wait() == ExitCode.OK
    assert "removed refund, office-location" in term.output
    assert [e.id for e in store.load(small_faq).entries] == [
        "reset-password", "delete-account", "opening-hours"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "asked", "key", "code", "said"),
    [(["remove", "refund"], "[y/N]: ", CTRL_D, ExitCode.NO_MATCH, "kept refund: nothing removed"),
     (["add"], "Question: ", CTRL_D, ExitCode.NO_MATCH, "nothing added"),
     (["add", "-q", "A new one?"], "Answer: ", CTRL_D, ExitCode.NO_MATCH, "nothing added"),
     (["add"], "Question: ", CTRL_C, ExitCode.INTERRUPTED, ""),
     (["remove", "refund"], "[y/N]: ", CTRL_C, ExitCode.INTERRUPTED, "")],
    ids=["remove-eof", "add-eof", "answer-eof", "add-ctrl-c", "remove-ctrl-c"],
)  # fmt: skip
def test_ctrl_d_and_ctrl_c_at_a_prompt_end_the_line_and_change_nothing(
    small_faq: Path, tmp_path: Path, terminals: list[Any], args: list[str], asked: str,
    key: str, code: int, said: str,
) -> None:  # fmt: skip
    """Issue 22 (also noticed) and 23, item 5: Ctrl-D at the add or remove prompts
    exited 130, and neither key ended the line before the shell's prompt came back."""
    before = small_faq.read_bytes()
    term = prompt_on(small_faq, tmp_path, terminals, *args)
    term.expect(asked)
    time.sleep(0.3)  # as a person would: a signal just before input() reads is only seen
    term.send(key)  # once a key arrives (Python's own race, in its line reader)
    assert term.wait() == code
    after = term.raw[term.raw.rindex(asked) + len(asked) :]
    assert after.startswith(("\r\n", "^D\r\n", "^C\r\n")), repr(after)
    assert said in term.output
    assert "Traceback" not in term.output
    assert small_faq.read_bytes() == before


def test_edit_on_a_terminal_keeps_a_refused_edit_and_offers_it_next_time(
    small_faq: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    """The whole round on a real terminal: the editor writes broken JSON, then the next
    edit offers the kept text and a working editor fixes it."""
    import sys

    broken = tmp_path / "broken.py"
    broken.write_text("import sys\nopen(sys.argv[1], 'a').write('oops')\n")
    fixed = tmp_path / "fixed.py"
    fixed.write_text(
        "import sys, json\nt = open(sys.argv[1]).read()\n"
        "assert t.endswith('oops')\nd = json.loads(t[:-4]); d['answer'] = 'Fixed here.'\n"
        "open(sys.argv[1], 'w').write(json.dumps(d))\n"
    )
    first = Terminal(["--faq", str(small_faq), "edit", "refund"],
                     faq_env(tmp_path, EDITOR=f"{sys.executable} {broken}", VISUAL=""))  # fmt: skip
    terminals.append(first)
    assert first.wait() == ExitCode.DATA
    assert "your edit is kept in" in first.output

    second = Terminal(["--faq", str(small_faq), "edit", "refund"],
                      faq_env(tmp_path, EDITOR=f"{sys.executable} {fixed}", VISUAL=""))  # fmt: skip
    terminals.append(second)
    second.expect("[Y/n]: ")
    second.send("\r")
    assert second.wait() == ExitCode.OK, second.output
    assert store.load(small_faq).get("refund").answer == "Fixed here."  # type: ignore[union-attr]


# --- the session without a terminal: its commands, directly ----------------------------


def _session(small_faq: Path) -> tuple[interactive.Session, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    source = store.resolve(small_faq)
    index = operations.open_index(source)
    return interactive.Session(index, PlainRenderer(out, err), small_faq), out, err


@pytest.mark.parametrize(
    ("line", "top", "why"),
    [(":top 4", 4, False), (":explain", 1, True), (":explain on", 1, True),
     (":explain off", 1, False), (":TOP 2", 2, False), (":top", 1, False),
     (":top\t3", 3, False), (":explain \t on", 1, True)],
)  # fmt: skip
def test_commands_change_the_settings(small_faq: Path, line: str, top: int, why: bool) -> None:
    session, out, err = _session(small_faq)
    assert session.handle(line) is True
    assert (session.top, session.why) == (top, why)
    assert out.getvalue() == ""  # what the session says goes to stderr
    assert err.getvalue() == f"top {top}, explain {'on' if why else 'off'}\n"


@pytest.mark.parametrize("line", [":top -1", ":top two", ":top ²", ":explain maybe", ":nope"])
def test_a_command_it_cannot_take_is_a_usage_error(small_faq: Path, line: str) -> None:
    session, _, _ = _session(small_faq)
    with pytest.raises(UsageError):
        session.handle(line)


@pytest.mark.parametrize("line", [":quit", ":q", ":exit"])
def test_quit_ends_the_session(small_faq: Path, line: str) -> None:
    session, _, _ = _session(small_faq)
    assert session.handle(line) is False


def test_questions_are_answered_on_stdout_without_echoing_them(small_faq: Path) -> None:
    session, out, err = _session(small_faq)
    assert session.handle("  where is the office  ") is True
    assert out.getvalue().startswith("Where is the office? [office-location, score")
    assert "> where" not in out.getvalue()
    assert session.handle("   ") is True  # a blank line: nothing
    assert err.getvalue() == ""
