"""Fuzzing faq with hostile input (issue 12): whatever it is fed, faq ends with one of
its documented exit codes (0, 1, 2, 3), never a traceback, and leaves the FAQ file as
it was or validly changed, with no temporary file behind.

Fed: FAQ file bytes (generated documents with hostile text, wrong types, lone
surrogates and deep nesting, then bytes flipped, inserted or cut), the bytes of a
real persisted index, CSV, Markdown and seed-text imports, eval JSON Lines, and
questions with invalid UTF-8, lone surrogates and control characters, as arguments
and on stdin.

faq runs in-process through its console-script entry point (``faqcli.cli.main``, the
argument list patched) with strict UTF-8 standard streams, as under en_US.UTF-8: text
it cannot encode raises instead of slipping through. Arguments are made from bytes
the way Python makes ``sys.argv`` (``os.fsdecode``), so invalid UTF-8 arrives as lone
surrogates just as from a shell.

In the test command each test tries a bounded number of examples, the same ones on
every run (tests/conftest.py: derandomized, so a run passes or fails on the code, not on
the draw). To search for new failures, run it by hand with FAQ_FUZZ_EXAMPLES, the
examples per test, which draws new random examples each time:

    FAQ_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py

Hypothesis keeps any failing example of such a run in .hypothesis/ and replays it first
next time; a failure found so is fixed with a test of its own (test_hostile.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqcli import index, store
from faqcli.cli import main
from faqcli.errors import FaqError

from .conftest import SMALL_FAQ
from .test_index import make_faq

DOCUMENTED = {0, 1, 2, 3}
# What must never reach a terminal in faq's own (non-JSON, non-export) output.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def examples(n: int) -> int:
    """``n`` examples in CI; FAQ_FUZZ_EXAMPLES for a longer run by hand."""
    return int(os.environ.get("FAQ_FUZZ_EXAMPLES", n))


def fuzz(n: int) -> Any:
    return settings(
        max_examples=examples(n),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class Outcome(NamedTuple):
    code: int
    out: str
    err: str


@contextmanager
def user_folders() -> Iterator[Path]:
    """A fresh folder, with faq's cache and data folders inside it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {"XDG_CACHE_HOME": str(folder / "cache"), "XDG_DATA_HOME": str(folder / "data")}
        with mock.patch.dict(os.environ, env):
            os.environ.pop("FAQ_FILE", None)
            yield folder


def faq(*args: str, stdin: bytes = b"") -> Outcome:
    """Run ``faq ARGS`` in-process; any exception but SystemExit fails the test."""
    out, err = io.BytesIO(), io.BytesIO()
    streams = {
        "stdin": io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        "stdout": io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True),
        "stderr": io.TextIOWrapper(err, encoding="utf-8", errors="strict", write_through=True),
    }
    with mock.patch.object(sys, "argv", ["faq", *args]), mock.patch.multiple(sys, **streams):
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        else:
            raise AssertionError("faq's entry point returned instead of exiting")
    assert isinstance(code, int) and code in DOCUMENTED, (args, code)
    return Outcome(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


def assert_terminal_safe(outcome: Outcome, args: tuple[str, ...]) -> None:
    """faq's own lines carry no control characters (JSON escapes them; export and
    eval's report are data, checked elsewhere)."""
    assert UNSAFE.search(outcome.err) is None, outcome.err
    if "--json" not in args and "export" not in args:
        assert UNSAFE.search(outcome.out.replace("\t", " ").replace("\n", " ")) is None


def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- strategies ----------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "\x1b[41m", "\x1b]0;PWNED\x07", "\x07", "\x9b", "\x85", "\u202e", "\u2066", "\u200b",
        "\ufeff", "\u2028", "\r", "\r\n", "\n", "\t", "\x00", "\ud800", "\udcff", "\U0001f600",
        '"', "'", ",", "\\", "-", "\n-\n", "## ", "\n# x", "<!--", "-->", "[", "{", "|",
        "[bold]x[/bold]", " ",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=10), NASTY), max_size=6).map("".join)
