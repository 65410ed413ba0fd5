"""Convert FAQ entries to and from other formats: the seed's plain text, CSV, Markdown
and FAQ JSON (``faq import`` and ``faq export``). Pure: text in, text out.

JSON and CSV round-trip what faq exports exactly: ``parse(render(entries))`` gives
back the same entries. Seed text and Markdown are text for people, line by line: a
question is one line (its line breaks are exported as spaces), line ends are read as
``\n`` (a ``\r\n`` in an answer comes back as ``\n``), Markdown drops an answer's
blank lines at its start and end, and seed text holds no ids, tags or alternates. Lines
that would read as a separator (``-`` in seed text, a heading in Markdown) are escaped
with a backslash, and unescaped on import.

Each entry read comes as a :class:`Raw`: its fields, its line, and which of ``tags``
and ``alternates`` its file could hold: ``import --update`` keeps an entry's own where
the file could not say (seed text, Markdown without faq's comment, CSV without the
column).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from typing import Any, NamedTuple

from faqcli import store
from faqcli.engine.text import normalise
from faqcli.errors import FaqDataError
from faqcli.model import Entry, id_key

LISTS = ("tags", "alternates")  # the fields of an entry that hold lists


class Raw(NamedTuple):
    """An entry read from a file to import, before it is checked."""

    fields: dict[str, Any]  # question, answer, and id, tags, alternates or others if given
    line: int | None = None  # where it starts in its file, when the format has lines
    carries: tuple[str, ...] = LISTS  # which of LISTS the file could hold for it


class Format(str, Enum):
    AUTO = "auto"
    SEED = "seed"
    CSV = "csv"
    MD = "md"
    JSON = "json"


def detect(name: str, text: str) -> Format:
    """The format of a file to import, from its name, else from its first line."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    by_suffix = {"json": Format.JSON, "csv": Format.CSV, "md": Format.MD, "markdown": Format.MD}
    if suffix in by_suffix:
        return by_suffix[suffix]
    first = text.lstrip("\ufeff").lstrip().split("\n", 1)[0].strip()
    if first.startswith(("{", "[")):
        return Format.JSON
    if first == "-":
        return Format.SEED
    if first.startswith("#"):
        return Format.MD
    if re.match(r'"?question"?\s*[,;\t]', first, re.IGNORECASE):
        return Format.CSV
    if re.match(r"(\*\*)?(q|question)\s*[:.]", first, re.IGNORECASE) or first.startswith("**"):
        return Format.MD  # Q:/A: lines, or bold questions
    # Empty input is not taken for no entries: from a pipe, it is more often a failed
    # fetch (curl -s URL | faq import -); an empty seed or Markdown file, named as one,
    # imports as none.
    why = "it is empty" if not text.strip() else "cannot tell its format"
    raise FaqDataError(f"{name}: {why}; pass --format seed, csv, md or json")


class Reading(NamedTuple):
    """How to read a file to import, beyond its format (``faq import`` options)."""

    columns: tuple[tuple[str, str], ...] = ()  # CSV: (field, column), --map field=column
    delimiter: str | None = None  # CSV: None, sniffed from the header
    heading_level: int | None = None  # Markdown: None, chosen from the headings


MAPPED = ("question", "answer", "id", "tags", "alternates")  # the fields --map names
_JOINED = ("answer", "tags", "alternates")  # fields that several columns may make up

# What each format's entries look like, for an import that finds none.
_LOOKED_FOR = {
    Format.SEED: "blocks of a line with only '-', the question, then the answer",
    Format.MD: "question headings ('## Question', or the level of --heading-level), "
    "'Q:'/'A:' lines, or bold questions ('**Is there parking?**') with the answer below",
}


def parse(text: str, fmt: Format, name: str, reading: Reading | None = None) -> list[Raw]:
    """The entries of ``text``, unchecked (:func:`merge` checks them). A text in which
    none is found is an error naming what was looked for: an import that adds nothing
    because its format was not recognised must not look like one that had nothing new."""
    reading = reading or Reading()
    text = text.lstrip("\ufeff")
    if fmt is Format.AUTO:
        fmt = Format.CSV if reading.columns or reading.delimiter else detect(name, text)
    if fmt is not Format.CSV:  # CSV reads both line ends itself, and keeps a quoted \r\n
        text = text.replace("\r\n", "\n")
    if fmt is Format.CSV:
        found = _parse_csv(text, name, reading)
    elif fmt is Format.MD:
        found = _parse_md(text, name, reading.heading_level)
    else:
        found = {Format.SEED: _parse_seed, Format.JSON: _parse_json}[fmt](text, name)
    if not found and text.strip() and fmt in (Format.MD, Format.SEED):
        # Text, yet not one entry: its shape was not recognised (CSV and JSON say so
        # themselves; an empty file, or a header with no rows, holds no entry to miss).
        raise FaqDataError(f"{name}: no entries found; looked for {_LOOKED_FOR[fmt]}")
    return found


