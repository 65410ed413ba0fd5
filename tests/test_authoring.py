"""Issue 15, item 4: authoring that never loses work. Refused edits are kept and
offered again, no editor without a terminal, duplicate questions refused by add,
import --update and import -, remove that shows what it removes and asks."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli import editor, operations, store
from faqcli.errors import ExitCode

from .conftest import SMALL_FAQ

Run = Callable[..., Result]


def script(tmp_path: Path, code: str, name: str = "editor.py") -> str:
    """An $EDITOR running ``code`` on the file it is given (``p``: its Path); it also
    copies the text it was given to ``given.txt`` beside itself."""
    path = tmp_path / name
    path.write_text(
        "import sys, json\nfrom pathlib import Path\np = Path(sys.argv[1])\n"
        f"Path({str(tmp_path / 'given.txt')!r}).write_text(p.read_text())\n{code}\n"
    )
    return f"{sys.executable} {path}"


BROKEN = "p.write_text(p.read_text().replace('Yes, within 14 days', 'Yes, within 30 days', 1)[:-3])"
FIX = "d = json.loads(p.read_text() + '\\n}'); d['answer'] = 'Fixed.'; p.write_text(json.dumps(d))"


def edit(run: Run, faq: Path, code: str, tmp_path: Path, input: str | None = None) -> Result:
    env = {"EDITOR": script(tmp_path, code), "VISUAL": ""}
    return run("--faq", str(faq), "edit", "refund", env=env, input=input)


@pytest.mark.usefixtures("terminal")
def test_an_edit_saved_in_another_encoding_is_kept_byte_for_byte(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    latin1 = "p.write_bytes(p.read_text().replace('14 days', '14 d\\u00e4ys', 1).encode('latin-1'))"
    before = small_faq.read_bytes()
    result = edit(run, small_faq, latin1, tmp_path)
    assert result.exit_code == ExitCode.DATA
    draft = editor.draft_path(small_faq, "refund")
    assert result.stderr.startswith("faq: the edited entry:")
    assert "not UTF-8 text (byte 0xe4)" in result.stderr
    assert f"your edit is kept in {draft}" in result.stderr
    assert b"14 d\xe4ys" in draft.read_bytes()
    assert small_faq.read_bytes() == before
    # The next edit cannot reopen it, and says so rather than dropping it unseen.
    again = edit(run, small_faq, FIX, tmp_path, input="y\n")
    assert again.exit_code == ExitCode.DATA
    assert again.stderr.startswith(f"faq: {draft}:")
    assert "not UTF-8 text (byte 0xe4); a refused edit of this entry is kept there" in again.stderr
    assert b"14 d\xe4ys" in draft.read_bytes()
    assert small_faq.read_bytes() == before


@pytest.mark.usefixtures("terminal")
def test_a_refused_edit_is_kept_in_a_file_whose_path_is_printed(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    before = small_faq.read_bytes()
    result = edit(run, small_faq, BROKEN, tmp_path)
    assert result.exit_code == ExitCode.DATA
    assert result.stdout == ""
    draft = editor.draft_path(small_faq, "refund")
    assert result.stderr.startswith("faq: the edited entry:")
    assert f"; your edit is kept in {draft} (faq edit refund offers to reopen it)\n" in (
        result.stderr
    )
    assert draft.parent == tmp_path / "xdg-data" / "faq" / "drafts"
    assert "Yes, within 30 days" in draft.read_text(encoding="utf-8")
    assert small_faq.read_bytes() == before


@pytest.mark.usefixtures("terminal")
def test_the_next_edit_reopens_the_kept_edit_and_deletes_it_once_it_succeeds(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    edit(run, small_faq, BROKEN, tmp_path)
    draft = editor.draft_path(small_faq, "refund")
    kept = draft.read_text(encoding="utf-8")
    result = edit(run, small_faq, FIX, tmp_path, input="y\n")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert f"A refused edit of this entry is kept in {draft}." in result.stdout
    assert "Reopen it (n: edit the entry as it is now)? [Y/n]" in result.stdout
    assert (tmp_path / "given.txt").read_text() == kept  # the editor got the kept text
    assert result.stderr == "edited refund\n"
    assert store.load(small_faq).get("refund").answer == "Fixed."  # type: ignore[union-attr]
    assert not draft.exists()


@pytest.mark.usefixtures("terminal")
def test_declining_the_kept_edit_starts_from_the_entry_as_it_is(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    edit(run, small_faq, BROKEN, tmp_path)
    result = edit(run, small_faq, "pass", tmp_path, input="n\n")
    assert result.exit_code == ExitCode.OK
    given = json.loads((tmp_path / "given.txt").read_text())
    assert given["answer"] == "Yes, within 14 days of purchase."
    assert result.stderr == "no changes to refund\n"


@pytest.mark.usefixtures("terminal")
def test_an_edit_in_the_editor_that_changes_nothing_says_no_changes(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    before = small_faq.read_bytes()
    result = edit(run, small_faq, "pass", tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no changes to refund\n")
    assert small_faq.read_bytes() == before


@pytest.mark.usefixtures("terminal")
def test_an_editor_that_fails_without_changing_anything_keeps_nothing(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    result = edit(run, small_faq, "sys.exit(1)", tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == "faq: the editor exited with status 1; nothing changed\n"
    assert not editor.draft_path(small_faq, "refund").exists()


@pytest.mark.usefixtures("terminal")
def test_an_editor_that_fails_after_changing_the_text_keeps_it(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    result = edit(run, small_faq, "p.write_text(p.read_text() + ' more'); sys.exit(3)", tmp_path)
    assert result.exit_code == ExitCode.USAGE
    draft = editor.draft_path(small_faq, "refund")
    assert result.stderr == (
        f"faq: the editor exited with status 3; nothing changed; your edit is kept in {draft} "
        "(faq edit refund offers to reopen it)\n"
    )
    assert draft.read_text(encoding="utf-8").endswith("}\n more")


@pytest.mark.usefixtures("terminal")
def test_a_refused_edit_whose_drafts_folder_cannot_be_written_is_kept_in_a_named_temp_file(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    # Issue 22, item 2: 'drafts' is a regular file (as for a read-only data folder, the
    # draft cannot be written there); the text goes elsewhere, and the message says where.
    drafts = tmp_path / "xdg-data" / "faq" / "drafts"
    drafts.parent.mkdir(parents=True)
    drafts.write_text("not a folder")
    result = edit(run, small_faq, BROKEN, tmp_path)
    assert result.exit_code == ExitCode.DATA
    assert "your edit is kept in " in result.stderr
    where = result.stderr.split("your edit is kept in ", 1)[1].split(" (", 1)[0]
    assert Path(where).parent != drafts and Path(where).name.startswith("faq-refund-")
    assert "Yes, within 30 days" in Path(where).read_text(encoding="utf-8")
    assert f"(the drafts folder {drafts.parent}" in result.stderr
    Path(where).unlink()


@pytest.mark.usefixtures("terminal")
def test_a_refused_edit_that_cannot_be_kept_anywhere_says_it_is_lost(
    run: Run, small_faq: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafts = tmp_path / "xdg-data" / "faq" / "drafts"
    drafts.parent.mkdir(parents=True)
    drafts.write_text("not a folder")

    def full(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(editor.tempfile, "mkstemp", full)
    result = edit(run, small_faq, BROKEN, tmp_path)
    assert result.exit_code == ExitCode.DATA
    assert "; your edit could not be kept anywhere (" in result.stderr
    assert "No space left on device): it is lost\n" in result.stderr


def test_no_editor_runs_without_a_terminal(run: Run, small_faq: Path, tmp_path: Path) -> None:
    result = edit(run, small_faq, "p.write_text('{}')", tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "faq: no terminal for an editor: change the entry with --question, --answer, "
        "--add-alternate or --tag (see 'faq edit --help')\n"
    )
    assert not (tmp_path / "given.txt").exists()  # the editor never ran


def test_drafts_are_kept_apart_per_faq_and_per_entry(tmp_path: Path) -> None:
    paths = {
        editor.draft_path(tmp_path / "a.json", "refund"),
        editor.draft_path(tmp_path / "b.json", "refund"),
        editor.draft_path(tmp_path / "a.json", "Refund"),
        editor.draft_path(tmp_path / "a.json", "a/b"),
    }
    assert len(paths) == 4
    assert all(p.parent.name == "drafts" and "/" not in p.name for p in paths)


# --- add -------------------------------------------------------------------------------


def test_add_refuses_a_question_an_entry_already_asks_naming_it(run: Run, small_faq: Path) -> None:
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "add", "-q", "when is the OFFICE open", "-a", "9-5.")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "faq: entry 'opening-hours' already asks this question ('When is the office open?'); "
        "pass --force to add it all the same\n"
    )
    assert small_faq.read_bytes() == before


def test_add_force_adds_a_second_entry_with_the_same_question(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "add", "-q", "When is the office open?", "-a", "9-5.",
                 "--force")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "when-is-the-office-open\n")
    assert len(store.load(small_faq).entries) == 6


# --- import ----------------------------------------------------------------------------


def _faq_with_extra(write_faq: Callable[..., Path]) -> Path:
    return write_faq(
        {
            "entries": [
                {"id": "pay", "question": "How do I pay?", "answer": "By card.",
                 "tags": ["billing"], "owner": "ana"},
                {"id": "where", "question": "Where are you?", "answer": "In town."},
            ]
        }
    )  # fmt: skip


def test_import_update_replaces_changed_entries_by_id_and_counts_them(
    run: Run, write_faq: Callable[..., Path], tmp_path: Path
) -> None:
    path = _faq_with_extra(write_faq)
    csv_file = tmp_path / "new.csv"
    csv_file.write_text(
        "question,answer,id,tags\n"
        "How do I pay?,By card or cash.,pay,billing\n"
        "Where are you?,In town.,where,\n"
        "Do you ship?,Yes.,ship,\n"
    )
    result = run("--faq", str(path), "import", "--update", str(csv_file))
    assert result.exit_code == ExitCode.OK
    assert result.stdout == "added 1 entry, updated 1, unchanged 1, skipped 0\n"
    assert result.stderr == ""
    doc = json.loads(path.read_text())
    assert doc["entries"][0] == {"id": "pay", "question": "How do I pay?",
                                 "answer": "By card or cash.", "tags": ["billing"],
                                 "owner": "ana"}  # fmt: skip
    assert [e["id"] for e in doc["entries"]] == ["pay", "where", "ship"]


def test_import_without_update_still_skips_changed_duplicates(
    run: Run, write_faq: Callable[..., Path], tmp_path: Path
) -> None:
    path = _faq_with_extra(write_faq)
    before = path.read_bytes()
    csv_file = tmp_path / "new.csv"
    csv_file.write_text("question,answer,id\nHow do I pay?,By card or cash.,pay\n")
    result = run("--faq", str(path), "import", str(csv_file))
    assert result.stdout == "added 0 entries, skipped 1 duplicate\n"
    assert result.stderr == f"{csv_file}:2: skipped, id 'pay' exists already\n"
    assert path.read_bytes() == before


def test_import_update_matches_entries_without_an_id_by_question(
    run: Run, write_faq: Callable[..., Path], tmp_path: Path
) -> None:
    path = _faq_with_extra(write_faq)
    seed = tmp_path / "seed.txt"
    seed.write_text("-\nhow do I pay\nBy transfer.\n")
    result = run("--faq", str(path), "import", "--update", str(seed))
    assert result.stdout == "added 0 entries, updated 1, unchanged 0, skipped 0\n"
    entry = store.load(path).get("pay")
    assert entry is not None
    # seed text cannot hold tags: the entry keeps its own
    assert (entry.question, entry.answer, entry.tags) == (
        "how do I pay",
        "By transfer.",
        ("billing",),
    )


@pytest.mark.parametrize(
    ("name", "text", "tags", "alternates"),
    [
        ("in.txt", "-\nHow do I pay?\nBy transfer.\n", ["billing"], ["payment"]),
        ("in.md", "## How do I pay?\n\nBy transfer.\n", ["billing"], ["payment"]),
        (
            "in.csv",
            "question,answer,id\nHow do I pay?,By transfer.,pay\n",
            ["billing"],
            ["payment"],
        ),
        ("in.csv", "question,answer,id,tags\nHow do I pay?,By transfer.,pay,\n", None, ["payment"]),
        ("in.md", '## How do I pay?\n<!-- faq: {"id": "pay"} -->\n\nBy transfer.\n', None, None),
    ],
    ids=["seed", "markdown", "csv-without-columns", "csv-empty-tags", "markdown-with-comment"],
)
def test_import_update_keeps_the_tags_and_alternates_a_file_cannot_hold(
    run: Run,
    write_faq: Callable[..., Path],
    tmp_path: Path,
    name: str,
    text: str,
    tags: list[str] | None,
    alternates: list[str] | None,
) -> None:
    """A file names the tags or alternates it could hold, even as none; seed text,
    Markdown without faq's comment and CSV without the column hold none of them."""
    path = write_faq({"entries": [{"id": "pay", "question": "How do I pay?", "answer": "By card.",
                                   "alternates": ["payment"], "tags": ["billing"]}]})  # fmt: skip
    source = tmp_path / name
    source.write_text(text)
    result = run("--faq", str(path), "import", "--update", str(source))
    assert result.stdout == "added 0 entries, updated 1, unchanged 0, skipped 0\n"
    (entry,) = json.loads(path.read_text())["entries"]
    assert (entry["answer"], entry.get("tags"), entry.get("alternates")) == (
        "By transfer.",
        tags,
        alternates,
    )


