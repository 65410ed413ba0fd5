"""Rendering: results drawn into a StringIO console at a fixed width and compared whole
with golden files (``tests/golden/``), plain lines, and the JSON helpers.

After a deliberate change of the output, rewrite the golden files with
``FAQ_UPDATE_GOLDEN=1 pytest tests/test_render.py`` and read the diff.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from faqcli.engine import Match
from faqcli.evaluate import Miss, Report
from faqcli.lint import Finding
from faqcli.model import Entry
from faqcli.render import (
    BuildProgress,
    JsonRenderer,
    PlainRenderer,
    RichRenderer,
    json_of,
    safe,
    to_json,
)
from faqcli.results import (
    Answer,
    Change,
    Changed,
    CheckReport,
    EntryList,
    EntryShown,
    Evaluation,
    Imported,
    Result,
)

GOLDEN = Path(__file__).parent / "golden"
ENTRY = Entry(
    "pay", "How do I pay?", "Use **a card** or [bold]cash[/bold].", ("payment",), ("billing",)
)
OTHER = Entry("refund", "Can I get a refund?", "Yes, within *14 days*.")


def rich(result: Result) -> str:
    out = io.StringIO()
    console = Console(file=out, width=60, color_system=None, legacy_windows=False)
    RichRenderer(console, out).render(result)
    return out.getvalue()


def plain(result: Result) -> str:
    out = io.StringIO()
    PlainRenderer(out).render(result)
    return out.getvalue()


GOLDEN_CASES: dict[str, Result] = {
    "ask-answer": Answer("how do i pay", (Match(ENTRY, 91.04), Match(OTHER, 12.0)), 60.0),
    "ask-tie": Answer("pay or refund", (Match(ENTRY, 80.0), Match(OTHER, 78.0)), 60.0),
    "ask-none": Answer("weather", (Match(ENTRY, 10.0), Match(OTHER, 0.2)), 60.0),
    "list": EntryList((ENTRY, OTHER), "Shop"),
    "show": EntryShown(ENTRY),
    "check-findings": CheckReport(
        Path("shop.json"),
        (
            Finding("short-answer", "refund", "the answer has 2 word(s)"),
            Finding("clash", "pay", "'How do I pay?' finds refund first (refund 70 vs pay 60)"),
        ),
    ),
    "check-clean": CheckReport(Path("shop.json"), ()),
}


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_rich_output_matches_its_golden_file(name: str) -> None:
    text = rich(GOLDEN_CASES[name])
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("FAQ_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_rich_answer_renders_markdown_and_keeps_markup_literal() -> None:
    text = rich(GOLDEN_CASES["ask-answer"])
    assert "a card" in text and "**" not in text  # Markdown is rendered, not shown raw
    assert "[bold]cash[/bold]" in text  # Rich markup in FAQ text stays literal


def test_rich_answer_hides_nothing_html_is_text_and_links_keep_their_address() -> None:
    """Rich draws no HTML and puts a link's address in an escape a terminal may not
    show: an answer's phone number or URL must not vanish on a terminal."""
    answer = "Call us.\n\n<div>Phone: 555-1234</div>\n\nSee [the manual](https://example.com/m)."
    entry = Entry("call", "How do I call?", answer)
    text = rich(Answer("call", (Match(entry, 95.0),), 60.0))
    assert "<div>Phone: 555-1234</div>" in text
    assert "the manual (https://example.com/m)" in text
    image = Entry("map", "Where?", "Here: ![office map](http://x/map.png) and <https://x.org>.")
    text = rich(Answer("map", (Match(image, 95.0),), 60.0))
    assert "Here: office map (http://x/map.png) and https://x.org." in text


def test_a_narrow_listing_folds_long_ids_and_keeps_the_questions() -> None:
    long_id = "x" * 87
    entries = (Entry(long_id, "What is the refund policy?", "A."), OTHER)
    out = io.StringIO()
    console = Console(file=out, width=40, color_system=None, legacy_windows=False)
    RichRenderer(console, out).render(EntryList(entries, None))
    text = out.getvalue()
    assert "policy?" in text and "Can I get a" in text  # both questions, wrapped
    assert "".join(re.findall(r"x+", text)) == long_id  # the whole id, over several lines
    assert all(len(line) <= 40 for line in text.splitlines())