def render(entries: Sequence[Entry], fmt: Format, title: str | None = None) -> str:
    if fmt is Format.JSON:
        titled: dict[str, Any] = {"title": title} if title is not None else {}  # no null
        doc = {**titled, "entries": [e.to_dict() for e in entries]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt is Format.CSV:
        return _render_csv(entries)
    if fmt is Format.MD:
        return _render_md(entries, title)
    if fmt is Format.SEED:
        return _render_seed(entries)
    raise ValueError(fmt)


def _one_line(text: str) -> str:
    return " ".join(text.replace("\r\n", "\n").split("\n"))


def _escape(line: str, pattern: re.Pattern[str]) -> str:
    return "\\" + line if pattern.match(line) else line


def _unescape(line: str, pattern: re.Pattern[str]) -> str:
    return line[1:] if pattern.match(line) else line


# Lines that are a block separator once any leading backslashes are removed (and, on
# export, once a \r\n is read as \n).
_SEED_LINE = re.compile(r"^\\*-\r?$")
_SEED_ESCAPED = re.compile(r"^\\+-$")
_MD_LINE = re.compile(r"^\\*#")
_MD_ESCAPED = re.compile(r"^\\+#")
_MD_META = re.compile(r"^<!-- faq: (.*) -->$")
_MD_META_START = "<!-- faq:"  # a line under a heading that starts so is faq's comment


def _render_seed(entries: Sequence[Entry]) -> str:
    out = []
    for e in entries:
        answer = "\n".join(_escape(line, _SEED_LINE) for line in e.answer.split("\n"))
        question = _escape(_one_line(e.question), _SEED_LINE)
        out.append(f"-\n{question}\n{answer}\n")
    return "".join(out)


def _parse_seed(text: str, name: str) -> list[Raw]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    blocks: list[tuple[int, list[str]]] = []  # each "-" line's number, and the lines after
    for number, line in enumerate(lines, start=1):
        if line == "-":
            blocks.append((number, []))
        elif not blocks:
            if line.strip():
                raise FaqDataError(f"{name}:{number}: expected a line with only '-' first")
        else:
            blocks[-1][1].append(line)
    out = []
    for number, block in blocks:
        if not block:
            raise FaqDataError(f"{name}:{number}: a '-' with no question after it")
        answer = "\n".join(_unescape(line, _SEED_ESCAPED) for line in block[1:])
        question = _unescape(block[0], _SEED_ESCAPED)
        out.append(Raw({"question": question, "answer": answer}, number, carries=()))
    return out


_CSV_FIELDS = ("question", "answer", "id", "tags", "alternates")


def _render_csv(entries: Sequence[Entry]) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # The csv module quotes a field holding a character of the line terminator, but not
    # one holding "\r" when lines end in "\n": read back, that "\r" would end the row.
    # Rows with one are written with every field quoted.
    quoting = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(_CSV_FIELDS)
    for e in entries:
        row = [
            e.question,
            e.answer,
            e.id,
            json.dumps(list(e.tags), ensure_ascii=False),
            json.dumps(list(e.alternates), ensure_ascii=False),
        ]
        (quoting if any("\r" in field for field in row) else writer).writerow(row)
    return buf.getvalue()


def _list_cell(cell: str, name: str, line: int, column: str) -> list[str]:
    """A list in a CSV cell: a JSON list (what faq exports) or ``a|b|c``."""
    cell = cell.strip()
    if not cell:
        return []
    if cell.startswith("["):
        try:
            value = store.loads(cell)
        except (ValueError, RecursionError):  # JSONDecodeError and NotJsonNumber
            raise FaqDataError(f"{name}:{line}: column '{column}' is not a JSON list") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FaqDataError(f"{name}:{line}: column '{column}' must list strings")
        return value
    return [part.strip() for part in cell.split("|") if part.strip()]


def _csv_rows(text: str, name: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Each row of a CSV text with the line it starts on, strictly: an unclosed quote or
    text after a closing quote is an error naming the line, never a row swallowed into
    the field before it. Fields may be of any length (the csv module stops at 128 KiB,
    which a long answer exported by faq exceeds)."""
    import csv
    import io
    import sys

    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problem = str(exc)
                if "end of data" in problem:  # the csv module's words for an open quote
                    problem = "a quoted field is never closed"
                raise FaqDataError(f"{name}:{start}: malformed CSV: {problem}") from None
            yield start, row
    finally:
        csv.field_size_limit(limit)


def _delimiter(text: str) -> str:
    """The delimiter of a CSV text, from its header: the one of comma, semicolon and
    tab it holds most of outside quotes (a comma when none)."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# Header names that say which column is the question and which the answer, to suggest
# a --map for a header that names neither.
_QUESTION_NAMES = ("question", "title", "subject", "q", "name", "heading", "frage", "pregunta")
_ANSWER_NAMES = ("answer", "body", "content", "text", "a", "description", "antwort", "respuesta")


def _columns(header: list[str], name: str, reading: Reading) -> dict[str, list[int]]:
    """Which columns make up each field: the field's own column, or those --map names."""
    lowered = [h.strip().lower() for h in header]
    shown = ", ".join(repr(h.strip()) for h in header)
    columns: dict[str, list[int]] = {}
    for field, column in reading.columns:
        if column.strip().lower() not in lowered:
            raise FaqDataError(
                f"{name}:1: --map {field}={column}: no such column; the header has {shown}"
            )
        if field in columns and field not in _JOINED:
            raise FaqDataError(
                f"--map {field}: one column only (several make up only {', '.join(_JOINED)})"
            )
        columns.setdefault(field, []).append(lowered.index(column.strip().lower()))
    for field in MAPPED:
        if field not in columns and field in lowered:
            columns[field] = [lowered.index(field)]
    missing = [f for f in ("question", "answer") if f not in columns]
    if missing:
        suggested = []
        for field, names in (("question", _QUESTION_NAMES), ("answer", _ANSWER_NAMES)):
            if field in missing:
                guess = next(
                    (header[lowered.index(n)].strip() for n in names if n in lowered), None
                )
                suggested.append(f"--map {field}={guess or 'COLUMN'}")
        what = " and ".join(repr(f) for f in missing) + (
            " columns" if len(missing) > 1 else " column"
        )
        raise FaqDataError(f"{name}:1: the header names no {what}; it has {shown}: "
                           f"name them with {' '.join(suggested)}")  # fmt: skip
    return columns


def _parse_csv(text: str, name: str, reading: Reading) -> list[Raw]:
    from faqcli import htmltext

    delimiter = reading.delimiter or _delimiter(text)
    rows = _csv_rows(text, name, delimiter)
    header = next(rows, (1, []))[1]
    lowered = [h.strip().lower() for h in header]
    twice = next((h for i, h in enumerate(lowered) if h and h in lowered[:i]), None)
    if twice is not None:  # one of the two columns would be dropped, unseen
        raise FaqDataError(f"{name}:1: the header names {twice!r} twice")
    columns = _columns(header, name, reading)
    carries = tuple(field for field in LISTS if field in columns)
    out = []
    for line, cells in rows:
        if not cells or not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > len(header):
            msg = f"{name}:{line}: {len(cells)} fields but the header names {len(header)}"
            shown = {",": "a comma", ";": "a semicolon", "\t": "a tab"}.get(
                delimiter, repr(delimiter)
            )
            raise FaqDataError(f"{msg}; is a field with {shown} not quoted?")
        cells += [""] * (len(header) - len(cells))  # a short row: its last fields empty
        cell = cells.__getitem__
        parts = [cell(i) for i in columns["answer"]]
        parts = [htmltext.to_markdown(p) if htmltext.looks_like_html(p) else p for p in parts]
        fields: dict[str, Any] = {
            "question": cell(columns["question"][0]),
            "answer": "\n\n".join(p.strip("\n") for p in parts if p.strip()),
        }
        if "id" in columns and cell(columns["id"][0]):
            fields["id"] = cell(columns["id"][0])
        for field in LISTS:
            values = [
                v
                for i in columns.get(field, [])
                for v in _list_cell(cell(i), name, line, header[i].strip())
            ]
            if values:
                fields[field] = values
        out.append(Raw(fields, line, carries))
    return out


def _meta_comment(e: Entry) -> str:
    meta: dict[str, Any] = {"id": e.id}
    if e.tags:
        meta["tags"] = list(e.tags)
    if e.alternates:
        meta["alternates"] = list(e.alternates)
    # No "-->" may appear inside the comment, nor a line break.
    body = json.dumps(meta, ensure_ascii=False).replace(">", "\\u003e")
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"<!-- faq: {body} -->"


def _render_md(entries: Sequence[Entry], title: str | None) -> str:
    out = [f"# {_one_line(title)}\n\n"] if title else []
    for e in entries:
        answer = "\n".join(_escape(line, _MD_LINE) for line in e.answer.split("\n"))
        out.append(f"## {_one_line(e.question)}\n{_meta_comment(e)}\n\n{answer}\n\n")
    return "".join(out)


# A heading's text is kept whole: a closing "##" is not stripped, since "## C ##" could
# be a question faq exported.
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_Q_LINE = re.compile(
    r"^(?:\*\*|__)?[ \t]*(?:Q|Question)[ \t]*[:.][ \t]*(.*?)[ \t]*(?:\*\*|__)?[ \t]*$", re.I
)
_A_LINE = re.compile(r"^(?:\*\*|__)?[ \t]*(?:A|Answer)[ \t]*[:.](?:\*\*|__)?[ \t]*(.*)$", re.I)
_BOLD_LINE = re.compile(r"^(\*\*|__)(?!\s)(.+?)(?<!\s)\1[ \t]*$")


def _md_shape(lines: list[str], level: int | None) -> tuple[str, int]:
    """How the page marks its questions: ("qa", 0) for Q:/A: lines; ("heading", LEVEL)
    for headings of one level (``level`` when given; else the level faq's comment
    follows, else the most frequent, the deeper on a tie); ("bold", 0) for bold lines
    where no level has two headings. Lines in fenced code are no marks."""
    headings: dict[int, int] = {}
    commented: set[int] = set()
    fenced = False
    qa = bold = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            headings[depth] = headings.get(depth, 0) + 1
            if i + 1 < len(lines) and lines[i + 1].startswith(_MD_META_START):
                commented.add(depth)
        qa = qa or bool(_Q_LINE.match(line))
        bold = bold or bool(_BOLD_LINE.match(line))
    if level is not None:
        return "heading", level
    if commented:
        return "heading", max(commented)
    if qa:
        return "qa", 0
    best = max(headings, key=lambda d: (headings[d], d), default=2)
    if bold and headings.get(best, 0) < 2:
        return "bold", 0
    return "heading", best


def _any_question(lines: list[str], shape: str, depth: int) -> bool:
    pattern = {"qa": _Q_LINE, "bold": _BOLD_LINE}.get(shape)
    if pattern is not None:
        return any(pattern.match(line) for line in lines)
    return any((h := _HEADING.match(line)) and len(h.group(1)) == depth for line in lines)


def _parse_md(text: str, name: str, level: int | None = None) -> list[Raw]:
    """Entries of a Markdown page: questions as headings of one level (any depth), as
    ``Q:``/``A:`` lines, or as bold lines; see :func:`_md_shape`. Headings above the
    questions' level (a ``#`` title aside) name sections, which become each entry's tag;
    deeper ones are part of an answer. Text before the first question is refused: it
    would be lost."""
    lines = text.split("\n")
    shape, depth = _md_shape(lines, level)
    out: list[Raw] = []
    current: Raw | None = None
    body: list[str] = []
    section: str | None = None
    fenced = False

    def finish() -> None:
        if current is not None:
            while body and not body[-1].strip():
                body.pop()
            while body and not body[0].strip():
                body.pop(0)
            current.fields["answer"] = "\n".join(_unescape(line, _MD_ESCAPED) for line in body)
            out.append(current)

    def start(question: str, number: int) -> Raw:
        finish()
        fields: dict[str, Any] = {"question": question}
        if section:
            fields["tags"] = [section]
        return Raw(fields, number, carries=())

    for number, line in enumerate(lines, start=1):
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        marks = len(heading.group(1)) if heading else 0
        question: str | None = None
        if heading and shape == "heading" and marks == depth:
            question = heading.group(2)
        elif not fenced and shape == "qa" and (qa := _Q_LINE.match(line)):
            question = qa.group(1)
        elif not fenced and shape == "bold" and (bold := _BOLD_LINE.match(line)):
            question = bold.group(2)
        if question is not None:
            current, body = start(question, number), []
        elif heading and (shape != "heading" or marks < depth):
            if marks > 1:  # a section: its entries are tagged with its name
                finish()
                current, body, section = None, [], heading.group(2)
            elif current is not None:
                body.append(line)  # a '#' heading inside an answer of '#'-less questions
        elif current is not None and not body and line.startswith(_MD_META_START):
            meta = _md_meta(line, f"{name}:{number}")
            current.fields.update({k: v for k, v in meta.items() if k in ("id", *LISTS)})
            current = current._replace(carries=LISTS)  # faq's comment lists them all
        elif current is not None and shape == "qa" and not body and (a := _A_LINE.match(line)):
            body.append(a.group(1))
        elif current is not None:
            body.append(line)
        elif line.strip():
            if not _any_question(lines, shape, depth):
                return []  # no question anywhere: the page's shape is not recognised
            marks_of = {"heading": f"'{'#' * depth} ' heading", "qa": "'Q:' line",
                        "bold": "bold question"}  # fmt: skip
            msg = f"{name}:{number}: text before the first {marks_of[shape]} would be lost"
            raise FaqDataError(f"{msg}; put it under a question or remove it")
    finish()
    return out


def _md_meta(line: str, where: str) -> dict[str, Any]:
    """The object of faq's comment ``<!-- faq: {...} -->``; anything else on its line
    (not JSON, not an object, not closed) is refused, never imported as answer text."""
    match = _MD_META.match(line)
    try:
        meta = None if match is None else store.loads(match.group(1))
    except (ValueError, RecursionError):  # JSONDecodeError and NotJsonNumber
        meta = None
    if not isinstance(meta, dict):
        msg = f"{where}: unreadable faq comment: expected <!-- faq: {{JSON object}} -->"
        raise FaqDataError(msg)
    return meta


def _parse_json(text: str, name: str) -> list[Raw]:
    """The entries of a FAQ JSON file. One without an id stays without: the id it would
    be given in its own file means nothing here, so it is matched by its question and
    given an id unique in the FAQ it joins, as from any other format."""
    raw = store.decode(text, name)
    faq = store.from_document(raw, name, text)
    listed = raw if isinstance(raw, list) else raw["entries"]
    out = []
    for given, entry in zip(listed, faq.entries, strict=True):
        fields = entry.to_dict()
        if given.get("id") is None:
            del fields["id"]
        out.append(Raw(fields))
    return out


class Merge(NamedTuple):
    """What ``faq import`` did or, with --dry-run, would do."""

    added: list[dict[str, Any]]  # raw entries, ids filled in
    skipped: list[str]  # one line per duplicate, saying of what
    updated: list[tuple[int, dict[str, Any]]]  # with update: (position, new raw entry)
    unchanged: list[str]  # with update: ids of the entries the import holds as they are


def question_key(question: str) -> str:
    """A question as duplicates are found: its text but for case, accents, spacing and
    the punctuation around it (``How do I pay?`` and ``how do  i PAY`` are one question;
    ``What is C?`` and ``What is C++?``, or two questions about other emoji, are two)."""
    return " ".join(normalise(question).split()).strip(_AROUND)


_AROUND = " ?!.\u00bf\u00a1\u2026\uff1f\uff01\u3002"  # ? ! . and their Spanish, CJK forms


def _at(place: str) -> Callable[[str | None], str]:
    """A place for :func:`faqcli.store.check_entry`'s messages: always ``place``."""
    return lambda _ident: place


def merge(
    existing: Sequence[dict[str, Any]],
    incoming: Sequence[Raw],
    name: str,
    *,
    update: bool = False,
) -> Merge:
    """Entries of ``incoming`` that are new to ``existing``: duplicates (same id, or the
    same question once normalised) are skipped; missing ids are derived and kept unique.

    With ``update``, an incoming entry that is a duplicate of an existing one (by id;
    without an id, by its question) and differs from it replaces it, keeping the fields
    faq does not know that the import does not name, and the tags and alternates its
    file cannot hold (``Raw.carries``); one that does not differ is skipped as
    unchanged."""
    ids = {id_key(str(e["id"])) for e in existing if isinstance(e, dict) and e.get("id")}
    questions = {
        question_key(e["question"]): str(e.get("id") or e["question"])
        for e in existing
        if isinstance(e, dict) and isinstance(e.get("question"), str)
    }
    positions = {id_key(str(e["id"])): i for i, e in enumerate(existing) if isinstance(e, dict)}
    merged = Merge([], [], [], [])
    for number, raw in enumerate(incoming, start=1):
        where = f"{name}:{raw.line}" if raw.line else f"{name}: entry {number}"
        entry = _incoming(raw.fields, where)
        key = question_key(entry["question"])
        if update and _update(
            entry, raw.carries, key, existing, positions, questions, where, merged
        ):
            continue
        if entry.get("id") and id_key(str(entry["id"])) in ids:
            merged.skipped.append(f"{where}: skipped, id {entry['id']!r} exists already")
            continue
        if key in questions:
            merged.skipped.append(f"{where}: skipped, same question as {questions[key]!r}")
            continue
        if not entry.get("id"):
            entry = {"id": store.unique_id(store.slugify(entry["question"]), ids), **entry}
        ids.add(id_key(str(entry["id"])))
        questions[key] = str(entry["id"])
        merged.added.append(entry)
    return merged


def _incoming(fields: dict[str, Any], where: str) -> dict[str, Any]:
    """An entry to import, checked as the FAQ file will check it, so that an error
    names this file and line, and --dry-run finds what the import would refuse.
    A lone surrogate anywhere in it (a ``\\ud800`` escape in a JSON cell or a faq
    comment: half of a character) is refused here, since no file could hold it."""
    entry = {k: v for k, v in fields.items() if k != "id" or v is not None}  # null: no id
    for key in ("question", "answer"):
        if not isinstance(entry.get(key), str) or store.blank(entry[key]):
            raise FaqDataError(f"{where}: the {key} is missing or blank")
    store.check_entry(entry, _at(where))
    try:
        json.dumps(entry, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FaqDataError(f"{where}: {store.not_unicode(ord(exc.object[exc.start]))}") from None
    return entry


def _update(
    entry: dict[str, Any],
    carries: Sequence[str],
    key: str,
    existing: Sequence[dict[str, Any]],
    positions: dict[str, int],
    questions: dict[str, str],
    where: str,
    merged: Merge,
) -> bool:
    """With ``import --update``: when ``entry`` is an existing entry's new version (same
    id; without an id, same question), record its replacement (or that it is unchanged)
    in ``merged`` and say True; False when it is not one. Tags and alternates the
    file could not hold (not in ``carries``) stay the entry's own."""
    wanted = str(entry["id"]) if entry.get("id") else questions.get(key)
    if wanted is None or id_key(wanted) not in positions:
        return False
    position = positions[id_key(wanted)]
    old = existing[position]
    target = str(old["id"])  # the id as it is stored
    if any(target == str(new["id"]) for _, new in merged.updated):
        merged.skipped.append(f"{where}: skipped, {target!r} is updated already")
        return True
    new = {"id": target, **{k: v for k, v in entry.items() if k != "id"}}
    own = {k for k in old if k not in store.KNOWN_FIELDS or k in LISTS}
    new.update({k: v for k, v in old.items() if k in own and k not in new and k not in carries})
    if _same(old, new):
        merged.unchanged.append(target)
    else:
        merged.updated.append((position, new))
    return True


def absent(existing: Sequence[dict[str, Any]], incoming: Sequence[Raw]) -> list[int]:
    """The positions of the entries of ``existing`` that ``incoming`` does not hold:
    neither its id nor its question (normalised, as duplicates are found) is there."""
    ids = {id_key(str(r.fields["id"])) for r in incoming if r.fields.get("id")}
    asked = {
        question_key(r.fields["question"])
        for r in incoming
        if isinstance(r.fields.get("question"), str)
    }
    return [
        i
        for i, e in enumerate(existing)
        if id_key(str(e.get("id"))) not in ids and question_key(str(e.get("question"))) not in asked
    ]


def diff(existing: Sequence[dict[str, Any]], merged: Merge, gone: Sequence[int]) -> list[str]:
    """What an import would do, an entry a line: ``+ ID: question``, ``~ ID: the fields
    that change``, ``- ID: question``."""
    lines = [f"+ {e['id']}: {_one_line(e['question'])}" for e in merged.added]
    for position, new in merged.updated:
        old = existing[position]
        fields = [k for k in dict.fromkeys([*old, *new]) if k != "id" and old.get(k) != new.get(k)]
        lines.append(f"~ {new['id']}: {', '.join(fields)} changed")
    lines += [f"- {existing[i]['id']}: {_one_line(str(existing[i]['question']))}" for i in gone]
    return lines


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two raw entries hold the same data (what the FAQ file would hold)."""

    def entry(raw: dict[str, Any]) -> Entry:
        return store.check_entry(raw, _at("the entry"))

    a, b = entry(old), entry(new)
    return a == b and a.extra == b.extra
