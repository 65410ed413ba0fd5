"""Turn matches, entries and reports into text: Rich on a terminal, plain text in a
pipe, JSON for scripts.

Renderers write to the output they are given and never exit. FAQ text is data: it is
never read as Rich markup, and control characters in it never reach the terminal.
Rich is imported only by :class:`RichRenderer`, so piped output starts faster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from faqcli.engine import Explanation, Match, WordMatch
from faqcli.model import Entry, Faq

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from faqcli.evaluate import Report

# C0 controls except tab and newline, DEL, C1 controls, the bidirectional controls
# that can make text display differently from what it is ("Trojan Source"), and lone
# surrogates (bytes that were not UTF-8, which no terminal can be sent).
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def safe(text: str) -> str:
    """``text`` with every terminal control character shown as a harmless symbol.

    Every piece of FAQ text, id, query, path and message passes through it on its way
    to the terminal.
    """

    def picture(m: re.Match[str]) -> str:
        code = ord(m.group())
        return chr(0x2400 + code) if code < 0x20 else "\N{REPLACEMENT CHARACTER}"

    return _UNSAFE.sub(picture, text.replace("\r\n", "\n"))


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def to_json(obj: Any, indent: int | None = None) -> str:
    """JSON that keeps every character of the text but carries no raw control byte.

    ``json.dumps`` already escapes C0 controls; DEL, C1 controls, bidi overrides and
    lone surrogates are escaped here too, so the output is safe to print, is UTF-8,
    and parses back exactly.
    """
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def match_dict(match: Match) -> dict[str, Any]:
    e = match.entry
    return {"id": e.id, "question": e.question, "answer": e.answer, "score": match.score}


def answer_dict(query: str, matches: Sequence[Match], confident: bool) -> dict[str, Any]:
    """The JSON contract of ``faq ask --json``."""
    return {
        "query": query,
        "answer": match_dict(matches[0]) if confident and matches else None,
        "matches": [match_dict(m) for m in matches],
    }


def explain_dict(explanation: Explanation) -> dict[str, Any]:
    """The ``explain`` object of ``faq ask --json --explain`` (keys in the README)."""
    e = explanation
    return {
        "id": e.entry.id,
        "score": e.score,
        "words": [w._asdict() for w in e.words],
        "unexplained": e.unexplained,
        "evidence": {
            p.name: {"value": p.value, "weight": p.weight, "part": p.part} for p in e.parts
        },
        "bias": e.bias,
        "log_odds": e.log_odds,
        "runner_up": (
            {"id": e.runner_up.entry.id, "score": e.runner_up.score} if e.runner_up else None
        ),
    }


def _word_line(w: WordMatch) -> tuple[str, str]:
    """A query word and what it matched, in words (for --explain)."""
    if w.found is None:
        return w.word, "in no entry of the FAQ" if not w.in_faq else "not in this entry"
    how = {
        None: "",
        "same": "",
        "stem": " (same stem)",
        "typo": f" (typo, {w.similarity:.0%} alike)",
        "joined": " (joined with the next word)",
    }[w.how]
    return w.word, f"{w.found}{how}, in the {w.where}"


def _explain_lines(e: Explanation) -> list[str]:
    """--explain as plain lines; the Rich renderer draws the same lines."""
    lines = [f"Why {safe(e.entry.id)} (score {_score(e.score)}):", "", "Query words:"]
    pairs = [(safe(word), safe(text)) for word, text in map(_word_line, e.words)]
    width = max((len(word) for word, _ in pairs), default=0)
    lines += [f"  {word.ljust(width)}  {text}" for word, text in pairs]
    if e.unexplained:
        lines.append("Nothing in the FAQ explains: " + ", ".join(safe(w) for w in e.unexplained))
    lines += ["", "Evidence (value x weight = part in the log-odds of the score):"]
    width = max(len(p.label) for p in e.parts)
    for p in e.parts:
        lines.append(f"  {p.label.ljust(width)}  {p.value:5.2f} x {p.weight:5.2f} = {p.part:+5.2f}")
    lines.append(f"  {'bias'.ljust(width)}  {'':15}  {e.bias:+5.2f}")
    lines.append(
        f"  {'total'.ljust(width)}  {'':15}  {e.log_odds:+5.2f}"
        f"  -> score {_score(e.score)} (1 / (1 + e^-total), in percent)"
    )
    if e.runner_up:
        r = e.runner_up
        lines.append("")
        behind = _score(e.score - r.score)
        lines.append(f"Next: {safe(r.entry.id)}, score {_score(r.score)} ({behind} behind)")
    return lines


def _score(score: float) -> str:
    """A score for people: whole percent, and never "100" for a chance short of
    certainty (99.7 shows as 99)."""
    return f"{min(score, 99.0) if score < 100.0 else score:.0f}"


class Renderer(Protocol):
    def answer(
        self, query: str, matches: Sequence[Match], confident: bool, tied: bool, shown: int
    ) -> None: ...
    def entries(self, faq: Faq) -> None: ...
    def entry(self, entry: Entry) -> None: ...
    def report(self, report: Report, name: str) -> None: ...
    def explanation(self, explanation: Explanation) -> None: ...


def _answer_parts(
    matches: Sequence[Match], confident: bool, tied: bool, shown: int
) -> tuple[str | None, Sequence[Match], Sequence[Match]]:
    """Split an answer into (a headline, matches shown in full, "did you mean" list)."""
    if not matches or not confident:
        # Suggest only what shares something with the query: a score that rounds to 0
        # would be a guess dressed up as a suggestion.
        return None, (), [m for m in matches[:3] if m.score >= 0.5]
    if tied:
        count = max(shown, 2)
        return "Two answers fit about equally well:", matches[:count], ()
    return None, matches[:shown], ()


class PlainRenderer:
    """Plain text for pipes and files: no colour, no box drawing, stable lines."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def _line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def answer(
        self, query: str, matches: Sequence[Match], confident: bool, tied: bool, shown: int
    ) -> None:
        headline, full, suggestions = _answer_parts(matches, confident, tied, shown)
        if headline:
            self._line(headline)
        for i, m in enumerate(full):
            if i:
                self._line()
            self._line(f"{safe(m.entry.question)} [{safe(m.entry.id)}, score {_score(m.score)}]")
            self._line(safe(m.entry.answer).strip("\n"))
        if not full:
            self._line(f"No confident answer for: {safe(query)}")
            if suggestions:
                self._line("Did you mean:")
                for m in suggestions:
                    self._line(
                        f"  {safe(m.entry.id)}\t{safe(m.entry.question)} (score {_score(m.score)})"
                    )

    def entries(self, faq: Faq) -> None:
        for e in faq.entries:
            self._line(f"{safe(e.id)}\t{safe(e.question)}")

    def entry(self, entry: Entry) -> None:
        self._line(f"{safe(entry.question)} [{safe(entry.id)}]")
        self._line()
        self._line(safe(entry.answer).strip("\n"))
        if entry.alternates:
            self._line()
            self._line("Also asked as: " + "; ".join(safe(a) for a in entry.alternates))
        if entry.tags:
            self._line("Tags: " + ", ".join(safe(t) for t in entry.tags))

    def explanation(self, explanation: Explanation) -> None:
        for line in _explain_lines(explanation):
            self._line(line)

    def report(self, report: Report, name: str) -> None:
        for key, value in _report_rows(report):
            self._line(f"{key}\t{value}")
        if report.misses:
            self._line()
            self._line("Worst misses (query, expected, got, rank of expected):")
            for miss in _worst(report):
                rank = str(miss.rank) if miss.rank else ">10"
                got = safe(miss.got) if miss.got else None
                self._line(f"  {safe(miss.query)}\t{safe(miss.expected)}\t{got}\t{rank}")