def test_a_streamed_listing_is_drawn_whole_on_a_terminal() -> None:
    """A large FAQ's entries come from its index as an iterator, to be read once."""
    text = rich(EntryList(iter((ENTRY, OTHER)), "Shop"))
    assert "How do I pay?" in text and "Can I get a refund?" in text


def test_an_id_that_leaves_room_for_the_question_is_never_folded() -> None:
    entries = (Entry("payment-methods", "Which payment methods do you accept?", "A."), OTHER)
    out = io.StringIO()
    console = Console(file=out, width=50, color_system=None, legacy_windows=False)
    RichRenderer(console, out).render(EntryList(entries, None))
    assert "│ payment-methods │" in out.getvalue()


def test_plain_answer_is_stable_lines() -> None:
    assert plain(GOLDEN_CASES["ask-answer"]) == (
        "How do I pay? [pay, score 91]\nUse **a card** or [bold]cash[/bold].\n"
    )


def test_plain_no_answer_suggests_only_what_shares_something() -> None:
    """A suggestion whose score rounds to 0 is a guess: refund (0.2) is not offered."""
    assert plain(GOLDEN_CASES["ask-none"]) == (
        "No confident answer for: weather\nDid you mean:\n  pay\tHow do I pay? (score 10)\n"
    )


def test_a_score_short_of_certainty_never_shows_as_100() -> None:
    text = plain(Answer("q", (Match(ENTRY, 99.7),), 60.0))
    assert "score 99]" in text


def test_a_score_refused_at_the_threshold_never_shows_as_the_threshold() -> None:
    """59.9 showed as "score 60" under "No confident answer" at the threshold 60."""
    text = plain(Answer("q", (Match(ENTRY, 59.9),), 60.0))
    assert text.startswith("No confident answer") and "(score 59)" in text


def test_reports_of_changes_go_to_stderr_but_the_new_id_to_stdout() -> None:
    out, err = io.StringIO(), io.StringIO()
    renderer = PlainRenderer(out, err)
    renderer.render(Changed(Change.ADDED, Path("f.json"), "pay"))
    renderer.render(Changed(Change.REMOVED, Path("f.json"), "refund"))
    renderer.render(Imported(("a",), ("x.csv:2: skipped, same question as 'pay'",)))
    assert out.getvalue() == "pay\nadded 1 entry, skipped 1 duplicate\n"
    assert err.getvalue() == "removed refund\nx.csv:2: skipped, same question as 'pay'\n"


def test_evaluation_below_fail_under_says_so_on_stderr_in_text_and_json() -> None:
    result = Evaluation("q.jsonl", Report(in_scope=2, hit1=0.5), fail_under=(("hit@1", 0.8),))
    for renderer_class in (PlainRenderer, JsonRenderer):
        out, err = io.StringIO(), io.StringIO()
        renderer_class(out, err).render(result)
        assert err.getvalue() == "faq: hit@1 0.500 is below --fail-under hit@1=0.8\n"


def test_rich_report_has_metrics_and_misses() -> None:
    report = Report(in_scope=2, hit1=0.5, misses=[Miss("q", "pay", "refund", None)])
    text = rich(Evaluation("queries.jsonl", report))
    assert "hit@1" in text and "0.500" in text and ">10" in text


def test_json_of_an_answer_without_explain_has_no_explain_key() -> None:
    doc = json_of(GOLDEN_CASES["ask-none"])
    assert set(doc) == {"query", "answer", "matches", "confident", "threshold", "near_tie"}
    assert doc["confident"] is False and doc["matches"][0]["confident"] is False
    assert doc["answer"] is None and [m["id"] for m in doc["matches"]] == ["pay"]


def test_json_documents_are_indented_and_answers_are_one_line() -> None:
    for result, lines in ((GOLDEN_CASES["show"], 11), (GOLDEN_CASES["ask-answer"], 1)):
        out = io.StringIO()
        JsonRenderer(out).render(result)
        assert out.getvalue().count("\n") == lines


def test_safe_replaces_control_characters_but_keeps_newlines_and_tabs() -> None:
    assert safe("a\x1b[2Jb\x07c\td\ne\x9bf\u202eg") == "a\u241b[2Jb\u2407c\td\ne\ufffdf\ufffdg"


