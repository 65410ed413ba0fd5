"""Writing FAQ files: init, add, remove; atomic, locked, conventions kept."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from typer.testing import Result

from faqcli import store
from faqcli.errors import ExitCode
from faqcli.results import Change

Run = Callable[..., Result]


def test_init_copies_the_bundled_entries_and_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "faq.json"
    first = run("init", str(path))
    assert first.exit_code == 0
    assert first.stderr == (
        f"created {path} with the 6 sample entries of the bundled FAQ\n"
        "to start empty instead: faq init --empty --force (replaces them), then faq add\n"
    )
    assert store.load(path) == store.load(store.bundled_path())
    again = run("init", str(path))
    assert again.exit_code == ExitCode.USAGE
    assert again.stderr == (
        f"faq: {path}: already exists (it holds 6 entries); --force replaces it, its entries "
        "lost, with the bundled sample entries\n"
    )
    emptied = run("init", "--force", "--empty", str(path))
    assert emptied.exit_code == 0
    assert emptied.stderr == f"created {path}, with no entries: faq add adds one\n"
    assert store.load(path).entries == ()
    # Issue 23, item 8: an empty FAQ says how to add an entry, to list and to ask.
    listed = run("--faq", str(path), "list")
    assert (listed.exit_code, listed.stdout) == (0, "")
    hint = "faq: the FAQ has no entries yet: faq add -q QUESTION -a ANSWER adds one\n"
    assert listed.stderr == hint
    asked = run("--faq", str(path), "ask", "where is the office")
    assert asked.exit_code == ExitCode.NO_MATCH
    assert asked.stderr == hint


def test_init_creates_the_file_that_faq_names_but_not_faq_file(run: Run, tmp_path: Path) -> None:
    """`faq --faq team.json init` made the user's own FAQ instead, silently. $FAQ_FILE is
    not taken: exported for a team's FAQ, `faq init --force` would overwrite that."""
    by_option, by_env = tmp_path / "team.json", tmp_path / "env.json"
    assert run("--faq", str(by_option), "init", "--empty").exit_code == 0
    assert store.load(by_option).entries == ()
    assert not store.user_faq_path().exists()
    by_env.write_text('{"entries": []}')
    assert run("init", "--force", env={"FAQ_FILE": str(by_env)}).exit_code == 0
    assert by_env.read_text() == '{"entries": []}'
    assert len(store.load(store.user_faq_path()).entries) == 6


def test_add_derives_a_unique_id_and_keeps_fields(run: Run, small_faq: Path) -> None:
    first = run("--faq", str(small_faq), "add", "-q", "How do I pay?", "-a", "By card.",
                "--tag", "billing", "--alternate", "payment methods")  # fmt: skip
    second = run("--faq", str(small_faq), "add", "-q", "How do I pay?", "-a", "-", "--force",
                 input="Cash.\n")  # fmt: skip
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert (first.stdout, second.stdout) == ("how-do-i-pay\n", "how-do-i-pay-2\n")
    entry = store.load(small_faq).get("how-do-i-pay")
    assert entry is not None
    assert (entry.tags, entry.alternates) == (("billing",), ("payment methods",))
    assert store.load(small_faq).get("how-do-i-pay-2").answer == "Cash."  # type: ignore[union-attr]


def test_add_refuses_an_existing_id_and_leaves_the_file_alone(run: Run, small_faq: Path) -> None:
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "add", "--id", "refund", "-q", "Q?", "-a", "A.")
    assert result.exit_code == ExitCode.USAGE
    assert small_faq.read_bytes() == before


def test_add_without_fields_off_a_terminal_is_a_usage_error(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "add", "-q", "Q?")
    assert result.exit_code == ExitCode.USAGE
    assert "--answer is required" in result.stderr


def test_writes_to_the_bundled_faq_are_refused(run: Run) -> None:
    before = store.bundled_path().read_bytes()
    result = run("add", "-q", "Q?", "-a", "A.")
    assert result.exit_code == ExitCode.DATA
    assert "bundled FAQ is read-only; run 'faq init'" in result.stderr
    assert store.bundled_path().read_bytes() == before