def test_import_update_dry_run_reports_and_writes_nothing(
    run: Run, write_faq: Callable[..., Path], tmp_path: Path
) -> None:
    path = _faq_with_extra(write_faq)
    before = path.read_bytes()
    seed = tmp_path / "seed.txt"
    seed.write_text("-\nHow do I pay?\nBy transfer.\n")
    result = run("--faq", str(path), "import", "--update", "--dry-run", str(seed))
    assert result.stdout == (
        "~ pay: answer changed\nwould add 0 entries, would update 1, unchanged 0, skipped 0\n"
    )
    assert path.read_bytes() == before


def test_import_dash_reads_standard_input(run: Run, small_faq: Path) -> None:
    markdown = "## Do you ship abroad?\n\nYes, to every country.\n"
    result = run("--faq", str(small_faq), "import", "-", input=markdown)
    assert result.exit_code == ExitCode.OK
    assert result.stdout == "added 1 entry, skipped 0 duplicates\n"
    assert store.load(small_faq).get("do-you-ship-abroad") is not None


def test_import_dash_names_stdin_in_its_errors(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "import", "-", input="just prose\n")
    assert result.exit_code == ExitCode.DATA
    assert result.stderr == (
        "faq: <stdin>: cannot tell its format; pass --format seed, csv, md or json\n"
    )