def test_to_json_escapes_c1_and_bidi_but_round_trips() -> None:
    text = "caf\xe9 \x1b \x85 \u202e"
    dumped = to_json({"t": text})
    assert "\x1b" not in dumped and "\x85" not in dumped and "\u202e" not in dumped
    assert "café" in dumped
    assert json.loads(dumped) == {"t": text}


def test_build_progress_counts_then_writes_then_clears_itself() -> None:
    out = io.StringIO()
    console = Console(file=out, width=60, force_terminal=True)
    bar = BuildProgress(console)(4)
    for done in range(1, 5):
        bar.analysed(done)
    bar.writing()
    shown = [t for t in bar.bar.tasks if t.visible]
    assert [(t.description, t.total) for t in shown] == [("Writing the index", None)]
    bar.finished()
    assert not bar.bar.live.is_started


@pytest.mark.parametrize("width", [60, 100, 200])
def test_an_answer_panel_is_at_most_100_columns_however_wide_the_terminal(width: int) -> None:
    """Issue 23, item 4: at 200 columns an answer panel was 200 wide."""
    long = Entry("pay", "How do I pay?", "Pay by card or bank transfer. " * 20)
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, legacy_windows=False)
    RichRenderer(console, out).render(Answer("how do i pay", (Match(long, 91.0),), 60.0))
    widths = {len(line) for line in out.getvalue().splitlines()}
    assert max(widths) == min(width, 100)


def test_a_match_of_top_below_the_threshold_is_marked_not_confident() -> None:
    """Issue 23, item 7: --top N showed matches below the threshold as answers."""
    result = Answer("how do i pay", (Match(ENTRY, 91.04), Match(OTHER, 12.0)), 60.0, top=2)
    assert "[pay, score 91]" in plain(result)
    assert ", score 12, not confident]" in plain(result)
    assert "score 12, not confident" in rich(result)
    assert "score 91, not confident" not in rich(result)


LONG_IDS = (Entry("land-border-frequency", "How common are defections via land border?", "Rare."),
            Entry("north-south-relations-after-it", "What does it mean for the two?",
                  "Tension.", tags=("politics",)))  # fmt: skip


def rich_at(result: Result, width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, legacy_windows=False)
    RichRenderer(console, out).render(result)
    return out.getvalue()


@pytest.mark.parametrize("width", [40, 80, 120])
def test_ids_are_never_cut_in_suggestions(width: int) -> None:
    """Issue 23, item 1: at 40 columns suggestions showed 'do-you-have-…'."""
    result = Answer("bake bread", tuple(Match(e, 5.0) for e in LONG_IDS), 60.0)
    text = rich_at(result, width)
    for entry in LONG_IDS:
        assert entry.id in text.split()  # whole, on one line
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize("width", [40, 80, 120])
def test_list_shows_ids_whole_and_drops_an_empty_tags_column(width: int) -> None:
    from faqcli.results import EntryList

    text = rich_at(EntryList(LONG_IDS[:1]), width)
    assert "land-border-frequency" in text.split("│")[1]  # one cell, one line
    assert "tags" not in text
    tagged = rich_at(EntryList(LONG_IDS), width)
    assert "tags" in tagged or width < 80  # at 40 the tags column has no room to show
    assert "land-border-frequency" in tagged


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_a_grep_listing_with_tags_is_never_cropped_and_keeps_ids_whole(width: int) -> None:
    """The columns --grep adds ("matched in") and the tags are left out before an id
    would fold, and the table is never wider than the line (Rich cropped its last
    column when the id column had a minimum width)."""
    from faqcli.results import EntryList

    entries = (Entry("cuanto-tarda-el-envio-de-un-pedido", "¿Cuánto tarda el envío?", "Dos.",
                     tags=("envios",)), Entry("pay", "How do I pay?", "Card."))  # fmt: skip
    listing = EntryList(entries, None, grep="a", matched=("question, answer", "answer"))
    out = io.StringIO()
    console = Console(file=out, width=width, height=500, color_system=None, legacy_windows=False)
    RichRenderer(console, out).render(listing)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= width for line in lines)
    assert lines[0].endswith("┓") and lines[-1].endswith("┘")  # the last column whole
    if width >= 60:
        assert "cuanto-tarda-el-envio-de-un-pedido" in out.getvalue()
    if width >= 120:
        assert "matched in" in out.getvalue() and "envios" in out.getvalue()
