"""Hostile conditions, round three (issue 22): one test or more per defect, each failing
before its fix. Conditions that only a real process shows (a full disk, an output
encoding, a huge COLUMNS, a signal at start-up) are run through ``python -m faqcli``."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import Result

from faqcli.editor import command as editor_command
from faqcli.errors import ExitCode
from faqcli.model import Entry
from faqcli.render import RichRenderer
from faqcli.results import EntryShown
from faqcli.terminal import MAX_COLUMNS

from . import unprivileged
from .conftest import SMALL_FAQ
from .terminal import faq_env

Run = Callable[..., Result]


# --- 15. the lock path is a folder -------------------------------------------------


def test_a_lock_path_that_is_a_folder_is_named_not_the_faq(run: Run, small_faq: Path) -> None:
    lock = Path(f"{small_faq}.lock")
    lock.mkdir()
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "add", "-q", "A new question?", "-a", "A.")
    assert result.exit_code == ExitCode.DATA
    assert result.stderr == f"faq: {lock}: cannot lock {small_faq} with it: is a directory\n"
    assert small_faq.read_bytes() == before


# --- 16. a blank EDITOR -------------------------------------------------------------


@pytest.mark.parametrize(
    ("visual", "editor", "chosen"),
    [("   ", "   ", "vi"), ("", "\t", "vi"), (" ", "nano -w", "nano -w"), ("ed", " ", "ed")],
)
def test_a_blank_editor_variable_is_unset(
    monkeypatch: pytest.MonkeyPatch, visual: str, editor: str, chosen: str
) -> None:
    """EDITOR='   ' ran the entry's temporary file as the program."""
    monkeypatch.setenv("VISUAL", visual)
    monkeypatch.setenv("EDITOR", editor)
    assert editor_command() == chosen


# --- 17. a Markdown faq comment that is not an object ---------------------------------


@pytest.mark.parametrize(
    "comment", ["<!-- faq: [[[1]]] -->", '<!-- faq: "id" -->', "<!-- faq: {bad json} -->",
                "<!-- faq: 3 -->", '<!-- faq: {"id": "x"}'],
)  # fmt: skip
def test_a_faq_comment_that_is_not_an_object_is_refused_with_its_line(
    run: Run, small_faq: Path, tmp_path: Path, comment: str
) -> None:
    md = tmp_path / "in.md"
    md.write_text(f"## How do I bake bread?\n{comment}\n\nWith flour.\n", encoding="utf-8")
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "import", str(md))
    assert result.exit_code == ExitCode.DATA
    assert result.stderr.startswith(f"faq: {md}:2: ")
    assert "faq comment" in result.stderr
    assert small_faq.read_bytes() == before