def test_remove_deletes_one_entry(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "remove", "refund", "--yes")
    assert result.exit_code == 0
    assert store.load(small_faq).get("refund") is None
    assert len(store.load(small_faq).entries) == 4
    missing = run("--faq", str(small_faq), "remove", "refund", "--yes")
    assert missing.exit_code == ExitCode.NO_MATCH


def test_rewrite_keeps_indent_key_order_unknown_fields_and_no_newline(
    run: Run, write_faq: Callable[[Any], Path]
) -> None:
    text = json.dumps(
        {"entries": [{"answer": "A.", "question": "Q?", "id": "q", "votes": 3}], "owner": "me"},
        indent=4,
    )
    path = write_faq(text)  # no trailing newline, 4-space indent, answer before question
    assert run("--faq", str(path), "add", "-q", "R?", "-a", "B.").exit_code == 0
    out = path.read_text(encoding="utf-8")
    doc = json.loads(out)
    assert not out.endswith("\n")
    assert '\n    "entries"' in out
    assert list(doc["entries"][0]) == ["answer", "question", "id", "votes"]
    assert doc["owner"] == "me"


def test_bare_list_stays_a_bare_list(run: Run, write_faq: Callable[[Any], Path]) -> None:
    path = write_faq([{"id": "a", "question": "Q?", "answer": "A."}])
    assert run("--faq", str(path), "add", "-q", "R?", "-a", "B.").exit_code == 0
    assert isinstance(json.loads(path.read_text()), list)


def test_invalid_file_is_not_edited(run: Run, write_faq: Callable[[Any], Path]) -> None:
    path = write_faq('[{"question": "Q?"}]')
    result = run("--faq", str(path), "add", "-q", "R?", "-a", "B.")
    assert result.exit_code == ExitCode.DATA
    assert path.read_text() == '[{"question": "Q?"}]'


ADDER = """
import sys
from faqcli.cli import main
worker = sys.argv[1]
for i in range(6):
    sys.argv = ["faq", "--faq", sys.argv[2], "add", "-q", f"Question {worker}-{i}?", "-a", "A."]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise
"""


def test_eight_concurrent_writers_each_adding_six_entries_lose_nothing(
    write_faq: Callable[[Any], Path],
) -> None:
    path = write_faq({"entries": []})
    procs = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(w), str(path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for w in range(8)
    ]  # fmt: skip
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    questions = {e.question for e in store.load(path).entries}
    assert questions == {f"Question {w}-{i}?" for w in range(8) for i in range(6)}


def test_write_atomic_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "faq.json"
    store.write_atomic(path, "[]\n")
    store.write_atomic(path, '[{"question": "Q?", "answer": "A."}]\n')
    assert [p.name for p in tmp_path.iterdir()] == ["faq.json"]
    assert len(store.load(path).entries) == 1


WRITER = """
import sys
from pathlib import Path
from faqcli import store
path = Path(sys.argv[1])
big = "x" * 2_000_000
n = 0
while True:
    n += 1
    store.write_atomic(path, '[{"question": "Q%d?", "answer": "%s"}]\\n' % (n, big))
    print(n, flush=True)
"""


def test_writer_killed_mid_write_leaves_a_valid_file(tmp_path: Path) -> None:
    """SIGKILL a process that keeps rewriting a 2 MB FAQ: the file is old or new, never torn."""
    path = tmp_path / "faq.json"
    store.write_atomic(path, '[{"question": "Q0?", "answer": "A."}]\n')
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one write has completed
        proc.kill()
        proc.wait()
        assert len(store.load(path).entries) == 1


NULL_ID_FAQ = {
    "entries": [
        {"id": None, "question": "How do I pay?", "answer": "By card only."},
        {"id": "other", "question": "Where is the office?", "answer": "In the city centre."},
    ]
}


def test_an_entry_with_a_null_id_is_named_and_written_as_one_without(
    run: Run, write_faq: Callable[[Any], Path]
) -> None:
    """``"id": null`` is a missing id: the derived one is what list shows, what edit and
    remove find, and what the first write stores (it was left null, so that the entry
    could be listed but never edited, and import --update replaced it by an entry with
    the id "None")."""
    path = write_faq(NULL_ID_FAQ)
    assert run("--faq", str(path), "list").stdout.split("\t")[0] == "how-do-i-pay"
    assert run("--faq", str(path), "edit", "how-do-i-pay", "-a", "By card or cash.").exit_code == 0
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    paid = {"id": "how-do-i-pay", "question": "How do I pay?", "answer": "By card or cash."}
    assert entries[0] == paid
    assert run("--faq", str(path), "remove", "how-do-i-pay", "--yes").exit_code == 0
    assert [e.id for e in store.load(path).entries] == ["other"]


