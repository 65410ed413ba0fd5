"""Rendering: Rich output printed into a StringIO console, and the JSON helpers."""

from __future__ import annotations

import io
import json

from rich.console import Console

from faqcli.engine import Match
from faqcli.evaluate import Miss, Report
from faqcli.model import Entry, Faq
from faqcli.render import BuildProgress, PlainRenderer, RichRenderer, safe, to_json

ENTRY = Entry(
    "pay", "How do I pay?", "Use **a card** or [bold]cash[/bold].", ("payment",), ("billing",)
)
OTHER = Entry("refund", "Can I get a refund?", "Yes.")


def render_rich(method: str, *args: object) -> str:
    out = io.StringIO()
    console = Console(file=out, width=60, color_system=None)
    getattr(RichRenderer(console), method)(*args)
    return out.getvalue()


def test_rich_answer_shows_question_markdown_answer_and_score() -> None:
    text = render_rich("answer", "pay", [Match(ENTRY, 91.0)], True, False, 1)
    assert "pay" in text and "How do I pay?" in text and "score 91" in text
    assert "a card" in text and "**" not in text  # Markdown is rendered, not shown raw
    assert "[bold]cash[/bold]" in text  # Rich markup in FAQ text stays literal
    assert "╭" in text


def test_rich_answer_when_nearly_tied_says_so_and_shows_both() -> None:
    text = render_rich("answer", "q", [Match(ENTRY, 80.0), Match(OTHER, 78.0)], True, True, 1)
    assert "Two answers fit about equally well" in text
    assert "How do I pay?" in text and "Can I get a refund?" in text


def test_rich_no_answer_offers_did_you_mean_with_ids() -> None:
    text = render_rich(
        "answer", "weather", [Match(ENTRY, 10.0), Match(OTHER, 5.0)], False, False, 1
    )
    assert "No confident answer for: weather" in text
    assert "Did you mean:" in text
    assert "pay" in text and "refund" in text


def test_rich_list_is_a_table_with_tags() -> None:
    text = render_rich("entries", Faq((ENTRY, OTHER), "Shop"))
    assert "Shop" in text and "billing" in text
    assert "┃ id" in text  # box drawing on a terminal


def test_rich_report_has_metrics_and_misses() -> None:
    report = Report(in_scope=2, hit1=0.5, misses=[Miss("q", "pay", "refund", None)])
    text = render_rich("report", report, "queries.jsonl")
    assert "hit@1" in text and "0.500" in text and ">10" in text


def test_plain_answer_is_stable_lines() -> None:
    out = io.StringIO()
    PlainRenderer(out).answer("pay", [Match(ENTRY, 91.04)], True, False, 1)
    assert out.getvalue() == (
        "How do I pay? [pay, score 91]\nUse **a card** or [bold]cash[/bold].\n"
    )


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