class RichRenderer:
    """Panels, tables and Markdown answers for a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def _panel(self, entry: Entry, subtitle: str) -> RenderableType:
        from rich.console import Group
        from rich.markdown import Markdown
        from rich.panel import Panel
        from rich.text import Text

        body = Group(
            Text(safe(entry.question), style="bold"),
            Text(""),
            Markdown(safe(entry.answer)),
        )
        return Panel(
            body,
            title=Text(safe(entry.id), style="cyan"),
            title_align="left",
            subtitle=Text(subtitle, style="dim"),
            subtitle_align="right",
            border_style="blue",
        )

    def answer(
        self, query: str, matches: Sequence[Match], confident: bool, tied: bool, shown: int
    ) -> None:
        from rich.text import Text

        headline, full, suggestions = _answer_parts(matches, confident, tied, shown)
        if headline:
            self.console.print(Text(headline, style="yellow"))
        for m in full:
            self.console.print(self._panel(m.entry, f"score {_score(m.score)}"))
        if not full:
            self.console.print(Text.assemble("No confident answer for: ", (safe(query), "bold")))
            if suggestions:
                from rich.table import Table

                grid = Table.grid(padding=(0, 2))
                for _ in range(3):
                    grid.add_column()
                for m in suggestions:
                    grid.add_row(
                        Text(safe(m.entry.id), style="cyan"),
                        Text(safe(m.entry.question)),
                        Text(f"score {_score(m.score)}", style="dim"),
                    )
                from rich.padding import Padding

                self.console.print("Did you mean:")
                self.console.print(Padding(grid, (0, 0, 0, 2)))

    def entries(self, faq: Faq) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(safe(faq.title)) if faq.title else None)
        table.add_column("id", style="cyan", no_wrap=True)
        table.add_column("question")
        table.add_column("tags", style="dim")
        for e in faq.entries:
            table.add_row(
                Text(safe(e.id)), Text(safe(e.question)), Text(", ".join(map(safe, e.tags)))
            )
        self.console.print(table)

    def entry(self, entry: Entry) -> None:
        from rich.text import Text

        notes = []
        if entry.alternates:
            notes.append("also asked as: " + "; ".join(entry.alternates))
        if entry.tags:
            notes.append("tags: " + ", ".join(entry.tags))
        self.console.print(self._panel(entry, ""))
        for note in notes:
            self.console.print(Text(safe(note), style="dim"))

    def explanation(self, explanation: Explanation) -> None:
        from rich.text import Text

        for line in _explain_lines(explanation):
            self.console.print(Text(line), soft_wrap=True)

    def report(self, report: Report, name: str) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(f"faq eval: {safe(name)}"))
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in _report_rows(report):
            table.add_row(key, value)
        self.console.print(table)
        if report.misses:
            misses = Table(title="Worst misses")
            for column in ("query", "expected", "got", "rank"):
                misses.add_column(column)
            for miss in _worst(report):
                misses.add_row(
                    Text(safe(miss.query)),
                    Text(safe(miss.expected)),
                    Text(safe(miss.got or "-")),
                    str(miss.rank) if miss.rank else ">10",
                )
            self.console.print(misses)


class BuildProgress:
    """A progress bar for building a large index: ``faqcli.index`` asks it for a
    ``BuildReport`` with the number of entries, reports how many are analysed, then that
    the index is being written (a bar with no end: that part cannot count), then that
    the build is over."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, total: int) -> _BuildBar:
        return _BuildBar(self.console, total)


class _BuildBar:
    def __init__(self, console: Console, total: int) -> None:
        from rich.progress import Progress

        self.bar = Progress(console=console, transient=True)
        self.task = self.bar.add_task("Indexing the FAQ", total=total)
        self.bar.start()

    def analysed(self, done: int) -> None:
        self.bar.update(self.task, completed=done)

    def writing(self) -> None:
        self.bar.update(self.task, visible=False)
        self.bar.add_task("Writing the index", total=None)  # no total: a pulsing bar

    def finished(self) -> None:
        self.bar.stop()


def _report_rows(report: Report) -> list[tuple[str, str]]:
    rows = []
    for key, value in report.metrics().items():
        if value is None:
            text = "-"  # e.g. no answer given, so no precision
        elif isinstance(value, int):
            text = str(value)
        else:
            text = f"{value:.3f}"
        rows.append((key, text))
    return rows


WORST_SHOWN = 10


def _worst(report: Report) -> list[Any]:
    """Misses whose expected entry ranked lowest (or not at all) first."""
    return sorted(report.misses, key=lambda m: -(m.rank or 99))[:WORST_SHOWN]
