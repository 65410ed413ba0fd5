"""The persisted index: a FAQ's analysis kept in an SQLite file in the user cache
directory, so that a warm ``faq ask`` neither parses the FAQ's JSON nor tokenises its
entries, and costs about the same for 6 entries or 1,000,000.

The file is keyed by the FAQ's resolved path and checked against its size, mtime,
ctime, inode and content hash; it is rebuilt when the FAQ changes, when the engine's
settings or this format change, and when it is corrupt or truncated. Builds write a
temporary file and rename it into place, so concurrent builds leave one good index.
When the cache cannot be written, the analysis is used in memory: results are the same
either way, since ranking (``faqcli.engine.rank``) sees only the ``Index`` interface.

Everything read from the file is checked as it is read, so that damage (a bad disk, a
stray write) never silently changes an answer: every row carries a CRC-32 of what it
holds, and each term and word row names the key that follows it, so that a key that
cannot be found is proved absent by the row before it. A read that fails its check, or
any SQLite error, means the index is rebuilt from the FAQ (or the analysis used in
memory) and the query goes on.
"""

from __future__ import annotations

import json
import os
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from faqcli import atomic, store
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
from faqcli.errors import FaqDataError
from faqcli.model import Entry
from faqcli.vectors import Vector

if TYPE_CHECKING:
    import sqlite3

# sqlite3, hashlib, tempfile and zlib (some 20 ms together) are imported inside the
# functions that use them: a small FAQ goes through ``load`` and never needs them.

FORMAT = "6"  # change when the layout of the file or the engine's analysis changes
# Below this size, parsing the JSON and analysing it in memory (about 30 ms for
# 64 KiB, some 300 entries) costs no more than importing sqlite3 and platformdirs and
# opening a cache, so small FAQs are never indexed on disk.
INDEX_MIN_BYTES = 64 * 1024
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