def test_import_update_json_lists_updated_and_unchanged(
    write_faq: Callable[..., Path], tmp_path: Path
) -> None:
    from faqcli.formats import Format
    from faqcli.render import json_of

    path = _faq_with_extra(write_faq)
    text = "question,answer,id\nHow do I pay?,Cash.,pay\nWhere are you?,In town.,where\n"
    result = operations.import_entries(store.resolve(path), text, "x.csv", Format.CSV,
                                       update=True)  # fmt: skip
    assert json_of(result) == {"added": [], "updated": ["pay"], "unchanged": ["where"],
                               "skipped": [], "removed": [], "dry_run": False}  # fmt: skip


# --- remove ----------------------------------------------------------------------------


def test_remove_off_a_terminal_without_yes_is_a_usage_error(run: Run, small_faq: Path) -> None:
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "remove", "refund", input="y\n")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "faq: remove asks before deleting, and stdin is not a terminal: pass --yes to "
        "remove refund without asking\n"
    )
    assert small_faq.read_bytes() == before


def test_remove_shows_the_entry_to_its_confirmation_and_keeps_it_if_declined(
    small_faq: Path,
) -> None:
    shown: list[Any] = []

    def decline(entries: list[Any]) -> bool:
        shown.extend(entries)
        return False

    before = small_faq.read_bytes()
    result = operations.remove(store.resolve(small_faq), "refund", confirm=decline)
    assert [e.question for e in shown] == ["Can I get a refund for my subscription?"]
    assert (result.action, result.exit_code) == ("kept", ExitCode.NO_MATCH)
    assert small_faq.read_bytes() == before


