"""Draw the results of faq's operations (``faqcli.results``): Rich on a terminal, plain
text in a pipe, JSON for scripts. One family of renderers knows every result type.

Renderers write to the streams they are given and never exit; the decisions (is it
confident, a near tie, which suggestions) come with the result. FAQ text is data: it
is never read as Rich markup, and control characters in it never reach the terminal.
Rich is imported only by :class:`RichRenderer`, so piped output starts faster.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Protocol

from faqcli.model import Entry
from faqcli.results import (
    Answer,
    Change,
    Changed,
    CheckReport,
    Decision,
    EntryList,
    EntryShown,
    Evaluation,
    Exported,
    Imported,
    Indexed,
    MissesCleared,
    MissGroup,
    MissReport,
    Result,
    Reviewed,
    ReviewReport,
    SessionHelp,
    SessionProblem,
    SessionSettings,
    Strength,
    Threshold,
    Where,
)

if TYPE_CHECKING:
    from markdown_it.token import Token
    from rich.console import Console, RenderableType
    from rich.pager import Pager

    from faqcli.engine import Explanation, Match, WordCoverage
    from faqcli.evaluate import Report, Scored
    from faqcli.review import Item as ReviewItem

# The bidirectional controls that can make text display differently from what it is
# ("Trojan Source"), and characters that hide between others: zero-width space, word
# joiner and its kin, byte order mark (not the zero-width joiners, which emoji and
# scripts need); with DEL, C1 controls and lone surrogates (bytes that were not
# UTF-8, which no terminal can be sent). One set, for every output.
_HIDDEN = (
    "\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
)
# Plain and Rich output: those, and C0 controls except tab and newline.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_HIDDEN}]")


def safe(text: str) -> str:
    """``text`` with every terminal control character shown as a harmless symbol.

    Every piece of FAQ text, id, query, path and message passes through it on its way
    to the terminal.
    """

    def picture(m: re.Match[str]) -> str:
        code = ord(m.group())
        return chr(0x2400 + code) if code < 0x20 else "\N{REPLACEMENT CHARACTER}"

    return _UNSAFE.sub(picture, text.replace("\r\n", "\n"))


# JSON: those escaped (json.dumps escapes C0 controls), and the line separators that
# JavaScript reads as line breaks.
_JSON_UNSAFE = re.compile(f"[\u2028\u2029{_HIDDEN}]")


def to_json(obj: Any, indent: int | None = None, ascii_only: bool = False) -> str:
    """JSON that keeps every character of the text but carries no raw control byte.

    ``json.dumps`` already escapes C0 controls; DEL, C1 controls, bidi overrides and
    lone surrogates are escaped here too, so the output is safe to print, is UTF-8,
    and parses back exactly. ``ascii_only`` escapes every other character beyond
    ASCII too, for an output that is not UTF-8.
    """
    text = json.dumps(obj, ensure_ascii=ascii_only, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _utf8(out: IO[str]) -> bool:
    """Whether ``out`` writes UTF-8 (else it writes ? for what it cannot encode)."""
    import codecs

    return codecs.lookup(getattr(out, "encoding", None) or "utf-8").name == "utf-8"


def write_exact(out: IO[str], text: str) -> None:
    """Write data (an export) to ``out`` as UTF-8 whatever its encoding: the file is
    for ``faq import``, which reads UTF-8, and must lose no character."""
    buffer = getattr(out, "buffer", None)
    if _utf8(out) or buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))


class Renderer(Protocol):
    """Draws any result of an operation."""

    def render(self, result: Result) -> None: ...


# -- JSON: the one place every command's JSON comes from (documented in the README) --


def json_of(result: Result) -> Any:
    """The JSON document of a result, as ``--json`` prints it."""
    match result:
        case Answer():
            return _answer_json(result)
        case EntryList():
            titled = {"title": result.title} if result.title is not None else {}  # no null
            return {**titled, "entries": [e.to_dict() for e in result.entries]}
        case EntryShown():
            return result.entry.to_dict()
        case CheckReport():
            return [f._asdict() for f in result.findings]
        case Evaluation():
            return _evaluation_json(result)
        case Imported():
            return {"added": list(result.added), "updated": list(result.updated),
                    "unchanged": list(result.unchanged), "skipped": list(result.skipped),
                    "removed": list(result.removed), "dry_run": result.dry_run}  # fmt: skip
        case Indexed():
            path = str(result.path) if result.path else None
            return {"entries": result.entries, "seconds": result.seconds, "path": path,
                    "bytes": result.size, "reason": result.reason or None}  # fmt: skip
        case Where():
            used = result.threshold
            return {"path": str(result.path), "reason": result.reason, "exists": result.exists,
                    "threshold": used._asdict() if used else None}  # fmt: skip
        case Changed():
            return {"action": result.action.value, "path": str(result.path), "id": result.entry_id}
        case Exported():
            return result.text
        case MissReport():
            return {"faq": str(result.faq), "log": str(result.log),
                    "questions": result.questions,
                    "groups": [_miss_group_json(g) for g in result.groups]}  # fmt: skip
        case MissesCleared():
            return {"log": str(result.log), "cleared": result.questions}
        case ReviewReport():
            return {"faq": str(result.faq), "log": str(result.log),
                    "threshold": result.threshold,
                    "items": [_review_item_json(i) for i in result.items]}  # fmt: skip
        case Reviewed():
            return {"decision": result.decision.value, "questions": list(result.wordings),
                    "id": result.entry_id, "unlogged": result.unlogged,
                    "path": str(result.path)}  # fmt: skip
        case SessionSettings():
            return {"top": result.top, "explain": result.why}
        case SessionHelp():
            return {"faq": str(result.faq), "entries": result.entries,
                    "commands": [{"usage": u, "help": h} for u, h in result.commands],
                    "settings": json_of(result.settings),
                    "history": str(result.history) if result.history else None}  # fmt: skip
        case SessionProblem():
            return {"problem": result.message}
    raise TypeError(f"no JSON for {type(result).__name__}")


# Whole documents are indented for people reading them; per-question and per-run
# objects stay on one line (JSON Lines for `faq ask -`).
_INDENTED = (EntryList, EntryShown, CheckReport, MissReport)


def _miss_group_json(group: MissGroup) -> dict[str, Any]:
    return {
        "times": group.times,
        "last_asked": group.last_asked,
        "questions": [p._asdict() for p in group.phrasings],
        "closest": [
            {"id": m.entry.id, "question": m.entry.question, "score": m.score}
            for m in group.closest
        ],
        "answered": group.answered,
        "command": group.command,
    }


def _match_json(match: Match, threshold: float | None = None) -> dict[str, Any]:
    e = match.entry
    doc = {"id": e.id, "question": e.question, "answer": e.answer, "score": match.score}
    if threshold is not None:
        doc["confident"] = match.score >= threshold
    return doc


EMPTY_FAQ = "faq: the FAQ has no entries yet: faq add -q QUESTION -a ANSWER adds one"


def _scored(answer: Answer, match: Match) -> str:
    """ "score 95", or "score 19, not confident" for a match of ``--top N`` shown below
    the threshold: shown because it was asked for, not an answer."""
    if match.score >= answer.threshold:
        return f"score {_score(match.score)}"
    return f"score {_score(match.score)}, not confident"


def _answer_json(answer: Answer) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "query": answer.query,
        "answer": _match_json(answer.matches[0], answer.threshold) if answer.confident else None,
        "confident": answer.confident,
        "threshold": answer.threshold,
        "near_tie": answer.tied,
        "matches": [_match_json(m, answer.threshold) for m in answer.listed],
    }
    if answer.why:
        doc["explain"] = _explain_json(answer.explanation) if answer.explanation else None
        if doc["explain"] is not None:
            used = Threshold(answer.threshold, answer.threshold_source)
            doc["explain"]["threshold"] = used._asdict()
    return doc


def _as_shown(value: Any) -> Any:
    """``value`` with each float rounded to the 3 decimals the report shows (never
    ``0.12500000000000003``); scores and thresholds keep their one decimal."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _as_shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_shown(v) for v in value]
    return value


