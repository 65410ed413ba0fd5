"""Issue 24, items 1 and 2: the FAQs teams already have. A help centre's CSV export
(any column names, HTML bodies), semicolon and tab CSV, Markdown with headings of any
depth, Q:/A: lines and bold questions; an import that finds no entry is an error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli import store
from faqcli.errors import ExitCode
from faqcli.htmltext import looks_like_html, to_markdown

Run = Callable[..., Result]

ZENDESK = (
    "Title,Body,Section\n"
    'How long does shipping take?,"<p>Orders ship in <strong>2-3 days</strong>.</p>'
    '<ul><li>EU: 5 days</li><li>US: 7 days</li></ul>",Shipping\n'
    'Can I return an item?,"<p>Yes, within 30 days. See <a href=""https://x.example/r"">'
    'returns</a>.<br>Keep the receipt.</p><script>track()</script>",Returns\n'
)


@pytest.fixture
def empty_faq(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "faq.json"
    assert run("init", "--empty", str(path)).exit_code == 0
    return path


def imported(run: Run, faq: Path, tmp_path: Path, name: str, text: str, *args: str) -> Result:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return run("--faq", str(faq), "import", str(source), *args)


def test_a_help_centre_csv_with_other_column_names_says_how_to_map_them(
    run: Run, empty_faq: Path, tmp_path: Path
) -> None:
    result = imported(run, empty_faq, tmp_path, "zd.csv", ZENDESK)
    assert result.exit_code == ExitCode.DATA
    assert result.stderr == (
        f"faq: {tmp_path / 'zd.csv'}:1: the header names no 'question' and 'answer' columns; "
        "it has 'Title', 'Body', 'Section': name them with --map question=Title "
        "--map answer=Body\n"
    )
    assert store.load(empty_faq).entries == ()


def test_a_help_centre_csv_imports_with_map_its_html_as_markdown_and_round_trips(
    run: Run, empty_faq: Path, tmp_path: Path
) -> None:
    maps = ["--map", "question=Title", "--map", "answer=body", "--map", "tags=Section"]
    result = imported(run, empty_faq, tmp_path, "zd.csv", ZENDESK, *maps)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == "added 2 entries, skipped 0 duplicates\n"
    shipping, returns = store.load(empty_faq).entries
    assert shipping.answer == "Orders ship in **2-3 days**.\n\n- EU: 5 days\n- US: 7 days"
    assert shipping.tags == ("Shipping",)
    assert returns.answer == (
        "Yes, within 30 days. See [returns](https://x.example/r).  \nKeep the receipt."
    )
    assert "track" not in returns.answer
    # Round trip: exported and imported into another FAQ, the same entries.
    for fmt in ("csv", "json", "md"):
        exported = run("--faq", str(empty_faq), "export", "-f", fmt).stdout
        other = tmp_path / f"other-{fmt}.json"
        run("init", "--empty", str(other))
        again = imported(run, other, tmp_path, f"back.{fmt}", exported)
        assert again.exit_code == ExitCode.OK, again.stderr
        assert [(e.question, e.answer) for e in store.load(other).entries] == [
            (shipping.question, shipping.answer), (returns.question, returns.answer)]  # fmt: skip


def test_several_columns_join_into_the_answer(run: Run, empty_faq: Path, tmp_path: Path) -> None:
    text = "Q,Short,Details\nIs there parking?,Yes.,Behind the building.\n"
    maps = ["--map", "question=Q", "--map", "answer=Short", "--map", "answer=Details"]
    assert imported(run, empty_faq, tmp_path, "x.csv", text, *maps).exit_code == 0
    assert store.load(empty_faq).entries[0].answer == "Yes.\n\nBehind the building."


@pytest.mark.parametrize(
    ("text", "args"),
    [("question;answer\nIs there parking?;Yes; behind it.\nOpen on Sundays?;No.\n", []),
     ('"question";"answer"\n"Is there parking?";"Yes, behind it."\nOpen on Sundays?;No.\n', []),
     ("question\tanswer\nIs there parking?\tYes, behind it.\nOpen on Sundays?\tNo.\n", []),
     ("question|answer\nIs there parking?|Yes, behind it.\nOpen on Sundays?|No.\n",
      ["--delimiter", "|"])],
    ids=["semicolon", "quoted-semicolon", "tab", "forced"],
)  # fmt: skip
def test_the_csv_delimiter_is_told_from_the_header_or_forced(
    run: Run, empty_faq: Path, tmp_path: Path, text: str, args: list[str]
) -> None:
    result = imported(run, empty_faq, tmp_path, "x.csv", text, *args)
    if text.startswith("question;answer\nIs there parking?;Yes; behind"):
        # a semicolon inside an unquoted field: one field too many, named with its line
        assert result.exit_code == ExitCode.DATA
        assert ":2: 3 fields but the header names 2" in result.stderr
        return
    assert result.exit_code == ExitCode.OK, result.stderr
    assert [e.question for e in store.load(empty_faq).entries] == [
        "Is there parking?", "Open on Sundays?"]  # fmt: skip


def test_a_map_to_a_column_the_header_lacks_names_the_columns(
    run: Run, empty_faq: Path, tmp_path: Path
) -> None:
    result = imported(run, empty_faq, tmp_path, "zd.csv", ZENDESK, "--map", "question=Heading")
    assert result.exit_code == ExitCode.DATA
    assert "--map question=Heading: no such column; the header has 'Title', 'Body'" in result.stderr
    bad = imported(run, empty_faq, tmp_path, "zd.csv", ZENDESK, "--map", "owner=Title")
    assert bad.exit_code == ExitCode.USAGE
    assert "FIELD one of question, answer, id, tags, alternates" in bad.stderr


QA_PAGE = """# Visiting us