def test_remove_takes_several_ids_in_one_write_and_an_unknown_one_removes_none(
    run: Run, small_faq: Path
) -> None:
    """Issue 23, item 9: faq remove ID... several at once."""
    before = small_faq.read_bytes()
    refused = run("--faq", str(small_faq), "remove", "refund", "no-such-id", "--yes")
    assert refused.exit_code == ExitCode.NO_MATCH
    assert refused.stderr.startswith("faq: no entry with id 'no-such-id'")
    assert small_faq.read_bytes() == before
    done = run("--faq", str(small_faq), "remove", "refund", "office-location", "refund", "--yes")
    assert done.exit_code == ExitCode.OK, done.stderr
    assert done.stderr == "removed refund, office-location\n"
    ids = [e.id for e in store.load(small_faq).entries]
    assert ids == ["reset-password", "delete-account", "opening-hours"]


def test_edit_drops_tags_and_alternates_and_renames_off_a_terminal(
    run: Run, write_faq: Callable[..., Path]
) -> None:
    """Issue 23, item 9: --remove-tag, --remove-alternate, --id; ids case-insensitively."""
    doc = {"entries": [dict(e) for e in SMALL_FAQ["entries"]],
           "negatives": [{"question": "reset my router", "entry": "reset-password"}]}  # fmt: skip
    path = write_faq(doc)
    result = run("--faq", str(path), "edit", "Reset-Password", "--remove-tag", "account",
                 "--remove-alternate", "i forgot my password!", "--id", "password")  # fmt: skip
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr == "edited password\n"
    faq = store.load(path)
    entry = faq.get("password")
    assert entry is not None and entry.tags == () and entry.alternates == ()
    assert faq.get("reset-password") is None
    assert [n.entry for n in faq.negatives] == ["password"]  # follows the rename
    missing = run("--faq", str(path), "edit", "password", "--remove-tag", "billing")
    assert missing.exit_code == ExitCode.USAGE
    assert missing.stderr == "faq: 'password' has no tag 'billing' (its tags: none)\n"