def _crc(*parts: str | int | bytes) -> int:
    """A CRC-32 of ``parts``, each with its type and length, so that no change of a
    value, of its type (text read back as a blob) or of where one ends goes unseen."""
    import zlib

    crc = 0
    for part in parts:
        if isinstance(part, bytes):
            tag, data = b"b", part
        elif isinstance(part, str):
            tag, data = b"s", part.encode("utf-8", "surrogatepass")
        elif isinstance(part, int):
            tag, data = b"i", str(part).encode()
        else:
            raise IndexDamaged(f"a value of type {type(part).__name__}")
        crc = zlib.crc32(tag + len(data).to_bytes(8, "little") + data, crc)
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
        meta = _verified_meta(conn)
        self.meta = meta
        self.stats = Stats(
            int(meta["size"]), float(meta["avg_question_len"]), float(meta["avg_answer_len"])
        )
        self._terms: dict[str, tuple[int, Sequence[Posting] | None]] = {}
        self._vocabulary: list[str] | None = None
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

    def postings(self, term: str) -> Sequence[Posting]:
        if self._fallback is None:
            try:
                return self._term(term, postings=True)[1] or ()
            except _DAMAGE:
                pass
        return self._damaged().postings(term)

    def entry(self, doc: int) -> Entry:
        if self._fallback is None:
            try:
                return self._entry(doc)
            except _DAMAGE:
                pass
        return self._damaged().entry(doc)

    def features(self, doc: int) -> Features:
        return entry_features(self.entry(doc), self.stats, self.settings)

    def has_word(self, word: str) -> bool:
        if self._fallback is None:
            try:
                return self._has_word(word)
            except _DAMAGE:
                pass
        return self._damaged().has_word(word)

    def topic(self) -> Vector | None:
        return self._topic

    def vocabulary(self) -> Sequence[str]:
        if self._fallback is None:
            try:
                return self._read_vocabulary()
            except _DAMAGE:
                pass
        return self._damaged().vocabulary()

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

    def _term(self, term: str, postings: bool) -> tuple[int, Sequence[Posting] | None]:
        """A term's df and, when asked, its postings (cached)."""
        known = self._terms.get(term)
        if known is not None and (known[1] is not None or not postings):
            return known
        if not _storable(term):
            return (0, ())
        columns = "next_term, df, head, docs, impacts, body" if postings else "next_term, df, head"
        row = self._query(f"SELECT {columns} FROM terms WHERE term = ?", (term,))
        if row is None:
            self._absent(
                term,
                "SELECT term, next_term, df, head FROM terms WHERE term < ?"
                " ORDER BY term DESC LIMIT 1",
                self.meta["first_term"],
                _term_head,
            )
            found: tuple[int, Sequence[Posting] | None] = (0, ())
        else:
            if row[2] != _crc(term, row[0], row[1]):
                raise IndexDamaged(f"term {term!r}")
            plist: Sequence[Posting] | None = None
            if postings:
                docs_blob, impacts_blob = row[3], row[4]
                if row[5] != _crc(term, docs_blob, impacts_blob):
                    raise IndexDamaged(f"postings of {term!r}")
                docs, negated = array("i"), array("d")
                docs.frombytes(docs_blob)
                negated.frombytes(impacts_blob)
                plist = [Posting(doc, -n) for doc, n in zip(docs, negated, strict=True)]
            found = (row[1], plist)
        self._terms[term] = found
        return found

    def _has_word(self, word: str) -> bool:
        if not _storable(word):
            return False
        row = self._query("SELECT next_word, checksum FROM words WHERE word = ?", (word,))
        if row is None:
            self._absent(
                word,
                "SELECT word, next_word, checksum FROM words WHERE word < ?"
                " ORDER BY word DESC LIMIT 1",
                self.meta["first_word"],
                _word_check,
            )
            return False
        if row[1] != _crc(word, row[0]):
            raise IndexDamaged(f"word {word!r}")
        return True

    def _absent(
        self, key: str, before_sql: str, first: str, check: Callable[[tuple[Any, ...]], bool]
    ) -> None:
        """Prove that ``key``, not found, is not in the table: the row before it must
        name a following key that comes after it (or none), and with no row before it,
        the first key must come after it. A key whose row was damaged fails this."""
        row = self._query(before_sql, (key,))
        if row is None:
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

    def _entry(self, doc: int) -> Entry:
        row = self._query("SELECT entry, checksum FROM docs WHERE doc = ?", (doc,))
        if row is None or row[1] != _crc(doc, row[0]):
            raise IndexDamaged(f"entry {doc}")
        return Entry.from_dict(json.loads(row[0]))

    def _read_vocabulary(self) -> list[str]:
        if self._vocabulary is None:
            # One sorted blob: a single read and split, some ten times faster than
            # fetching the words row by row.
            row = self._query("SELECT words, checksum FROM vocabulary", ())
            if row is None or row[1] != _crc(row[0]):
                raise IndexDamaged("vocabulary")
            self._vocabulary = row[0].split("\n") if row[0] else []
        return self._vocabulary


def _term_head(row: tuple[Any, ...]) -> bool:
    term, next_term, df, head = row
    return bool(head == _crc(term, next_term, df))


def _word_check(row: tuple[Any, ...]) -> bool:
    word, next_word, checksum = row
    return bool(checksum == _crc(word, next_word))


