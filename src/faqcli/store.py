"""Find, read and validate FAQ files.

Every problem with a FAQ file becomes a :class:`FaqDataError` whose one-line message
names the file and the place: ``line:column`` for malformed JSON, the entry's number
(1-based), id and line for schema errors.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from faqcli import atomic
from faqcli.errors import FaqDataError, NotFoundError, io_error
from faqcli.model import Entry, Faq, Negative, case_match, id_key

ENV_VAR = "FAQ_FILE"
KNOWN_FIELDS = ("id", "question", "answer", "alternates", "tags")


class FaqSource(NamedTuple):
    """Which FAQ file is in use, and why it was chosen."""

    path: Path
    reason: str
    bundled: bool = False


def bundled_path() -> Path:
    """The FAQ shipped inside the package (the six seed entries)."""
    return Path(__file__).resolve().parent / "data" / "faq.json"


def user_data_dir() -> Path:
    """faq's folder in the user data folder (e.g. ``~/.local/share/faq``): the user's
    own FAQ, the interactive history, the unanswered-question logs, kept edits."""
    if XDG:
        return xdg_folder("XDG_DATA_HOME", "~/.local/share")
    from platformdirs import user_data_path

    return user_data_path("faq", appauthor=False)


# Linux and the BSDs keep a user's folders where the XDG base directory specification
# says: read here from the environment (platformdirs, which does the same, costs some
# milliseconds to import on every faq ask); macOS and Windows ask platformdirs.
XDG = not sys.platform.startswith(("darwin", "win", "cygwin", "emscripten", "wasi"))


def xdg_folder(variable: str, default: str) -> Path:
    """faq's folder under the XDG base directory ``$variable`` (when it holds an
    absolute path: a relative one is to be ignored, says the specification), else under
    ``default``."""
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):
        base = os.path.expanduser(default)
    return Path(base) / "faq"


def user_faq_path() -> Path:
    """The user's own FAQ (``faq init`` creates it): faq.json in the user data folder."""
    return user_data_dir() / "faq.json"


def resolve(option: str | Path | None, environ: Mapping[str, str] | None = None) -> FaqSource:
    """Pick the FAQ file: ``--faq``, then ``$FAQ_FILE``, then the user's own FAQ when
    it exists, then the bundled default."""
    env = os.environ if environ is None else environ
    if option is not None and str(option) != "":
        return FaqSource(Path(option), "--faq option")
    if env.get(ENV_VAR):
        return FaqSource(Path(env[ENV_VAR]), f"{ENV_VAR} environment variable")
    own = user_faq_path()
    try:
        if own.is_file():
            return FaqSource(own, "your own FAQ (created by faq init)")
    except OSError:  # its folder cannot be searched: reading it says so, naming it
        return FaqSource(own, "your own FAQ (its folder cannot be searched)")
    return FaqSource(bundled_path(), "bundled default (read-only)", bundled=True)


def file_key(path: Path) -> str:
    """The name of faq's own files about the FAQ at ``path`` (its persisted index, its
    log of unanswered questions): a hash of its resolved path, as the bytes the system
    names it by (a name need not be UTF-8)."""
    return str(sha256(os.fsencode(path.resolve())).hexdigest()[:32])


def file_digest(path: Path) -> str:
    """The digest of a FAQ file's bytes, as :class:`EntryStream` computes it while it
    reads (a persisted index records it, to tell a touched FAQ from a changed one)."""
    hasher = content_hasher()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                hasher.update(chunk)
    except OSError as exc:
        raise io_error(path, exc) from None
    return str(hasher.hexdigest())


def digest_of(data: bytes) -> str:
    """The content digest of a FAQ file's bytes (as ``file_digest`` computes it)."""
    hasher = content_hasher()
    hasher.update(data)
    return str(hasher.hexdigest())


def content_hasher() -> Any:
    return blake2b(digest_size=20)


def sha256(data: bytes) -> Any:
    """hashlib.sha256(data), without importing hashlib (see :func:`blake2b`)."""
    return _hash("sha256", ("_sha256", "_sha2"))(data)


def blake2b(digest_size: int) -> Any:
    """hashlib.blake2b(digest_size=...), without importing hashlib."""
    return _hash("blake2b", ("_blake2",))(digest_size=digest_size)


def _hash(name: str, modules: tuple[str, ...]) -> Any:
    """The hash ``name`` from CPython's own module for it (its name varies by version),
    else from hashlib: importing hashlib loads OpenSSL, 2 ms of a 50 ms ``faq ask``, for
    the same digests (tests/test_small_things.py checks them against hashlib's)."""
    for module in modules:
        try:
            return getattr(__import__(module), name)
        except (ImportError, AttributeError):
            continue
    import hashlib

    return getattr(hashlib, name)