def test_an_alternate_another_entry_asks_is_refused(run: Run, small_faq: Path) -> None:
    before = small_faq.read_bytes()
    result = run(
        "--faq", str(small_faq), "edit", "refund", "--add-alternate", "where is the OFFICE"
    )
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "faq: 'where is the OFFICE' is asked by entry 'office-location' already; nothing changed\n"
    )
    assert small_faq.read_bytes() == before


def test_an_id_typed_in_another_case_is_found_when_it_is_the_only_one(
    run: Run, write_faq: Callable[..., Path]
) -> None:
    entries = [{"id": "pay", "question": "How do I pay?", "answer": "Card."},
               {"id": "Pay", "question": "Who pays?", "answer": "You."},
               {"id": "refund", "question": "Refund?", "answer": "Y."}]  # fmt: skip
    path = write_faq({"entries": entries})
    assert run("--faq", str(path), "show", "REFUND").stdout.startswith("Refund? [refund]")
    assert run("--faq", str(path), "show", "PAY").exit_code == ExitCode.NO_MATCH  # two: not guessed
    assert run("--faq", str(path), "show", "Pay").stdout.startswith("Who pays? [Pay]")


@pytest.mark.parametrize("new_id", ["", " ", "a\x1b[2Jb"])
def test_a_rename_to_an_id_add_would_refuse_is_a_usage_error(
    run: Run, small_faq: Path, new_id: str
) -> None:
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "edit", "refund", "--id", new_id)
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert result.stderr.startswith(f"faq: --id {new_id!r}: ")
    assert small_faq.read_bytes() == before