# What a read of a damaged file can raise besides IndexDamaged: a value of the wrong
# type or size that slipped past (a checksum can collide), never one of faq's own bugs
# (the index tests check that a sound file never falls back). An entry nested too
# deeply to be decoded this deep in a query is answered from memory too.
_DAMAGE = (IndexDamaged, ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def _open(
    cache: Path, settings: Settings, recover: Callable[[SqliteIndex], Index]
) -> SqliteIndex | None:
    """The index in ``cache`` if it is whole and was built with these settings."""
    import sqlite3

    try:
        size = cache.stat().st_size
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
        if index.meta.get("fingerprint") != _fingerprint(settings):
            raise sqlite3.DatabaseError("built with other settings")
        return index
    except (sqlite3.Error, *_DAMAGE):
        conn.close()
        return None


def _term_rows(analysis: Analysis) -> Iterator[tuple[str, str, int, int, bytes, bytes, int]]:
    """Each term's row, in key order: the term, the term after it ("" for the last), its
    df and their checksum, then its postings as two arrays, entry numbers and negated
    impacts (as the analysis holds them; ``SqliteIndex`` turns them back), and theirs."""
    terms = sorted(analysis.postings)
    for i, term in enumerate(terms):
        following = terms[i + 1] if i + 1 < len(terms) else ""
        df = analysis.df[term]
        negated, docs = zip(*analysis.postings[term], strict=True)
        docs_blob, impacts_blob = array("i", docs).tobytes(), array("d", negated).tobytes()
        head = _crc(term, following, df)
        yield (
            term,
            following,
            df,
            head,
            docs_blob,
            impacts_blob,
            _crc(term, docs_blob, impacts_blob),
        )


def _word_rows(words: set[str]) -> Iterator[tuple[str, str, int]]:
    ordered = sorted(words)
    for i, word in enumerate(ordered):
        following = ordered[i + 1] if i + 1 < len(ordered) else ""
        yield word, following, _crc(word, following)


_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE terms (term TEXT PRIMARY KEY, next_term TEXT NOT NULL,
                    df INTEGER NOT NULL, head INTEGER NOT NULL,
                    docs BLOB NOT NULL, impacts BLOB NOT NULL,
                    body INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE docs (doc INTEGER PRIMARY KEY, entry TEXT NOT NULL,
                   checksum INTEGER NOT NULL);
CREATE TABLE words (word TEXT PRIMARY KEY, next_word TEXT NOT NULL,
                    checksum INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE vocabulary (words TEXT NOT NULL, checksum INTEGER NOT NULL);
"""


def _write(cache: Path, analysis: Analysis, meta: dict[str, str]) -> None:
    """Write ``analysis`` to a temporary file beside ``cache``, then rename it into place."""
    import sqlite3

    cache.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(cache)
    with atomic.replacing(cache, cache.name + ".") as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_SCHEMA)
            conn.executemany("INSERT INTO terms VALUES (?, ?, ?, ?, ?, ?, ?)", _term_rows(analysis))
            conn.executemany(
                "INSERT INTO docs VALUES (?, ?, ?)",
                (
                    (doc, text, _crc(doc, text))
                    for doc, text in (
                        (doc, json.dumps(e.to_dict(), ensure_ascii=False))
                        for doc, e in enumerate(analysis.entries)
                    )
                ),
            )
            conn.executemany("INSERT INTO words VALUES (?, ?, ?)", _word_rows(analysis.words))
            vocabulary = "\n".join(vocabulary_order(analysis.words))
            conn.execute("INSERT INTO vocabulary VALUES (?, ?)", (vocabulary, _crc(vocabulary)))
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
                "first_term": min(analysis.postings, default=""),
                "first_word": min(analysis.words, default=""),
            }
            meta["checksum"] = _meta_checksum(meta)
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
        finally:
            conn.close()


def _remove_stale_builds(cache: Path) -> None:
    """Delete temporary files of builds of ``cache`` that were killed (see STALE_BUILD_NS)."""
    import re

    own = re.compile(re.escape(cache.name) + r"\.[a-z0-9_]{8}\.tmp")
    stale_before = time.time_ns() - STALE_BUILD_NS
    try:
        names = os.listdir(cache.parent)
    except OSError:
        return
    for name in names:
        if own.fullmatch(name):
            path = cache.parent / name
            try:
                if path.stat().st_mtime_ns < stale_before:
                    path.unlink()
            except OSError:
                continue  # gone already, or not ours to delete: the build goes on


def _stamps(st: os.stat_result, read_at: int) -> dict[str, str]:
    """What the FAQ's stat says about content read at ``read_at``: its size, mtime and
    change stamp (ctime, inode and device: a process can set the mtime back, not the
    ctime, and an editor that saves by renaming makes a new inode). A time too close to
    the read to vouch for it (see RACY_NS) is recorded as UNVERIFIED."""
    trusted = read_at - RACY_NS
    change = f"{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"
    return {
        "source_size": str(st.st_size),
        "source_mtime_ns": str(st.st_mtime_ns) if st.st_mtime_ns < trusted else UNVERIFIED,
        "source_change": change if st.st_ctime_ns < trusted else UNVERIFIED,
    }


def _source_meta(
    faq_path: Path, st: os.stat_result, read_at: int, digest: str, settings: Settings
) -> dict[str, str]:
    return {
        "fingerprint": _fingerprint(settings),
        "source": str(faq_path.resolve()),
        **_stamps(st, read_at),
        "source_digest": digest,
    }


def _fresh(index: SqliteIndex, st: os.stat_result) -> bool:
    m = index.meta
    return (
        m.get("source_size") == str(st.st_size)
        and m.get("source_mtime_ns") == str(st.st_mtime_ns)
        and m.get("source_change") == f"{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"
    )


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
    if source.bundled or not cache:
        return MemoryIndex(store.load(source.path).entries)
    return load(source.path, progress=progress)


def build_for(
    source: store.FaqSource, progress: Callable[[int], BuildReport] | None = None
) -> Built:
    """``faq index``: persist the FAQ's index now, when :func:`open_index` would use
    one; otherwise say why there is no file."""
    if source.bundled or _stat(source.path).st_size < INDEX_MIN_BYTES:
        entries = store.load(source.path).entries
        why = "the bundled FAQ" if source.bundled else f"under {INDEX_MIN_BYTES // 1024} KiB"
        reason = f"{why}: faq reads it whole each time, no index needed"
        return Built(MemoryIndex(entries), None, len(entries), 0, reason)
    return build(source.path, default_cache_dir(), progress=progress)


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
    read: tuple[os.stat_result, str] | None = None,
) -> tuple[Built, str]:
    """:func:`build`, and the digest of the FAQ text it was built from. ``read``: the
    FAQ's stat and then its text, when the caller has read them already (in that order,
    so that a write in between makes the stamp, not the content, out of date)."""
    import sqlite3

    if read is None:
        st = _stat(faq_path)
        text = store.read_text(faq_path)
    else:
        st, text = read
    read_at = time.time_ns()
    faq = store.parse(text, str(faq_path))
    digest = _digest(text)
    report = progress(len(faq.entries)) if progress else None
    try:
        analysis = analyse(faq.entries, settings, report.analysed if report else None)
        if report:
            report.writing()
        cache = cache_file(faq_path, cache_dir)
        meta = _source_meta(faq_path, st, read_at, digest, settings)
        try:
            _write(cache, analysis, meta)
        except (OSError, sqlite3.Error):
            memory = MemoryIndex.from_analysis(analysis, settings)
            reason = "the cache folder is not writable: answered from memory"
            return Built(memory, None, len(faq.entries), 0, reason), digest
    finally:
        if report:
            report.finished()

    def in_memory(_damaged: SqliteIndex) -> Index:
        return MemoryIndex.from_analysis(analysis, settings)

    opened = _open(cache, settings, in_memory)
    index: Index = opened or MemoryIndex.from_analysis(analysis, settings)
    return Built(index, cache, len(faq.entries), cache.stat().st_size), digest


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

    def rebuild(damaged: SqliteIndex) -> Index:
        """A file found damaged mid-query: build it again from the same FAQ text."""
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
        if _fresh(index, st):
            return index
        # Touched but perhaps not changed (a checkout, a copy): compare the content.
        text = store.read_text(faq_path)
        if index.meta.get("source_digest") == _digest(text):
            stamps = _stamps(st, time.time_ns())
            if any(index.meta.get(key) != value for key, value in stamps.items()):
                _restamp(cache, stamps)
            return index
        index.close()
        return _build(faq_path, cache_dir, settings, progress, (st, text))[0].index
    return build(faq_path, cache_dir, settings, progress).index


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
