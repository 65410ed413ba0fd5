"""The persisted index: a FAQ's analysis kept in an SQLite file in the user cache
directory, so that a warm ``faq ask`` neither parses the FAQ's JSON nor tokenises its
entries, and costs about the same for 6 entries or 1,000,000.

The file is keyed by the FAQ's resolved path and checked against its size, mtime and
content hash; it is rebuilt when the FAQ changes, when the engine's settings or this
format change, and when it is corrupt or truncated. Builds write a temporary file and
rename it into place, so concurrent builds leave one good index. When the cache
cannot be written, the analysis is used in memory: results are the same either way,
since ranking (``faqcli.engine.rank``) sees only the ``Index`` interface.
"""

from __future__ import annotations

import json
import os
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from faqcli import store
from faqcli import vectors as word_vectors
from faqcli.engine.analysis import (
    Analysis,
    Features,
    Index,
    MemoryIndex,
    Posting,
    Stats,
    analyse,
    entry_features,
    idf,
    vocabulary_order,
)
from faqcli.engine.meaning import WordVectorMeaning
from faqcli.engine.settings import DEFAULTS, Settings
from faqcli.model import Entry
from faqcli.vectors import Vector

if TYPE_CHECKING:
    import sqlite3

# sqlite3, hashlib and tempfile (some 20 ms together) are imported inside the functions
# that use them: a small FAQ goes through ``load`` and never needs them.

FORMAT = "5"  # change when the layout of the file or the engine's analysis changes
# Below this size, parsing the JSON and analysing it in memory (about 30 ms for
# 64 KiB, some 300 entries) costs no more than importing sqlite3 and platformdirs and
# opening a cache, so small FAQs are never indexed on disk.
INDEX_MIN_BYTES = 64 * 1024
# A FAQ's size and mtime prove it unchanged only if it was last written well before it
# was read: two writes of the same size within one tick of the file system's clock
# leave both alike (git's "racily clean" entries). Two seconds is the coarsest tick in
# common use (FAT); a FAQ written more recently than that before it was read is
# compared by content instead, until it is old enough to be trusted on its stamp.
RACY_NS = 2_000_000_000
UNVERIFIED = "unverified"


class BuildReport(Protocol):
    """What a build tells whoever watches it (the CLI's progress bar). A build asks a
    ``Callable[[int], BuildReport]`` for one, given the number of entries."""

    def analysed(self, done: int) -> None:
        """``done`` entries are analysed so far."""

    def writing(self) -> None:
        """The analysis is done; the index is being written (some seconds for 100,000)."""

    def finished(self) -> None:
        """The build is over, the index written or not."""


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("faq", appauthor=False)


def cache_file(faq_path: Path, cache_dir: Path) -> Path:
    import hashlib

    key = hashlib.sha256(str(faq_path.resolve()).encode()).hexdigest()[:32]
    return cache_dir / f"{key}.sqlite"


def _fingerprint(settings: Settings) -> str:
    # The FAQ's topic (see faqcli.engine.meaning) is computed from the word vectors:
    # another table, or none, needs another index.
    table = word_vectors.default()
    return f"{FORMAT}:{settings!r}:{f'{table.dim}x{len(table)}' if table else 'no vectors'}"


@dataclass(frozen=True)
class Built:
    """What ``faq index`` reports."""

    index: Index
    path: Path | None  # None: the cache could not be written
    entries: int
    bytes: int