def _evaluation_json(result: Evaluation) -> dict[str, Any]:
    report, used = result.report, result.threshold
    doc: dict[str, Any] = _as_shown(
        {
            **report.metrics(),
            "threshold": used._asdict() if used else None,
            "tuned": result.tuned,
            "sweep": [row._asdict() for row in report.sweep],
            "wrong_answers": [vars(s) for s in report.wrong_answers],
            "withheld": [vars(s) for s in report.withheld],
        }
    )
    return doc


def _review_item_json(item: ReviewItem) -> dict[str, Any]:
    answered = item.answered._asdict() if item.answered else None
    return {
        "times": item.group.times,
        "questions": [p._asdict() for p in item.group.phrasings],
        "answered": answered,
        "closest": [
            {"id": m.entry.id, "question": m.entry.question, "score": m.score} for m in item.closest
        ],
        "choices": [
            {"id": c.entry_id, "score": c.score, "changes": [ch._asdict() for ch in c.changes]}
            for c in item.consequences
        ],
    }


def _explain_json(e: Explanation) -> dict[str, Any]:
    return {
        "id": e.entry.id,
        "score": e.score,
        "words": [w._asdict() for w in e.words],
        "unexplained": e.unexplained,
        "left_out": e.left_out._asdict() if e.left_out else None,
        "evidence": {
            p.name: {"value": p.value, "weight": p.weight, "part": p.part} for p in e.parts
        },
        "bias": e.bias,
        "shift": e.shift,
        "learned_from": e.learned_from,
        "log_odds": e.log_odds,
        "runner_up": (
            {"id": e.runner_up.entry.id, "score": e.runner_up.score} if e.runner_up else None
        ),
    }


class JsonRenderer:
    """``--json``: one JSON document per result on ``out``; a failed ``eval
    --fail-under`` is also said on ``err``, as in text."""

    def __init__(self, out: IO[str], err: IO[str] | None = None) -> None:
        self.out = out
        self.err = err or out

    def render(self, result: Result) -> None:
        if isinstance(result, _SESSION):
            self.err.write("".join(line + "\n" for line in _session_lines(result)))
            return
        indent = 2 if isinstance(result, _INDENTED) else None
        self.out.write(to_json(json_of(result), indent, ascii_only=not _utf8(self.out)) + "\n")
        if isinstance(result, Evaluation) and result.tuned is not None:
            self.err.write(_tuned_note(result.tuned) + "\n")
        if isinstance(result, Evaluation) and result.failed:
            self.err.write(_fail_note(result) + "\n")
        if isinstance(result, Where) and not result.exists:
            self.err.write(_where_warning(result) + "\n")
        if isinstance(result, Answer) and result.unlogged:
            self.err.write(_unlogged_warning(result.unlogged) + "\n")


# -- Text shared by the plain and the Rich renderer ------------------------------------


def _score(score: float) -> str:
    """A score for people: whole percent, rounded down, so that a score refused at a
    threshold never shows as the threshold (59.9 shows as 59, not as 60 while refused at
    60), and a chance short of certainty never as "100" (99.7 shows as 99)."""
    return str(math.floor(score))