def read_text(path: Path, shown: Path | None = None) -> str:
    """The file's text, or a one-line error saying why it cannot be read (naming
    ``shown``, the name the user gave, when ``path`` is the file it resolved to)."""
    return decode_text(read_bytes(path, shown), str(shown or path))


TEXT_MAX = 1 << 30  # bytes of a file faq reads (a million-entry FAQ is ~0.4 GB)
FIELD_MAX = 1 << 20  # bytes of one field read from standard input (add -a -)


def read_bytes(path: Path, shown: Path | None = None) -> bytes:
    """The file's bytes, or a one-line error saying why it cannot be read: also when it
    is larger than ``TEXT_MAX`` or holds a NUL byte (see :func:`read_limited`)."""
    try:
        with open(path, "rb") as file:
            return read_limited(file, str(shown or path), TEXT_MAX)
    except OSError as exc:
        raise io_error(shown or path, exc) from None


def read_limited(file: BinaryIO, name: str, limit: int) -> bytes:
    """All of ``file``, read a piece at a time and refused as soon as it is seen not to
    be text: a NUL byte (no FAQ, CSV or Markdown text holds one; ``/dev/zero``, a disk
    image) or more than ``limit`` bytes (a stream without end). Refused early, so that
    neither is read into memory whole."""
    import stat

    try:
        st: os.stat_result | None = os.fstat(file.fileno())
    except (OSError, ValueError):  # a stream with no file (io.UnsupportedOperation)
        st = None
    if st is not None and stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise FaqDataError(f"{name}: larger than {_size(limit)}, more than faq reads")
    pieces: list[bytes] = []
    total = 0
    while piece := file.read(1 << 20):
        nul = piece.find(b"\0")
        if nul >= 0:
            line = sum(p.count(b"\n") for p in pieces) + piece.count(b"\n", 0, nul) + 1
            raise FaqDataError(f"{name}:{line}: not text (a NUL byte at byte {total + nul + 1})")
        total += len(piece)
        if total > limit:
            raise FaqDataError(f"{name}: larger than {_size(limit)}, more than faq reads")
        pieces.append(piece)
    return b"".join(pieces)


def _size(n: int) -> str:
    return f"{n >> 30} GiB" if n >= 1 << 30 else f"{n >> 20} MiB"


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a byte order mark dropped), or an error naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        msg = f"{name}:{line}:{col}: not UTF-8 text (byte 0x{data[exc.start]:02x})"
        raise FaqDataError(msg) from None


def load(path: Path) -> Faq:
    """Read and validate a FAQ file."""
    text = read_text(path)
    return parse(text, str(path))


def parse(text: str, name: str) -> Faq:
    """Validate a FAQ document given as JSON text; ``name`` is used in messages.

    Text that is not JSON but whose name or first line says Markdown, CSV or seed text
    (``--faq notes.md``) is an error that says how to import it."""
    try:
        doc = decode(text, name)
    except FaqDataError as err:
        hint = _import_hint(name, text)
        if hint is None:
            raise
        raise FaqDataError(f"{err.message} ({hint})") from None
    return from_document(doc, name, text)


def _import_hint(name: str, text: str) -> str | None:
    """ "faq import reads Markdown: faq import notes.md" for a file that is not JSON but
    looks like a format ``faq import`` reads; None otherwise."""
    import shlex

    from faqcli import formats

    try:
        fmt = formats.detect(name, text)
    except FaqDataError:
        return None
    kind = {
        formats.Format.MD: "Markdown",
        formats.Format.CSV: "CSV",
        formats.Format.SEED: "seed text",
    }
    if fmt not in kind:
        return None
    return f"faq import reads {kind[fmt]}: faq import {shlex.quote(name)}"


class NotJsonNumber(ValueError):
    """A number JSON has not got: NaN, Infinity, a float too large to be one, an
    integer of more digits than Python converts. Python's reader takes the first ones,
    and a write would put them back as text no other JSON reader takes."""

    def __init__(self, message: str, token: str) -> None:
        super().__init__(message)
        self.token = token  # as written, to find it in the text

    def place(self, text: str) -> str:
        """``LINE:COLUMN`` of the first value in ``text`` written as the token, or ""."""
        found = re.search(rf"[\[:,]\s*({re.escape(self.token)})\s*[,\]}}]", text)
        return "" if found is None else line_column(text, found.start(1))


def _no_constant(name: str) -> Any:
    raise NotJsonNumber(f"{name} is not a JSON number", name)


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise NotJsonNumber(f"the number {text[:40]} is too large", text)
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # over sys.get_int_max_str_digits() digits
        raise NotJsonNumber(f"a number of {len(text)} digits is too long", text) from None


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite, parse_int=_integer)


