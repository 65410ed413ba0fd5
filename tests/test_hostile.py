"""Hostile input gets a clear error and loses nothing (issue 12): one test or more per
defect found by trying to break faq. The damaged-index defects are in
test_damaged_index.py, the fuzz suite in test_fuzz.py."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import Result

from faqcli import store
from faqcli.cli import main
from faqcli.engine import Match
from faqcli.errors import ExitCode, FaqDataError
from faqcli.evaluate import Miss, Report
from faqcli.lint import Finding
from faqcli.model import Entry
from faqcli.render import PlainRenderer, RichRenderer
from faqcli.results import (
    Answer,
    Change,
    Changed,
    CheckReport,
    EntryList,
    EntryShown,
    Evaluation,
    Imported,
)
from faqcli.results import Result as Shown

from . import unprivileged
from .conftest import SMALL_FAQ

Run = Callable[..., Result]

EVIL_ID = "x\x1b]0;PWNED\x07\x1b[41m"
# What must never reach a terminal: ESC, BEL, CSI (C1), a bidi override, a surrogate.
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\ud800")


def assert_safe(text: str) -> None:
    for char in UNSAFE:
        assert char not in text, f"{char!r} reached the output: {text!r}"


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def faq_process(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run ``python -m faqcli`` with byte arguments and stdin, the user's folders in
    tmp_path; extra environment variables on top."""

    def run(
        *args: str | bytes, input: bytes | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        environ = {k: v for k, v in os.environ.items() if k != "FAQ_FILE"}
        environ.update(XDG_CACHE_HOME=str(tmp_path / "xdg-cache"))
        environ.update(XDG_DATA_HOME=str(tmp_path / "xdg-data"), **(env or {}))
        return subprocess.run(
            [sys.executable, "-m", "faqcli", *args],
            input=input,
            capture_output=True,
            env=environ,
            check=False,
            timeout=120,
        )

    return run


# --- 1. control sequences in ids ------------------------------------------------------


def test_an_id_with_control_characters_is_bad_data_naming_the_file_and_entry(
    run: Run, write_faq: Any
) -> None:
    path = write_faq(
        {"entries": [{"id": EVIL_ID, "question": "What about an evil id?", "answer": "Words."}]}
    )
    for args in (("list",), ("ask", "evil id"), ("show", "x"), ("export",)):
        result = run("--faq", str(path), *args)
        assert result.exit_code == ExitCode.DATA
        assert result.stdout == ""
        assert result.stderr == (
            f"faq: {path}:3: entry 1: field 'id' holds a control character (U+001B); "
            "an id must be printable text\n"
        )
    check = run("--faq", str(path), "check")
    assert check.exit_code == ExitCode.NO_MATCH
    assert check.stdout.startswith("invalid\t-\t")
    assert_safe(check.stdout)


@pytest.mark.parametrize(
    ("new_id", "problem"),
    [
        (EVIL_ID, "holds a control character (U+001B)"),
        ("tab\there", "holds a control character (U+0009)"),
        ("zero\u200bwidth", "holds a format character (U+200B)"),
        ("right\u202eleft", "holds a format character (U+202E)"),
        ("line\u2028break", "holds a line separator (U+2028)"),
        (" pay ", "must not start or end with whitespace"),
        ("x" * 201, "is longer than 200 characters"),
        ("   ", "must be a non-blank string"),
    ],
)
def test_add_refuses_an_id_that_is_not_printable_text(
    run: Run, small_faq: Path, new_id: str, problem: str
) -> None:
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "add", "--id", new_id, "-q", "Q?", "-a", "A b c.")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("faq: --id ")
    assert problem in result.stderr
    assert_safe(result.stderr)
    assert small_faq.read_bytes() == before


@pytest.mark.parametrize("new_id", ["café-ñ", "with inner space", "数字", "x" * 200, "a/b:c"])
def test_ids_of_printable_text_are_accepted(run: Run, small_faq: Path, new_id: str) -> None:
    result = run("--faq", str(small_faq), "add", "--id", new_id, "-q", "Q?", "-a", "A b c.")
    assert (result.exit_code, result.stdout) == (0, new_id + "\n")
    assert run("--faq", str(small_faq), "show", new_id).exit_code == 0


def _evil_entry(text: str) -> Entry:
    """An entry carrying control text in every field (the renderers must not trust ids
    to have been validated)."""
    return Entry(EVIL_ID, f"Question {text}?", f"Answer {text}.", (f"alt {text}",), (text,))