def _word_line(w: WordCoverage) -> tuple[str, str, str]:
    """A query word, its weight and what explains it, in words (for --explain)."""
    weight = f"{w.weight:.2f}"
    if w.by is None or w.explained < 0.01:
        return w.word, weight, "nothing: in no entry of the FAQ" if not w.in_faq else "nothing"
    how = {
        "same": "",
        "stem": " (same stem)",
        "typo": " (typo)",
        "joined": " (joined with the next word)",
        "meaning": " (close in meaning)",
    }.get(w.how or "", "")
    share = f", explains {math.floor(100 * w.explained)}%" if w.explained < 1.0 else ""
    return w.word, weight, f"{w.by}{how}, in the {w.where}{share}"


def _explain_lines(answer: Answer) -> list[str]:
    """--explain as lines of text; both text renderers print them."""
    e = answer.explanation
    assert e is not None
    lines = [f"Why {safe(e.entry.id)} (score {_score(e.score)}):", ""]
    lines.append("Query words (how much each carries, and what in the entry explains it):")
    rows = [(safe(word), weight, safe(text)) for word, weight, text in map(_word_line, e.words)]
    width = max((len(word) for word, _, _ in rows), default=0)
    lines += [f"  {word.ljust(width)}  {weight}  {text}" for word, weight, text in rows]
    if e.against:
        words = ", ".join(f"{safe(w.word)} (weighs {w.weight:.2f})" for w in e.against)
        lines.append(f"Not explained, in no entry of the FAQ: {words}")
    if e.left_out:
        lines.append(
            f"Not asked about: {safe(e.left_out.word)} of the entry's question"
            f" (weighs {e.left_out.against:.2f})"
        )
    lines += ["", "Evidence (value x weight = part; score = 100 / (1 + e^-total)):"]
    width = max(len(p.label) for p in e.parts)
    for p in e.parts:
        lines.append(f"  {p.label.ljust(width)}  {p.value:5.2f} x {p.weight:5.2f} = {p.part:+5.2f}")
    lines.append(f"  {'bias'.ljust(width)}  {'':15}  {e.bias:+5.2f}")
    if e.shift:
        learned = f"this FAQ, from {e.learned_from} of its questions"
        lines.append(f"  {learned.ljust(width)}  {'':15}  {e.shift:+5.2f}")
    lines.append(
        f"  {'total'.ljust(width)}  {'':15}  {e.log_odds:+5.2f}  -> score {_score(e.score)}"
    )  # within 80 columns, as every line of --explain
    if e.runner_up:
        r = e.runner_up
        behind = math.floor(e.score) - math.floor(r.score)  # as _score shows the two
        lines += ["", f"Next: {safe(r.entry.id)}, score {_score(r.score)} ({behind} behind)"]
    used = Threshold(answer.threshold, answer.threshold_source).described()
    verdict = "answered" if answer.confident else "not answered"
    lines.append(f"Threshold: {used}: {verdict}")
    return lines


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


def _trust_lists(result: Evaluation) -> list[tuple[str, list[Scored]]]:
    """Where trust breaks: the answers given that are wrong, the in-scope questions
    not answered; each list shown when it is not empty."""
    lists = [
        ("Answered wrongly, most confident first", result.wrong_shown),
        ("In scope, not answered (right answers scored lowest first)", result.withheld_shown),
    ]
    return [(title, shown) for title, shown in lists if shown]


def _sweep_rows(report: Report) -> list[tuple[str, ...]]:
    rows = []
    for row in report.sweep:
        precision = "-" if row.answer_precision is None else f"{row.answer_precision:.3f}"
        shares = (row.answered_correct, row.answered_wrong, row.oos_answered)
        rows.append((f"{row.threshold:g}", *(f"{x:.3f}" for x in shares), precision))
    return rows


def _review_lines(report: ReviewReport) -> list[str]:
    """``faq review``'s items as lines of text (the interactive review shows one)."""
    if not report.items:
        return [f"Nothing to review for {safe(str(report.faq))}: no questions are logged. "
                "faq logs them only when asked to: FAQ_LOG_MISSES=1 (the questions it does "
                "not answer), FAQ_LOG_ANSWERS=1 (all of them)."]  # fmt: skip
    lines: list[str] = [""] if report.step and report.step[0] > 1 else []
    for number, item in enumerate(report.items, start=1):
        if lines and report.step is None:
            lines.append("")
        head = f"{number}." if report.step is None else f"[{report.step[0]}/{report.step[1]}]"
        lines += _review_item_lines(head, item, report.threshold)
    return lines


def _review_item_lines(head: str, item: ReviewItem, threshold: float) -> list[str]:
    first, *others = item.group.phrasings
    if item.answered:
        a = item.answered
        status = (f"answered by {safe(a.answer)} (score {_score(a.score)}, "
                  f"{_score(a.margin)} ahead of the next)")  # fmt: skip
    else:
        status = "not answered"
    lines = [f"{head} {one_line(first.question)}  ({item.group.times}x; {status})"]
    if others:
        also = "; ".join(f"{one_line(p.question)} ({p.times}x)" for p in others)
        lines.append(f"    also asked as: {also}")
    for n, (m, c) in enumerate(zip(item.closest, item.consequences, strict=True), start=1):
        lines.append(f"  {n} {safe(m.entry.id)} (score {_score(m.score)}) "
                     f"{one_line(m.entry.question)}")  # fmt: skip
        verdict = "answered" if c.score >= threshold else "still not answered"
        effect = f"as its alternate: score {_score(c.score)}, {verdict}"
        if c.changes:
            moved = ", ".join(
                f"{one_line(ch.question)!r} {safe(ch.before or 'unanswered')} -> "
                f"{safe(ch.after or 'unanswered')}"
                for ch in c.changes[:3]
            )
            more = f" and {len(c.changes) - 3} more" if len(c.changes) > 3 else ""
            effect += (
                f"; changes the answer of {_count(len(c.changes), 'other question')}: {moved}{more}"
            )
        else:
            effect += "; changes no other logged question"
        lines.append(f"      {effect}")
    return lines