def loads(text: str) -> Any:
    """``json.loads`` for text from elsewhere: NaN, Infinity and numbers Python cannot
    hold are a :class:`NotJsonNumber` (a ValueError) instead of a value or a traceback."""
    return _DECODER.decode(text)


def decode(text: str, name: str) -> Any:
    """The JSON value in ``text``, or a one-line error with its line and column.

    A string holding a lone surrogate (``"\\ud800"``, half of a character) is refused
    here too: JSON's grammar allows it, but it is not text, and no file can hold it as
    UTF-8, so a FAQ with one could be read but never printed or written back.
    """
    try:
        value = loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{name}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}"
        raise FaqDataError(msg) from None
    except NotJsonNumber as exc:
        place = exc.place(text)
        raise FaqDataError(f"{name}:{place}: {exc}" if place else f"{name}: {exc}") from None
    except RecursionError:
        msg = f"{name}: it nests lists or objects over {NESTING_MAX} deep"
        raise FaqDataError(msg) from None
    lone = _lone_surrogate(text)
    if lone is not None:
        offset, code = lone
        raise FaqDataError(f"{name}:{line_column(text, offset)}: {not_unicode(code)}")
    return value


def line_column(text: str, offset: int) -> str:
    """``LINE:COLUMN`` of ``offset`` in ``text``, counted from 1."""
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def not_unicode(code: int) -> str:
    """What is wrong with a lone surrogate, said the one way."""
    return f"not Unicode text: a lone surrogate \\u{code:04x} (half of a character)"


# Where a JSON text can hold a surrogate: a \uXXXX escape (any other escape is matched
# too, so that an escaped backslash is never taken for the start of one), or a raw one.
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_ESCAPE_OR_SURROGATE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)|[\ud800-\udfff]", re.DOTALL)


def _lone_surrogate(text: str) -> tuple[int, int] | None:
    """The offset and code of the first surrogate in JSON ``text`` that is not half of an
    escaped pair (``\\ud83d\\ude00`` is one character); None when there is none."""
    if _MAYBE_SURROGATE.search(text) is None:  # the common case, at the speed of a scan
        return None
    high: tuple[int, int] | None = None  # an escaped high half waiting for its low half
    for m in _ESCAPE_OR_SURROGATE.finditer(text):
        hexa = m.group(1)
        if high is not None:
            if hexa and m.start() == high[0] + 6 and 0xDC00 <= int(hexa, 16) <= 0xDFFF:
                high = None
                continue
            return high
        if not m.group().startswith("\\"):
            return m.start(), ord(m.group())  # a raw surrogate is never text
        if hexa is None:
            continue
        code = int(hexa, 16)
        if 0xD800 <= code <= 0xDBFF:
            high = (m.start(), code)
        elif 0xDC00 <= code <= 0xDFFF:
            return m.start(), code
    return high


def from_document(
    doc: Any, name: str, text: str | None = None, known: dict[int, Entry] | None = None
) -> Faq:
    """Validate an already-parsed FAQ document (a list of entries or ``{"entries": [...]}``).
    ``known``: the entries already validated, by the identity of their raw dicts (a
    write re-validates only the entries it replaced or added)."""
    title: str | None = None
    threshold: float | None = None
    negatives: tuple[Negative, ...] = ()
    language: str | None = None
    if isinstance(doc, list):
        raw_entries = doc
    elif isinstance(doc, dict) and "entries" in doc:
        raw_entries = doc["entries"]
        if not isinstance(raw_entries, list):
            raise FaqDataError(f"{name}: 'entries' must be a list, not {_kind(raw_entries)}")
        raw_title = doc.get("title")
        if raw_title is not None and not isinstance(raw_title, str):
            raise FaqDataError(f"{name}: 'title' must be a string, not {_kind(raw_title)}")
        title = raw_title
        for key, value in doc.items():
            if key not in ("entries", "title") and nested_too_deeply(value):
                raise FaqDataError(f"{name}: {too_deep(key)}")
        threshold = read_threshold(doc.get("threshold"), name)
        negatives = read_negatives(doc.get("negatives"), name)
        language = read_language(doc.get("language"), name)
    else:
        msg = f"{name}: top level must be a list of entries or an object with 'entries'"
        raise FaqDataError(f"{msg}, not {_kind(doc)}")

    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_entries, start=1):
        entry = known.get(id(raw)) if known else None
        if entry is None:
            entry = _entry(raw, number, name, text)
        key = id_key(entry.id)
        if entry.id and key in seen:
            where = _where(name, text, number, entry.id)
            msg = f"{where}: duplicate id (also entry {seen[key]})"
            raise FaqDataError(msg)
        seen[key] = number
        entries.append(entry)
    return Faq(tuple(_fill_ids(entries)), title, threshold, negatives, language)