# --- also noticed: imports that dropped text silently ---------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("in.csv", "question,answer,question\nWhy?,Because.,How?\n",
         "in.csv:1: the header names 'question' twice"),
        ("in.md", "# Title\n\nSome notes here.\n\n## Why?\n\nBecause.\n",
         "in.md:3: text before the first '## ' heading would be lost; "
         "put it under a question or remove it"),
    ],
)  # fmt: skip
def test_an_import_that_would_drop_text_is_refused_with_its_line(
    run: Run, small_faq: Path, tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("--faq", str(small_faq), "import", str(path))
    assert result.exit_code == ExitCode.DATA
    assert result.stderr == f"faq: {tmp_path}/{message}\n"


def test_a_markdown_title_and_blank_lines_before_the_first_question_are_no_text(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    """What faq's own export writes above the first question imports as it did."""
    path = tmp_path / "in.md"
    path.write_text("\n# Support desk\n\n## Why is the sky blue?\n\nScattering.\n")
    result = run("--faq", str(small_faq), "import", str(path))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == "added 1 entry, skipped 0 duplicates\n"


# --- 8. invisible look-alike ids; also noticed: a question of zero-width characters ----


@pytest.mark.parametrize("invisible", ["\ufe0f", "\u034f", "\u17b4", "\u3164", "\u115f", "\u2800"])
def test_an_id_with_an_invisible_character_is_bad_data(
    run: Run, write_faq: Any, invisible: str
) -> None:
    """pay, pay+U+FE0F, pay+U+034F... were six entries listed as six "pay"."""
    entries = [
        {"id": "pay", "question": "How do I pay?", "answer": "By card."},
        {"id": f"pay{invisible}", "question": "Can I pay later?", "answer": "No."},
    ]
    path = write_faq({"entries": entries})
    result = run("--faq", str(path), "list")
    assert result.exit_code == ExitCode.DATA
    code = f"U+{ord(invisible):04X}"
    assert result.stderr.endswith(
        f": entry 2: field 'id' holds an invisible character ({code}); "
        "an id must be printable text\n"
    )
    added = run("--faq", str(write_faq(SMALL_FAQ, "b.json")), "add", "--id", f"x{invisible}",
                "-q", "A new question?", "-a", "A.")  # fmt: skip
    assert added.exit_code == ExitCode.USAGE
    assert f"holds an invisible character ({code})" in added.stderr


def test_a_question_of_zero_width_characters_is_blank(run: Run, write_faq: Any) -> None:
    invisible = "\u200b\u2060\ufeff \u200d"
    path = write_faq({"entries": [{"id": "z", "question": invisible, "answer": "A."}]})
    result = run("--faq", str(path), "list")
    assert result.exit_code == ExitCode.DATA
    assert result.stderr.endswith(": entry 1 (id 'z'): field 'question' is blank\n")
    good = write_faq(SMALL_FAQ, "good.json")
    before = good.read_bytes()
    for args in (("-q", invisible, "-a", "A."), ("-q", "Is this blank?", "-a", invisible)):
        added = run("--faq", str(good), "add", *args)
        assert added.exit_code == ExitCode.USAGE
        assert added.stderr in ("faq: the question is empty\n", "faq: the answer is empty\n")
    assert good.read_bytes() == before


# --- 4. a data folder that cannot be searched ------------------------------------------


def test_a_data_folder_that_cannot_be_searched_is_named_not_a_traceback(
    tmp_path: Path,
) -> None:
    """Every command on the default FAQ ended in a PermissionError traceback from
    Path.is_file (run without root's override, see tests/unprivileged.py)."""
    env = faq_env(tmp_path)
    folder = tmp_path / "xdg-data" / "faq"
    folder.mkdir(parents=True)
    (folder / "faq.json").write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    folder.chmod(0)
    try:
        for args in (["list"], ["ask", "reset my password"], ["show", "refund"], ["misses"]):
            result = unprivileged.run([sys.executable, "-m", "faqcli", *args], env=env)
            assert result.returncode == ExitCode.DATA, (args, result.stderr)
            assert result.stdout == ""
            assert result.stderr.startswith(f"faq: {folder}/")
            assert result.stderr.endswith(": permission denied\n")
        where = unprivileged.run([sys.executable, "-m", "faqcli", "where"], env=env)
        assert where.returncode == ExitCode.OK
        assert where.stdout == f"{folder}/faq.json\tyour own FAQ (its folder cannot be searched)\n"
        assert where.stderr == ""  # not said to be missing: it cannot be told
    finally:
        folder.chmod(0o755)


# --- 3. a damaged index in a cache folder that cannot be written ----------------------


def test_a_damaged_index_that_cannot_be_removed_reads_the_faq_itself(tmp_path: Path) -> None:
    """list, check and show ended in a traceback from unlink when the damaged index
    could not be removed (a read-only cache); now they read the FAQ itself."""
    import sqlite3

    from faqcli import index

    from .test_index import make_faq

    faq = make_faq(tmp_path / "faq.json", n=300)
    env = faq_env(tmp_path)
    command = [sys.executable, "-m", "faqcli", "--faq", str(faq)]
    built = subprocess.run([*command, "index"], env=env, capture_output=True, check=False)
    assert built.returncode == ExitCode.OK, built.stderr
    cache = index.cache_file(faq, tmp_path / "xdg-cache" / "faq")
    with sqlite3.connect(cache) as conn:  # damage the entries of the second block
        conn.execute("UPDATE blocks SET entries = zeroblob(length(entries)) WHERE block = 1")
    damaged = cache.read_bytes()
    cache.parent.chmod(0o555)
    try:
        for args in (["list"], ["check"], ["show", "e40"]):
            result = unprivileged.run([*command, *args], env=env)
            whole = unprivileged.run([*command, "--no-cache", *args], env=env)
            assert "Traceback" not in result.stderr, result.stderr
            assert (result.returncode, result.stdout) == (whole.returncode, whole.stdout), args
            assert result.stdout
    finally:
        cache.parent.chmod(0o755)
    assert cache.read_bytes() == damaged  # it could not be removed, and was not


# --- 11. Ctrl-C while faq starts -------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# A Ctrl-C at the moment a given module starts to be imported, then faq started as the
# console script (the entry point pyproject.toml names) or as python -m faqcli.
_INTERRUPTED_START = """
import importlib, os, re, runpy, signal, sys
target, start = sys.argv[1], sys.argv[2]
sys.argv = ["faq", *sys.argv[3:]]

class Interrupt:
    def find_spec(self, name, path=None, module=None):
        if name == target:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
if start == "-m":
    runpy.run_module("faqcli", run_name="__main__", alter_sys=True)
else:
    module, _, function = start.partition(":")
    sys.exit(getattr(importlib.import_module(module), function)())
"""


def console_script() -> str:
    """The ``faq`` entry point, as pyproject.toml declares it."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^faq = "([\w.]+:\w+)"$', text, re.MULTILINE)
    assert found is not None
    return found.group(1)


def interrupted_start(tmp_path: Path, module: str, start: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "interrupted.py"
    script.write_text(_INTERRUPTED_START, encoding="utf-8")
    args = [sys.executable, str(script), module, start, "--faq", str(tmp_path / "x.json"), "list"]
    return subprocess.run(
        args, env=faq_env(tmp_path), capture_output=True, text=True, check=False, timeout=60
    )


@pytest.mark.parametrize("module", ["faqcli.cli", "click", "typer", "faqcli.engine"])
@pytest.mark.parametrize("start", ["script", "-m"])
def test_ctrl_c_while_faq_imports_exits_130_without_a_traceback(
    tmp_path: Path, module: str, start: str
) -> None:
    """A Ctrl-C in the first ~90 ms printed a KeyboardInterrupt traceback raised from an
    import: the console script imported the whole command line before any handler."""
    result = interrupted_start(tmp_path, module, console_script() if start == "script" else "-m")
    assert result.returncode == ExitCode.INTERRUPTED, result.stderr
    assert result.stderr == ""
    assert result.stdout == ""


# --- 5. output that cannot be written; 12. a huge COLUMNS; 13. a non-UTF-8 output -----


def faq_process(
    tmp_path: Path, *args: str, stdout: Any = subprocess.PIPE, stderr: Any = subprocess.PIPE,
    **env: str,
) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """``python -m faqcli ARGS`` as a process, the user's folders in tmp_path."""
    return subprocess.run(
        [sys.executable, "-m", "faqcli", *args],
        stdout=stdout,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
        env=faq_env(tmp_path, **env),
        check=False,
        timeout=120,
    )


FULL_DISK = "faq: cannot write the output: No space left on device\n"


@pytest.mark.parametrize(
    "args",
    [["list"], ["export"], ["ask", "--json", "why defect"], ["show", "escape-routes"], ["where"],
     ["check"], ["misses"], ["--version"], ["--help"], ["ask", "--help"]],
    ids=" ".join,
)  # fmt: skip
def test_output_to_a_full_disk_is_one_line_and_exit_3(tmp_path: Path, args: list[str]) -> None:
    """faq list > /dev/full was a 30-line traceback and exit 1."""
    with open("/dev/full", "wb") as full:
        result = faq_process(tmp_path, *args, stdout=full)
    assert result.stderr.decode() == FULL_DISK
    assert result.returncode == ExitCode.DATA


@pytest.mark.parametrize(
    ("args", "code"),
    [(["aks", "x"], ExitCode.USAGE), (["ask", ""], ExitCode.USAGE),
     (["--faq", "/nonexistent.json", "list"], ExitCode.DATA), ([], ExitCode.USAGE),
     (["show", "no-such-id"], ExitCode.NO_MATCH)],
    ids=repr,
)  # fmt: skip
def test_an_error_that_cannot_be_written_keeps_its_exit_code(
    tmp_path: Path, args: list[str], code: int
) -> None:
    """With 2>/dev/full, a usage error exited 1 (a traceback no one saw), not 2."""
    with open("/dev/full", "wb") as full:
        result = faq_process(tmp_path, *args, stderr=full)
    assert result.returncode == code


@pytest.mark.parametrize("columns", ["99999999999999999999", "10000000000", "9" * 5000, "²"])
def test_a_huge_or_odd_columns_is_clamped(tmp_path: Path, columns: str) -> None:
    """COLUMNS=99999999999999999999 faq ask --help was an OverflowError traceback, and
    COLUMNS=10000000000 faq --help grew to 24 GB."""
    for args in (["ask", "--help"], ["--help"], ["show", "escape-routes"]):
        result = faq_process(tmp_path, *args, COLUMNS=columns, LINES=columns)
        assert result.returncode == ExitCode.OK, result.stderr
        assert result.stderr == b""
        widest = max(len(line) for line in result.stdout.decode().splitlines())
        assert widest <= MAX_COLUMNS


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    "args", [["show", "escape-routes"], ["ask", "--explain", "why did the soldier defect"],
             ["list"], ["misses"]], ids=" ".join,
)  # fmt: skip
def test_an_output_encoding_that_is_not_utf8_replaces_what_it_cannot_hold(
    tmp_path: Path, encoding: str, args: list[str]
) -> None:
    """PYTHONIOENCODING=ascii faq show escape-routes was a UnicodeEncodeError."""
    result = faq_process(tmp_path, *args, PYTHONIOENCODING=encoding)
    assert result.returncode == ExitCode.OK, result.stderr
    assert result.stderr == b""
    utf8 = faq_process(tmp_path, *args).stdout.decode("utf-8")
    text = result.stdout.decode(encoding)
    assert len(text) == len(utf8)  # the same text, a character for each it could not write
    assert all(a == b or (b == "?" and a.encode(encoding, "replace") == b"?")
               for a, b in zip(utf8, text, strict=True))  # fmt: skip


@pytest.mark.parametrize(
    "args", [["export"], ["list", "--json"], ["show", "--json", "escape-routes"]]
)
def test_json_and_export_are_exact_whatever_the_output_encoding(
    tmp_path: Path, args: list[str]
) -> None:
    """Data for programs loses nothing to an ASCII locale: JSON escapes what it cannot
    write, an export is UTF-8 (what faq import reads)."""
    exact = faq_process(tmp_path, *args).stdout
    result = faq_process(tmp_path, *args, PYTHONIOENCODING="ascii")
    assert result.returncode == ExitCode.OK, result.stderr
    if args == ["export"]:
        assert result.stdout == exact
    else:
        assert json.loads(result.stdout) == json.loads(exact)


# --- 7. bidi and invisible characters through HTML entities; 14. one rule for JSON -----

ENTITIES = ["&#x202e;", "&#x202c;", "&rlm;", "&lrm;", "&#x2066;", "&#x2069;", "&#x200b;",
            "&#xfeff;", "&#x61c;", "&#8238;"]  # fmt: skip
HIDDEN = "\u202e\u202c\u200f\u200e\u2066\u2069\u200b\ufeff\u061c"


def test_entities_for_bidi_and_invisible_characters_never_reach_the_terminal() -> None:
    """An answer 'Pay to account &#x202e;0987654321&#x202c; today.' showed as 1234567890:
    the Markdown renderer decodes the entity after safe() has looked at the text."""
    answer = "Pay to account &#x202e;0987654321&#x202c; today. " + " x ".join(ENTITIES)
    answer += "\n\n**bold &#x202e;x** [link &rlm;](https://e.com/&#x202e;) `code`"
    entry = Entry("pay", "How do I pay?", answer)
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system=None)
    RichRenderer(console, io.StringIO()).render(EntryShown(entry))
    shown = out.getvalue()
    assert "0987654321" in shown
    assert not set(shown) & set(HIDDEN), [hex(ord(c)) for c in set(shown) & set(HIDDEN)]