WORDY = st.one_of(TEXT, st.sampled_from(["How do I reset my password?", "refund", "office"]))
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)
# Entries are mostly well formed, so that most FAQs are valid and their hostile text
# reaches every command; the rest are wrong in one place or not entries at all.
GOOD_ENTRY = st.fixed_dictionaries(
    {"question": WORDY, "answer": WORDY},
    optional={
        "id": st.one_of(TEXT, st.sampled_from(["pay", "refund", "x\x1b[41m", "r\u202el"])),
        "tags": st.lists(TEXT, max_size=3),
        "alternates": st.lists(WORDY, max_size=2),
        "votes": JSON_VALUE,
    },
)
BAD_ID = st.one_of(JSON_LEAF, st.sampled_from([" pay ", "a\tb", "", "x" * 201]))
BAD_ENTRY = st.one_of(
    st.fixed_dictionaries({"question": WORDY, "answer": WORDY, "id": BAD_ID}),
    st.fixed_dictionaries({"question": JSON_LEAF, "answer": WORDY}),
    st.fixed_dictionaries({"question": WORDY, "answer": WORDY, "tags": JSON_VALUE}),
    JSON_VALUE,
)
ENTRY = st.one_of(GOOD_ENTRY, GOOD_ENTRY, GOOD_ENTRY, BAD_ENTRY)
DOCUMENT = st.one_of(
    st.lists(ENTRY, max_size=5),
    st.fixed_dictionaries(
        {"entries": st.lists(ENTRY, max_size=5)},
        optional={"title": st.one_of(TEXT, JSON_LEAF), "owner": JSON_VALUE},
    ),
    st.fixed_dictionaries({"entries": JSON_VALUE}),
    JSON_VALUE,
)