def read_language(value: Any, name: str) -> str | None:
    """The FAQ's ``"language"``: a code faq reads words in (``es``, ``de``; a region,
    ``es-MX``, is read as its language), or None (absent: English)."""
    from faqcli.engine.text import STEMMERS

    if value is None:
        return None
    code = value.split("-")[0].split("_")[0].strip().lower() if isinstance(value, str) else ""
    if code not in STEMMERS:
        known = ", ".join(STEMMERS)
        shown = value if isinstance(value, str) else _kind(value)
        raise FaqDataError(f"{name}: 'language' {shown!r} is not one faq reads ({known})")
    return None if code == "en" else code


def read_threshold(value: Any, name: str) -> float | None:
    """The FAQ's own ``"threshold"`` (written by ``faq eval --tune``): a number from 0
    to 100, or absent (None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise FaqDataError(f"{name}: 'threshold' must be a number from 0 to 100, not {value!r}")
    return float(value)


NEGATIVE_KEYS = frozenset({"question", "entry"})


def read_negatives(value: Any, name: str) -> tuple[Negative, ...]:
    """The FAQ's ``"negatives"`` (marked in ``faq review``): a list of ``{"question":
    text, "entry": id or null}``, the questions its author says an entry (or, null, no
    entry) does not answer."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FaqDataError(f"{name}: 'negatives' must be a list, not {_kind(value)}")
    found = []
    for number, raw in enumerate(value, start=1):
        where = f"{name}: negative {number}"
        if not isinstance(raw, dict) or set(raw) - NEGATIVE_KEYS:
            raise FaqDataError(f"{where}: must be an object with 'question' and 'entry'")
        question, entry = raw.get("question"), raw.get("entry")
        if not isinstance(question, str) or not question.strip():
            raise FaqDataError(f"{where}: 'question' must be a non-empty string")
        if entry is not None and not isinstance(entry, str):
            raise FaqDataError(f"{where}: 'entry' must be an entry id or null")
        found.append(Negative(question, entry))
    return tuple(found)


def _entry(raw: Any, number: int, name: str, text: str | None) -> Entry:
    return check_entry(raw, lambda ident: _where(name, text, number, ident))


def check_entry(raw: Any, where: Callable[[str | None], str]) -> Entry:
    """Validate one raw entry (a dict from a FAQ file or an import). ``where(id)`` words
    the place for an error message; it is called only when there is an error."""
    if not isinstance(raw, dict):
        raise FaqDataError(f"{where(None)}: an entry must be an object, not {_kind(raw)}")
    raw_id = raw.get("id")

    def fail(problem: str) -> FaqDataError:
        ident = raw_id if isinstance(raw_id, str) else None
        return FaqDataError(f"{where(ident)}: {problem}")

    if raw_id is not None:
        problem = id_problem(raw_id) if isinstance(raw_id, str) else "must be a non-blank string"
        if problem:
            raise FaqDataError(f"{where(None)}: field 'id' {problem}")
    values: dict[str, str] = {}
    for key in ("question", "answer"):
        if key not in raw:
            raise fail(f"missing field '{key}'")
        value = raw[key]
        if not isinstance(value, str):
            raise fail(f"field '{key}' must be a string, not {_kind(value)}")
        if blank(value):
            raise fail(f"field '{key}' is blank")
        values[key] = value
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("alternates", "tags"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"field '{key}' must be a list of strings")
        lists[key] = tuple(v for v in value if not blank(v))
    extra = {k: v for k, v in raw.items() if k not in KNOWN_FIELDS}
    for key, value in extra.items():
        if nested_too_deeply(value):
            raise fail(too_deep(key))
    return Entry(
        id=raw_id if isinstance(raw_id, str) else "",
        question=values["question"],
        answer=values["answer"],
        alternates=lists["alternates"],
        tags=lists["tags"],
        extra=extra,
    )


# How deep an unknown field may nest lists and objects. JSON's grammar has no limit and
# Python's parser stops where the call stack ends, which depends on what called it: a
# file one command read, another refused. Far below that, this is the same everywhere.
NESTING_MAX = 100


def too_deep(field: str) -> str:
    """What is wrong with a field nested deeper than ``NESTING_MAX``."""
    return f"field {field!r} nests lists or objects over {NESTING_MAX} deep"


