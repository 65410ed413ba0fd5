"""where, init (default path), edit, check, import, export through the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli import store
from faqcli.errors import ExitCode

Run = Callable[..., Result]


def test_where_names_the_file_and_why(run: Run, small_faq: Path, tmp_path: Path) -> None:
    default = "threshold\t60 (faq's default)\n"
    assert run("where").stdout.endswith("\tbundled default (read-only)\n" + default)
    assert run("--faq", str(small_faq), "where").stdout == f"{small_faq}\t--faq option\n{default}"
    env = run("where", env={"FAQ_FILE": str(small_faq)})
    assert env.stdout == f"{small_faq}\tFAQ_FILE environment variable\n{default}"


def test_init_without_path_creates_the_users_own_faq_which_then_wins(
    run: Run, tmp_path: Path
) -> None:
    assert run("init", "--empty").exit_code == 0
    own = tmp_path / "xdg-data" / "faq" / "faq.json"
    assert own.is_file()
    assert run("where").stdout.startswith(f"{own}\tyour own FAQ (created by faq init)\n")
    assert run("add", "-q", "How do I pay?", "-a", "By card, cash or transfer.").exit_code == 0
    assert run("list").stdout == "how-do-i-pay\tHow do I pay?\n"


def test_edit_with_options_changes_only_those_fields(run: Run, small_faq: Path) -> None:
    result = run(
        "--faq", str(small_faq), "edit", "refund", "--answer", "Within 30 days.",
        "--add-alternate", "money back", "--tag", "billing",
    )  # fmt: skip
    assert result.exit_code == 0
    entry = store.load(small_faq).get("refund")
    assert entry is not None
    assert entry.question == "Can I get a refund for my subscription?"
    assert (entry.answer, entry.alternates, entry.tags) == (
        "Within 30 days.",
        ("money back",),
        ("billing",),
    )


def editor(tmp_path: Path, code: str) -> str:
    """An $EDITOR that runs ``code`` on the file it is given (``p`` is its Path)."""
    script = tmp_path / "editor.py"
    script.write_text(
        f"import sys, json\nfrom pathlib import Path\np = Path(sys.argv[1])\n{code}\n"
    )
    return f"{sys.executable} {script}"


@pytest.mark.usefixtures("terminal")
def test_edit_in_editor_applies_the_edited_entry(run: Run, small_faq: Path, tmp_path: Path) -> None:
    ed = editor(tmp_path, "d = json.loads(p.read_text()); d['answer'] = 'Edited.'; "
                          "p.write_text(json.dumps(d))")  # fmt: skip
    result = run("--faq", str(small_faq), "edit", "refund", env={"EDITOR": ed, "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert store.load(small_faq).get("refund").answer == "Edited."  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "message", "exit_code"),
    [
        ("d = json.loads(p.read_text()); del d['question']; p.write_text(json.dumps(d))",
         "missing field 'question'", ExitCode.DATA),
        ("p.write_text('{broken')", "the edited entry:1:2: malformed JSON", ExitCode.DATA),
        ("d = json.loads(p.read_text()); d['id'] = 'opening-hours'; p.write_text(json.dumps(d))",
         "an entry with id 'opening-hours' already exists", ExitCode.USAGE),
        ("sys.exit(4)", "the editor exited with status 4", ExitCode.USAGE),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("terminal")
def test_invalid_edit_is_refused_and_the_file_untouched(
    run: Run, small_faq: Path, tmp_path: Path, code: str, message: str, exit_code: ExitCode
) -> None:
    before = small_faq.read_bytes()
    result = run("--faq", str(small_faq), "edit", "refund",
                 env={"EDITOR": editor(tmp_path, code), "VISUAL": ""})  # fmt: skip
    assert result.exit_code == exit_code
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert small_faq.read_bytes() == before


def test_edit_unknown_id_exits_1(run: Run, small_faq: Path) -> None:
    result = run("--faq", str(small_faq), "edit", "refnd", "--answer", "x y z")
    assert result.exit_code == ExitCode.NO_MATCH
    assert "did you mean: refund" in result.stderr


def test_check_clean_faq_exits_0(run: Run, write_faq: Any) -> None:
    path = write_faq(
        [
            {"id": "pay", "question": "How do I pay?", "answer": "By card or by transfer."},
            {"id": "ship", "question": "When will my parcel arrive?", "answer": "In 3 days."},
        ]
    )
    result = run("--faq", str(path), "check")
    assert result.exit_code == 0
    assert result.stdout == f"{path}: no findings\n"


def test_check_reports_short_answers_and_clashes(run: Run, write_faq: Any) -> None:
    path = write_faq(
        [
            {"id": "a", "question": "How do I pay?", "answer": "Yes."},
            {"id": "b", "question": "How do I pay?", "answer": "By card or by transfer."},
        ]
    )
    result = run("--faq", str(path), "check", "--json")
    assert result.exit_code == ExitCode.NO_MATCH
    findings = json.loads(result.stdout)
    assert {"kind": "short-answer", "id": "a", "message": "the answer has 1 word(s)"} in findings
    clashes = [f for f in findings if f["kind"] == "clash"]
    assert [f["id"] for f in clashes] == ["b"]  # twins: the first one wins the tie
    assert "finds a first" in clashes[0]["message"]


def test_check_reports_invalid_data_as_a_finding(run: Run, write_faq: Any) -> None:
    path = write_faq('[{"question": "Q?"}]')
    result = run("--faq", str(path), "check")
    assert result.exit_code == ExitCode.NO_MATCH
    assert result.stdout.startswith("invalid\t-\t")
    assert "missing field 'answer'" in result.stdout


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_check_of_a_file_that_cannot_be_read_is_an_error_not_a_finding(
    run: Run, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "faq.json"
    if kind == "directory":
        path.mkdir()
    result = run("--faq", str(path), "check")
    assert result.exit_code == ExitCode.DATA
    assert result.stdout == ""
    problem = "no such file" if kind == "missing" else "is a directory, not a FAQ file"
    assert result.stderr == f"faq: {path}: {problem}\n"


def test_import_seed_text_then_again_skips_every_duplicate(
    run: Run, write_faq: Any, tmp_path: Path
) -> None:
    path = write_faq({"entries": []})
    seed = tmp_path / "seed.txt"
    seed.write_text("-\nHow do I pay?\nBy card.\n-\nWhere are you?\nIn town.\n")
    first = run("--faq", str(path), "import", str(seed))
    assert first.stdout == "added 2 entries, skipped 0 duplicates\n"
    again = run("--faq", str(path), "import", str(seed))
    assert again.stdout == "added 0 entries, skipped 2 duplicates\n"
    assert again.stderr.splitlines()[0] == f"{seed}:1: skipped, same question as 'how-do-i-pay'"
    assert [e.id for e in store.load(path).entries] == ["how-do-i-pay", "where-are-you"]


def test_import_dry_run_writes_nothing(run: Run, small_faq: Path, tmp_path: Path) -> None:
    before = small_faq.read_bytes()
    csv_file = tmp_path / "more.csv"
    csv_file.write_text('question,answer\n"Is it, really?","Yes, ""really"".\nTwo lines."\n')
    result = run("--faq", str(small_faq), "import", "--dry-run", str(csv_file))
    assert result.stdout == (
        "+ is-it-really: Is it, really?\nwould add 1 entry, skipped 0 duplicates\n"
    )
    assert small_faq.read_bytes() == before


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "seed"])
def test_export_then_import_into_an_empty_faq_gives_the_same_questions(
    run: Run, small_faq: Path, write_faq: Any, tmp_path: Path, fmt: str
) -> None:
    exported = run("--faq", str(small_faq), "export", "--format", fmt)
    assert exported.exit_code == 0
    dump = tmp_path / f"dump.{'txt' if fmt == 'seed' else fmt}"
    dump.write_text(exported.stdout, encoding="utf-8")
    empty = write_faq({"entries": []}, "empty.json")
    result = run("--faq", str(empty), "import", "--format", fmt, str(dump))
    assert result.exit_code == 0, result.stderr
    original, back = store.load(small_faq).entries, store.load(empty).entries
    assert [(e.question, e.answer) for e in back] == [(e.question, e.answer) for e in original]
    if fmt != "seed":  # seed text has no ids, tags or alternates
        assert back == original


def test_import_of_unknown_format_is_a_one_line_error(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some prose\n")
    result = run("--faq", str(small_faq), "import", str(odd))
    assert result.exit_code == ExitCode.DATA
    assert (
        result.stderr
        == f"faq: {odd}: cannot tell its format; pass --format seed, csv, md or json\n"
    )


def test_entries_without_ids_are_edited_and_removed_by_their_derived_id(
    run: Run, write_faq: Any
) -> None:
    path = write_faq(
        [
            {"question": "How do I pay?", "answer": "By card or transfer."},
            {"question": "Where are you?", "answer": "At 12 Harbour Street."},
        ]
    )
    assert (
        run("--faq", str(path), "edit", "how-do-i-pay", "--answer", "By card only.").exit_code == 0
    )
    assert run("--faq", str(path), "remove", "where-are-you", "--yes").exit_code == 0
    assert json.loads(path.read_text()) == [
        {"id": "how-do-i-pay", "question": "How do I pay?", "answer": "By card only."}
    ]


@pytest.mark.usefixtures("terminal")
def test_edit_refuses_when_the_entry_was_changed_meanwhile(
    run: Run, small_faq: Path, tmp_path: Path
) -> None:
    """While the editor is open, someone else changes the same entry in the file."""
    code = (
        f"faq = Path({str(small_faq)!r}); doc = json.loads(faq.read_text()); "
        "doc['entries'][4]['answer'] = 'Changed by a colleague.'; "
        "faq.write_text(json.dumps(doc)); "
        "d = json.loads(p.read_text()); d['answer'] = 'Mine.'; p.write_text(json.dumps(d))"
    )
    result = run("--faq", str(small_faq), "edit", "refund",
                 env={"EDITOR": editor(tmp_path, code), "VISUAL": ""})  # fmt: skip
    assert result.exit_code == ExitCode.DATA
    assert "entry 'refund' was changed meanwhile; nothing changed" in result.stderr
    assert store.load(small_faq).get("refund").answer == "Changed by a colleague."  # type: ignore[union-attr]


def test_a_json_import_entry_without_an_id_is_matched_by_question_not_by_a_derived_id(
    run: Run, write_faq: Any, tmp_path: Path
) -> None:
    """Its id in its own file would be derived from its question; here that id names an
    unrelated entry, which was skipped against, or replaced with --update."""
    taken = {"id": "how-do-i-pay", "question": "Which cards are taken?", "answer": "All."}
    path = write_faq({"entries": [taken]})
    source = tmp_path / "in.json"
    source.write_text('[{"question": "How do I pay?", "answer": "At the front desk."}]\n')
    for update in ([], ["--update"]):
        dry = run("--faq", str(path), "import", *update, "--dry-run", str(source))
        assert dry.stdout.splitlines()[-1].startswith("would add 1 entry"), dry.stdout
    result = run("--faq", str(path), "import", "--update", str(source))
    assert result.exit_code == 0
    entries = store.load(path).entries
    assert [(e.id, e.question) for e in entries] == [
        ("how-do-i-pay", "Which cards are taken?"),
        ("how-do-i-pay-2", "How do I pay?"),
    ]


@pytest.mark.parametrize("why", ["read-only", "bundled"])
def test_import_dry_run_refuses_what_the_import_would(
    run: Run, small_faq: Path, tmp_path: Path, why: str
) -> None:
    source = tmp_path / "new.txt"
    source.write_text("-\nA brand new question?\nWith an answer here.\n", encoding="utf-8")
    target = ["--faq", str(small_faq)] if why == "read-only" else []
    small_faq.chmod(0o444)
    results = [run(*target, "import", *dry, str(source)) for dry in (["--dry-run"], [])]
    assert [r.exit_code for r in results] == [ExitCode.DATA, ExitCode.DATA]
    assert results[0].stderr == results[1].stderr
    assert why in results[0].stderr


def test_a_markdown_comment_with_a_null_id_is_an_entry_without_one(
    small_faq: Path, tmp_path: Path
) -> None:
    from faqcli import operations
    from faqcli.formats import Format

    text = "".join(
        f'## Question number {n}?\n<!-- faq: {{"id": null}} -->\n\nAnswer {n}.\n\n' for n in (1, 2)
    )
    source = store.FaqSource(small_faq, "--faq")
    for dry_run in (True, False):
        imported = operations.import_entries(source, text, "in.md", Format.MD, dry_run=dry_run)
        assert imported.added == ("question-number-1", "question-number-2")


@pytest.mark.parametrize("value", [None, "", "relative/path", "/abs/data"])
def test_the_user_folders_are_where_platformdirs_would_put_them(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    """On Linux faq reads the XDG folders from the environment itself (platformdirs is
    slow to import): the same folders."""
    import platformdirs

    from faqcli import index

    if not store.XDG:
        pytest.skip("platformdirs is asked on this system")
    for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME"):
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    assert store.user_data_dir() == platformdirs.user_data_path("faq", appauthor=False)
    assert index.default_cache_dir() == platformdirs.user_cache_path("faq", appauthor=False)


def test_check_finds_near_duplicate_entries_once(run: Run, write_faq: Any) -> None:
    """ "How do I pay my invoice?" and "How can I pay an invoice?" take each other's
    askers (why `faq ask how do I pay` abstains); "When is the office open?" and "Where
    is the office?" come next for each other too, but differ by "open"."""
    entries = [
        ("pay", "How do I pay my invoice?", "By card, cash or transfer."),
        ("pay2", "How can I pay an invoice?", "By bank transfer only."),
        ("hours", "When is the office open?", "Monday to Friday, 9 to 5."),
        ("where", "Where is the office?", "At 12 Harbour Street, upstairs."),
    ]
    path = write_faq({"entries": [{"id": i, "question": q, "answer": a} for i, q, a in entries]})
    result = run("--faq", str(path), "check", "--json")
    assert result.exit_code == ExitCode.NO_MATCH
    near = [f for f in json.loads(result.stdout) if f["kind"] == "near-duplicate"]
    assert [f["id"] for f in near] == ["pay"]
    assert "pay2 'How can I pay an invoice?' ask the same thing" in near[0]["message"]
    assert "merge them" in near[0]["message"]