def test_an_edit_that_drops_the_id_keeps_the_entry_s_own(
    run: Run, write_faq: Callable[[Any], Path]
) -> None:
    from faqcli import operations

    path = write_faq({"entries": [{"id": "pay", "question": "How do I pay?", "answer": "Card."}]})
    source = store.FaqSource(path, "--faq")
    for answer, dropped in (("Card or cash.", {"id": None}), ("Cash only.", {})):
        new = {"question": "How do I pay now?", "answer": answer, **dropped}
        changed = operations.edit(source, "pay", replace=lambda _entry, new=new: new)
        assert (changed.action, changed.entry_id) == (Change.EDITED, "pay")
        written = json.loads(path.read_text(encoding="utf-8"))["entries"][0]
        assert written == {"id": "pay", "question": "How do I pay now?", "answer": answer}


def _two_faqs_behind_a_link(tmp_path: Path, size: int = 3) -> tuple[Path, Path, Path]:
    a, b, link = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "cur.json"
    for path, name in ((a, "a"), (b, "b")):
        entries = [{"id": f"{name}{i}", "question": f"{name} question {i}?", "answer": "A."}
                   for i in range(size)]  # fmt: skip
        path.write_text(json.dumps({"entries": entries}))
    link.symlink_to(a.name)
    return a, b, link


def _repoint(link: Path, to: Path) -> None:
    """Repoint ``link`` atomically, as `ln -sfn TO tmp && mv -T tmp LINK` does."""
    tmp = link.with_name(link.name + ".swap")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(to.name)
    tmp.replace(link)


def test_a_link_repointed_during_a_write_does_not_move_the_write(
    run: Run, tmp_path: Path, monkeypatch: Any
) -> None:
    """The lock was taken on the file the link named first, the file read and written
    through the link again: repointed meanwhile, a.json lost the new entry and b.json
    was replaced by a.json's entries plus it."""
    a, b, link = _two_faqs_behind_a_link(tmp_path)
    b_before = b.read_bytes()
    locked = store._locked

    @contextmanager
    def repointed_once_locked(path: Path) -> Iterator[Path]:
        with locked(path) as target:
            _repoint(link, b)
            yield target

    monkeypatch.setattr(store, "_locked", repointed_once_locked)
    result = run("--faq", str(link), "add", "--id", "new", "-q", "New question?", "-a", "A.")
    assert result.exit_code == 0, result.stderr
    ids = [e.id for e in store.load(a).entries]
    assert ids == ["a0", "a1", "a2", "new"]
    assert b.read_bytes() == b_before


_WRITER = """
import sys
from faqcli import operations, store
from faqcli.errors import FaqError
link, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    try:
        source = store.resolve(link)
        operations.add(source, f"{prefix} question {i}?", "A.", entry_id=f"{prefix}-{i}")
    except FaqError:
        continue
    print(f"{prefix}-{i}", flush=True)
"""


def test_writers_through_a_link_swapped_under_them_lose_nothing(tmp_path: Path) -> None:
    """Four processes add through a link that a fifth repoints between two FAQs every
    few milliseconds: every add reported done is in exactly one of the two files, and
    neither file loses an entry of its own."""
    a, b, link = _two_faqs_behind_a_link(tmp_path, size=2000)
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(link), f"w{n}", "15"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    flip = 0
    while any(w.poll() is None for w in writers):
        _repoint(link, (a, b)[flip])
        flip ^= 1
        time.sleep(0.003)
    done = [line for w in writers for line in w.communicate()[0].split()]
    assert all(w.returncode == 0 for w in writers)
    in_a = {e.id for e in store.load(a).entries}
    in_b = {e.id for e in store.load(b).entries}
    assert {f"a{i}" for i in range(2000)} <= in_a and not any(i.startswith("b") for i in in_a)
    assert {f"b{i}" for i in range(2000)} <= in_b and not any(i.startswith("a") for i in in_b)
    assert done and all((d in in_a) != (d in in_b) for d in done)