def _reviewed_note(result: Reviewed) -> str:
    words = ", ".join(repr(one_line(w)) for w in result.wordings)
    entry = safe(result.entry_id or "")
    done = {
        Decision.ALTERNATE: f"added {words} to {entry} as "
        + ("an alternate" if len(result.wordings) == 1 else "alternates"),
        Decision.NEW: f"added the entry {entry} asking {words}",
        Decision.OFF_TOPIC: f"kept {words} as off-topic for this FAQ",
        Decision.WRONG: f"kept {words} as not answered by {entry}",
        Decision.DISMISSED: f"dismissed {words}",
    }[result.decision]
    return f"{done} ({_count(result.unlogged, 'logged question')} taken off the log)"


def _language_note(result: Imported) -> str:
    code = result.language
    if result.language_set:
        return f'faq: the entries are in language {code!r}: the FAQ is read in it ("language")'
    better = f'a FAQ in it is read better with "language": "{code}" at its top level'
    return f"faq: the entries look like language {code!r}; {better} (faq init --language {code})"


def _tuned_note(value: float) -> str:
    return (f"faq: the FAQ's threshold is now {value:g} (\"threshold\" in the FAQ file; "
            "--threshold still overrides it)")  # fmt: skip


def _fail_note(result: Evaluation) -> str:
    shown = [
        f"{name} {'-' if value is None else f'{value:.3f}'} is below --fail-under {name}={least:g}"
        for name, value, least in result.below
    ]
    return "faq: " + "; ".join(shown)


def _where_warning(result: Where) -> str:
    """``faq where`` on a FAQ file that is not there: every other command would fail."""
    path, init = safe(str(result.path)), safe(shlex.quote(str(result.path)))
    named = f"{path}, named by the {result.reason}, does not exist"
    return f"faq: warning: {named} (faq init {init} creates it)"


_SESSION = (SessionHelp, SessionSettings, SessionProblem)


def _session_lines(result: SessionHelp | SessionSettings | SessionProblem) -> list[str]:
    """What the interactive session says, as lines for stderr (stdout holds only
    answers, in every renderer)."""
    match result:
        case SessionSettings():
            return [f"top {result.top}, explain {'on' if result.why else 'off'}"]
        case SessionProblem():
            return [f"faq: {safe(result.message)}"]
        case SessionHelp(greeting=True):
            return [
                f"faq: {_count(result.entries, 'question')} from {safe(str(result.faq))}.",
                "Type a question and press Enter; :help lists the commands, Ctrl-D leaves.",
            ]
    width = max(len(usage) for usage, _ in result.commands)
    lines = ["Type a question and press Enter to see its answer. Commands:"]
    lines += [f"  {usage.ljust(width)}  {what}" for usage, what in result.commands]
    lines += ["Now: " + _session_lines(result.settings)[0] + "."]
    if result.history is not None:
        lines.append(f"Up and Down recall earlier questions, kept in {safe(str(result.history))}.")
    return lines


def _unlogged_warning(problem: str) -> str:
    return f"faq: warning: the question was not logged: {safe(problem)}"


def one_line(text: str) -> str:
    """``text`` safe, and on one line: each run of white space (line breaks too) a space."""
    return safe(" ".join(text.split()))


def _when(asked: str) -> str:
    """A logged time for people: ``2025-05-01T10:22:03Z`` -> ``2025-05-01 10:22 UTC``."""
    if len(asked) == 20 and asked[10] == "T" and asked.endswith("Z"):
        return f"{asked[:10]} {asked[11:16]} UTC"
    return safe(asked)


def _miss_lines(group: MissGroup) -> Iterator[tuple[str, str]]:
    """A group of logged questions as (label, text) lines, for both text renderers."""
    first, *others = group.phrasings
    yield f"{group.times}x", one_line(first.question)
    if others:
        also = "; ".join(f"{one_line(p.question)} ({p.times}x)" for p in others)
        yield "also asked as", also
    yield "last asked", _when(group.last_asked)
    if group.answered:
        best = group.closest[0]
        yield "now answered by", f"{safe(best.entry.id)} (score {_score(best.score)})"


def _misses_heading(result: MissReport) -> str:
    faq = safe(str(result.faq))
    if not result.groups:
        return (
            f"No unanswered questions are logged for {faq}. faq logs them only when asked "
            "to: faq ask --log-misses, or FAQ_LOG_MISSES=1 in the environment."
        )
    asked = _count(result.questions, "unanswered question")
    return f"{asked} logged for {faq}, in {_count(len(result.groups), 'group')}:"


def _count(n: int, thing: str) -> str:
    """``1 group``, ``2 groups``; ``1 entry``, ``2 entries``."""
    if n == 1:
        return f"{n} {thing}"
    return f"{n} {thing[:-1]}ies" if thing.endswith("y") else f"{n} {thing}s"