**Q: Is there parking?**
A: Yes, behind the building.
Free for two hours.

**Q: Can I bring my dog?**
A: Only guide dogs.
"""

H3_PAGE = """# Help centre

## Shipping

### How long does shipping take?

Two to three days.

#### Express

One day, for a fee.

### Do you ship abroad?

Yes, to the EU.

## Returns

### Can I return an item?

Within 30 days.
"""

BOLD_PAGE = """**Is there parking?**

Yes, behind the building.

**Are you open on Sundays?**

No.
"""


@pytest.mark.parametrize(
    ("page", "expected"),
    [(QA_PAGE, [("Is there parking?", "Yes, behind the building.\nFree for two hours.", ()),
                ("Can I bring my dog?", "Only guide dogs.", ())]),
     (H3_PAGE, [("How long does shipping take?",
                 "Two to three days.\n\n#### Express\n\nOne day, for a fee.", ("Shipping",)),
                ("Do you ship abroad?", "Yes, to the EU.", ("Shipping",)),
                ("Can I return an item?", "Within 30 days.", ("Returns",))]),
     (BOLD_PAGE, [("Is there parking?", "Yes, behind the building.", ()),
                  ("Are you open on Sundays?", "No.", ())])],
    ids=["q-a", "h3", "bold"],
)  # fmt: skip
def test_markdown_pages_of_other_shapes_import_and_round_trip(
    run: Run, empty_faq: Path, tmp_path: Path, page: str, expected: list[Any]
) -> None:
    result = imported(run, empty_faq, tmp_path, "page.md", page)
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == f"added {len(expected)} entries, skipped 0 duplicates\n"
    got = [(e.question, e.answer, e.tags) for e in store.load(empty_faq).entries]
    assert got == expected
    exported = run("--faq", str(empty_faq), "export", "-f", "md").stdout
    other = tmp_path / "other.json"
    run("init", "--empty", str(other))
    assert imported(run, other, tmp_path, "back.md", exported).exit_code == ExitCode.OK
    assert [(e.question, e.answer, e.tags) for e in store.load(other).entries] == got


def test_the_heading_level_can_be_forced(run: Run, empty_faq: Path, tmp_path: Path) -> None:
    result = imported(run, empty_faq, tmp_path, "page.md", H3_PAGE, "--heading-level", "2")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert [e.question for e in store.load(empty_faq).entries] == ["Shipping", "Returns"]


@pytest.mark.parametrize(
    ("name", "text"),
    [("notes.md", "Some notes\nwithout any structure\n"), ("notes.txt", "-\n")],
)
def test_an_import_that_finds_no_entry_is_an_error_naming_what_it_looked_for(
    run: Run, empty_faq: Path, tmp_path: Path, name: str, text: str
) -> None:
    result = imported(run, empty_faq, tmp_path, name, text)
    assert result.exit_code == ExitCode.DATA
    assert result.stdout == ""
    assert "looked for" in result.stderr or "a '-' with no question after it" in result.stderr


def test_html_becomes_markdown_and_plain_text_is_left_alone() -> None:
    html = ('<h2>Paying</h2><p>Use <em>card</em> or <code>IBAN</code>:</p><ol><li>one</li>'
            "<li>two<ul><li>sub</li></ul></li></ol><style>p{}</style><!-- x -->"
            "<p>a&amp;b</p>")  # fmt: skip
    assert to_markdown(html) == (
        "## Paying\n\nUse *card* or `IBAN`:\n\n1. one\n2. two\n   - sub\n\na&b"
    )
    assert looks_like_html(html)
    assert not looks_like_html("Prices are < 5 EUR and > 2 EUR.")


# --- issue 24, item 3: sync ------------------------------------------------------------

SOURCE = """## How long does shipping take?