@st.composite
def json_bytes(draw: st.DrawFn, value: st.SearchStrategy[Any]) -> bytes:
    """A JSON text of ``value`` as bytes, sometimes nested deep, sometimes mangled."""
    doc = draw(value)
    deep = draw(st.integers(0, 9)) == 0  # a value nested deep, where one may go
    if deep and isinstance(doc, dict):
        doc["deep"] = "@DEEP@"
    elif deep and isinstance(doc, list) and doc and isinstance(doc[0], dict):
        doc[0]["votes"] = "@DEEP@"
    text = json.dumps(
        doc, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1, 2, "\t"]))
    )
    if deep:
        depth = draw(st.sampled_from([50, 900, 950, 970, 990, 2000, 100_000]))
        closed = draw(st.integers(0, 9)) > 0  # else an unclosed one: malformed
        text = text.replace('"@DEEP@"', "[" * depth + "]" * depth * closed, 1)
    data = bytearray(text.encode("utf-8", "surrogatepass"))  # a raw surrogate: not UTF-8
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):  # flip, insert or cut a byte
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "cut"]))
        if kind == "insert" or not data:
            data[where:where] = bytes([draw(st.integers(0, 255))])
        elif kind == "flip":
            data[min(where, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        else:
            del data[min(where, len(data) - 1)]
    if draw(st.booleans()):
        data = bytearray(b"\xef\xbb\xbf") + data  # a byte order mark
    return bytes(data)


def argument(text: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy[str]:
    """Command-line text as a shell hands it over: from text, or from any bytes (no NUL)
    decoded as Python decodes sys.argv."""
    from_bytes = st.binary(max_size=30).map(lambda b: os.fsdecode(b.replace(b"\x00", b"")))
    return st.one_of(text.map(lambda t: t.replace("\x00", "")), from_bytes)


# --- the FAQ file ---------------------------------------------------------------------

READS = [
    ["list"], ["list", "--json"], ["check"], ["check", "--json"], ["where"],
    ["export", "-f", "json"], ["export", "-f", "csv"], ["export", "-f", "md"],
    ["export", "-f", "seed"],
]  # fmt: skip


@st.composite
def commands(draw: st.DrawFn, ids: list[str]) -> tuple[list[str], str]:
    """A command to run on a FAQ, and what it does to the file: read, add, remove, edit."""
    some_id = draw(st.one_of(st.sampled_from(ids), argument())) if ids else draw(argument())
    kind = draw(st.sampled_from(["read", "show", "ask", "add", "remove", "edit"]))
    if kind == "read":
        return draw(st.sampled_from(READS)), "read"
    if kind == "show":
        return ["show", some_id, *draw(st.sampled_from([[], ["--json"]]))], "read"
    if kind == "ask":
        return ["ask", *draw(st.sampled_from([[], ["--json"]])), draw(argument(WORDY))], "read"
    if kind == "add":
        args = ["add", "-q", draw(argument(WORDY)), "-a", draw(argument(WORDY))]
        if draw(st.booleans()):
            args += ["--id", draw(argument())]
        if draw(st.booleans()):
            args += ["--tag", draw(argument())]
        return args, "add"
    if kind == "remove":
        return ["remove", some_id, "--yes"], "remove"
    option = draw(st.sampled_from(["--answer", "--question", "--tag", "--add-alternate"]))
    return ["edit", some_id, option, draw(argument(WORDY))], "edit"


def assert_validly_changed(before: bytes, path: Path, outcome: Outcome, change: str) -> None:
    """The FAQ as it was, or, after a write that succeeded, a valid FAQ holding every
    entry it held (bar the one removed or edited) and the one added."""
    after = path.read_bytes()
    if outcome.code != 0 or change == "read":
        assert after == before
        return
    old = {e.id: e for e in store.parse(before.decode("utf-8-sig"), "before").entries}
    new = {e.id: e for e in store.load(path).entries}
    touched = {outcome.out.strip()} if change == "add" else set(old) - set(new)
    if change == "edit":
        touched = {i for i in old if old[i] != new.get(i)} | (set(new) - set(old))
        assert len(new) == len(old)
    assert len(touched) <= (1 if change == "edit" else 2)
    expected_size = {"add": len(old) + 1, "remove": len(old) - 1, "edit": len(old)}[change]
    assert len(new) == expected_size
    for entry_id, entry in old.items():
        if entry_id not in touched and change != "edit":
            assert new[entry_id] == entry
    if change == "edit":
        assert sum(1 for i in old if old[i] != new.get(i)) <= 1


@fuzz(300)
@given(data=st.data(), raw=json_bytes(DOCUMENT))
def test_any_faq_file_gives_a_documented_exit_and_loses_nothing(
    data: st.DataObject, raw: bytes
) -> None:
    with user_folders() as folder:
        path = folder / "faq.json"
        path.write_bytes(raw)
        try:
            ids = [e.id for e in store.load(path).entries]
        except FaqError:
            ids = []
        args, change = data.draw(commands(ids))
        outcome = faq("--faq", str(path), *args)
        assert_terminal_safe(outcome, tuple(args))
        if outcome.code == 3:
            assert outcome.err.startswith("faq: ") and outcome.err.count("\n") == 1
        assert_validly_changed(raw, path, outcome, change)
        assert temp_files(folder) == []


# --- the persisted index --------------------------------------------------------------

PROBES = ["how do I reset my password", "pasword resett", "refund shiping adress", "zzzz qqqq"]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, dict[str, Outcome]]:
    """A FAQ large enough to be indexed, its index's bytes, and each probe's answer."""
    folder = tmp_path_factory.mktemp("fuzz-index")
    path = make_faq(folder / "faq.json", n=300)
    with user_folders():
        expected = {q: faq("--no-cache", "--faq", str(path), "ask", "--json", q) for q in PROBES}
        built = index.build(path, folder / "cache")
    assert built.path is not None
    return path, built.path.read_bytes(), expected


@fuzz(40)
@given(
    probe=st.sampled_from(PROBES),
    damage=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(["flip", "overwrite"]), st.integers(0, 2**32)),
        min_size=1,
        max_size=8,
    ),
)
def test_any_index_file_answers_as_the_faq_does(
    indexed: tuple[Path, bytes, dict[str, Outcome]],
    probe: str,
    damage: list[tuple[float, str, int]],
) -> None:
    path, sound, expected = indexed
    data = bytearray(sound)
    for where, kind, seed in damage:
        rng = random.Random(seed)  # Hypothesis's own Random makes 200 KB slowly
        at = int(where * (len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << rng.randrange(8)
        else:
            size = min(rng.choice([1, 8, 100, 4096, 200_000]), len(data) - at)
            data[at : at + size] = rng.randbytes(size)
    with user_folders() as folder:
        cache = index.cache_file(path, folder / "cache" / "faq")
        cache.parent.mkdir(parents=True)
        cache.write_bytes(bytes(data))
        assert faq("--faq", str(path), "ask", "--json", probe) == expected[probe]


# --- imports ----------------------------------------------------------------------------


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    header = draw(
        st.sampled_from(
            [
                ["question", "answer"],
                ["question", "answer", "id", "tags", "alternates"],
                [" Question", "ANSWER ", "tags"],
                ["q", "a"],
            ]
        )
    )
    cell = st.one_of(WORDY, st.sampled_from(['["a", "b"]', "a|b", "[1]", '["x"', "[" * 3000]))
    rows = draw(st.lists(st.lists(cell, min_size=1, max_size=6), max_size=4))
    if draw(st.booleans()):  # as a csv writer quotes
        buf = io.StringIO()
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        writer = csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
        writer.writerow(header)
        csv.writer(buf, quoting=quoting, lineterminator="\n").writerows(rows)
        return buf.getvalue()
    return "\n".join(",".join(r) for r in [header, *rows])  # as a person might type it


META = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(JSON_LEAF, TEXT, st.sampled_from(["pay", " pay ", "a\x1bb", "x" * 201])),
        "tags": st.one_of(st.lists(TEXT, max_size=2), JSON_VALUE),
        "alternates": st.one_of(st.lists(WORDY, max_size=2), JSON_VALUE),
    },
)