def _status(result: Changed | Imported | Indexed | MissesCleared) -> str:
    """The one-line report of a command that changed something."""
    match result:
        case Changed(action=Change.UNCHANGED):
            return f"no changes to {safe(result.entry_id or '')}"
        case Changed(action=Change.CREATED, entries=0):
            return f"created {safe(str(result.path))}, with no entries: faq add adds one"
        case Changed(action=Change.CREATED):
            sample = f"the {result.entries} sample entries of the bundled FAQ"
            empty = "to start empty instead: faq init --empty --force (replaces them)"
            return f"created {safe(str(result.path))} with {sample}\n{empty}, then faq add"
        case Changed(action=Change.KEPT):
            return f"kept {safe(result.entry_id or '')}: nothing removed"
        case Changed():
            return f"{result.action.value} {safe(result.entry_id or '')}"
        case Imported(update=False):
            verb = "would add" if result.dry_run else "added"
            added, skipped = (
                _count(len(result.added), "entry"),
                _count(len(result.skipped), "duplicate"),
            )
            return f"{verb} {added}, skipped {skipped}"
        case Imported():
            add, update = ("would add", "would update") if result.dry_run else ("added", "updated")
            done = f"{add} {_count(len(result.added), 'entry')}, {update} {len(result.updated)}"
            if result.prune:
                done += f", {'would remove' if result.dry_run else 'removed'} {len(result.removed)}"
            return f"{done}, unchanged {len(result.unchanged)}, skipped {len(result.skipped)}"
        case Indexed(path=None):
            return f"{_count(result.entries, 'entry')}: {result.reason}"
        case MissesCleared():
            cleared = _count(result.questions, "logged question")
            return f"cleared {cleared} ({safe(str(result.log))})"
        case Indexed():
            took = f"indexed {_count(result.entries, 'entry')} in {result.seconds:.1f} s"
            return f"{took}: {safe(str(result.path))} ({result.size / 1_000_000:.1f} MB)"


class PlainRenderer:
    """Plain text for pipes and files: no colour, no box drawing, stable lines.
    Reports of changes go to ``err``, except the id ``faq add`` prints for scripts."""

    def __init__(self, out: IO[str], err: IO[str] | None = None) -> None:
        self.out = out
        self.err = err or out
        self._answers = 0

    def _line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def render(self, result: Result) -> None:
        match result:
            case Answer():
                self.answer(result)
            case EntryList():
                self.entries(result)
            case EntryShown():
                self.entry(result.entry)
            case CheckReport():
                self.check(result)
            case Evaluation():
                self.evaluation(result)
            case Where():
                self._line(f"{safe(str(result.path))}\t{result.reason}")
                if result.threshold:
                    self._line(f"threshold\t{result.threshold.described()}")
                if not result.exists:
                    self.err.write(_where_warning(result) + "\n")
            case Exported():
                self.exported(result)
            case Changed(action=Change.ADDED):
                self._line(safe(result.entry_id or ""))  # the new id, for scripts
            case Imported():
                for line in result.skipped:
                    self.err.write(safe(line) + "\n")
                for line in result.diff:
                    self._line(safe(line))
                self._line(_status(result))
                if result.language:
                    self.err.write(_language_note(result) + "\n")
            case Indexed():
                self._line(_status(result))
            case Changed() | MissesCleared():
                self.err.write(_status(result) + "\n")
            case MissReport():
                self.misses(result)
            case ReviewReport():
                for line in _review_lines(result):
                    self._line(line)
            case Reviewed():
                self.err.write(_reviewed_note(result) + "\n")
            case SessionHelp() | SessionSettings() | SessionProblem():
                self.err.write("".join(line + "\n" for line in _session_lines(result)))

    def answer(self, answer: Answer) -> None:
        if answer.heading:
            if self._answers:
                self._line()
            self._line(f"> {one_line(answer.query)}")
        self._answers += 1
        if answer.tied:
            self._line("Two answers fit about equally well:")
        for i, m in enumerate(answer.shown):
            if i:
                self._line()
            self._line(f"{one_line(m.entry.question)} [{safe(m.entry.id)}, {_scored(answer, m)}]")
            self._line(safe(m.entry.answer).strip("\n"))
        if not answer.confident:
            self._line(f"No confident answer for: {one_line(answer.query)}")
            if answer.empty_faq:
                self.err.write(EMPTY_FAQ + "\n")
            if answer.suggestions:
                self._line("Did you mean:")
                for m in answer.suggestions:
                    suggested = f"  {safe(m.entry.id)}\t{one_line(m.entry.question)}"
                    self._line(f"{suggested} (score {_score(m.score)})")
        if answer.explanation:
            self._line()
            for line in _explain_lines(answer):
                self._line(line)
        self._unlogged(answer)

    def _unlogged(self, answer: Answer) -> None:
        if answer.unlogged:
            self.err.write(_unlogged_warning(answer.unlogged) + "\n")

    def misses(self, result: MissReport) -> None:
        self._line(_misses_heading(result))
        for group in result.groups:
            self._line()
            lines = list(_miss_lines(group))
            self._line(f"{lines[0][0]}  {lines[0][1]}")
            for label, text in lines[1:]:
                self._line(f"    {label}: {text}")
            for i, m in enumerate(() if group.answered else group.closest):
                label = "closest:" if i == 0 else " " * len("closest:")
                self._line(f"    {label} {safe(m.entry.id)} (score {_score(m.score)}) "
                           f"{one_line(m.entry.question)}")  # fmt: skip
            if group.command:
                self._line(f"    cover it: {safe(group.command)}")

    def entries(self, result: EntryList) -> None:
        listed = 0
        for n, e in enumerate(result.entries):
            where = f"\t{result.matched[n]}" if result.matched else ""  # --grep: where
            self._line(f"{safe(e.id)}\t{one_line(e.question)}{where}")
            listed += 1
        self._none_matched(result, listed)

    def _none_matched(self, result: EntryList, listed: int) -> None:
        """Say on stderr that --tag or --grep matched nothing, or that the FAQ has no
        entry yet and how to add one (stdout stays empty)."""
        if listed:
            return
        if not result.filtered:
            self.err.write(EMPTY_FAQ + "\n")
            return
        wanted = [f"tag {safe(t)!r}" for t in result.tags]
        if result.grep is not None:
            wanted.append(f"text {safe(result.grep)!r}")
        self.err.write(f"faq: no entry matches {' and '.join(wanted)}\n")

    def entry(self, entry: Entry) -> None:
        self._line(f"{one_line(entry.question)} [{safe(entry.id)}]")
        self._line()
        self._line(safe(entry.answer).strip("\n"))
        if entry.alternates:
            self._line()
            self._line("Also asked as: " + "; ".join(safe(a) for a in entry.alternates))
        if entry.tags:
            self._line("Tags: " + ", ".join(safe(t) for t in entry.tags))

    def check(self, report: CheckReport) -> None:
        for f in report.findings:
            self._line(f"{f.kind}\t{safe(f.id or '-')}\t{safe(f.message)}")
        if not report.findings:
            self._line(f"{safe(str(report.path))}: no findings")

    def evaluation(self, result: Evaluation) -> None:
        report = result.report
        for key, value in _report_rows(report):
            self._line(f"{key}\t{value}")
        if result.threshold:
            self._line(f"threshold\t{result.threshold.described()}")
        if report.misses:
            self._line()
            self._line("Worst misses (query, expected, got, rank of expected):")
            for miss in result.worst:
                rank = str(miss.rank) if miss.rank else ">10"
                got = safe(miss.got) if miss.got else None
                self._line(f"  {one_line(miss.query)}\t{safe(miss.expected)}\t{got}\t{rank}")
        for title, shown in _trust_lists(result):
            self._line()
            self._line(f"{title} (query, expected, got, score):")
            for s in shown:
                expected, got = safe(s.expected or "-"), safe(s.got or "-")
                self._line(f"  {one_line(s.query)}\t{expected}\t{got}\t{_score(s.score)}")
        self._line()
        self._line("Thresholds (threshold, answered correct, answered wrong, "
                   "out of scope answered, answer precision):")  # fmt: skip
        for row in _sweep_rows(report):
            self._line("  " + "\t".join(row))
        self._tuned(result)
        self._fail_note(result)

    def _tuned(self, result: Evaluation) -> None:
        if result.tuned is not None:
            self.err.write(_tuned_note(result.tuned) + "\n")

    def _fail_note(self, result: Evaluation) -> None:
        if result.failed:
            self.err.write(_fail_note(result) + "\n")

    def exported(self, result: Exported) -> None:
        write_exact(self.out, result.text)  # for a file or a pipe