One to two days now.

## Where is my parcel?

Track it online.
"""


@pytest.fixture
def synced(run: Run, empty_faq: Path, tmp_path: Path) -> Path:
    assert imported(run, empty_faq, tmp_path, "page.md", H3_PAGE).exit_code == 0
    return empty_faq


def test_prune_dry_run_prints_the_diff_and_writes_nothing(
    run: Run, synced: Path, tmp_path: Path
) -> None:
    before = synced.read_bytes()
    result = imported(run, synced, tmp_path, "now.md", SOURCE, "--update", "--prune", "--dry-run")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == (
        "+ where-is-my-parcel: Where is my parcel?\n"
        "~ how-long-does-shipping-take: answer changed\n"
        "- do-you-ship-abroad: Do you ship abroad?\n"
        "- can-i-return-an-item: Can I return an item?\n"
        "would add 1 entry, would update 1, would remove 2, unchanged 0, skipped 0\n"
    )
    assert synced.read_bytes() == before


def test_nothing_is_pruned_without_yes_off_a_terminal(
    run: Run, synced: Path, tmp_path: Path
) -> None:
    before = synced.read_bytes()
    result = imported(run, synced, tmp_path, "now.md", SOURCE, "--update", "--prune")
    assert result.exit_code == ExitCode.USAGE
    assert "--prune asks before removing, and stdin is not a terminal: pass --yes" in result.stderr
    assert synced.read_bytes() == before
    alone = imported(run, synced, tmp_path, "now.md", SOURCE, "--prune", "--yes")
    assert alone.exit_code == ExitCode.USAGE and "it needs --update" in alone.stderr


def test_prune_with_yes_removes_what_the_source_no_longer_holds(
    run: Run, synced: Path, tmp_path: Path
) -> None:
    result = imported(run, synced, tmp_path, "now.md", SOURCE, "--update", "--prune", "--yes")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == "added 1 entry, updated 1, removed 2, unchanged 0, skipped 0\n"
    entries = store.load(synced).entries
    assert [(e.id, e.answer) for e in entries] == [
        ("how-long-does-shipping-take", "One to two days now."),
        ("where-is-my-parcel", "Track it online.")]  # fmt: skip


def test_prune_on_a_terminal_lists_what_it_removes_and_keeps_all_on_no(
    synced: Path, tmp_path: Path, terminals: list[Any]
) -> None:
    from .terminal import Terminal, faq_env

    source = tmp_path / "now.md"
    source.write_text(SOURCE, encoding="utf-8")
    before = synced.read_bytes()
    args = ["--faq", str(synced), "import", "--update", "--prune", str(source)]
    term = Terminal(args, faq_env(tmp_path))
    terminals.append(term)
    asked = term.expect("[y/N]: ")
    assert (
        "Remove these 2 entries?" in asked and "do-you-ship-abroad (Do you ship abroad?)" in asked
    )
    term.send("n\r")
    assert term.wait() == ExitCode.NO_MATCH
    assert "kept the FAQ as it is: nothing removed" in term.output
    assert synced.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty.md", ""), ("blank.md", "\n\n  \n"), ("header.csv", "question,answer\n")],
)
def test_prune_with_a_file_of_no_entries_removes_nothing(
    run: Run, synced: Path, tmp_path: Path, name: str, text: str
) -> None:
    """An adversarial pass: an empty file (a failed fetch) with --prune --yes emptied the
    FAQ."""
    before = synced.read_bytes()
    for extra in (["--yes"], ["--dry-run"]):
        result = imported(run, synced, tmp_path, name, text, "--update", "--prune", *extra)
        assert result.exit_code == ExitCode.DATA
        assert "holds no entries; --prune would remove every entry of the FAQ" in result.stderr
        assert synced.read_bytes() == before


def test_a_script_alone_is_no_answer_and_table_cells_stay_apart(
    run: Run, empty_faq: Path, tmp_path: Path
) -> None:
    script = imported(
        run, empty_faq, tmp_path, "s.csv", "question,answer\nOnly?,<script>x</script>\n"
    )
    assert script.exit_code == ExitCode.DATA and "the answer is missing or blank" in script.stderr
    assert to_markdown(
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
    ) == ("a | b\n1 | 2")


def test_a_row_with_a_stray_delimiter_names_that_delimiter(
    run: Run, empty_faq: Path, tmp_path: Path
) -> None:
    result = imported(run, empty_faq, tmp_path, "s.csv", "q;a\nHello;World &amp; more\n",
                      "--map", "question=q", "--map", "answer=a")  # fmt: skip
    assert result.exit_code == ExitCode.DATA
    assert "s.csv:2: 3 fields but the header names 2; is a field with a semicolon not quoted?" in (
        result.stderr
    )