def test_json_escapes_every_character_plain_output_replaces(run: Run, write_faq: Any) -> None:
    """--json left U+200F, U+200E and U+061C raw where plain output replaced them."""
    question = f"What is {HIDDEN} here?"
    path = write_faq({"entries": [{"id": "x", "question": question, "answer": "A."}]})
    listed = run("--faq", str(path), "list", "--json")
    assert listed.exit_code == ExitCode.OK
    assert not set(listed.stdout) & set(HIDDEN)
    assert json.loads(listed.stdout)["entries"][0]["question"] == question
    plain = run("--faq", str(path), "list")
    assert not set(plain.stdout) & set(HIDDEN)


# --- 6. input larger than memory ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--faq", "/dev/zero", "ask", "x"], ["--faq", "/dev/zero", "list"],
     ["--no-cache", "--faq", "/dev/zero", "ask", "x"]],
    ids=" ".join,
)  # fmt: skip
def test_a_faq_file_without_end_is_refused_at_once(tmp_path: Path, args: list[str]) -> None:
    """faq --faq /dev/zero ask x read /dev/zero until a MemoryError."""
    result = faq_process(tmp_path, *args)
    assert result.returncode == ExitCode.DATA
    assert result.stderr.decode() == "faq: /dev/zero:1: not text (a NUL byte at byte 1)\n"