RESULTS: list[Shown] = [
    Answer("q \x1b[2J", (Match(_evil_entry("\x9b1m"), 90.0),), 60.0),
    Answer("q", (Match(_evil_entry("\u202e"), 90.0), Match(_evil_entry("\x07"), 88.0)), 60.0),
    Answer("q \x1b[2J", (Match(_evil_entry("\x1b]0;t\x07"), 20.0),), 60.0, heading=True),
    EntryList((_evil_entry("\x1b[41m"),), title="T\x1b]0;title\x07"),
    EntryShown(_evil_entry("\x1b[41m \ud800")),
    Evaluation(
        "q\x1b.jsonl", Report(in_scope=1, misses=[Miss("q\x1b[2J", EVIL_ID, EVIL_ID, None)])
    ),
    CheckReport(Path("evil\x1b[2J.json"), (Finding("clash", EVIL_ID, "x\x1b[2J"),)),
    Changed(Change.REMOVED, Path("x"), EVIL_ID),
    Imported((EVIL_ID,), ("evil\x1b[2J.csv:3: skipped",)),
]


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: type(r).__name__)
def test_every_field_a_renderer_prints_is_safe(result: Shown) -> None:
    """Ids, questions, answers, alternates, tags, titles, queries and names, in panel
    titles, tables and plain lines: no control character reaches the output."""
    plain = io.StringIO()
    PlainRenderer(plain).render(result)
    rich = io.StringIO()
    RichRenderer(Console(file=rich, width=80, color_system=None), rich).render(result)
    for text in (plain.getvalue(), rich.getvalue()):
        assert text
        assert_safe(text)