# Scores on a terminal: green when faq answers, yellow when near the threshold, dim
# below. Colour is emphasis only: the number is always printed, so under NO_COLOR (which
# Rich honours) nothing is lost.
SCORE_STYLES = {Strength.CONFIDENT: "green", Strength.NEAR: "yellow", Strength.WEAK: "dim"}


def _markdown(text: str) -> RenderableType:
    """An answer drawn as Markdown with nothing of it hidden: HTML is shown as the text
    it is (Rich draws no HTML: ``<div>Phone: 555</div>`` would vanish), and a link as
    its text and its address (a terminal without hyperlinks would lose the address)."""
    from markdown_it import MarkdownIt
    from rich.markdown import Markdown

    drawn = Markdown(text, hyperlinks=False)
    parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")
    drawn.parsed = parser.parse(text)  # Rich's own parser, but with HTML read as text
    for block in drawn.parsed:
        if block.children:
            block.children = list(_addresses_shown(block.children))
    _decoded_safe(drawn.parsed)
    return drawn


def _decoded_safe(tokens: list[Token]) -> None:
    """Make the text of parsed Markdown safe (:func:`safe`) as the parser decoded it: an
    entity (``&#x202e;``, ``&rlm;``) is a character only once parsed, so the answer
    made safe before parsing could still hold a bidi control."""
    for token in tokens:
        token.content = safe(token.content)
        if token.attrs:
            token.attrs = {k: safe(v) if isinstance(v, str) else v for k, v in token.attrs.items()}
        if token.children:
            _decoded_safe(token.children)


def _addresses_shown(tokens: list[Token]) -> Iterator[Token]:
    """Inline Markdown tokens with every address in plain sight: an image as its
    description and address (Rich would draw an icon), an autolink as its address
    once (Rich would add it again in brackets)."""
    from markdown_it.token import Token

    for token in tokens:
        if token.type == "image":
            text = f"{token.content or 'image'} ({token.attrs.get('src', '')})"
            yield Token("text", "", 0, content=text)
        elif token.type in ("link_open", "link_close") and token.markup == "autolink":
            continue  # its text is its address
        else:
            yield token


def _pager_command() -> str:
    import os

    return os.environ.get("PAGER", "").strip() or "less"


def _pager_keeps_colour() -> bool:
    """Whether the pager shows colour rather than escape sequences as text: less, with
    -R (``page`` gives it ``LESS=R`` when LESS is not set) or -r."""
    import os
    import shlex

    try:
        words = shlex.split(_pager_command())
    except ValueError:
        return False
    if not words or os.path.basename(words[0]) != "less":
        return False
    flags = " ".join(w for w in words[1:] if w.startswith("-")) + os.environ.get("LESS", "R")
    return "R" in flags or "r" in flags.replace("--", "")


def _shell_pager(out: IO[str], err: IO[str]) -> Pager:
    """A Rich pager that runs :func:`page`."""
    from rich.pager import Pager

    class ShellPager(Pager):
        def show(self, content: str) -> None:
            page(content, out, err)

    return ShellPager()