def test_a_file_of_nuls_larger_than_faq_reads_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(3 << 30)  # sparse: 3 GB of NULs, no disk used
    result = faq_process(tmp_path, "--faq", str(big), "ask", "x")
    assert result.returncode == ExitCode.DATA
    assert result.stderr.decode() == f"faq: {big}: larger than 1 GiB, more than faq reads\n"


def test_a_nul_after_the_start_is_found_and_named(tmp_path: Path) -> None:
    faq = tmp_path / "faq.json"
    faq.write_bytes(b"\n" * 3 + b" " * (3 << 20) + b"\0{}")
    result = faq_process(tmp_path, "--faq", str(faq), "list")
    assert result.returncode == ExitCode.DATA
    expected = f"faq: {faq}:4: not text (a NUL byte at byte {3 + (3 << 20) + 1})\n"
    assert result.stderr.decode() == expected


@pytest.mark.parametrize(
    ("args", "shown"),
    [(["import", "-"], "<stdin>"), (["add", "-q", "A new question?", "-a", "-"], "--answer -")],
)
def test_standard_input_without_end_is_refused_at_once(
    tmp_path: Path, args: list[str], shown: str
) -> None:
    """import - < /dev/zero and add -a - < /dev/zero read until a MemoryError."""
    faq = tmp_path / "faq.json"
    faq.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    before = faq.read_bytes()
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "faqcli", "--faq", str(faq), *args], stdin=zero,
            capture_output=True, env=faq_env(tmp_path), check=False, timeout=60,
        )  # fmt: skip
    assert result.stderr.decode() == f"faq: {shown}:1: not text (a NUL byte at byte 1)\n"
    assert result.returncode == ExitCode.DATA
    assert faq.read_bytes() == before


