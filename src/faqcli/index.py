"""The persisted index: a FAQ's analysis kept in an SQLite file in the user cache
directory, so that a warm ``faq ask`` neither parses the FAQ's JSON nor tokenises its
entries, and costs about the same for 6 entries or 1,000,000; ``faq list``, ``show``
and ``check`` read it too.

The file is keyed by the FAQ's resolved path and checked against its size, mtime,
ctime, inode and content hash; it is rebuilt when the FAQ changes, when the engine's
settings or this format change, and when it is corrupt or truncated. A build reads the
FAQ a piece at a time (``store.EntryStream``) and writes entries and postings as it
goes, so memory stays a fraction of the FAQ's size; it writes a temporary file and
renames it into place (``faqcli.atomic``), so concurrent builds leave one good index.
When the cache cannot be written, the FAQ is analysed in memory: results are the same
either way, since ranking (``faqcli.engine.rank``) sees only the ``Index`` interface.

The file holds: entries, JSON in zlib-compressed blocks of ``BLOCK``; each term's df
and postings (entry numbers and float32 impacts, best first); ids with their entry
number; the FAQ's words, and the same words grouped by length for typo correction.
Everything read from it is checked as it is read, so that damage (a bad disk, a stray
write) never silently changes an answer: every row carries a CRC-32 of what it holds,
and each term, word and id row names the key that follows it, so that a key that
cannot be found is proved absent by the row before it. A read that fails its check,
or any SQLite error, means the index is rebuilt from the FAQ (or the FAQ analysed in
memory) and the query goes on.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import struct
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from faqcli import atomic, store
from faqcli import vectors as word_vectors
from faqcli.engine import learning, text
from faqcli.engine.analysis import (
    NO_POSTINGS,
    Accumulator,
    Counts,
    Features,
    Index,
    MemoryIndex,
    Postings,
    Stats,
    idf,
    impacts,
)
from faqcli.engine.meaning import WordVectorMeaning
from faqcli.engine.settings import DEFAULTS, Settings
from faqcli.engine.text import char_grams
from faqcli.errors import FaqDataError
from faqcli.model import Entry, Faq, Negative, id_forms
from faqcli.vectors import Vector

if TYPE_CHECKING:
    import sqlite3

    from faqcli.delta import Updated

# sqlite3 and zlib are imported inside the functions that use them:
# a small FAQ goes through ``open_index`` and never needs them.

FORMAT = "9"  # change when the layout of the file or the engine's analysis changes
# Below this size, parsing the JSON and analysing it in memory (about 30 ms for
# 64 KiB, some 300 entries) costs no more than importing sqlite3 and platformdirs and
# opening a cache, so small FAQs are never indexed on disk.
INDEX_MIN_BYTES = 64 * 1024
# Entries are stored compressed in blocks of this many: one entry costs one block's
# decompression (some 50 microseconds), and a block compresses three to four times.
BLOCK = 32
# A FAQ's stat proves it unchanged only if it was last changed well before it was
# read: two writes of the same size within one tick of the file system's clock leave
# both alike (git's "racily clean" entries). Two seconds is the coarsest tick in
# common use (FAT); a FAQ changed more recently than that before it was read is
# compared by content instead, until it is old enough to be trusted on its stamp.
RACY_NS = 2_000_000_000
UNVERIFIED = "unverified"
# A build's temporary file is written to all along; one untouched for this long was
# left by a build that was killed, and the next build deletes it.
STALE_BUILD_NS = 600_000_000_000


class IndexDamaged(Exception):
    """What was read from the index file is not what was written there."""


class IndexUnreadable(FaqDataError):
    """The index was found damaged while reading it for ``list``, ``show`` or
    ``check``; the file is removed, so that the next command builds it again."""


class BuildReport(Protocol):
    """What a build tells whoever watches it (the CLI's progress bar). A build asks a
    ``Callable[[int], BuildReport]`` for one, given the FAQ's size in bytes."""

    def analysed(self, done: int) -> None:
        """``done`` bytes of the FAQ are read and analysed so far."""

    def writing(self) -> None:
        """The entries are in; the postings are being written (some seconds for 100,000)."""

    def finished(self) -> None:
        """The build is over, the index written or not."""


def default_cache_dir() -> Path:
    """faq's folder in the user cache folder (e.g. ``~/.cache/faq``)."""
    if store.XDG:
        return store.xdg_folder("XDG_CACHE_HOME", "~/.cache")
    from platformdirs import user_cache_path

    return user_cache_path("faq", appauthor=False)


def cache_file(faq_path: Path, cache_dir: Path) -> Path:
    return cache_dir / f"{store.file_key(faq_path)}.sqlite"


def _fingerprint(settings: Settings) -> str:
    # The FAQ's topic (see faqcli.engine.meaning) is computed from the word vectors:
    # another table, or none, needs another index.
    table = word_vectors.default()
    return f"{FORMAT}:{settings!r}:{f'{table.dim}x{len(table)}' if table else 'no vectors'}"


class Built:
    """What ``faq index`` reports."""

    __slots__ = ("bytes", "entries", "index", "path", "reason")

    def __init__(
        self, index: Index, path: Path | None, entries: int, size: int, reason: str = ""
    ) -> None:
        self.index = index
        self.path = path  # None: no file (see reason)
        self.entries = entries
        self.bytes = size
        self.reason = reason  # why there is no file, when there is none


# -- checksums -------------------------------------------------------------------------


def _crc(*parts: str | int | bytes) -> int:
    """A CRC-32 of ``parts``, each with its type and length, so that no change of a
    value, of its type (text read back as a blob) or of where one ends goes unseen."""
    from zlib import crc32  # imported once, then found in sys.modules

    crc = 0
    for part in parts:
        kind = type(part)  # the exact types first: a build checksums every row
        if kind is str or (kind is not bytes and isinstance(part, str)):
            tag, data = b"s", str(part).encode("utf-8", "surrogatepass")
        elif isinstance(part, bytes):
            tag, data = b"b", bytes(part)
        elif isinstance(part, int):
            tag, data = b"i", str(part).encode()
        else:
            raise IndexDamaged(f"a value of type {kind.__name__}")
        crc = crc32(data, crc32(tag + len(data).to_bytes(8, "little"), crc))
    return crc


def _meta_checksum(meta: dict[str, str]) -> str:
    return str(
        _crc(*(part for key in sorted(meta) if key != "checksum" for part in (key, meta[key])))
    )


def _verified_meta(conn: sqlite3.Connection) -> dict[str, str]:
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    if not all(isinstance(v, str) for v in meta.values()):
        raise IndexDamaged("meta")
    if meta.get("checksum") != _meta_checksum(meta):
        raise IndexDamaged("meta")
    return meta


def _storable(key: str) -> bool:
    """Whether ``key`` could be a key of the file (text that is UTF-8); a query's word
    that is not can only be absent."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# What a read of a damaged file can raise besides IndexDamaged: a value of the wrong
# type or size that slipped past (a checksum can collide), never one of faq's own bugs
# (the index tests check that a sound file never falls back). An entry nested too
# deeply to be decoded this deep in a query is answered from memory too.
_DAMAGE = (IndexDamaged, ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)
DAMAGE = _DAMAGE


# -- reading -------------------------------------------------------------------------


class SqliteIndex(Index):
    """An index read from a persisted file, checking everything it reads.

    When a read fails its check, ``recover(self)`` is asked for the index to use from
    then on (one rebuilt from the FAQ), so the query in progress goes on. What was read
    before passed its checks, so it is what the new index holds as well.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        recover: Callable[[SqliteIndex], Index],
        settings: Settings = DEFAULTS,
    ) -> None:
        self.settings = settings
        self._conn = conn
        self._recover = recover
        self._fallback: Index | None = None
        self.path: Path | None = None  # the file, when opened from one (see _open)
        meta = _verified_meta(conn)
        self.meta = meta
        self.stats = Stats(
            int(meta["size"]), float(meta["avg_question_len"]), float(meta["avg_answer_len"])
        )
        self.title: str | None = json.loads(meta["title"])
        self.threshold: float | None = json.loads(meta.get("threshold", "null"))
        self.language: str | None = meta.get("language") or None
        text.use(self.language)  # its stems were made in it: so are a question's
        self.shift = float(meta.get("shift", "0"))
        self.learned_from = int(meta.get("learned_from", "0"))
        self._terms: dict[str, tuple[int, Postings | None]] = {}
        self._blocks: dict[int, list[Any]] = {}
        self._decoded: dict[int, tuple[list[str], Counts]] = {}
        self._lengths: dict[int, list[str]] = {}
        topic = json.loads(meta["topic"])
        self._topic: Vector | None = [float(x) for x in topic] if topic else None

    def close(self) -> None:
        self._conn.close()

    @property
    def size(self) -> int:
        return self.stats.size

    # -- the Index interface: each method reads with checks, or asks the fallback ----

    def df(self, term: str) -> int:
        if self._fallback is None:
            try:
                return self._term(term, postings=False)[0]
            except _DAMAGE:
                pass
        return self._damaged().df(term)

    def postings(self, term: str) -> Postings:
        if self._fallback is None:
            try:
                return self._term(term, postings=True)[1] or NO_POSTINGS
            except _DAMAGE:
                pass
        return self._damaged().postings(term)

    def entry(self, doc: int) -> Entry:
        if self._fallback is None:
            try:
                return Entry.from_dict(self._block(doc // BLOCK)[doc % BLOCK])
            except _DAMAGE:
                pass
        return self._damaged().entry(doc)

    def entry_features(self, doc: int) -> Features:
        if self._fallback is None:
            try:
                return impacts(self._counts(doc)[1], self.stats, self.settings)
            except _DAMAGE:
                pass
        return self._damaged().entry_features(doc)

    def _question_grams(self, doc: int) -> list[Counter[str]]:
        if self._fallback is None:
            try:
                return [char_grams(p) for p in self._counts(doc)[0]]
            except _DAMAGE:
                pass
        return self._damaged().question_grams(doc)

    def _counts(self, doc: int) -> tuple[list[str], Counts]:
        """Entry ``doc``'s phrases and counts, as the index keeps them (checked; the last
        read are kept: a candidate's features and letters are asked for one after the
        other)."""
        found = self._decoded.get(doc)
        if found is None:
            row = self._query("SELECT data, checksum FROM counts WHERE doc = ?", (doc,))
            if row is None or row[1] != _crc(doc, row[0]):
                raise IndexDamaged(f"counts of entry {doc}")
            if len(self._decoded) >= 512:
                self._decoded.clear()
            found = self._decoded[doc] = decode_counts(row[0])
        return found

    def has_word(self, word: str) -> bool:
        if self._fallback is None:
            try:
                return self._has_word(word)
            except _DAMAGE:
                pass
        return self._damaged().has_word(word)

    def topic(self) -> Vector | None:
        return self._topic

    def words_of_length(self, shortest: int, longest: int) -> Sequence[str]:
        if self._fallback is None:
            try:
                found: list[str] = []
                for length in range(max(shortest, 1), longest + 1):
                    found += self._words_of(length)
                return found
            except _DAMAGE:
                pass
        return self._damaged().words_of_length(shortest, longest)

    def prefetch(self, terms: Iterable[str]) -> None:
        """Read the df of many terms in one query (meaning weighs every stem of the
        best candidates by its IDF); a damaged row is found later, term by term."""
        import sqlite3

        wanted = [t for t in set(terms) if t not in self._terms and _storable(t)]
        if self._fallback is not None or not wanted:
            return
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT term, next_term, df, head FROM terms WHERE term IN ({marks})"
                for term, following, df, head in self._conn.execute(sql, chunk):
                    if head == _crc(term, following, df):
                        self._terms[term] = (df, None)
        except sqlite3.Error:
            return  # a prefetch only spares queries; the reads themselves check

    # -- beyond the Index interface: what list, show and check read ----------------------

    def entries(self) -> Iterator[Entry]:
        """Every entry, in the FAQ's order, a block at a time."""
        for block in range((self.size + BLOCK - 1) // BLOCK):
            try:
                raws = self._block(block, keep=False)
            except _DAMAGE:
                raise self._unreadable() from None
            for raw in raws:
                yield Entry.from_dict(raw)

    def find(self, entry_id: str) -> int | None:
        """The number of the entry with ``entry_id`` (as typed, composed or decomposed:
        one id however its characters are composed), or None when there is none."""
        try:
            found = (self._find(form) for form in id_forms(entry_id))
            return next((doc for doc in found if doc is not None), None)
        except _DAMAGE:
            raise self._unreadable() from None

    def ids(self) -> list[str]:
        """Every id (for "did you mean" after an unknown one)."""
        try:
            return self._ids()
        except _DAMAGE:
            raise self._unreadable() from None

    def _unreadable(self) -> IndexUnreadable:
        """The error to raise once this file is found damaged; the file is removed, when
        the cache folder lets it be (read-only, the caller reads the FAQ itself)."""
        self.close()
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
        source = self.meta.get("source", "the FAQ")
        return IndexUnreadable(
            f"{source}: its index was found damaged and is removed; run the command again"
        )

    def _damaged(self) -> Index:
        """The index to read from once this file has failed a check."""
        if self._fallback is None:
            self.close()
            self._fallback = self._recover(self)
        return self._fallback

    # -- reading and checking ----------------------------------------------------------

    def _query(self, sql: str, args: tuple[Any, ...]) -> Any:
        import sqlite3

        try:
            return self._conn.execute(sql, args).fetchone()
        except sqlite3.Error as exc:
            raise IndexDamaged(str(exc)) from exc

    def _term(self, term: str, postings: bool) -> tuple[int, Postings | None]:
        """A term's df and, when asked, its postings (cached)."""
        known = self._terms.get(term)
        if known is not None and (known[1] is not None or not postings):
            return known
        if not _storable(term):
            return (0, NO_POSTINGS)
        columns = "next_term, df, head, docs, impacts, body" if postings else "next_term, df, head"
        row = self._query(f"SELECT {columns} FROM terms WHERE term = ?", (term,))
        if row is None:
            self._absent("terms", "term", "next_term, df, head", term, _term_head)
            found: tuple[int, Postings | None] = (0, NO_POSTINGS)
        else:
            if row[2] != _crc(term, row[0], row[1]):
                raise IndexDamaged(f"term {term!r}")
            plist: Postings | None = None
            if postings:
                docs_blob, impacts_blob = row[3], row[4]
                if row[5] != _crc(term, docs_blob, impacts_blob):
                    raise IndexDamaged(f"postings of {term!r}")
                docs, impacts = array("i"), array("f")
                docs.frombytes(docs_blob)
                impacts.frombytes(impacts_blob)
                if len(docs) != len(impacts):
                    raise IndexDamaged(f"postings of {term!r}")
                plist = Postings(docs, impacts)
            found = (row[1], plist)
        self._terms[term] = found
        return found

    def _has_word(self, word: str) -> bool:
        if not _storable(word):
            return False
        row = self._query("SELECT next_word, checksum FROM words WHERE word = ?", (word,))
        if row is None:
            self._absent("words", "word", "next_word, checksum", word, _keyed_check)
            return False
        if row[1] != _crc(word, row[0]):
            raise IndexDamaged(f"word {word!r}")
        return True

    def _find(self, entry_id: str) -> int | None:
        if not _storable(entry_id):
            return None
        row = self._query("SELECT next_id, doc, checksum FROM ids WHERE id = ?", (entry_id,))
        if row is None:
            self._absent("ids", "id", "next_id, doc, checksum", entry_id, _id_check)
            return None
        if row[2] != _crc(entry_id, row[0], row[1]):
            raise IndexDamaged(f"id {entry_id!r}")
        return int(row[1])

    def _ids(self) -> list[str]:
        import sqlite3

        try:
            rows = list(self._conn.execute("SELECT id, next_id, doc, checksum FROM ids"))
        except sqlite3.Error as exc:
            raise IndexDamaged(str(exc)) from exc
        if len(rows) != self.size or not all(_id_check(row) for row in rows):
            raise IndexDamaged("ids")
        return [row[0] for row in rows]

    def _absent(
        self,
        table: str,
        key_column: str,
        columns: str,
        key: str,
        check: Callable[[tuple[Any, ...]], bool],
    ) -> None:
        """Prove that ``key``, not found, is not in ``table``: the row before it must
        name a following key that comes after it (or none), and with no row before it,
        the first key must come after it. A key whose row was damaged fails this."""
        row = self._query(
            f"SELECT {key_column}, {columns} FROM {table} WHERE {key_column} < ?"
            f" ORDER BY {key_column} DESC LIMIT 1",
            (key,),
        )
        if row is None:
            first = self.meta[f"first_{key_column}"]
            proved = first == "" or key < first
        else:
            before, following = row[0], row[1]
            proved = (
                check(row)
                and isinstance(before, str)
                and before < key
                and (following == "" or key < following)
            )
        if not proved:
            raise IndexDamaged(f"{key!r} is missing")

    def _block(self, block: int, keep: bool = True) -> list[Any]:
        """The entries of a block, as dicts; the last blocks read are kept (a query's
        candidates come back for the twin and the explanation)."""
        import zlib

        found = self._blocks.get(block)
        if found is not None:
            return found
        row = self._query("SELECT entries, checksum FROM blocks WHERE block = ?", (block,))
        if row is None or row[1] != _crc(block, row[0]):
            raise IndexDamaged(f"block {block}")
        found = json.loads(zlib.decompress(row[0]))
        if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
            raise IndexDamaged(f"block {block}")
        if keep:
            if len(self._blocks) >= max(256, self.cache_size // BLOCK + 1):
                self._blocks.clear()
            self._blocks[block] = found
        return found

    def _words_of(self, length: int) -> list[str]:
        """The FAQ's words of ``length`` letters; the meta lists the lengths there are,
        so that a row missing is damage, not a length without words."""
        if length not in self._lengths:
            if str(length) not in self.meta["lengths"].split(","):
                self._lengths[length] = []
                return []
            row = self._query("SELECT words, checksum FROM lengths WHERE length = ?", (length,))
            if row is None or row[1] != _crc(length, row[0]):
                raise IndexDamaged(f"words of length {length}")
            self._lengths[length] = row[0].split("\n")
        return self._lengths[length]


def _term_head(row: tuple[Any, ...]) -> bool:
    term, next_term, df, head = row
    return bool(head == _crc(term, next_term, df))


def _keyed_check(row: tuple[Any, ...]) -> bool:
    key, following, checksum = row
    return bool(checksum == _crc(key, following))


def _id_check(row: tuple[Any, ...]) -> bool:
    entry_id, next_id, doc, checksum = row
    return bool(checksum == _crc(entry_id, next_id, doc))


def _open(
    cache: Path, settings: Settings, recover: Callable[[SqliteIndex], Index]
) -> SqliteIndex | None:
    """The index in ``cache`` if it is whole and was built with these settings."""
    import sqlite3

    try:
        st = cache.stat()
        if not stat.S_ISREG(st.st_mode):  # a pipe would block the open for ever
            return None
        size = st.st_size
        # A URI, for read-only access; its path escaped, so that a cache folder named
        # with '#', '?' or '%' is the folder it names.
        conn = sqlite3.connect(f"{cache.absolute().as_uri()}?mode=ro", uri=True)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        if page_size * page_count != size:  # truncated, or grown by something else
            raise sqlite3.DatabaseError("size mismatch")
        index = SqliteIndex(conn, recover, settings)
        index.path = cache
        if index.meta.get("fingerprint") != _fingerprint(settings):
            raise sqlite3.DatabaseError("built with other settings")
        return index
    except (sqlite3.Error, *_DAMAGE):
        conn.close()
        return None


# -- writing -------------------------------------------------------------------------

_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE terms (term TEXT PRIMARY KEY, next_term TEXT NOT NULL,
                    df INTEGER NOT NULL, head INTEGER NOT NULL,
                    docs BLOB NOT NULL, impacts BLOB NOT NULL,
                    body INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE blocks (block INTEGER PRIMARY KEY, entries BLOB NOT NULL,
                     checksum INTEGER NOT NULL);
CREATE TABLE ids (id TEXT PRIMARY KEY, next_id TEXT NOT NULL, doc INTEGER NOT NULL,
                  checksum INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE words (word TEXT PRIMARY KEY, next_word TEXT NOT NULL,
                    checksum INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE lengths (length INTEGER PRIMARY KEY, words TEXT NOT NULL,
                      checksum INTEGER NOT NULL);
CREATE TABLE counts (doc INTEGER PRIMARY KEY, data BLOB NOT NULL, checksum INTEGER NOT NULL);
"""


class _Writer:
    """Writes an index file as the entries stream in, then the postings."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.acc = Accumulator()
        self.ids: dict[str, int] = {}
        self._block: list[str] = []
        self._counts: list[tuple[int, bytes, int]] = []

    def add(self, entry: Entry) -> None:
        doc = self.acc.size
        counted = self.acc.add(entry)
        data = encode_counts(entry, counted)
        self._counts.append((doc, data, _crc(doc, data)))
        self.ids[entry.id] = doc
        self._block.append(json.dumps(entry.to_dict(), ensure_ascii=False))
        if len(self._block) == BLOCK:
            self._flush(doc // BLOCK)

    def _flush(self, block: int) -> None:
        import zlib

        data = zlib.compress(("[" + ",".join(self._block) + "]").encode("utf-8"), 1)
        self.conn.execute("INSERT INTO blocks VALUES (?, ?, ?)", (block, data, _crc(block, data)))
        self._block = []
        self.conn.executemany("INSERT INTO counts VALUES (?, ?, ?)", self._counts)
        self._counts = []

    def finish(self, settings: Settings, title: str | None, meta: dict[str, str]) -> None:
        """Write the last block, the ids, the postings, the words and the meta."""
        if self._block:
            self._flush((self.acc.size - 1) // BLOCK)
        self.conn.executemany("INSERT INTO ids VALUES (?, ?, ?, ?)", _id_rows(self.ids))
        acc, stats, df = self.acc, self.acc.stats(), self.acc.df()
        topic = WordVectorMeaning(settings).topic(
            acc.question_terms, lambda t: idf(stats.size, df.get(t, 0))
        )
        first_term = min(df, default="")
        self.conn.executemany(
            "INSERT INTO terms VALUES (?, ?, ?, ?, ?, ?, ?)", _term_rows(acc.postings(settings))
        )
        self.conn.executemany("INSERT INTO words VALUES (?, ?, ?)", _keyed_rows(acc.words))
        self.conn.executemany("INSERT INTO lengths VALUES (?, ?, ?)", _length_rows(acc.words))
        meta = {
            **meta,
            "title": json.dumps(title),
            "topic": json.dumps(topic),
            "size": str(stats.size),
            "avg_question_len": repr(stats.avg_question_len),
            "avg_answer_len": repr(stats.avg_answer_len),
            "first_term": first_term,
            "first_word": min(acc.words, default=""),
            "first_id": min(self.ids, default=""),
            "lengths": ",".join(str(n) for n in sorted({len(w) for w in acc.words})),
        }
        meta["checksum"] = _meta_checksum(meta)
        self.conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        self.conn.commit()


def _term_rows(
    postings: Iterator[tuple[str, int, Postings]],
) -> Iterator[tuple[str, str, int, int, bytes, bytes, int]]:
    """Each term's row, in key order: the term, the term after it ("" for the last), its
    df and their checksum, then its postings as two arrays, entry numbers and impacts,
    and theirs. The term after is known one term later, so rows come one behind."""
    previous: tuple[str, int, bytes, bytes] | None = None
    for term, df, plist in postings:
        if previous is not None:
            yield _term_row(*previous, following=term)
        previous = (term, df, plist.docs.tobytes(), plist.impacts.tobytes())
    if previous is not None:
        yield _term_row(*previous, following="")


def _term_row(
    term: str, df: int, docs: bytes, impacts: bytes, following: str
) -> tuple[str, str, int, int, bytes, bytes, int]:
    head, body = _crc(term, following, df), _crc(term, docs, impacts)
    return (term, following, df, head, docs, impacts, body)


# An entry's counts, as the index keeps them (its features are computed from them with
# the collection's statistics, exactly as an index in memory does): the lengths of
# the counts' parts, the question's length (words per phrase) and the answer's, the
# size of a count (2 or 4 bytes), then the question and its alternates as JSON (for
# their letters), the terms joined by U+001E (stems never hold it), and each term's
# counts in the question and in the answer as unsigned numbers of that size.
_COUNTS_HEAD = struct.Struct("<IIdIB")


def encode_counts(entry: Entry, c: Counts) -> bytes:
    phrases = json.dumps([entry.question, *entry.alternates], ensure_ascii=False).encode()
    question, answer = c.question, c.answer
    terms = [*question, *(t for t in answer if t not in question)]
    wide = any(n > 0xFFFF for n in (*question.values(), *answer.values()))
    code = "I" if wide else "H"
    asked = array(code, [question.get(t, 0) for t in terms])
    answered = array(code, [answer.get(t, 0) for t in terms])
    joined = "\x1e".join(terms).encode()
    head = _COUNTS_HEAD.pack(
        len(phrases), len(joined), c.question_len, c.answer_len, asked.itemsize
    )
    return head + phrases + joined + asked.tobytes() + answered.tobytes()


def decode_counts(data: bytes) -> tuple[list[str], Counts]:
    """The phrases (question and alternates) and the counts of :func:`encode_counts`."""
    n_phrases, n_terms, question_len, answer_len, size = _COUNTS_HEAD.unpack_from(data)
    if size not in (2, 4):
        raise IndexDamaged("counts")
    code = "H" if size == 2 else "I"
    start = _COUNTS_HEAD.size
    phrases = json.loads(data[start : start + n_phrases])
    start += n_phrases
    text = data[start : start + n_terms].decode()
    terms = text.split("\x1e") if text else []
    start += n_terms
    asked, answered = array(code), array(code)
    asked.frombytes(data[start : start + size * len(terms)])
    answered.frombytes(data[start + size * len(terms) : start + 2 * size * len(terms)])
    if (
        not isinstance(phrases, list)
        or not all(isinstance(p, str) for p in phrases)
        or len(answered) != len(terms)
    ):
        raise IndexDamaged("counts")
    question = Counter({t: n for t, n in zip(terms, asked, strict=True) if n})
    answer = Counter({t: n for t, n in zip(terms, answered, strict=True) if n})
    return phrases, Counts(question, answer, question_len, answer_len)


def _chained(keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each key in order with the key after it ("" after the last): a row names the
    next key, so that a key not found is proved absent (see ``SqliteIndex._absent``)."""
    ordered = sorted(keys)
    return zip(ordered, [*ordered[1:], ""], strict=True)


def _keyed_rows(keys: Iterable[str]) -> Iterator[tuple[str, str, int]]:
    for key, following in _chained(keys):
        yield key, following, _crc(key, following)


def _id_rows(ids: dict[str, int]) -> Iterator[tuple[str, str, int, int]]:
    for entry_id, following in _chained(ids):
        doc = ids[entry_id]
        yield entry_id, following, doc, _crc(entry_id, following, doc)


def _length_rows(words: Iterable[str]) -> Iterator[tuple[int, str, int]]:
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    for length in sorted(by_length):
        text = "\n".join(sorted(by_length[length]))
        yield length, text, _crc(length, text)


def _write(
    cache: Path,
    entries: Iterable[Entry],
    title: Callable[[], str | None],
    meta: Callable[[], dict[str, str]],
    settings: Settings,
    report: BuildReport | None,
    negatives: Callable[[], tuple[Negative, ...]] = tuple,
) -> int:
    """Write the index of ``entries`` into ``cache`` (atomically); ``title``, ``meta``
    and ``negatives`` are asked for once the entries are in. What faq learns of the FAQ
    from its labelled questions (``engine.learning``) is written with it, before the
    file takes the index's place. Returns the number of entries."""
    import sqlite3

    cache.parent.mkdir(parents=True, exist_ok=True)
    atomic.remove_leftovers(cache, cache.name + ".", STALE_BUILD_NS)
    with atomic.replacing(cache, cache.name + ".") as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_SCHEMA)
            writer = _Writer(conn)
            for entry in entries:
                writer.add(entry)
            if report:
                report.writing()
            writer.finish(settings, title(), meta())
            _learn_into(conn, settings, negatives())
        finally:
            conn.close()
    return writer.acc.size


def _learn_into(
    conn: sqlite3.Connection, settings: Settings, negatives: tuple[Negative, ...]
) -> None:
    """Rank the labelled questions of the index just written in ``conn`` and record the
    shift learnt from them in its meta (its checksum made again)."""

    def unreadable(damaged: SqliteIndex) -> Index:
        raise damaged._unreadable()  # a file written a moment ago: never damaged

    found = learning.learn(SqliteIndex(conn, unreadable, settings), negatives)
    if not found.questions:
        return
    meta = _verified_meta(conn)
    meta.update(shift=repr(found.shift), learned_from=str(found.questions))
    meta["checksum"] = _meta_checksum(meta)
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
    conn.commit()


def _stamps(st: os.stat_result, read_at: int) -> dict[str, str]:
    """What the FAQ's stat says about content read at ``read_at``: its size, mtime and
    change stamp (ctime, inode and device: a process can set the mtime back, not the
    ctime, and an editor that saves by renaming makes a new inode). A time too close to
    the read to vouch for it (see RACY_NS) is recorded as UNVERIFIED."""
    trusted = read_at - RACY_NS
    return {
        "source_size": str(st.st_size),
        "source_mtime_ns": str(st.st_mtime_ns) if st.st_mtime_ns < trusted else UNVERIFIED,
        "source_change": _change(st) if st.st_ctime_ns < trusted else UNVERIFIED,
    }


def _change(st: os.stat_result) -> str:
    return f"{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


def _fresh(index: SqliteIndex, st: os.stat_result) -> bool:
    return _stamped(index.meta, st)


def _stamped(m: dict[str, str], st: os.stat_result) -> bool:
    """Whether the stamps in ``m`` (``_stamps``) are those of a file with stat ``st``."""
    return (
        m.get("source_size") == str(st.st_size)
        and m.get("source_mtime_ns") == str(st.st_mtime_ns)
        and m.get("source_change") == _change(st)
    )


def current_for(m: dict[str, str], st: os.stat_result, digest: str) -> bool:
    """Whether an index (or delta) whose stamps and digest are in ``m`` was made for a
    FAQ with stat ``st`` and content ``digest``."""
    return _stamped(m, st) or m.get("source_digest") == digest


def stamps_of(faq_path: Path) -> dict[str, str]:
    """The stamps of the FAQ at ``faq_path`` as it is now (after a write)."""
    return _stamps(_stat(faq_path), time.time_ns())


def open_cached(cache: Path, settings: Settings = DEFAULTS) -> SqliteIndex | None:
    """The index in ``cache``, whatever FAQ it is of, or None (refusing a damaged one)."""

    def refuse(damaged: SqliteIndex) -> Index:
        raise damaged._unreadable()

    return _open(cache, settings, refuse)


# -- choosing, building and loading ----------------------------------------------------


def _in_memory(faq: Faq, settings: Settings = DEFAULTS) -> MemoryIndex:
    """The FAQ's entries analysed in memory, in its language."""
    return MemoryIndex(faq.entries, settings, language=faq.language)


def in_memory(
    faq_path: Path,
    settings: Settings = DEFAULTS,
    cache_dir: Path | None = None,
    *,
    keep: bool = True,
) -> MemoryIndex:
    """The FAQ at ``faq_path`` read whole and analysed in memory, with its threshold,
    what faq learnt of it from its labelled questions (``engine.learning``) and each
    entry's meaning vector: read from a small file in ``cache_dir`` (the user's cache
    folder by default) while the FAQ's content and the settings are those they were
    computed from, else computed and written there (not ``keep``: computed as needed,
    each time, ``--no-cache``). Kept, an ask needs no word vector of the FAQ's entries:
    on the bundled FAQ that was 2.6 ms of its start-up, on one of 200 entries ~20 ms
    of every ask."""
    data = store.read_bytes(faq_path)
    faq = store.parse(store.decode_text(data, str(faq_path)), str(faq_path))
    index = _in_memory(faq, settings)
    index.threshold = faq.threshold
    # A FAQ without alternates or negatives has nothing to learn from.
    learns = bool(faq.negatives) or any(e.alternates for e in faq.entries)
    if not keep:
        if learns:
            index.shift, index.learned_from = learning.learn(index, faq.negatives)
        return index
    hasher = store.content_hasher()
    hasher.update(data)
    stamp = {"digest": hasher.hexdigest(), "fingerprint": _fingerprint(settings)}
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    path = folder / "learned" / f"{store.file_key(faq_path)}.json"
    kept = _kept_small(path, stamp, len(faq.entries))
    if kept is not None:
        (index.shift, index.learned_from), index._entry_meanings = kept
        return index
    found = learning.learn(index, faq.negatives) if learns else learning.NOTHING
    meanings = [index.entry_meaning(doc) for doc in range(len(faq.entries))]
    doc = {**stamp, "shift": found.shift, "questions": found.questions}
    _keep_small(path, {**doc, **_packed(meanings)})
    index.shift, index.learned_from = found
    return index


def _packed(meanings: list[Vector | None]) -> dict[str, Any]:
    """Entry meaning vectors for a JSON file, exactly: their float64 bytes, one row an
    entry (NaNs for an entry without one: a unit vector holds none), in base 64."""
    import binascii

    dim = next((len(v) for v in meanings if v), 0)
    rows = array("d")
    for vector in meanings:
        rows.extend(vector if vector else [math.nan] * dim)
    if sys.byteorder == "big":
        rows.byteswap()
    return {"dim": dim, "meanings": binascii.b2a_base64(rows.tobytes(), newline=False).decode()}


def _kept_small(
    path: Path, stamp: dict[str, str], entries: int
) -> tuple[learning.Learned, dict[int, Vector | None]] | None:
    """What was kept of a small FAQ in ``path`` for the content in ``stamp``: what was
    learnt and the meaning vector of each of its ``entries``; None when there is none
    for this content, or it is damaged (then it is computed again)."""
    import binascii

    if not store.regular_or_absent(path):
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if any(doc.get(k) != v for k, v in stamp.items()):
            return None
        learned = learning.Learned(float(doc["shift"]), int(doc["questions"]))
        dim = int(doc["dim"])
        rows = array("d", binascii.a2b_base64(doc["meanings"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # none kept, or damaged
    if dim < 0 or len(rows) != dim * entries or not math.isfinite(learned.shift):
        return None
    if sys.byteorder == "big":
        rows.byteswap()
    meanings: dict[int, Vector | None] = {}
    for doc_id in range(entries):
        row = rows[doc_id * dim : (doc_id + 1) * dim]
        meanings[doc_id] = None if not dim or math.isnan(row[0]) else row.tolist()
    return learned, meanings


def _keep_small(path: Path, doc: dict[str, Any]) -> None:
    """Keep what was computed of a small FAQ; a cache that cannot be written is no error
    (it is computed again next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic.replacing(path, f".{path.name}.") as tmp:
            tmp.write_text(json.dumps(doc), encoding="utf-8")
    except OSError:
        pass


def open_index(
    source: store.FaqSource,
    *,
    cache: bool = True,
    progress: Callable[[int], BuildReport] | None = None,
) -> Index:
    """The one place that decides which index serves a FAQ: the bundled FAQ, any FAQ
    under ``INDEX_MIN_BYTES`` and ``cache=False`` (``--no-cache``) are analysed in
    memory; a larger FAQ's index is read from the cache, built first when missing,
    stale or damaged (see :func:`load`)."""
    if not cache:
        return in_memory(source.path, keep=False)
    if source.bundled:
        return in_memory(source.path)
    return load(source.path, progress=progress)


def current(source: store.FaqSource, cache: bool = True) -> SqliteIndex | Updated | None:
    """The FAQ's persisted index when there is one and it is current (``faq list``,
    ``show`` and ``check`` read it instead of the JSON); None otherwise. Never builds."""
    if source.bundled or not cache or _stat(source.path).st_size < INDEX_MIN_BYTES:
        return None
    faq_path, cache_dir = source.path, default_cache_dir()

    def refuse(damaged: SqliteIndex) -> Index:
        raise damaged._unreadable()

    path = cache_file(faq_path, cache_dir)
    index = _open(path, DEFAULTS, refuse)
    st = _stat(faq_path)
    if index is not None and _current(index, st, faq_path, path):
        return index
    if index is not None:
        updated = _updated(index, st, faq_path, path)
        if updated is not None:
            return updated
        index.close()
    return None


def _current(index: SqliteIndex, st: os.stat_result, faq_path: Path, cache: Path) -> bool:
    """Whether ``index`` was built from the FAQ as it is: by its stamp, else (touched
    but perhaps not changed: a checkout, a copy, a write too recent to trust its
    stamp) by its content, restamping the index when the content is the same."""
    if _fresh(index, st):
        return True
    if index.meta.get("source_digest") != store.file_digest(faq_path):
        return False
    stamps = _stamps(st, time.time_ns())
    if any(index.meta.get(key) != value for key, value in stamps.items()):
        _restamp(cache, stamps)
    return True


def build_for(
    source: store.FaqSource, progress: Callable[[int], BuildReport] | None = None
) -> Built:
    """``faq index``: persist the FAQ's index now, when :func:`open_index` would use
    one; otherwise say why there is no file."""
    if source.bundled or _stat(source.path).st_size < INDEX_MIN_BYTES:
        faq = store.load(source.path)
        why = "the bundled FAQ" if source.bundled else f"under {INDEX_MIN_BYTES // 1024} KiB"
        reason = f"{why}: faq reads it whole each time, no index needed"
        return Built(_in_memory(faq), None, len(faq.entries), 0, reason)
    built = build(source.path, default_cache_dir(), progress=progress)
    if built.path is None:  # what this command is for could not be done
        raise FaqDataError(built.reason)
    return built


def build(
    faq_path: Path,
    cache_dir: Path,
    settings: Settings = DEFAULTS,
    progress: Callable[[int], BuildReport] | None = None,
) -> Built:
    """Analyse the FAQ and persist the index, whatever is in the cache now."""
    return _build(faq_path, cache_dir, settings, progress)[0]


def _build(
    faq_path: Path,
    cache_dir: Path,
    settings: Settings,
    progress: Callable[[int], BuildReport] | None,
) -> tuple[Built, str]:
    """:func:`build`, and the digest of the FAQ it was built from. The FAQ is read as
    a stream (``store.EntryStream``); one the stream leaves to ``store.load`` (an entry
    without an id, bad data to report with its place) is read whole and built again."""
    import sqlite3

    st = _stat(faq_path)  # before reading: a write in between makes the stamp stale
    cache = cache_file(faq_path, cache_dir)
    report = progress(st.st_size) if progress else None
    stream = store.EntryStream(faq_path)
    try:
        try:
            built = _write_from(stream, faq_path, st, cache, settings, report)
            return built, stream.digest
        except store.NotStreamable:
            faq = store.load(faq_path)  # the FAQ's own error, or every entry
            digest = store.file_digest(faq_path)
            built = _write_from(faq, faq_path, st, cache, settings, report, digest)
            return built, digest
    except (OSError, sqlite3.Error) as exc:
        faq = store.load(faq_path)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        reason = f"{cache.parent}: cannot write the index there ({why})"
        built = Built(_in_memory(faq, settings), None, len(faq.entries), 0, reason)
        return built, store.file_digest(faq_path)
    finally:
        if report:
            report.finished()


def _write_from(
    source: store.EntryStream | Faq,
    faq_path: Path,
    st: os.stat_result,
    cache: Path,
    settings: Settings,
    report: BuildReport | None,
    digest: str = "",
) -> Built:
    read_at = time.time_ns()

    def entries() -> Iterator[Entry]:
        for n, entry in enumerate(source.entries if isinstance(source, Faq) else source):
            if n == 0:  # read in the FAQ's language (a stream knows it by its entries)
                text.use(source.language)
            if report and n % 1000 == 999 and isinstance(source, store.EntryStream):
                report.analysed(source.read_bytes)
            yield entry
        if report:
            report.analysed(st.st_size)

    def meta() -> dict[str, str]:
        return {
            "threshold": json.dumps(source.threshold),
            "language": source.language or "",
            "fingerprint": _fingerprint(settings),
            # for messages only; a name that is not UTF-8 is shown with U+FFFD
            "source": os.fsencode(faq_path.resolve()).decode("utf-8", "replace"),
            **_stamps(st, read_at),
            "source_digest": digest or getattr(source, "digest", ""),
        }

    count = _write(
        cache, entries(), lambda: source.title, meta, settings, report, lambda: source.negatives
    )

    def rebuild(_damaged: SqliteIndex) -> Index:
        return _in_memory(store.load(faq_path), settings)

    opened = _open(cache, settings, rebuild)
    index: Index = opened or _in_memory(store.load(faq_path), settings)
    return Built(index, cache, count, cache.stat().st_size)


def load(
    faq_path: Path,
    cache_dir: Path | None = None,
    settings: Settings = DEFAULTS,
    progress: Callable[[int], BuildReport] | None = None,
) -> Index:
    """The index of the FAQ at ``faq_path``: from the cache when it is current, else
    built (and cached when the cache is writable). Small FAQs are analysed in memory.
    ``progress(total)`` is asked for a report when a build starts."""
    st = _stat(faq_path)
    if st.st_size < INDEX_MIN_BYTES:
        return in_memory(faq_path, settings, cache_dir)
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()

    def rebuild(damaged: SqliteIndex) -> Index:
        """A file found damaged mid-query: build it again from the same FAQ."""
        built, digest = _build(faq_path, cache_dir, settings, progress)
        if digest != damaged.meta.get("source_digest"):
            # What the query read so far came from the FAQ as it was; going on with
            # the new one could mix the two.
            msg = f"{faq_path}: changed while faq was reading it; run the command again"
            raise FaqDataError(msg)
        return built.index

    cache = cache_file(faq_path, cache_dir)
    index = _open(cache, settings, rebuild)
    if index is not None:
        if _current(index, st, faq_path, cache):
            return index
        updated = _updated(index, st, faq_path, cache)
        if updated is not None:
            return updated
        index.close()
    return build(faq_path, cache_dir, settings, progress).index


def _updated(index: SqliteIndex, st: os.stat_result, faq_path: Path, cache: Path) -> Updated | None:
    """``index`` with the changes faq's own writes made since it was built
    (``faqcli.delta``), when the FAQ is what the last of them wrote; else None."""
    from faqcli import delta

    found = delta.read(cache, index)
    if found is None:
        return None
    if not _stamped(found.stamps, st):
        if found.digest != store.file_digest(faq_path):
            return None  # changed since, by hand: rebuilt
        stamps = _stamps(st, time.time_ns())
        if stamps != found.stamps:  # old enough now to vouch for: checked once more
            with contextlib.suppress(OSError):
                delta.write(cache, found._replace(stamps=stamps))
    return delta.Updated(index, found)


def _restamp(cache: Path, stamps: dict[str, str]) -> None:
    """Record the FAQ's new stat after its content proved unchanged."""
    import sqlite3

    try:
        conn = sqlite3.connect(cache, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            meta = _verified_meta(conn)
            meta.update(stamps)
            rows = [*stamps.items(), ("checksum", _meta_checksum(meta))]
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)
            conn.execute("COMMIT")
        finally:
            conn.close()
    except (OSError, sqlite3.Error, IndexDamaged):
        pass  # an unwritable or damaged cache only means the content is compared again


def _stat(faq_path: Path) -> os.stat_result:
    try:
        return faq_path.stat()
    except OSError:
        store.read_text(faq_path)  # raises the one-line FaqDataError for this file
        raise