def test_paths_with_control_characters_print_safely(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[41m\x07.json"
    path.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    for args in (("where",), ("check",), ("show", "nope")):
        result = run("--faq", str(path), *args)
        assert result.stdout + result.stderr
        assert_safe(result.stdout + result.stderr)
    created = run("init", str(tmp_path / "new\x1b[2J.json"))
    assert created.exit_code == 0
    assert_safe(created.stderr)


def test_a_faq_whose_name_is_not_utf8_is_indexed_logged_and_edited(
    run: Run, tmp_path: Path
) -> None:
    """A file name is bytes: one that is not UTF-8 (a Latin-1 name) reaches Python with
    lone surrogates, which the index's and the misses log's names and the index's record
    of its source could not encode (a traceback)."""
    from .test_index import make_faq

    path = make_faq(tmp_path / os.fsdecode(b"caf\xe9.json"))  # indexed: 64 KiB or more
    for args in (("index",), ("ask", "--log-misses", "zzzq qqq"), ("misses",), ("check",)):
        result = run("--faq", str(path), *args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
    assert "zzzq qqq" in run("--faq", str(path), "misses").stdout
    unknown = run("--faq", str(path), "edit", os.fsdecode(b"\xff"))
    assert unknown.exit_code == ExitCode.NO_MATCH
    assert_safe(unknown.stderr)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_export_to_a_terminal_sends_no_control_sequences(
    run: Run, write_faq: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export keeps the text exactly in a file or a pipe, but a terminal gets it safe."""
    path = write_faq([{"id": "e", "question": "Evil \x9b1m?", "answer": "Red \x1b[41m \u202e."}])
    for fmt in ("json", "csv", "md", "seed"):
        screen = Terminal()
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", screen)
            patch.setattr(sys, "argv", ["faq", "--faq", str(path), "export", "-f", fmt])
            with pytest.raises(SystemExit) as exited:
                main()
        assert exited.value.code == 0
        assert "Red" in screen.getvalue()
        assert_safe(screen.getvalue())
    piped = run("--faq", str(path), "export", "-f", "csv")
    assert "Red \x1b[41m \u202e." in piped.stdout


# --- 3. a lone surrogate in the FAQ ---------------------------------------------------

SURROGATE_FAQ = (
    '{"entries": [\n'
    '  {"id": "pay", "question": "Comment payer ?", "answer": "Par carte \\ud800 seulement."},\n'
    '  {"id": "où", "question": "Où êtes-vous ?", "answer": "À Paris, au port."}\n'
    "]}\n"
)


def test_a_lone_surrogate_in_the_faq_is_bad_data_with_its_place(run: Run, write_faq: Any) -> None:
    path = write_faq(SURROGATE_FAQ)
    for args in (("list",), ("ask", "payer"), ("show", "pay"), ("export", "-f", "csv")):
        result = run("--faq", str(path), *args)
        assert result.exit_code == ExitCode.DATA, args
        assert result.stderr == (
            f"faq: {path}:2:69: not Unicode text: a lone surrogate \\ud800 (half of a character)\n"
        )
    check = run("--faq", str(path), "check")
    assert check.exit_code == ExitCode.NO_MATCH
    assert "lone surrogate" in check.stdout


def test_add_to_a_faq_with_a_lone_surrogate_changes_nothing(run: Run, write_faq: Any) -> None:
    path = write_faq(SURROGATE_FAQ)
    result = run("--faq", str(path), "add", "-q", "New question?", "-a", "New answer here.")
    assert result.exit_code == ExitCode.DATA
    assert path.read_text(encoding="utf-8") == SURROGATE_FAQ
    assert temp_files(path.parent) == []


def test_an_escaped_surrogate_pair_is_one_character(run: Run, write_faq: Any) -> None:
    path = write_faq('[{"id": "s", "question": "Smile?", "answer": "Yes \\ud83d\\ude00 always."}]')
    result = run("--faq", str(path), "show", "s")
    assert result.exit_code == 0
    assert "Yes \U0001f600 always." in result.stdout


# An escape in the JSON of a CSV cell or of a Markdown file's faq comment: found by the
# fuzz test, where --dry-run said "would add 1 entry" and the import then failed to write.
SURROGATE_IMPORTS = {
    "in.csv": 'question,answer,tags\nHow do I pay?,By card.,"[""\\ud800""]"\n',
    "in.md": '## How do I pay?\n<!-- faq: {"alternates": ["\\ud800"]} -->\nBy card.\n',
}


@pytest.mark.parametrize("name", SURROGATE_IMPORTS)
@pytest.mark.parametrize("dry", [True, False], ids=["dry-run", "import"])
def test_an_import_with_a_lone_surrogate_is_refused_naming_its_line(
    run: Run, small_faq: Path, tmp_path: Path, name: str, dry: bool
) -> None:
    source = tmp_path / name
    source.write_text(SURROGATE_IMPORTS[name], encoding="utf-8")
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "import", *(["--dry-run"] if dry else []), str(source))
    assert result.exit_code == ExitCode.DATA
    line = 2 if name == "in.csv" else 1
    assert result.stderr == (
        f"faq: {source}:{line}: not Unicode text: a lone surrogate \\ud800 (half of a character)\n"
    )
    assert small_faq.read_bytes() == before


def test_write_atomic_refuses_text_that_is_not_unicode_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(FaqDataError, match=r"cannot write: not Unicode text"):
        store.write_atomic(tmp_path / "faq.json", '[{"question": "\ud800"}]')
    assert list(tmp_path.iterdir()) == []


# --- 4. input that is not UTF-8 -------------------------------------------------------

# Under C.UTF-8 Python hands over undecodable bytes as surrogates and writes them back
# raw; under en_US.UTF-8 (emulated here, the locale may not be installed) its streams
# are strict and such text raises.
LOCALES = {
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "strict streams": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},
}


@pytest.mark.parametrize("env", LOCALES.values(), ids=LOCALES.keys())
def test_add_with_text_that_is_not_utf8_is_a_usage_error(
    faq_process: Any, small_faq: Path, env: dict[str, str]
) -> None:
    before = small_faq.read_bytes()
    for args in (
        ["-q", b"how do I \xff pay", "-a", "by card only please"],
        ["-q", "How do I pay?", "-a", "-"],
        ["-q", "How do I pay?", "-a", "By card.", "--tag", b"bad\xfe"],
    ):
        result = faq_process("--faq", str(small_faq), "add", *args, input=b"by \xff card", env=env)
        assert result.returncode == ExitCode.USAGE, result.stderr
        assert b"not UTF-8 text" in result.stderr
        assert b"Traceback" not in result.stderr
    assert small_faq.read_bytes() == before
    assert temp_files(small_faq.parent) == []


@pytest.mark.parametrize("env", LOCALES.values(), ids=LOCALES.keys())
def test_list_filters_that_are_not_utf8_are_a_usage_error(
    faq_process: Any, small_faq: Path, env: dict[str, str]
) -> None:
    for option in ("--grep", "--tag"):
        result = faq_process("--faq", str(small_faq), "list", option, b"pa\xffy", env=env)
        assert result.returncode == ExitCode.USAGE, result.stderr
        assert result.stderr == f"faq: {option}: not UTF-8 text (byte 0xff)\n".encode()


@pytest.mark.parametrize("env", LOCALES.values(), ids=LOCALES.keys())
def test_ask_with_a_question_that_is_not_utf8_answers_the_rest(
    faq_process: Any, small_faq: Path, env: dict[str, str]
) -> None:
    as_json = faq_process("--faq", str(small_faq), "ask", "--json", b"zzz \xff qqq", env=env)
    assert as_json.returncode == ExitCode.NO_MATCH, as_json.stderr  # zzz, qqq: no answer
    assert json.loads(as_json.stdout.decode("utf-8"))["query"] == "zzz \ufffd qqq"
    plain = faq_process("--faq", str(small_faq), "ask", b"reset my \xff password", env=env)
    assert plain.returncode == ExitCode.OK, plain.stderr
    assert "> " not in plain.stdout.decode("utf-8")
    lines = b"zzz \xff qqq\nhow do I reset my \xfe password\n"
    batch = faq_process("--faq", str(small_faq), "ask", "--json", "-", input=lines, env=env)
    assert batch.returncode == ExitCode.OK, batch.stderr
    docs = [json.loads(line) for line in batch.stdout.decode("utf-8").splitlines()]
    assert [d["query"] for d in docs] == ["zzz \ufffd qqq", "how do I reset my \ufffd password"]
    assert docs[1]["answer"]["id"] == "reset-password"


# --- 5. a FAQ that is a symbolic link -------------------------------------------------


def test_a_faq_that_is_a_symlink_is_written_through(run: Run, tmp_path: Path) -> None:
    real = tmp_path / "shared" / "faq.json"
    real.parent.mkdir()
    real.write_text(json.dumps(SMALL_FAQ, indent=2), encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    added = run("--faq", str(link), "add", "-q", "How do I pay?", "-a", "By card only.")
    removed = run("--faq", str(link), "remove", "refund", "--yes")
    assert (added.exit_code, removed.exit_code) == (0, 0)
    assert link.is_symlink() and link.resolve() == real
    ids = [e.id for e in store.load(real).entries]
    assert "how-do-i-pay" in ids and "refund" not in ids
    assert temp_files(tmp_path) == temp_files(real.parent) == []


# --- 6. CSV round trips ----------------------------------------------------------------


def test_csv_export_then_import_keeps_carriage_returns_and_long_answers(
    run: Run, write_faq: Any, tmp_path: Path
) -> None:
    path = write_faq(
        [
            {"id": "cr", "question": "Carriage?", "answer": "line\rtwo words"},
            {"id": "crlf", "question": "Windows?", "answer": "first\r\nsecond line"},
            {"id": "long", "question": "Long?", "answer": "word " * 40_000 + "end"},
            {"id": "plain", "question": "Plain?", "answer": "Nothing odd here."},
        ]
    )
    exported = run("--faq", str(path), "export", "--format", "csv")
    assert exported.exit_code == 0
    dump = tmp_path / "dump.csv"
    dump.write_bytes(exported.stdout_bytes)  # .stdout would turn "\r\n" into "\n"
    empty = write_faq([], "empty.json")
    imported = run("--faq", str(empty), "import", str(dump))
    assert (imported.exit_code, imported.stdout) == (0, "added 4 entries, skipped 0 duplicates\n")
    assert store.load(empty).entries == store.load(path).entries


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            'question,answer\nQ one?,"He said hi\nQ two?,Answer two\n',
            ":2: malformed CSV: a quoted field is never closed",
        ),
        (
            'question,answer\nQ one?,"a1\nQ two?,"a2"\nQ three?,a3\n',
            ":2: malformed CSV: ',' expected after '\"'",
        ),
        (
            "question,answer\nQ one?,Yes, but only on Mondays\n",
            ":2: 3 fields but the header names 2; is a field with a comma not quoted?",
        ),
    ],
)
def test_malformed_csv_is_an_error_naming_its_line(
    run: Run, small_faq: Path, tmp_path: Path, text: str, error: str
) -> None:
    before = small_faq.read_bytes()
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(text, encoding="utf-8")
    for dry in ((), ("--dry-run",)):
        result = run("--faq", str(small_faq), "import", *dry, str(csv_file))
        assert result.exit_code == ExitCode.DATA
        assert result.stderr == f"faq: {csv_file}{error}\n"
    assert small_faq.read_bytes() == before


# --- 9. the typer/click pair: one suggestion, and a closed pipe is not an error ---------


def test_a_mistyped_command_suggests_the_right_one_once() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "faqcli", "aks", "x"], capture_output=True, text=True, check=False
    )
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.count("Did you mean") == 1
    assert "Did you mean 'ask'?" in result.stderr


@pytest.mark.parametrize("command", [["list"], ["export", "-f", "csv"], ["ask", "--json", "-"]])
def test_a_reader_that_stops_early_is_not_an_error(
    tmp_path: Path, faq_process: Any, command: list[str]
) -> None:
    """faq list | head -1, with far more output than a pipe holds: exit 0, no message."""
    entries = [
        {"id": f"e{i}", "question": f"Question number {i} about shipping?", "answer": "Soon."}
        for i in range(5000)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    questions = b"where is my shipping\n" * 3000
    env = {k: v for k, v in os.environ.items() if k != "FAQ_FILE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    proc = subprocess.Popen(
        [sys.executable, "-m", "faqcli", "--faq", str(path), *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    if command[0] == "ask":
        proc.stdin.write(questions)
    proc.stdin.close()
    assert proc.stdout.readline()
    proc.stdout.close()  # head has read its line and gone
    assert proc.wait(timeout=120) == ExitCode.OK
    assert proc.stderr.read() == b""


@pytest.mark.parametrize(
    ("closed", "args", "code"),
    [
        (0, ["ask", "-"], ExitCode.OK),
        (0, ["add", "-q", "How do I pay?", "-a", "-"], ExitCode.USAGE),  # the answer is empty
        (0, ["remove", "refund", "--yes"], ExitCode.OK),
        (0, ["remove", "refund"], ExitCode.USAGE),  # no terminal to ask on: --yes needed
        (1, ["list"], ExitCode.OK),
        (2, ["show", "nope", "--json"], ExitCode.NO_MATCH),
        (2, ["import", "missing.json"], ExitCode.DATA),
    ],
)
def test_a_closed_standard_stream_is_no_traceback(
    small_faq: Path, tmp_path: Path, closed: int, args: list[str], code: int
) -> None:
    """faq ask - <&-, faq list >&-, faq list 2>&-: Python makes a closed stream None.
    (A traceback would exit 1; with stderr closed, the exit code is all there is.)"""
    result = subprocess.run(
        [sys.executable, "-m", "faqcli", "--faq", str(small_faq), *args],
        stdout=None if closed == 1 else subprocess.PIPE,
        stderr=None if closed == 2 else subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),
        cwd=tmp_path,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        check=False,
    )
    assert result.returncode == code, result.stderr
    assert b"Traceback" not in (result.stderr or b"")


# --- 10. temporary files of killed writers -------------------------------------------

WRITER = """
import sys
from pathlib import Path
from faqcli import store
text = '[{"question": "Q?", "answer": "%s"}]\\n' % ("x" * 20_000_000)
while True:
    store.write_atomic(Path(sys.argv[1]), text)
"""


def test_a_write_removes_temp_files_that_killed_writers_left(run: Run, small_faq: Path) -> None:
    folder = small_faq.parent
    for _ in range(20):  # SIGKILL a writer while its temporary file exists
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(small_faq)])
        deadline = time.monotonic() + 30
        while not temp_files(folder) and time.monotonic() < deadline:
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if temp_files(folder):
            break
    left = temp_files(folder)
    assert left, "no writer was caught mid-write"
    (folder / f".{small_faq.name}.abcd_123.tmp").write_text("stale")  # as mkstemp names them
    others = [".other.json.abcd_123.tmp", f".{small_faq.name}.notes.tmp"]  # not its own
    for name in others:
        (folder / name).write_text("keep me")
    small_faq.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    result = run("--faq", str(small_faq), "add", "-q", "How do I pay?", "-a", "By card only.")
    assert result.exit_code == 0
    assert temp_files(folder) == sorted(others)
    assert len(store.load(small_faq).entries) == len(SMALL_FAQ["entries"]) + 1


# --- 11. a read-only FAQ ----------------------------------------------------------------

WRITES = {
    "add": ["add", "-q", "How do I pay?", "-a", "By card only."],
    "remove": ["remove", "refund", "--yes"],
    "edit": ["edit", "refund", "--answer", "Within 30 days."],
}


@pytest.mark.parametrize("args", WRITES.values(), ids=WRITES.keys())
def test_a_read_only_faq_is_not_rewritten(run: Run, small_faq: Path, args: list[str]) -> None:
    before = small_faq.read_bytes()
    small_faq.chmod(0o444)
    result = run("--faq", str(small_faq), *args)
    assert result.exit_code == ExitCode.DATA
    assert result.stderr == (
        f"faq: {small_faq}: permission denied: the file is read-only (mode 0444)\n"
    )
    assert small_faq.read_bytes() == before
    assert small_faq.stat().st_mode & 0o777 == 0o444


def test_init_force_over_a_read_only_file_is_refused(run: Run, small_faq: Path) -> None:
    small_faq.chmod(0o444)
    result = run("init", "--force", "--empty", str(small_faq))
    assert result.exit_code == ExitCode.DATA
    assert "read-only" in result.stderr
    assert len(store.load(small_faq).entries) == len(SMALL_FAQ["entries"])


def test_a_faq_that_is_no_regular_file_is_never_replaced(run: Run, tmp_path: Path) -> None:
    """A FIFO (or a device: ``faq init /dev/null --force`` as root would have replaced
    the device) is refused before anything is locked, read or written."""
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for args in (
        ["init", "--force", str(fifo)],
        ["--faq", str(fifo), "add", "-q", "Q?", "-a", "A."],
    ):
        result = run(*args)
        assert result.exit_code == ExitCode.DATA
        assert (
            result.stderr == f"faq: {fifo}: not a regular file; a FAQ is written only to a file\n"
        )
    assert fifo.is_fifo()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".lock", ".tmp"))]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_faq_file_gets_the_mode_the_umask_gives(
    run: Run, tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        assert run("init", str(tmp_path / "new.json")).exit_code == ExitCode.OK
    finally:
        os.umask(old)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == mode


def test_init_where_the_data_folder_cannot_be_made_is_an_error(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder would go")
    result = run("init", env={"XDG_DATA_HOME": str(blocker)})
    assert result.exit_code == ExitCode.DATA
    assert result.stderr == f"faq: {blocker / 'faq'}: cannot create: Not a directory\n"


def test_a_faq_the_user_may_not_write_is_not_rewritten(small_faq: Path, tmp_path: Path) -> None:
    """Write permission, not the write bits alone: a file that is someone else's."""
    if os.geteuid() == 0:
        os.chown(small_faq, 65534, 65534)  # nobody's, mode 0644: root without override may read
    else:
        small_faq.chmod(0o444)
    before = small_faq.read_bytes()
    result = unprivileged.run(
        [sys.executable, "-m", "faqcli", "--faq", str(small_faq), *WRITES["add"]],
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert result.returncode == ExitCode.DATA, result.stderr
    assert result.stderr.startswith(f"faq: {small_faq}: permission denied")
    assert small_faq.read_bytes() == before


def test_import_dry_run_refuses_a_faq_in_a_folder_the_user_may_not_write(
    small_faq: Path, tmp_path: Path
) -> None:
    """The import makes a lock file and the new file beside the FAQ; the dry run said
    "would add 1 entry" where the import then failed."""
    source = tmp_path / "new.txt"
    source.write_text("-\nA brand new question?\nWith an answer here.\n", encoding="utf-8")
    small_faq.parent.chmod(0o555)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    faq = [sys.executable, "-m", "faqcli", "--faq", str(small_faq), "import"]
    try:
        results = [
            unprivileged.run([*faq, *dry, str(source)], env=env) for dry in (["--dry-run"], [])
        ]
    finally:
        small_faq.parent.chmod(0o755)
    assert [r.returncode for r in results] == [ExitCode.DATA, ExitCode.DATA]
    assert results[0].stderr == results[1].stderr == f"faq: {small_faq}: permission denied\n"


# --- 12. an unreadable FAQ --------------------------------------------------------------


def test_an_unreadable_faq_is_exit_3_however_it_is_named(small_faq: Path, tmp_path: Path) -> None:
    small_faq.chmod(0)
    env = {k: v for k, v in os.environ.items() if k != "FAQ_FILE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    faq = [sys.executable, "-m", "faqcli"]
    by_option = unprivileged.run([*faq, "--faq", str(small_faq), "list"], env=env)
    by_env = unprivileged.run([*faq, "list"], env={**env, "FAQ_FILE": str(small_faq)})
    for result in (by_option, by_env):
        assert result.returncode == ExitCode.DATA
        assert result.stderr == f"faq: {small_faq}: permission denied\n"


def test_unreadable_import_and_eval_files_are_exit_3(small_faq: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text("question,answer\nQ?,A b c.\n")
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "password", "expected": null}\n')
    data.chmod(0)
    queries.chmod(0)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    faq = [sys.executable, "-m", "faqcli", "--faq", str(small_faq)]
    for args, path in ((["import", str(data)], data), (["eval", str(queries)], queries)):
        result = unprivileged.run([*faq, *args], env=env)
        assert result.returncode == ExitCode.DATA
        assert result.stderr == f"faq: {path}: permission denied\n"


# --- 13. deep nesting -------------------------------------------------------------------

DEEP = "[" * 100_000
NESTED = {
    "eval JSONL": ("q.jsonl", f'{{"query": {DEEP}}}\n', ":1: malformed JSON: nested too deeply"),
    "Markdown meta": (
        "in.md",
        f'## Q?\n<!-- faq: {{"id": {DEEP}}} -->\n\nAn answer.\n',
        ":2: unreadable faq comment",
    ),
    "CSV tags": ("in.csv", f"question,answer,tags\nQ?,An answer,{DEEP}\n", ":2: column 'tags'"),
}


@pytest.mark.parametrize(("name", "text", "error"), NESTED.values(), ids=NESTED.keys())
def test_deep_nesting_is_a_one_line_error(
    run: Run, small_faq: Path, tmp_path: Path, name: str, text: str, error: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    command = "eval" if name.endswith(".jsonl") else "import"
    result = run("--faq", str(small_faq), command, str(path))
    assert result.exit_code == ExitCode.DATA
    assert result.stderr.startswith(f"faq: {path}{error}")
    assert result.stderr.count("\n") == 1


# --- 14. Markdown meta with bad types ----------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "problem"),
    [
        ('{"id": 5, "tags": "x"}', "field 'id' must be a non-blank string"),
        ('{"id": "pay", "tags": "x"}', "field 'tags' must be a list of strings"),
        ('{"id": "pay", "alternates": [1]}', "field 'alternates' must be a list of strings"),
        ('{"id": "pay\\u001b[2J"}', "field 'id' holds a control character (U+001B)"),
    ],
)
def test_markdown_meta_with_bad_types_is_refused_naming_the_markdown_file(
    run: Run, small_faq: Path, tmp_path: Path, meta: str, problem: str
) -> None:
    before = small_faq.read_bytes()
    md = tmp_path / "in.md"
    md.write_text(f"## How do I pay?\n<!-- faq: {meta} -->\n\nBy card only.\n", encoding="utf-8")
    for dry in (("--dry-run",), ()):
        result = run("--faq", str(small_faq), "import", *dry, str(md))
        assert result.exit_code == ExitCode.DATA
        assert result.stderr.startswith(f"faq: {md}:1: {problem}")
    assert small_faq.read_bytes() == before


# --- 15. --threshold nan ----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "--threshold", "nan", "reset my password"],
        ["eval", "q.jsonl", "--threshold", "NaN"],
        ["eval", "q.jsonl", "--fail-under", "nan"],
    ],
)
def test_nan_is_not_a_threshold(run: Run, small_faq: Path, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "q.jsonl").write_text('{"query": "password", "expected": "reset-password"}\n')
    args = [str(tmp_path / a) if a == "q.jsonl" else a for a in args]
    result = run("--faq", str(small_faq), *args)
    assert result.exit_code == ExitCode.USAGE
    assert "nan is not a number" in result.stderr


# --- 16. ids with leading or trailing whitespace ----------------------------------------


def test_an_id_with_surrounding_spaces_is_refused_not_silently_stripped(
    run: Run, write_faq: Any
) -> None:
    path = write_faq([{"id": " pay ", "question": "How do I pay?", "answer": "By card."}])
    before = path.read_bytes()
    expected = f"faq: {path}:2: entry 1: field 'id' must not start or end with whitespace\n"
    for args in (("list",), ("show", "pay"), ("remove", "pay", "--yes"), ("edit", "pay")):
        result = run("--faq", str(path), *args)
        assert (result.exit_code, result.stderr) == (ExitCode.DATA, expected)
    assert path.read_bytes() == before


# --- 17. ask - reads no more of a line than it uses ------------------------------------


class Endless(io.RawIOBase):
    """Standard input of one line of ``size`` bytes, then a short question, made as it
    is read so that the test itself holds none of it."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.tail = b"\nhow do I reset my password\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self.left:
            n = min(len(view), self.left)
            view[:n] = b"p" * n
            self.left -= n
            return n
        n = min(len(view), len(self.tail))
        view[:n] = self.tail[:n]
        self.tail = self.tail[n:]
        return n


def test_ask_stdin_reads_no_more_of_a_line_than_it_answers(
    run: Run, small_faq: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One 50 MB line: a question is cut at 2,000 characters, so memory stays small."""
    stdin = io.TextIOWrapper(io.BufferedReader(Endless(50_000_000)), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "argv", ["faq", "--faq", str(small_faq), "ask", "--json", "-"])
    tracemalloc.start()
    try:
        with pytest.raises(SystemExit) as exited:
            main()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exited.value.code == 0
    assert peak < 10_000_000
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [len(d["query"]) for d in docs] == [2000, len("how do I reset my password")]
    assert docs[1]["answer"]["id"] == "reset-password"


def _nested(depth: int, top: bool) -> str:
    """A FAQ with an unknown field nesting lists ``depth`` deep, in its entry or beside
    its entries."""
    field = '"x": ' + "[" * depth + "]" * depth
    entry = '{"id": "deep", "question": "What is deep nesting?", "answer": "Nested lists."'
    if top:
        return f'{{"entries": [{entry}}}], {field}}}'
    return f"[{entry}, {field}}}]"


@pytest.mark.parametrize("top", [False, True], ids=["in an entry", "beside the entries"])
@pytest.mark.parametrize("depth", [100, 101, 973, 5000])
def test_every_command_reads_a_deeply_nested_field_alike(
    run: Run, write_faq: Any, tmp_path: Path, depth: int, top: bool
) -> None:
    """One fixed limit: Python's parser gives up where the call stack ends, which
    differs by command, so a file nested 973 deep was listed and written, then refused
    by ask (the index is built from the file streamed, another reader)."""
    path = write_faq(_nested(depth, top))
    codes = {
        args: run("--faq", str(path), *args).exit_code
        for args in (("list",), ("ask", "deep", "nesting"), ("show", "deep"), ("index",))
    }
    fine = depth <= 100
    assert set(codes.values()) == {0 if fine else ExitCode.DATA}, codes
    check = run("--faq", str(path), "check")
    assert ("over 100 deep" in check.stdout) is not fine
    source = tmp_path / "in.json"
    source.write_text(_nested(depth, top=False), encoding="utf-8")
    imported = run("--faq", str(write_faq([])), "import", str(source))
    assert imported.exit_code == (0 if fine else ExitCode.DATA)


def test_files_nested_near_python_s_limit_are_refused_by_list_and_ask_alike(
    tmp_path: Path,
) -> None:
    """As run from a shell: near 970 levels ``faq list`` read a file (and a write wrote
    it back) that ``faq ask``, deeper in the call stack when it parses, refused; where
    the two parted depends on how faq is started, hence a few depths."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    path = tmp_path / "faq.json"
    for depth in (960, 965, 970, 973):
        path.write_text(_nested(depth, top=False), encoding="utf-8")
        codes = [
            subprocess.run(
                [sys.executable, "-m", "faqcli", "--faq", str(path), *args],
                capture_output=True,
                env=env,
                check=False,
            ).returncode
            for args in (["list"], ["ask", "deep", "nesting"])
        ]
        assert codes == [ExitCode.DATA, ExitCode.DATA], depth


NOT_JSON_NUMBERS = {
    "NaN": "NaN is not a JSON number",
    "-Infinity": "-Infinity is not a JSON number",
    "1e400": "the number 1e400 is too large",
    "1" * 5000: "a number of 5000 digits is too long",  # over Python's int conversion limit
}


@pytest.mark.parametrize("number", NOT_JSON_NUMBERS, ids=lambda n: n[:10])
def test_a_number_json_has_not_got_is_bad_data(
    run: Run, write_faq: Any, tmp_path: Path, number: str
) -> None:
    """Python reads NaN and Infinity, and 1e400 as inf; faq wrote them back as text no
    other JSON reader takes (its --json output too). An integer of 5000 digits was a
    traceback."""
    from .test_index import make_faq

    small = write_faq(
        f'[{{"id": "a", "question": "What is alpha?", "answer": "First.", "n": {number}}}]'
    )
    big = make_faq(tmp_path / "big.json")  # read streamed to build its index
    doc = json.loads(big.read_text(encoding="utf-8"))
    big.write_text(json.dumps(doc)[:-1] + f', "n": {number}}}', encoding="utf-8")
    for path in (small, big):
        for args in (("list",), ("show", "a", "--json"), ("ask", "alpha"), ("index",)):
            result = run("--faq", str(path), *args)
            assert result.exit_code == ExitCode.DATA, (path.name, args)
            head = f"faq: {path}:"
            assert result.stderr.startswith(head), result.stderr
            assert result.stderr.endswith(f": {NOT_JSON_NUMBERS[number]}\n")
            line, column = map(int, result.stderr[len(head) :].split(":")[:2])
            text = path.read_text(encoding="utf-8").split("\n")[line - 1]
            assert text[column - 1 :].startswith(number)  # the place named is the number's
    queries = tmp_path / "q.jsonl"
    queries.write_text(f'{{"query": "alpha", "expected": null, "n": {number}}}\n')
    valid = write_faq('[{"id": "a", "question": "What is alpha?", "answer": "First."}]')
    result = run("--faq", str(valid), "eval", str(queries))
    column = len('{"query": "alpha", "expected": null, "n": ') + 1
    assert result.stderr == f"faq: {queries}:1:{column}: {NOT_JSON_NUMBERS[number]}\n"


COMPOSED, DECOMPOSED = "caf\u00e9", "cafe\u0301"  # the same on screen


def test_ids_that_differ_only_in_how_an_accent_is_composed_are_one_id(
    run: Run, write_faq: Any, tmp_path: Path
) -> None:
    """Two entries listed with the id "café" could not be told apart by the eye, nor
    typed back: an id is the same id however its characters are composed."""
    twins = write_faq(
        [
            {"id": COMPOSED, "question": "Is the cafe open?", "answer": "Yes, daily."},
            {"id": DECOMPOSED, "question": "Where is the cafe?", "answer": "Downstairs."},
        ]
    )
    result = run("--faq", str(twins), "list")
    assert result.exit_code == ExitCode.DATA
    assert "duplicate id (also entry 1)" in result.stderr
    path = write_faq([{"id": COMPOSED, "question": "Is the cafe open?", "answer": "Yes."}])
    source = tmp_path / "in.csv"
    source.write_text(f"question,answer,id\nWhere is the cafe?,Downstairs.,{DECOMPOSED}\n")
    imported = run("--faq", str(path), "import", str(source))
    assert imported.stdout == "added 0 entries, skipped 1 duplicate\n"
    assert f"id {DECOMPOSED!r} exists already" in imported.stderr
    added = run("--faq", str(path), "add", "-q", "Where?", "-a", "Here.", "--id", DECOMPOSED)
    assert added.exit_code == ExitCode.USAGE
    assert [e.id for e in store.load(path).entries] == [COMPOSED]


@pytest.mark.parametrize("stored", [COMPOSED, DECOMPOSED], ids=["stored composed", "decomposed"])
@pytest.mark.parametrize("big", [False, True], ids=["read whole", "indexed"])
def test_an_id_is_found_however_its_accent_is_typed(
    run: Run, write_faq: Any, tmp_path: Path, stored: str, big: bool
) -> None:
    from .test_index import make_faq

    typed = DECOMPOSED if stored == COMPOSED else COMPOSED
    entry = {"id": stored, "question": "Is the cafe open?", "answer": "Yes, daily."}
    if big:
        path = make_faq(tmp_path / "big.json")
        doc = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({"entries": [*doc["entries"], entry]}), encoding="utf-8")
        assert run("--faq", str(path), "index").exit_code == 0
    else:
        path = write_faq([entry])
    shown = run("--faq", str(path), "show", typed, "--json")
    assert (shown.exit_code, json.loads(shown.stdout or "{}").get("id")) == (0, stored)
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"query": "is the cafe open", "expected": typed}) + "\n")
    assert run("--faq", str(path), "eval", str(queries)).exit_code == 0
    edited = run("--faq", str(path), "edit", typed, "-a", "No, closed.")
    assert edited.exit_code == 0, edited.stderr
    assert store.load(path).get(stored) == Entry(stored, "Is the cafe open?", "No, closed.")
    assert run("--faq", str(path), "remove", typed, "--yes").exit_code == 0
    assert all(e.id != stored for e in store.load(path).entries)


@pytest.mark.parametrize("where", ["title", "owner"])
def test_a_lone_surrogate_beside_the_entries_of_a_big_faq_is_bad_data_too(
    run: Run, tmp_path: Path, where: str
) -> None:
    """The streamed reader that builds the index checked the entries only: the index
    was built and list printed the title, while export and --no-cache list refused."""
    from .test_index import make_faq

    path = make_faq(tmp_path / "big.json")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:-1] + f', "{where}": "T\\ud800"}}', encoding="utf-8")
    results = [
        run(*cache, "--faq", str(path), *args)
        for cache in ([], ["--no-cache"])
        for args in (("list",), ("ask", "how", "do", "I"))
    ] + [run("--faq", str(path), "index")]
    assert {r.exit_code for r in results} == {ExitCode.DATA}
    assert all("lone surrogate \\ud800" in r.stderr for r in results)


def test_a_faq_name_too_long_for_the_system_is_a_one_line_error(run: Run, tmp_path: Path) -> None:
    """Path.exists raises for a name over 255 bytes: where and init were tracebacks."""
    name = str(tmp_path / ("a" * 300))
    where = run("--faq", name, "where")
    assert where.exception is None or isinstance(where.exception, SystemExit)
    assert where.exit_code == 0 and "does not exist" in where.stderr
    created = run("init", name)
    assert created.exit_code == ExitCode.DATA
    assert created.stderr.endswith("File name too long\n")