def test_an_answer_on_standard_input_is_bounded(tmp_path: Path) -> None:
    faq = tmp_path / "faq.json"
    faq.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    before = faq.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "faqcli", "--faq", str(faq), "add", "-q", "Long?", "-a", "-"],
        input=b"y\n" * (1 << 20), capture_output=True, env=faq_env(tmp_path), check=False,
        timeout=60,
    )  # fmt: skip
    assert result.stderr.decode() == "faq: --answer -: larger than 1 MiB, more than faq reads\n"
    assert result.returncode == ExitCode.DATA
    assert faq.read_bytes() == before


@pytest.mark.parametrize("kind", ["fifo", "device", "file"])
def test_completion_never_opens_a_faq_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    """Completion with FAQ_FILE a FIFO hung the shell (and /dev/zero: a MemoryError);
    a regular file is completed as before."""
    import os

    path = {"fifo": tmp_path / "faq.fifo", "device": Path("/dev/zero"),
            "file": tmp_path / "faq.json"}[kind]  # fmt: skip
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "file":
        path.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
    env = faq_env(tmp_path, FAQ_FILE=str(path), _FAQ_COMPLETE="complete_bash",
                  COMP_WORDS="faq show ", COMP_CWORD="2")  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", "from faqcli.launch import main; main()"], env=env,
        capture_output=True, stdin=subprocess.DEVNULL, check=False, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stderr == b""
    assert (b"refund" in result.stdout.split()) == (kind == "file")


@pytest.mark.usefixtures("terminal")
def test_an_editor_that_leaves_a_fifo_is_refused_not_waited_for(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    """An editor that replaced its file with a FIFO hung faq on reading it."""
    code = "import os; p.unlink(); os.mkfifo(p)"
    path = tmp_path / "fifo_editor.py"
    path.write_text(f"import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n{code}\n")
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "edit", "refund",
                 env={"EDITOR": f"{sys.executable} {path}", "VISUAL": ""})  # fmt: skip
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("faq: the editor left ")
    assert result.stderr.endswith("refund.json not a regular file; nothing changed\n")
    assert small_faq.read_bytes() == before


# --- 9. ask - and a question after many blanks -----------------------------------------


def test_a_question_after_many_blanks_is_still_answered_in_its_place(tmp_path: Path) -> None:
    """A line starting with more than 2,000 blanks was dropped: outputs no longer lined
    up with inputs."""
    lines = [" " * 3000 + "why did the soldier defect", "\t" * 20000 + "how do defectors escape",
             " " * 9000, "x" * 9000 + " tail"]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "faqcli", "ask", "-"], input="\n".join(lines).encode(),
        capture_output=True, env=faq_env(tmp_path), check=False, timeout=60,
    )  # fmt: skip
    shown = [line for line in result.stdout.decode().splitlines() if line.startswith("> ")]
    assert shown == ["> why did the soldier defect", "> how do defectors escape", "> " + "x" * 2000]
    assert "[why-defect-now," in result.stdout.decode()
    assert "[escape-routes," in result.stdout.decode()