def nested_too_deeply(value: Any) -> bool:
    """Whether ``value`` nests lists or objects more than ``NESTING_MAX`` deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > NESTING_MAX:
                return True
            stack.extend(
                (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return False


ID_MAX = 200  # characters: room for any id a person types, none for a pasted paragraph
# Characters an id may not hold, by Unicode category: an id is printed on its own and
# typed back, so nothing in it may act on the terminal or hide from the eye.
_ID_BANNED = {
    "Cc": "control character",  # escape sequences, tabs, line breaks, BEL
    "Cf": "format character",  # zero-width and bidirectional marks
    "Cs": "lone surrogate",  # half of a character: not text
    "Zl": "line separator",
    "Zp": "paragraph separator",
}


# Characters that show as nothing: Unicode's Default_Ignorable_Code_Point (zero-width
# and bidirectional marks, variation selectors, Hangul fillers, tag characters), and
# the blank Braille pattern. "pay" and "pay\ufe0f" look alike, so an id holds none of
# them; and text made only of them and white space is blank.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only white space and invisible characters."""
    return not _INVISIBLE.sub("", text).strip()


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an entry id (worded to follow "field 'id'"), or None.

    An id is 1 to ``ID_MAX`` characters of printable text with no whitespace at either
    end: no control or format characters, line or paragraph separators, lone
    surrogates, or characters that show as nothing (``_INVISIBLE``). ``faq`` prints
    ids on their own (``faq list``, a panel's title) and people type them back (``faq
    show ID``), so what is shown must be what is stored.
    """
    if not value.strip():
        return "must be a non-blank string"
    if len(value) > ID_MAX:
        return f"is longer than {ID_MAX} characters"
    if value != value.strip():
        return "must not start or end with whitespace"
    if not value.isprintable():  # isprintable() is stricter: look for what is banned
        for ch in value:
            kind = _ID_BANNED.get(unicodedata.category(ch))
            if kind:
                return f"holds a {kind} (U+{ord(ch):04X}); an id must be printable text"
    if invisible := _INVISIBLE.search(value):
        code = ord(invisible.group())
        return f"holds an invisible character (U+{code:04X}); an id must be printable text"
    return None


def _fill_ids(entries: list[Entry]) -> list[Entry]:
    """Give entries without an id a stable one derived from the question, kept unique."""
    taken = {e.id for e in entries if e.id}
    out = []
    for entry in entries:
        if not entry.id:
            new_id = unique_id(slugify(entry.question), taken)
            taken.add(new_id)
            entry = Entry(
                new_id, entry.question, entry.answer, entry.alternates, entry.tags, entry.extra
            )
        out.append(entry)
    return out


_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 48  # long enough to tell questions apart, short enough to type


def slugify(question: str) -> str:
    """``"How do I reset my password?"`` -> ``"how-do-i-reset-my-password"``."""
    ascii_text = (
        unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode().casefold()
    )
    slug = _SLUG_JUNK.sub("-", ascii_text).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0]
    return slug or "entry"


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken yet."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _where(name: str, text: str | None, number: int, entry_id: str | None) -> str:
    line = _entry_line(text, number) if text is not None else None
    place = f"{name}:{line}" if line else name
    ident = f" (id {entry_id!r})" if entry_id else ""
    return f"{place}: entry {number}{ident}"


def _entry_line(text: str, number: int) -> int | None:
    """The line on which entry ``number`` (1-based) starts; only used to word an error."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")

    def skip(pos: int) -> int:
        match = ws.match(text, pos)
        return match.end() if match else pos

    try:
        pos = skip(1 if text.startswith("\ufeff") else 0)
        if text[pos] == "{":
            pos = skip(pos + 1)
            while text[pos] != "}":
                key, pos = decoder.raw_decode(text, pos)
                pos = skip(skip(pos) + 1)  # the colon
                if key == "entries":
                    break
                _, pos = decoder.raw_decode(text, pos)
                pos = skip(pos)
                if text[pos] == ",":
                    pos = skip(pos + 1)
            else:
                return None
        if text[pos] != "[":
            return None
        pos = skip(pos + 1)
        for _ in range(number - 1):
            _, pos = decoder.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)  # the comma
        return text.count("\n", 0, pos) + 1
    except (ValueError, IndexError):
        return None


# --- writing -------------------------------------------------------------------------


class Layout(NamedTuple):
    """How a FAQ file is written, so that a rewrite keeps its conventions."""

    indent: int | str | None = 2
    trailing_newline: bool = True
    ensure_ascii: bool = False


def detect_layout(text: str) -> Layout:
    """Read the indent and the final newline off an existing file's text."""
    indent: int | str | None = None
    for line in text.split("\n")[1:]:  # not splitlines: U+2028 in a string is no line
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            lead = line[: len(line) - len(stripped)]
            indent = len(lead) if set(lead) == {" "} else lead
            break
    escaped = re.search(r"\\u[0-9a-fA-F]{4}", text) is not None
    has_raw_non_ascii = not text.isascii()
    return Layout(
        indent=indent,
        trailing_newline=text.endswith("\n"),
        ensure_ascii=escaped and not has_raw_non_ascii,
    )


def dump(doc: Any, layout: Layout) -> str:
    text = json.dumps(doc, indent=layout.indent, ensure_ascii=layout.ensure_ascii)
    return text + "\n" if layout.trailing_newline else text