def page(content: str, out: IO[str], err: IO[str]) -> None:
    """Show ``content`` through ``$PAGER`` (else ``less``), run by the shell as git and
    man run it. A pager that cannot be run, or fails, is said on ``err`` and the content
    printed to ``out`` instead: a listing is never lost to a broken $PAGER. Rich's own
    pager (pydoc's) dropped it, and preferred $MANPAGER, which is man's."""
    import contextlib
    import os
    import subprocess

    if not os.environ.get("PAGER", "").strip() and os.environ.get("TERM") in ("dumb", "emacs"):
        out.write(content)  # no less there; a $PAGER set is the user's choice, used
        return
    command = _pager_command()
    encoding = getattr(out, "encoding", None) or "utf-8"
    env = {"LESS": "R", **os.environ}  # less shows colour, as git has it (LESS=FRX)
    try:
        proc = subprocess.Popen(
            command, shell=True, stdin=subprocess.PIPE, encoding=encoding, errors="replace",
            env=env,
        )  # fmt: skip
    except OSError:
        code = 127
    else:
        assert proc.stdin is not None
        # Quit early (BrokenPipeError) or Ctrl-C while the pager still reads (the whole
        # process group gets it; less takes it for itself): wait for the pager all the
        # same, or the shell's prompt would come back under a pager holding the terminal.
        with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
            proc.stdin.write(content)
        with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
            proc.stdin.close()
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:
                continue
    # Not run (126, 127) or failed: the table here. Killed by a signal (negative, or
    # 128 + n through the shell): the user stopped it.
    if 0 < code < 128:
        err.write(f"faq: warning: the pager {safe(command)!r} failed (exit {code}); listed here\n")
        out.write(content)


# Columns of an answer's panel at most: lines of text longer than about 100 columns
# are hard to read, however wide the terminal.
PANEL_MAX = 100


