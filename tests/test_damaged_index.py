"""The persisted index under damage (issue 12): a damaged file never crashes a query
and never silently changes an answer; a cache folder is found whatever its name; and
a hand edit is noticed whatever it does to the FAQ's mtime."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli import index, store
from faqcli.engine import Index, MemoryIndex
from faqcli.errors import FaqDataError
from faqcli.index import SqliteIndex

from .test_index import QUERIES, make_faq, ranked

# Queries that take every path through the index: known words, typos (vocabulary and
# word lookups), words the FAQ never uses (lookups that must prove a miss), two words
# that form a FAQ word, and function words only.
PROBES = [
    *QUERIES,
    "refund shiping adress",
    "back up my phone",
    "zzzz qqqq",
    "licence instal",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, dict[str, Any]]:
    """A FAQ, the bytes of its sound index, and what each probe must rank."""
    folder = tmp_path_factory.mktemp("damage")
    faq = make_faq(folder / "faq.json", n=300)
    cache_dir = folder / "cache"
    with pytest.MonkeyPatch.context() as patch:
        # Built as if an hour later, the FAQ's stamps are trusted: every load finds the
        # index fresh, and nothing but a rebuild writes the file.
        later = time.time_ns() + 3_600_000_000_000
        patch.setattr(index.time, "time_ns", lambda: later)
        index.build(faq, cache_dir)
    memory = MemoryIndex(store.load(faq).entries)
    expected = {query: ranked(memory, query) for query in PROBES}
    return faq, index.cache_file(faq, cache_dir).read_bytes(), expected


def _flip(data: bytearray, rng: random.Random) -> None:
    for _ in range(8):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)


def _overwrite(data: bytearray, rng: random.Random) -> None:
    size = rng.randrange(1, len(data) // 3)
    start = rng.randrange(len(data) - size)
    data[start : start + size] = rng.randbytes(size)


@pytest.mark.parametrize("damage", [_flip, _overwrite], ids=["8 bit flips", "overwrite"])
def test_random_damage_never_crashes_a_query_or_changes_its_answer(
    built: tuple[Path, bytes, dict[str, Any]], tmp_path: Path, damage: Any
) -> None:
    """Seeded and bounded: 10 damaged files per kind, each probed by every query."""
    faq, sound, expected = built
    cache_dir = tmp_path / "cache"
    cache = index.cache_file(faq, cache_dir)
    cache_dir.mkdir()
    rng = random.Random(12)
    for _ in range(10):
        data = bytearray(sound)
        damage(data, rng)
        for query in PROBES:
            cache.write_bytes(data)
            assert ranked(index.load(faq, cache_dir), query) == expected[query], query


def test_a_200_kb_overwrite_of_a_2000_entry_index_still_answers(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """The issue's case, through the CLI: every ask exited 1 with a DatabaseError."""
    faq = make_faq(tmp_path / "big.json", n=2000)
    args = ["--faq", str(faq), "ask", "--json", "--top", "5", QUERIES[0]]
    assert run("--faq", str(faq), "index").exit_code == 0
    cache = next((tmp_path / "xdg-cache" / "faq").glob("*.sqlite"))
    size = cache.stat().st_size
    with cache.open("r+b") as f:
        f.seek(size // 2 - 100_000)
        f.write(random.Random(2).randbytes(200_000))
    assert cache.stat().st_size == size
    damaged = run(*args)
    from_memory = run("--no-cache", *args)
    assert damaged.stderr == ""
    assert (damaged.exit_code, damaged.stdout) == (from_memory.exit_code, from_memory.stdout)
    assert json.loads(damaged.stdout)["matches"]  # it answered or suggested, no traceback


TERM = "password"  # a stem and a word of every FAQ make_faq writes
TAMPER: dict[str, tuple[str, Callable[[Index], object]]] = {
    "meta": ("UPDATE meta SET value = '7' WHERE key = 'size'", lambda i: i.size),
    "df": (f"UPDATE terms SET df = df + 1 WHERE term = '{TERM}'", lambda i: i.df(TERM)),
    "postings": (
        f"UPDATE terms SET impacts = zeroblob(length(impacts)) WHERE term = '{TERM}'",
        lambda i: list(i.postings(TERM)),
    ),
    "a term's row gone": (f"DELETE FROM terms WHERE term = '{TERM}'", lambda i: i.df(TERM)),
    "a term's key changed": (
        f"UPDATE terms SET term = 'passwore' WHERE term = '{TERM}'",
        lambda i: i.df(TERM),
    ),
    "an entry": (
        "UPDATE blocks SET entries = zeroblob(length(entries)) WHERE block = 0",
        lambda i: i.entry(3),
    ),
    "an entry's block gone": ("DELETE FROM blocks WHERE block = 0", lambda i: i.entry(3)),
    "a word's row gone": (f"DELETE FROM words WHERE word = '{TERM}'", lambda i: i.has_word(TERM)),
    "the words of a length": (
        f"UPDATE lengths SET words = replace(words, '{TERM}', 'passw0rd')",
        lambda i: list(i.words_of_length(1, 40)),
    ),
}


@pytest.mark.parametrize(("sql", "read"), TAMPER.values(), ids=TAMPER.keys())
def test_every_kind_of_read_is_checked(
    built: tuple[Path, bytes, dict[str, Any]],
    tmp_path: Path,
    sql: str,
    read: Callable[[Index], object],
) -> None:
    """A row changed behind the index's back (its checksum left as it was) is noticed
    when read: the answer comes from a rebuilt index, and the file is rebuilt."""
    faq, sound, _ = built
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache = index.cache_file(faq, cache_dir)
    cache.write_bytes(sound)
    conn = sqlite3.connect(cache)
    conn.execute(sql)
    conn.commit()
    conn.close()
    tampered = cache.read_bytes()
    memory = MemoryIndex(store.load(faq).entries)
    assert read(index.load(faq, cache_dir)) == read(memory)
    assert cache.read_bytes() != tampered


def test_damage_found_after_the_faq_changed_is_a_clear_error(
    built: tuple[Path, bytes, dict[str, Any]], tmp_path: Path
) -> None:
    """The query read part of the old index; a rebuild would answer the rest from the
    new FAQ, mixing the two: faq says so (exit 3) rather than answer from both."""
    faq = built[0]
    own = tmp_path / "faq.json"
    own.write_bytes(faq.read_bytes())
    cache_dir = tmp_path / "cache"
    index.build(own, cache_dir)
    loaded = index.load(own, cache_dir)
    assert isinstance(loaded, SqliteIndex)
    own.write_text(own.read_text(encoding="utf-8").replace('"How do I', '"Who do I', 1))
    conn = sqlite3.connect(index.cache_file(own, cache_dir))
    conn.execute("DELETE FROM blocks WHERE block = 0")
    conn.commit()
    conn.close()
    with pytest.raises(FaqDataError, match=r"changed while faq was reading it; run the"):
        loaded.entry(3)


def test_a_sound_index_answers_without_rebuilding(
    built: tuple[Path, bytes, dict[str, Any]], tmp_path: Path
) -> None:
    """The checks never find fault with a sound file: no query falls back."""
    faq, sound, expected = built
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache = index.cache_file(faq, cache_dir)
    cache.write_bytes(sound)
    stamp = cache.stat().st_mtime_ns, cache.stat().st_ino
    loaded = index.load(faq, cache_dir)
    assert isinstance(loaded, SqliteIndex)
    for query in PROBES:
        assert ranked(loaded, query) == expected[query]
    memory = MemoryIndex(store.load(faq).entries)
    assert list(loaded.words_of_length(1, 40)) == list(memory.words_of_length(1, 40))
    assert (cache.stat().st_mtime_ns, cache.stat().st_ino) == stamp


def test_a_pipe_where_the_index_should_be_is_replaced_not_opened(
    built: tuple[Path, bytes, dict[str, Any]], tmp_path: Path
) -> None:
    """Opening a FIFO blocks until something writes to it: ask, list and show hung for
    ever. It is no index: the FAQ is indexed again, in its place."""
    import stat

    faq, _sound, expected = built
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache = index.cache_file(faq, cache_dir)
    os.mkfifo(cache)
    loaded: list[Any] = []  # the ranking, made in the thread that opened the index
    worker = threading.Thread(
        target=lambda: loaded.append(ranked(index.load(faq, cache_dir), PROBES[0]))
    )
    worker.daemon = True  # blocked in open() for ever, it must not keep pytest alive
    worker.start()
    worker.join(timeout=30)
    if not loaded:
        os.open(cache, os.O_WRONLY | os.O_NONBLOCK)  # release it, then fail
        pytest.fail("opening the index waited for a writer to the pipe")
    assert loaded[0] == expected[PROBES[0]]
    assert stat.S_ISREG(cache.stat().st_mode)


# --- 7. a cache folder whose name holds URI characters ---------------------------------


def test_a_cache_folder_named_with_uri_characters_is_reused(tmp_path: Path) -> None:
    faq = make_faq(tmp_path / "big.json")
    cache_dir = tmp_path / "c#hash?query%41 x"
    built = index.build(faq, cache_dir)
    assert isinstance(built.index, SqliteIndex)
    cache = index.cache_file(faq, cache_dir)
    stamp = cache.stat().st_ino, cache.stat().st_mtime_ns
    assert isinstance(index.load(faq, cache_dir), SqliteIndex)
    assert (cache.stat().st_ino, cache.stat().st_mtime_ns) == stamp  # not rebuilt


# --- 8. a same-size hand edit whose mtime is put back ----------------------------------


@pytest.mark.parametrize("clock_ahead", [False, True], ids=["just written", "long ago"])
def test_a_same_size_edit_with_its_mtime_put_back_is_reindexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_ahead: bool
) -> None:
    """A FAQ older than two seconds, edited without changing its size, its mtime then
    set back (os.utime): its ctime, which no process can set back, tells. With the
    clock an hour ahead, every stamp of the file looks old enough to be trusted."""
    faq = make_faq(tmp_path / "big.json")
    st = faq.stat()
    old = (st.st_atime_ns, st.st_mtime_ns - 60_000_000_000)
    os.utime(faq, ns=old)
    if clock_ahead:
        later = time.time_ns() + 3_600_000_000_000
        monkeypatch.setattr(index.time, "time_ns", lambda: later)
    cache_dir = tmp_path / "cache"
    assert index.load(faq, cache_dir).entry(0).question.startswith("How do I")
    text = faq.read_text(encoding="utf-8")
    edited = text.replace('"How do I', '"Who do I', 1)
    assert len(edited) == len(text)
    time.sleep(0.01)  # a tick of the ctime's clock
    faq.write_text(edited, encoding="utf-8")
    os.utime(faq, ns=old)
    assert (faq.stat().st_size, faq.stat().st_mtime_ns) == (st.st_size, old[1])
    assert index.load(faq, cache_dir).entry(0).question.startswith("Who do I")


def test_index_meta_is_checked_and_json_compatible(tmp_path: Path) -> None:
    """The stamps the index keeps are plain strings (and the checksum covers them)."""
    faq = make_faq(tmp_path / "big.json")
    loaded = index.build(faq, tmp_path / "cache").index
    assert isinstance(loaded, SqliteIndex)
    assert json.loads(json.dumps(loaded.meta)) == loaded.meta
    assert {"source_size", "source_mtime_ns", "source_change", "checksum"} <= set(loaded.meta)