def write_atomic(target: Path, text: str, shown: Path | None = None) -> None:
    """Replace ``target``, a file's real path (no symbolic link in it: the caller
    resolved it once, under the lock), with ``text`` atomically (``faqcli.atomic``);
    errors name ``shown``, the name the user gave.

    A file without write permission, or marked read-only (no write bit at all, which
    holds even for root), is refused. Text that cannot be UTF-8 (a lone surrogate) is
    refused before any file is made.
    """
    shown = shown or target
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FaqDataError(f"{shown}: cannot write: {not_unicode(ord(text[exc.start]))}") from None
    _refuse_read_only(target, shown)
    _refuse_special(target, shown)  # checked again: it may have changed since the lock
    try:
        with atomic.replacing(target, _temp_prefix(target)) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise io_error(shown, exc, "write") from None


def _refuse_read_only(target: Path, shown: Path) -> None:
    """Refuse to replace a file the user may not write, or has marked read-only.

    ``os.replace`` needs permission on the directory only, so without this a read-only
    FAQ would be rewritten all the same.
    """
    try:
        mode = target.stat().st_mode
    except OSError:
        return  # no file yet (init), or one that cannot be seen: the write will say why
    if not mode & 0o222:
        msg = f"{shown}: permission denied: the file is read-only (mode {mode & 0o7777:04o})"
        raise FaqDataError(msg)
    if not os.access(target, os.W_OK):
        raise FaqDataError(f"{shown}: permission denied: cannot write it")


def regular_or_absent(path: Path) -> bool:
    """Whether ``path`` is a regular file or nothing at all: faq's own files (the misses
    log, the history) are never read from a pipe or a device, which could block."""
    import stat

    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # not there, or not reachable: reading or writing it says why


def _refuse_special(target: Path, shown: Path) -> None:
    """Refuse to replace anything but a regular file (a device, a pipe, a folder): a
    FAQ file is only ever a regular file, and renaming over ``/dev/null`` would
    replace the device."""

    if regular_or_absent(target):
        return
    if target.is_dir():
        raise io_error(shown, IsADirectoryError())
    raise FaqDataError(f"{shown}: not a regular file; a FAQ is written only to a file")


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


LOCK_TIMEOUT = 30.0  # seconds a writer waits for another before giving up


@contextmanager
def _locked(path: Path) -> Iterator[Path]:
    """Hold the lock of the FAQ at ``path`` (``PATH.lock`` beside the file a symbolic
    link points to, so that every name of one file shares one lock); yields the file's
    real path, resolved once: the caller reads and writes that path, never ``path``
    again, so that a link repointed meanwhile cannot send the write to a file whose
    lock is not held (nor bring another file's entries into this one)."""
    from filelock import FileLock, Timeout

    target = Path(os.path.realpath(path))
    _refuse_special(target, path)  # before a lock file is made beside a device
    lock_path = Path(str(target) + ".lock")
    lock = FileLock(lock_path)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise FaqDataError(f"{path}: another faq is writing it (lock held)") from None
    except OSError as exc:  # the lock file, not the FAQ, is what is wrong: named
        problem = "is a directory" if isinstance(exc, IsADirectoryError) else exc.strerror
        msg = f"{lock_path}: cannot lock {path} with it: {problem or exc}"
        raise FaqDataError(msg) from None
    try:
        yield target
    finally:
        lock.release()


def save(path: Path, text: str) -> None:
    """Write a whole new FAQ file (``faq init``), locked like every other write."""
    with _locked(path) as target:
        atomic.remove_leftovers(target, _temp_prefix(target))  # locked: no writer is live
        write_atomic(target, text, shown=path)


@contextmanager
def editing(source: FaqSource) -> Iterator[dict[str, Any]]:
    """Lock the FAQ file, re-read it, let the caller change the document, validate the
    result and write it atomically. Concurrent writers are serialised by the lock and
    each sees the others' changes, and a hand edit made meanwhile, because the file is
    read inside the lock.

    The document is given as ``{"title"?, "entries": [...], ...}`` whatever the file's
    form, every entry with its id; a bare list is written back as a bare list, unless a
    field was added beside the entries (a threshold, negatives): then as an object.
    Unknown fields and key order are kept because the raw JSON is edited, not rebuilt
    from entries. The caller replaces, adds or removes raw entries, never changes one in
    place: only those it replaced or added are validated again.
    """
    check_writable(source)
    path = source.path
    with _locked(path) as target:
        read_stat = _stat_or_none(target)
        data = read_bytes(target, shown=path)
        text = decode_text(data, str(path))
        raw = decode(text, str(path))
        faq = from_document(raw, str(path), text)  # refuse to edit a file already invalid
        bare = isinstance(raw, list)
        doc: dict[str, Any] = {"entries": raw} if bare else raw
        doc["entries"] = _with_ids(doc["entries"], faq)
        known = {id(r): e for r, e in zip(doc["entries"], faq.entries, strict=True)}
        yield doc
        bare = bare and set(doc) == {"entries"}  # a field added: the object form keeps it
        checked = from_document(doc["entries"] if bare else doc, str(path), known=known)
        doc["entries"] = _with_ids(doc["entries"], checked)
        out: Any = doc["entries"] if bare else doc
        atomic.remove_leftovers(target, _temp_prefix(target))  # locked: no writer is live
        written = dump(out, detect_layout(text))
        write_atomic(target, written, shown=path)
        if read_stat is not None:
            from faqcli import delta

            # Still locked: the index is kept current for what was just written.
            delta.recorded(target, faq, data, read_stat, checked, written.encode("utf-8"))


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None  # reading it will say why