class SqliteIndex(Index):
    """An index read from a persisted file."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings = DEFAULTS) -> None:
        self.settings = settings
        self._conn = conn
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        self.meta = meta
        self.stats = Stats(
            int(meta["size"]), float(meta["avg_question_len"]), float(meta["avg_answer_len"])
        )
        self._terms: dict[str, tuple[int, bytes, bytes] | None] = {}
        self._dfs: dict[str, int] = {}
        self._vocabulary: list[str] | None = None
        topic = json.loads(meta["topic"])
        self._topic: Vector | None = [float(x) for x in topic] if topic else None

    def close(self) -> None:
        self._conn.close()

    @property
    def size(self) -> int:
        return self.stats.size

    def _term(self, term: str) -> tuple[int, bytes, bytes] | None:
        if term not in self._terms:
            row = self._conn.execute(
                "SELECT df, docs, impacts FROM terms WHERE term = ?", (term,)
            ).fetchone()
            self._terms[term] = row
        return self._terms[term]

    def df(self, term: str) -> int:
        # Meaning (see faqcli.engine.meaning) weighs every stem of the best candidates by its
        # IDF: fetch the count alone, not the postings stored after it.
        if term in self._terms:
            row = self._terms[term]
            return row[0] if row else 0
        if term not in self._dfs:
            found = self._conn.execute("SELECT df FROM terms WHERE term = ?", (term,)).fetchone()
            self._dfs[term] = found[0] if found else 0
        return self._dfs[term]

    def postings(self, term: str) -> Sequence[Posting]:
        row = self._term(term)
        if row is None:
            return ()
        docs, negated = array("i"), array("d")
        docs.frombytes(row[1])
        negated.frombytes(row[2])
        return [Posting(doc, -n) for doc, n in zip(docs, negated, strict=True)]

    def entry(self, doc: int) -> Entry:
        row = self._conn.execute("SELECT entry FROM docs WHERE doc = ?", (doc,)).fetchone()
        return Entry.from_dict(json.loads(row[0]))

    def features(self, doc: int) -> Features:
        return entry_features(self.entry(doc), self.stats, self.settings)

    def has_word(self, word: str) -> bool:
        found = self._conn.execute("SELECT 1 FROM words WHERE word = ?", (word,)).fetchone()
        return found is not None

    def topic(self) -> Vector | None:
        return self._topic

    def vocabulary(self) -> Sequence[str]:
        if self._vocabulary is None:
            # One sorted blob: a single read and split, some ten times faster than
            # fetching the words row by row.
            row = self._conn.execute("SELECT words FROM vocabulary").fetchone()
            self._vocabulary = row[0].split("\n") if row and row[0] else []
        return self._vocabulary


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def _open(cache: Path, settings: Settings) -> SqliteIndex | None:
    """The index in ``cache`` if it is whole and was built with these settings."""
    import sqlite3

    try:
        size = cache.stat().st_size
        conn = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        if page_size * page_count != size:  # truncated, or grown by something else
            raise sqlite3.DatabaseError("size mismatch")
        index = SqliteIndex(conn, settings)
        if index.meta.get("fingerprint") != _fingerprint(settings):
            raise sqlite3.DatabaseError("built with other settings")
        return index
    except (sqlite3.Error, KeyError, ValueError, TypeError):
        conn.close()
        return None


def _term_row(term: str, df: int, plist: list[tuple[float, int]]) -> tuple[str, int, bytes, bytes]:
    """A term's row: its postings as two arrays, entry numbers and negated impacts (as
    the analysis holds them; :meth:`SqliteIndex.postings` turns them back)."""
    negated, docs = zip(*plist, strict=True)
    return term, df, array("i", docs).tobytes(), array("d", negated).tobytes()


def _write(cache: Path, analysis: Analysis, meta: dict[str, str]) -> None:
    """Write ``analysis`` to a temporary file beside ``cache``, then rename it into place."""
    import sqlite3
    import tempfile

    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=cache.name + ".", suffix=".tmp", dir=cache.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL,
                                    docs BLOB NOT NULL, impacts BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE docs (doc INTEGER PRIMARY KEY, entry TEXT NOT NULL);
                CREATE TABLE words (word TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE vocabulary (words TEXT NOT NULL);
                """
            )
            conn.executemany(
                "INSERT INTO terms VALUES (?, ?, ?, ?)",
                (
                    _term_row(term, analysis.df[term], plist)
                    for term, plist in analysis.postings.items()
                ),
            )
            conn.executemany(
                "INSERT INTO docs VALUES (?, ?)",
                (
                    (doc, json.dumps(e.to_dict(), ensure_ascii=False))
                    for doc, e in enumerate(analysis.entries)
                ),
            )
            conn.executemany("INSERT INTO words VALUES (?)", ((w,) for w in analysis.words))
            conn.execute(
                "INSERT INTO vocabulary VALUES (?)", ("\n".join(vocabulary_order(analysis.words)),)
            )
            stats = analysis.stats
            topic = WordVectorMeaning(DEFAULTS).topic(
                analysis.question_terms, lambda t: idf(stats.size, analysis.df.get(t, 0))
            )
            meta = {
                **meta,
                "topic": json.dumps(topic),
                "size": str(stats.size),
                "avg_question_len": repr(stats.avg_question_len),
                "avg_answer_len": repr(stats.avg_answer_len),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
        finally:
            conn.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, cache)
    finally:
        tmp.unlink(missing_ok=True)