class RichRenderer(PlainRenderer):
    """Panels, tables and Markdown answers for a terminal; the rest as plain lines."""

    def __init__(
        self, console: Console, err: IO[str] | None = None, pager: Pager | None = None
    ) -> None:
        super().__init__(console.file, err)
        self.console = console
        self.pager = pager  # None: $PAGER, else less (see page())

    def _line(self, text: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text), soft_wrap=True)

    def _panel(self, entry: Entry, subtitle: str, style: str = "dim") -> RenderableType:
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        body = Group(
            Text(safe(entry.question), style="bold"),
            Text(""),
            _markdown(safe(entry.answer)),
        )
        return Panel(
            body,
            width=min(self.console.width, PANEL_MAX),
            title=Text(safe(entry.id), style="cyan"),
            title_align="left",
            subtitle=Text(subtitle, style=style),
            subtitle_align="right",
            border_style="blue",
        )

    def answer(self, answer: Answer) -> None:
        from rich.text import Text

        if answer.heading:
            if self._answers:
                self._line()
            self.console.print(Text.assemble(("> ", "dim"), (one_line(answer.query), "bold")))
        self._answers += 1
        if answer.tied:
            self.console.print(Text("Two answers fit about equally well:", style="yellow"))
        for m in answer.shown:
            style = SCORE_STYLES[answer.strength(m)]
            self.console.print(self._panel(m.entry, _scored(answer, m), style))
        if not answer.confident:
            self.console.print(
                Text.assemble("No confident answer for: ", (one_line(answer.query), "bold"))
            )
            if answer.empty_faq:
                self.err.write(EMPTY_FAQ + "\n")
            if answer.suggestions:
                self._suggestions(answer)
        if answer.explanation:
            self._line()
            for line in _explain_lines(answer):
                self._line(line)
        self._unlogged(answer)

    def _suggestions(self, answer: Answer) -> None:
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        # An id is typed back: never cut; the question wraps instead, and where the line
        # leaves it less than 24 columns, goes below its id and score.
        ids = self._id_width(m.entry.id for m in answer.suggestions)
        stacked = self.console.width - 2 - ids - 4 - len("score 100") < 24
        grid = Table.grid(padding=(0, 2))
        grid.add_column(min_width=ids, overflow="fold")
        grid.add_column()
        grid.add_column(no_wrap=True)
        self.console.print("Did you mean:")
        for m in answer.suggestions:
            entry_id = Text(safe(m.entry.id), style="cyan")
            score = Text(f"score {_score(m.score)}", style=SCORE_STYLES[answer.strength(m)])
            question = Text(safe(m.entry.question))
            if stacked:
                self.console.print(Padding(Text.assemble(entry_id, "  ", score), (0, 0, 0, 2)))
                self.console.print(Padding(question, (0, 0, 0, 4)))
            else:
                grid.add_row(entry_id, question, score)
        if not stacked:
            self.console.print(Padding(grid, (0, 0, 0, 2)))

    def entries(self, result: EntryList) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(safe(result.title)) if result.title else None)
        rows = [
            (safe(e.id), safe(e.question), ", ".join(map(safe, e.tags))) for e in result.entries
        ]
        # An id is typed back: shown whole on one line, the questions wrapping instead;
        # only an id too long for the screen is folded (never cut). No tags, no column;
        # the tags, then where --grep matched, are left out before an id would fold.
        tagged = any(tags for _, _, tags in rows)
        matched = bool(result.matched)
        longest = self._id_width(entry_id for entry_id, _, _ in rows)

        def room(extras: int) -> int:  # for the id, beside the question and the extras
            return self._id_width([], 1 + extras)

        if tagged and matched and room(2) < longest:
            tagged = False
        if (tagged or matched) and room(1) < longest:
            tagged = matched = False
        fits = min(longest, room(tagged + matched))
        # A fixed width: Rich narrows the other columns to fit the line, never this one
        # (a minimum width it would keep by cropping the last column instead).
        table.add_column("id", style="cyan", overflow="fold", width=fits)
        table.add_column("question", overflow="fold")
        if tagged:
            table.add_column("tags", style="dim")
        if matched:
            table.add_column("matched in", style="dim")
        for n, (entry_id, question, tags) in enumerate(rows):
            cells = [Text(entry_id), Text(question)] + ([Text(tags)] if tagged else [])
            table.add_row(*cells, *([Text(result.matched[n])] if matched else []))
        if rows:  # read once: the entries may be streamed
            self._paged(table)
        self._none_matched(result, len(rows))

    def _id_width(self, ids: Iterable[str], others: int = 1) -> int:
        """The width of an id column beside ``others`` columns: the longest id, unless
        that leaves each of the others less than 12 columns, frames and padding aside
        (an id of 60 characters at 40 columns folds)."""
        from rich.cells import cell_len

        longest = max((cell_len(entry_id) for entry_id in ids), default=1 << 30)
        room = self.console.width - 4 - 3 * others - 12 * others
        return max(2, min(longest, room))

    def _paged(self, renderable: RenderableType) -> None:
        """Print ``renderable``, through the pager when it is taller than the terminal.
        It is drawn once, then printed or paged (without colour: less shows escape
        sequences as text unless told -R)."""
        from rich.segment import Segments

        lines = self.console.render_lines(renderable, pad=False, new_lines=True)
        drawn = Segments(segment for line in lines for segment in line)
        if len(lines) < self.console.size.height:
            self.console.print(drawn)
            return
        colour = self.pager is None and _pager_keeps_colour()
        with self.console.pager(self.pager or _shell_pager(self.out, self.err), styles=colour):
            self.console.print(drawn)

    def entry(self, entry: Entry) -> None:
        from rich.text import Text

        self.console.print(self._panel(entry, ""))
        if entry.alternates:
            note = "also asked as: " + "; ".join(entry.alternates)
            self.console.print(Text(safe(note), style="dim"))
        if entry.tags:
            self.console.print(Text(safe("tags: " + ", ".join(entry.tags)), style="dim"))

    def check(self, report: CheckReport) -> None:
        from rich.table import Table
        from rich.text import Text

        if not report.findings:
            self._line(f"{safe(str(report.path))}: no findings")
            return
        table = Table(title=Text(f"faq check: {safe(str(report.path))}"))
        for column in ("kind", "id", "finding"):
            table.add_column(column)
        for f in report.findings:
            table.add_row(f.kind, Text(safe(f.id or "-"), style="cyan"), Text(safe(f.message)))
        self.console.print(table)

    def evaluation(self, result: Evaluation) -> None:
        from rich.table import Table
        from rich.text import Text

        report = result.report
        table = Table(title=Text(f"faq eval: {safe(result.name)}"))
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in _report_rows(report):
            table.add_row(key, value)
        self.console.print(table)
        if report.misses:
            misses = Table(title="Worst misses")
            for column in ("query", "expected", "got", "rank"):
                misses.add_column(column)
            for miss in result.worst:
                misses.add_row(
                    Text(safe(miss.query)),
                    Text(safe(miss.expected)),
                    Text(safe(miss.got or "-")),
                    str(miss.rank) if miss.rank else ">10",
                )
            self.console.print(misses)
        for title, shown in _trust_lists(result):
            listed = Table(title=title)
            for column in ("query", "expected", "got", "score"):
                listed.add_column(column, justify="right" if column == "score" else "left")
            for s in shown:
                listed.add_row(Text(safe(s.query)), Text(safe(s.expected or "-")),
                               Text(safe(s.got or "-")), _score(s.score))  # fmt: skip
            self.console.print(listed)
        sweep = Table(title="Thresholds")
        for column in ("threshold", "answered correct", "answered wrong", "out of scope answered",
                       "answer precision"):  # fmt: skip
            sweep.add_column(column, justify="right")
        for row in _sweep_rows(report):
            sweep.add_row(*row)
        self.console.print(sweep)
        if result.threshold:
            self.console.print(Text(f"Answered at or above {result.threshold.described()}."))
        self._tuned(result)
        self._fail_note(result)

    def exported(self, result: Exported) -> None:
        self.out.write(safe(result.text))  # on a terminal, to be read: no control sequences

    def misses(self, result: MissReport) -> None:
        from rich.text import Text

        self.console.print(Text(_misses_heading(result)))
        for group in result.groups:
            self.console.print()
            (times, question), *rest = _miss_lines(group)
            self.console.print(Text.assemble((times, "bold"), "  ", (question, "bold")))
            for label, text in rest:
                self.console.print(Text.assemble("    ", (f"{label}: ", "dim"), text))
            for i, m in enumerate(() if group.answered else group.closest):
                label = "closest: " if i == 0 else " " * len("closest: ")
                score = Text(f"score {_score(m.score)}", style=SCORE_STYLES[group.strength(m)])
                line = Text.assemble("    ", (label, "dim"), (safe(m.entry.id), "cyan"), " (")
                line.append_text(score)
                line.append(f") {safe(m.entry.question)}")
                self.console.print(line)
            if group.command:
                cover = Text.assemble("    ", ("cover it: ", "dim"), (safe(group.command), "bold"))
                self.console.print(cover, soft_wrap=True)  # unbroken, to copy and paste


class BuildProgress:
    """A progress bar for building a large index: ``faqcli.index`` asks it for a
    ``BuildReport`` with the number of entries, reports how many are analysed, then that
    the index is being written (a bar with no end: that part cannot count), then that
    the build is over."""

    def __init__(self, console: Console, label: str = "Indexing the FAQ") -> None:
        self.console = console
        self.label = label

    def __call__(self, total: int) -> _BuildBar:
        return _BuildBar(self.console, total, self.label)


class _BuildBar:
    def __init__(self, console: Console, total: int, label: str) -> None:
        from rich.progress import Progress

        self.bar = Progress(console=console, transient=True)
        self.task = self.bar.add_task(label, total=total)
        self.bar.start()

    def analysed(self, done: int) -> None:
        self.bar.update(self.task, completed=done)

    def writing(self) -> None:
        self.bar.update(self.task, visible=False)
        self.bar.add_task("Writing the index", total=None)  # no total: a pulsing bar

    def finished(self) -> None:
        self.bar.stop()