def _with_ids(raw_entries: list[Any], faq: Faq) -> list[Any]:
    """The raw entries, each with its id: one without (no "id", or "id": null) gets the
    one derived for it written down, so that ids stay put whatever is added or changed
    later, and a write never keeps an entry that only reading can name."""
    return [
        with_id(raw, entry.id) if raw.get("id") is None else raw
        for raw, entry in zip(raw_entries, faq.entries, strict=True)
    ]


def with_id(raw: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """A raw entry given ``entry_id``: where its ``"id": null`` was, else first."""
    return {**raw, "id": entry_id} if "id" in raw else {"id": entry_id, **raw}


def check_writable(source: FaqSource) -> None:
    """Refuse, as a write would, a FAQ that cannot be written: the bundled one, a file
    marked read-only or one the user may not write, anything but a regular file. A
    write checks again under its lock; ``import --dry-run`` checks only this."""
    if source.bundled:
        raise FaqDataError(
            f"{source.path}: the bundled FAQ is read-only; run 'faq init' to make your "
            "own copy, or pass --faq PATH"
        )
    target = Path(os.path.realpath(source.path))
    _refuse_special(target, source.path)
    _refuse_read_only(target, source.path)
    if not os.access(target.parent, os.W_OK | os.X_OK):  # for the lock and the new file
        raise io_error(source.path, PermissionError(), "write")


def find(faq: Faq, entry_id: str) -> Entry:
    """The entry with ``entry_id``; an unknown id is a NotFoundError naming the closest."""
    entry = faq.get(entry_id)
    if entry is None:
        raise unknown_id(entry_id, [e.id for e in faq.entries])
    return entry


def position(entries: list[dict[str, Any]], entry_id: str) -> int:
    """Where the entry with ``entry_id`` is in a document's raw entries (see
    :func:`editing`); an unknown id is a NotFoundError naming the closest."""
    ids = [e["id"] for e in entries]
    keys = [id_key(i) for i in ids]
    if id_key(entry_id) not in keys:
        other = case_match([str(i) for i in ids], entry_id)
        if other is None:
            raise unknown_id(entry_id, ids)
        entry_id = other
    return keys.index(id_key(entry_id))


def unknown_id(entry_id: str, ids: Iterable[str]) -> NotFoundError:
    """ "No entry with id ...; did you mean: ..." for an id not among ``ids``."""
    near = closest_ids(ids, entry_id)
    hint = f"; did you mean: {', '.join(near)}" if near else ""
    return NotFoundError(f"no entry with id {entry_id!r}{hint}")


def closest_ids(ids: Iterable[str], wanted: str, limit: int = 3) -> list[str]:
    """Ids that look like ``wanted`` (for "did you mean" after an unknown id)."""
    from rapidfuzz import process

    found = process.extract(wanted, list(ids), limit=limit, score_cutoff=50)
    return [str(choice) for choice, _, _ in found]


class NotStreamable(Exception):
    """The FAQ holds something :class:`EntryStream` leaves to :func:`load`: an entry
    without an id (ids derived from questions must see the whole file), an error to be
    reported with its line, or a layout it does not follow."""


_WS = re.compile(r"[ \t\n\r]*")


class EntryStream:
    """The entries of a FAQ file read a piece at a time, each validated as :func:`load`
    validates it, so that a FAQ of a million entries is never held whole: only the
    piece of text being read and the ids seen so far.

    Iterate over it for the entries; then ``title`` and ``digest`` (of the file's
    bytes) are known. Anything it does not read the way :func:`load` would (see
    :class:`NotStreamable`) stops the iteration with that exception, possibly after
    some entries: the caller starts again with :func:`load`.
    """

    def __init__(self, path: Path, chunk: int = 1 << 20) -> None:
        self.path = path
        self.title: str | None = None
        self.threshold: float | None = None
        self.negatives: tuple[Negative, ...] = ()
        self.language: str | None = None
        self.digest = ""
        self.read_bytes = 0  # how much of the file has been read so far
        self._chunk = chunk
        self._buf = ""
        self._pos = 0
        self._eof = False

    def __iter__(self) -> Iterator[Entry]:
        import codecs

        try:
            f = open(self.path, "rb")  # noqa: SIM115 - closed below, also on error
        except OSError as exc:
            raise io_error(self.path, exc) from None
        with f:
            self._file = f
            self._decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
            self._hasher = content_hasher()
            yield from self._document()
            self._skip_ws()
            if self._peek():
                raise NotStreamable("text after the document")
            self.digest = self._hasher.hexdigest()

    def _more(self) -> None:
        data = self._file.read(self._chunk)
        self.read_bytes += len(data)
        self._eof = not data
        self._hasher.update(data)
        if self._pos > self._chunk:  # drop what has been read
            self._buf, self._pos = self._buf[self._pos :], 0
        try:
            self._buf += self._decoder.decode(data, final=self._eof)
        except UnicodeDecodeError:
            raise NotStreamable("not UTF-8") from None

    def _skip_ws(self) -> None:
        while True:
            match = _WS.match(self._buf, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buf) or self._eof:
                return
            self._more()

    def _peek(self) -> str:
        while self._pos >= len(self._buf) and not self._eof:
            self._more()
        return self._buf[self._pos : self._pos + 1]

    def _expect(self, char: str) -> None:
        self._skip_ws()
        if self._peek() != char:
            raise NotStreamable(f"expected {char!r}")
        self._pos += 1

    def _value(self) -> tuple[Any, int]:
        """The JSON value at the reading position, and where it started."""
        self._skip_ws()
        start = self._pos
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, start)
            except (json.JSONDecodeError, RecursionError):
                value, end = None, -1
            except NotJsonNumber:
                raise NotStreamable("a number JSON has not got") from None  # read whole
            # A value that ends where the text read so far ends may go on (a number).
            if end != -1 and (end < len(self._buf) or self._eof):
                self._pos = end
                return value, start
            if self._eof:
                raise NotStreamable("malformed JSON")
            offset = start - self._pos
            self._more()
            start = self._pos + offset

    def _another(self, close: str) -> bool:
        """After an item of a list or object: True past a ``,`` (another item follows),
        False past ``close``."""
        self._skip_ws()
        if self._peek() == ",":
            self._pos += 1
            return True
        self._expect(close)
        return False

    def _refuse_surrogates(self, start: int) -> None:
        """The value read from ``start`` holds a lone surrogate: read whole, it is
        refused with its place (a title or other field as much as an entry)."""
        if _lone_surrogate(self._buf[start : self._pos]) is not None:
            raise NotStreamable("a lone surrogate")

    def _document(self) -> Iterator[Entry]:
        self._skip_ws()
        if self._peek() == "[":
            yield from self._entries()
            return
        self._expect("{")
        keys: set[str] = set()
        while True:
            self._skip_ws()
            if not keys and self._peek() == "}":
                break
            key, start = self._value()
            self._refuse_surrogates(start)
            if not isinstance(key, str) or (key in keys and key == "entries"):
                raise NotStreamable("a second 'entries'")
            self._expect(":")
            if key == "entries":
                yield from self._entries()
            else:
                value, start = self._value()
                self._refuse_surrogates(start)
                if nested_too_deeply(value):
                    raise NotStreamable("a field nested too deeply")  # read whole: refused
                if key == "title":
                    if value is not None and not isinstance(value, str):
                        raise NotStreamable("a title that is not text")
                    self.title = value
                try:
                    if key == "language" and "entries" in keys:
                        raise NotStreamable("a 'language' after the entries")  # read whole
                    if key == "language":
                        self.language = read_language(value, str(self.path))
                    if key == "threshold":
                        self.threshold = read_threshold(value, str(self.path))
                    elif key == "negatives":
                        self.negatives = read_negatives(value, str(self.path))
                except FaqDataError:
                    raise NotStreamable(f"a bad {key!r}") from None  # read whole: refused
            keys.add(key)
            if not self._another("}"):
                break
        if "entries" not in keys:
            raise NotStreamable("no 'entries'")

    def _entries(self) -> Iterator[Entry]:
        self._expect("[")
        self._skip_ws()
        if self._peek() == "]":
            self._pos += 1
            return
        seen: set[str] = set()
        while True:
            raw, start = self._value()
            self._refuse_surrogates(start)
            try:
                entry = check_entry(raw, lambda ident: "")
            except FaqDataError:
                raise NotStreamable("an invalid entry") from None
            if not entry.id or id_key(entry.id) in seen:
                raise NotStreamable("an entry without an id, or a duplicate id")
            seen.add(id_key(entry.id))
            yield entry
            if not self._another("]"):
                return