def _source_meta(
    faq_path: Path, st: os.stat_result, read_at: int, digest: str, settings: Settings
) -> dict[str, str]:
    return {
        "fingerprint": _fingerprint(settings),
        "source": str(faq_path.resolve()),
        "source_size": str(st.st_size),
        "source_mtime_ns": _mtime_stamp(st, read_at),
        "source_digest": digest,
    }


def _mtime_stamp(st: os.stat_result, read_at: int) -> str:
    """The FAQ's mtime, if it can vouch for content read at ``read_at`` (see RACY_NS)."""
    return str(st.st_mtime_ns) if st.st_mtime_ns < read_at - RACY_NS else UNVERIFIED


def _fresh(index: SqliteIndex, st: os.stat_result) -> bool:
    m = index.meta
    return m.get("source_size") == str(st.st_size) and m.get("source_mtime_ns") == str(
        st.st_mtime_ns
    )


def build(
    faq_path: Path,
    cache_dir: Path,
    settings: Settings = DEFAULTS,
    progress: Callable[[int], BuildReport] | None = None,
) -> Built:
    """Analyse the FAQ and persist the index, whatever is in the cache now."""
    import sqlite3

    st = _stat(faq_path)
    text = store.read_text(faq_path)
    read_at = time.time_ns()
    faq = store.parse(text, str(faq_path))
    report = progress(len(faq.entries)) if progress else None
    try:
        analysis = analyse(faq.entries, settings, report.analysed if report else None)
        if report:
            report.writing()
        cache = cache_file(faq_path, cache_dir)
        meta = _source_meta(faq_path, st, read_at, _digest(text), settings)
        try:
            _write(cache, analysis, meta)
        except (OSError, sqlite3.Error):
            return Built(MemoryIndex.from_analysis(analysis, settings), None, len(faq.entries), 0)
    finally:
        if report:
            report.finished()
    opened = _open(cache, settings)
    index: Index = opened or MemoryIndex.from_analysis(analysis, settings)
    return Built(index, cache, len(faq.entries), cache.stat().st_size)


def load(
    faq_path: Path,
    cache_dir: Path | None = None,
    settings: Settings = DEFAULTS,
    progress: Callable[[int], BuildReport] | None = None,
) -> Index:
    """The index of the FAQ at ``faq_path``: from the cache when it is current, else
    built (and cached when the cache is writable). Small FAQs are analysed in memory.
    ``progress(total)`` is asked for a callback when a build starts."""
    st = _stat(faq_path)
    if st.st_size < INDEX_MIN_BYTES:
        return MemoryIndex(store.load(faq_path).entries, settings)
    cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
    cache = cache_file(faq_path, cache_dir)
    index = _open(cache, settings)
    if index is not None:
        if _fresh(index, st):
            return index
        # Touched but perhaps not changed (a checkout, a copy): compare the content.
        text = store.read_text(faq_path)
        if index.meta.get("source_digest") == _digest(text):
            stamp = _mtime_stamp(st, time.time_ns())
            if stamp != index.meta.get("source_mtime_ns"):
                _restamp(cache, st, stamp)
            return index
        index.close()
    return build(faq_path, cache_dir, settings, progress).index


def _restamp(cache: Path, st: os.stat_result, mtime_stamp: str) -> None:
    """Record the FAQ's new size and mtime after its content proved unchanged."""
    import sqlite3

    try:
        conn = sqlite3.connect(cache)
        try:
            conn.executemany(
                "UPDATE meta SET value = ? WHERE key = ?",
                [(str(st.st_size), "source_size"), (mtime_stamp, "source_mtime_ns")],
            )
            conn.commit()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        pass  # an unwritable cache only means the content is compared again next time


def _stat(faq_path: Path) -> os.stat_result:
    try:
        return faq_path.stat()
    except OSError:
        store.read_text(faq_path)  # raises the one-line FaqDataError for this file
        raise