@st.composite
def markdown_text(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        lines.append("## " + draw(WORDY))
        if draw(st.booleans()):
            lines.append(f"<!-- faq: {json.dumps(draw(st.one_of(META, JSON_VALUE)))} -->")
        lines.extend(draw(st.lists(WORDY, min_size=1, max_size=3)))
    return "\n".join(lines)


@st.composite
def seed_text(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(st.lists(WORDY, min_size=0, max_size=3), max_size=4))
    return "".join("-\n" + "\n".join(b) + "\n" for b in blocks)


IMPORTS = {
    "csv": csv_text(),
    "md": markdown_text(),
    "txt": seed_text(),
    "json": json_bytes(DOCUMENT).map(lambda b: b.decode("utf-8", "replace")),
}


@fuzz(250)
@given(
    kind=st.sampled_from(sorted(IMPORTS)),
    data=st.data(),
    fmt=st.sampled_from([[], ["--format", "csv"], ["--format", "md"], ["--format", "seed"]]),
)
def test_any_import_gives_a_documented_exit_and_loses_nothing(
    kind: str, data: st.DataObject, fmt: list[str]
) -> None:
    """--dry-run changes nothing and says what the import then does."""
    text = data.draw(IMPORTS[kind])
    with user_folders() as folder:
        path = folder / "faq.json"
        path.write_text(json.dumps(SMALL_FAQ, indent=2), encoding="utf-8")
        before = path.read_bytes()
        source = folder / f"in.{kind}"
        source.write_bytes(text.encode("utf-8", "surrogatepass"))
        dry = faq("--faq", str(path), "import", *fmt, "--dry-run", str(source))
        assert path.read_bytes() == before
        real = faq("--faq", str(path), "import", *fmt, str(source))
        for outcome in (dry, real):
            assert outcome.code in (0, 3)
            assert_terminal_safe(outcome, ("import",))
        assert (dry.code, dry.err) == (real.code, real.err)
        # The dry run says entry by entry what the import does ("+ ID: question"), then
        # the same summary.
        *diff, summary = dry.out.splitlines() or [""]
        assert summary.replace("would add", "added") + "\n" == real.out or real.code != 0
        if real.code == 0:
            assert len(diff) == int(re.match(r"added (\d+)", real.out).group(1))  # type: ignore[union-attr]
            assert all(line.startswith("+ ") for line in diff)
        if real.code != 0:
            assert path.read_bytes() == before
        else:
            added = int(re.match(r"added (\d+) entr(y|ies)", real.out).group(1))  # type: ignore[union-attr]
            old = store.parse(before.decode(), "before").entries
            new = store.load(path).entries
            assert new[: len(old)] == old and len(new) == len(old) + added
        assert temp_files(folder) == []


# --- eval JSON Lines --------------------------------------------------------------------

JSONL_LINE = st.one_of(
    st.fixed_dictionaries(
        {"query": argument(WORDY)},
        optional={"expected": st.one_of(st.sampled_from(["refund", "nope", ""]), JSON_LEAF)},
    ).map(lambda d: json.dumps(d, ensure_ascii=False)),
    JSON_VALUE.map(json.dumps),
    TEXT,
    st.just('{"query": ' + "[" * 100_000),
)


@fuzz(100)
@given(
    lines=st.lists(JSONL_LINE, max_size=5),
    options=st.sampled_from([[], ["--json"], ["--fail-under", "0.5"], ["-t", "0"]]),
)
def test_any_eval_file_gives_a_documented_exit(lines: list[str], options: list[str]) -> None:
    with user_folders() as folder:
        path = folder / "faq.json"
        path.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
        queries = folder / "q.jsonl"
        queries.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        args = ["eval", str(queries), *options]
        outcome = faq("--faq", str(path), *args)
        assert outcome.code in (0, 1, 3)
        assert UNSAFE.search(outcome.err) is None


# --- questions ----------------------------------------------------------------------------


@fuzz(150)
@given(
    question=argument(WORDY),
    stdin=st.one_of(
        st.binary(max_size=200), WORDY.map(lambda t: t.encode("utf-8", "surrogatepass"))
    ),
    options=st.sampled_from([[], ["--json"], ["--top", "3"], ["--json", "-t", "0"]]),
    batch=st.booleans(),
)
def test_any_question_gives_a_documented_exit(
    question: str, stdin: bytes, options: list[str], batch: bool
) -> None:
    with user_folders() as folder:
        path = folder / "faq.json"
        path.write_text(json.dumps(SMALL_FAQ), encoding="utf-8")
        args = ["ask", *options, "-" if batch else question]
        outcome = faq("--faq", str(path), *args, stdin=stdin)
        assert outcome.code in ((0, 2) if batch else (0, 1, 2))
        assert_terminal_safe(outcome, tuple(args))
        if "--json" in options and outcome.code != 2:
            for line in outcome.out.splitlines():
                assert set(json.loads(line)) == {
                    "query",
                    "answer",
                    "matches",
                    "confident",
                    "threshold",
                    "near_tie",
                }


# --- the conditions faq runs in (issue 22, beyond the list) -----------------------------

COMMANDS = st.sampled_from(
    [["ask", "why did the soldier defect"], ["ask", "--json", "escape"],
     ["ask", "zzz", "--top", "3"], ["ask", "-"], ["list"], ["show", "escape-routes"],
     ["export", "-f", "md"], ["where"], ["check"], ["misses"], ["--help"], ["ask", "--help"],
     ["--version"], ["aks", "x"], []]
)  # fmt: skip
COLUMNS = st.one_of(
    st.integers(-5, 400).map(str), st.sampled_from(["", "x", "9" * 40, "1e9", "²", " 80"])
)


@fuzz(30)
@given(
    args=COMMANDS,
    columns=COLUMNS,
    encoding=st.sampled_from(["utf-8", "ascii", "latin-1", "cp1252", "utf-16"]),
    stdout=st.sampled_from(["pipe", "full", "closed"]),
    stderr=st.sampled_from(["pipe", "full"]),
    interrupt=st.one_of(st.none(), st.floats(0.0, 0.15)),
)
def test_any_output_encoding_size_or_signal_gives_a_documented_exit(
    args: list[str], columns: str, encoding: str, stdout: str, stderr: str,
    interrupt: float | None,
) -> None:  # fmt: skip
    """faq run as a process (its console script) with its output to a full disk or closed, an output
    encoding that cannot hold its text, any COLUMNS, and a Ctrl-C at any moment of its
    start: a documented exit code (130 for the Ctrl-C), never a traceback."""
    import signal
    import subprocess
    import time

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/c", "XDG_DATA_HOME": f"{tmp}/d",
               "COLUMNS": columns, "PYTHONIOENCODING": encoding, "FAQ_FILE": ""}  # fmt: skip
        with open("/dev/full", "wb") as full:
            outs = {"pipe": subprocess.PIPE, "full": full, "closed": subprocess.DEVNULL}
            proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("faq")), *args], stdin=subprocess.PIPE,
                stdout=outs[stdout], stderr=outs[stderr] if stderr == "full" else subprocess.PIPE,
                env=env, close_fds=True,
            )  # fmt: skip
            if stdout == "closed" and proc.stdout is not None:
                proc.stdout.close()
            if interrupt is not None:
                time.sleep(interrupt)
                proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(b"why defect\nhow do they escape\n", timeout=60)
    # Killed by the signal (-2) is what a Ctrl-C before Python has set up its own
    # handler gives, before any of faq runs; a shell reports it as 130 too.
    interrupted = (130, -signal.SIGINT) if interrupt is not None else ()
    assert proc.returncode in (*DOCUMENTED, *interrupted), (args, proc.returncode, err)
    # Python's own start (site, the console script's 'import re') comes before the first
    # instruction of faq: a Ctrl-C there is Python's traceback, with no frame of faq's.
    err = err or b""
    before_faq = interrupt is not None and b"faqcli" not in err
    assert before_faq or b"Traceback" not in err, err
