"""A large FAQ's index kept current across faq's own writes, without a rebuild.

Rebuilding the index of a FAQ of 100,000 entries takes seconds; ``faq add``, ``edit``,
``remove``, ``import`` and ``review`` change a few entries. So a write through faq (the
file locked, written, still locked) records what changed since the index was built, in
a small file beside it (``KEY.sqlite.delta``): the entries removed, the entries replaced
(edited in place), the entries appended, and what they change of the collection (its
size and lengths, the document frequency of the terms they add or take away, their
words), with the stamp of the FAQ as written. Asked next, faq reads the index through
:class:`Updated`, which puts the changes over it, when the FAQ is still what the delta
says (else, edited by hand since, it is indexed again, as ever).

The updated index ranks as a fresh one would: the statistics and document frequencies
are the FAQ's as it is now, and each entry's features are computed from its counts with
them. Two things stay from the build, documented because they are approximations: the
impacts of the postings (which choose the candidates to rank exactly; an entry's
relevance itself is computed afresh) and the vocabulary's words that a removed entry
alone used (still offered as typo corrections, to no effect: no entry has them). After
:data:`MOST_CHANGES` changed entries the delta is dropped and the next ask rebuilds.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from faqcli import atomic, store
from faqcli.engine.analysis import (
    NO_POSTINGS,
    Features,
    Index,
    Postings,
    Stats,
    count,
    impacts,
)
from faqcli.engine.text import char_grams
from faqcli.model import Entry, Faq
from faqcli.vectors import Vector

if TYPE_CHECKING:
    from faqcli.index import SqliteIndex

MOST_CHANGES = 2000  # entries changed since the build, beyond which faq rebuilds
FORMAT = "1"


def path_of(cache: Path) -> Path:
    return cache.with_name(cache.name + ".delta")


class Delta(NamedTuple):
    """The changes since an index was built (see the module's docstring)."""

    base: str  # the build it applies to: its source digest and fingerprint
    stamps: dict[str, str]  # the FAQ's stamp after the last write (index._stamps)
    digest: str  # the FAQ's content digest after the last write
    removed: list[int]  # the build's entry numbers no longer in the FAQ, in order
    replaced: dict[int, dict[str, Any]]  # build entry number -> the entry it now is
    appended: list[dict[str, Any]]  # entries after the build's, in file order
    question_len: float  # the collection's totals: question lengths, answer lengths
    answer_len: float
    df: dict[str, int]  # the change of each term's document frequency
    words: list[str]  # the words of the replaced and appended entries
    title: str | None
    threshold: float | None
    shift: float
    learned_from: int

    @property
    def changes(self) -> int:
        return len(self.removed) + len(self.replaced) + len(self.appended)


def base_key(index: SqliteIndex) -> str:
    return f"{index.meta.get('source_digest', '')}:{index.meta.get('fingerprint', '')}"


def read(cache: Path, base: SqliteIndex) -> Delta | None:
    """The delta kept for the index in ``cache``; None when there is none for it."""
    path = path_of(cache)
    if not store.regular_or_absent(path):
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or doc.get("base") != base_key(base):
            return None
        return Delta(
            doc["base"],
            dict(doc["stamps"]),
            str(doc["digest"]),
            [int(d) for d in doc["removed"]],
            {int(k): dict(v) for k, v in doc["replaced"].items()},
            [dict(e) for e in doc["appended"]],
            float(doc["question_len"]),
            float(doc["answer_len"]),
            {str(k): int(v) for k, v in doc["df"].items()},
            [str(w) for w in doc["words"]],
            doc["title"],
            doc["threshold"],
            float(doc["shift"]),
            int(doc["learned_from"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # none, or damaged: the index is rebuilt


def write(cache: Path, delta: Delta) -> None:
    doc = {"format": FORMAT, **delta._asdict()}
    doc["replaced"] = {str(k): v for k, v in delta.replaced.items()}
    with atomic.replacing(path_of(cache), f".{path_of(cache).name}.") as tmp:
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def drop(cache: Path) -> None:
    with contextlib.suppress(OSError):
        path_of(cache).unlink(missing_ok=True)


class Updated(Index):
    """The build's index with a delta's changes put over it (see the module's
    docstring). Entry numbers are the FAQ's order as it is now: the build's entries but
    the removed, then the appended ones."""

    def __init__(self, base: SqliteIndex, delta: Delta) -> None:
        self.base = base
        self.delta = delta
        self.settings = base.settings
        self.title = delta.title
        self.threshold = delta.threshold
        self.shift, self.learned_from = delta.shift, delta.learned_from
        self._meaning = base.meaning
        self.meta = base.meta
        self._removed = delta.removed
        self._kept = base.size - len(self._removed)
        size = self._kept + len(delta.appended)
        self.stats = Stats(
            size, delta.question_len / max(size, 1) or 1.0, delta.answer_len / max(size, 1) or 1.0
        )
        self._new = {  # entry number -> entry, for the replaced and appended ones
            **{self._number(d): Entry.from_dict(e) for d, e in delta.replaced.items()},
            **{self._kept + i: Entry.from_dict(e) for i, e in enumerate(delta.appended)},
        }
        self._counts = {doc: count(e)[0] for doc, e in self._new.items()}
        self._words = set(delta.words)

    # -- numbering ------------------------------------------------------------------

    def _number(self, base_doc: int) -> int:
        """The entry number now of the build's entry ``base_doc`` (not removed)."""
        return base_doc - bisect.bisect_left(self._removed, base_doc)

    def _base_doc(self, doc: int) -> int | None:
        """The build's entry number of entry ``doc``; None for an appended entry."""
        if doc >= self._kept:
            return None
        x = doc  # the doc-th build entry not removed: x = doc + (removed up to x)
        while (following := doc + bisect.bisect_right(self._removed, x)) != x:
            x = following
        return x

    # -- the Index interface ----------------------------------------------------------

    @property
    def size(self) -> int:
        return self.stats.size

    def df(self, term: str) -> int:
        return self.base.df(term) + self.delta.df.get(term, 0)

    def postings(self, term: str) -> Postings:
        plist = self.base.postings(term)
        removed, replaced = self._removed, self.delta.replaced
        kept = [
            (self._number(d), i)
            for d, i in zip(plist.docs, plist.impacts, strict=True)
            if d not in replaced and not _within(removed, d)
        ]
        for doc in self._new:
            feats = self.features(doc)
            if term in feats:
                kept.append((doc, feats[term].impact))
        if not kept:
            return NO_POSTINGS
        kept.sort(key=lambda p: (-p[1], p[0]))
        kept = kept[: self.settings.postings_limit]
        return Postings(array("i", (d for d, _ in kept)), array("f", (i for _, i in kept)))

    def entry_features(self, doc: int) -> Features:
        counted = self._counts.get(doc)
        if counted is None:
            base_doc = self._base_doc(doc)
            assert base_doc is not None
            counted = self.base._counts(base_doc)[1]
        return impacts(counted, self.stats, self.settings)

    def entry(self, doc: int) -> Entry:
        found = self._new.get(doc)
        if found is not None:
            return found
        base_doc = self._base_doc(doc)
        assert base_doc is not None
        return self.base.entry(base_doc)

    def _question_grams(self, doc: int) -> list[Counter[str]]:
        found = self._new.get(doc)
        if found is not None:
            return [char_grams(p) for p in (found.question, *found.alternates)]
        base_doc = self._base_doc(doc)
        assert base_doc is not None
        return [char_grams(p) for p in self.base._counts(base_doc)[0]]

    def has_word(self, word: str) -> bool:
        return word in self._words or self.base.has_word(word)

    def words_of_length(self, shortest: int, longest: int) -> Sequence[str]:
        from faqcli.engine.analysis import vocabulary_order

        base = self.base.words_of_length(shortest, longest)
        extra = [w for w in self._words if shortest <= len(w) <= longest]
        return vocabulary_order({*base, *extra}) if extra else base

    def topic(self) -> Vector | None:
        return self.base.topic()

    def prefetch(self, terms: Iterable[str]) -> None:
        self.base.prefetch(terms)

    # -- what list, show and check read -------------------------------------------------

    def entries(self) -> Iterable[Entry]:
        for doc in range(self.size):
            yield self.entry(doc)

    def find(self, entry_id: str) -> int | None:
        for doc, e in self._new.items():
            if e.id == entry_id:
                return doc
        base_doc = self.base.find(entry_id)
        if base_doc is None or base_doc in self.delta.replaced or _within(self._removed, base_doc):
            return None
        return self._number(base_doc)

    def ids(self) -> list[str]:
        return [self.entry(doc).id for doc in range(self.size)]

    def close(self) -> None:
        self.base.close()


def _within(ordered: list[int], value: int) -> bool:
    i = bisect.bisect_left(ordered, value)
    return i < len(ordered) and ordered[i] == value


# -- recording a write -------------------------------------------------------------------


def changes(
    before: Sequence[Entry], after: Sequence[Entry]
) -> tuple[list[int], dict[int, Entry], list[Entry]] | None:
    """What a write did to a FAQ's entries, by position: the positions removed, the
    positions replaced (with what), the entries appended; None when the write did
    anything else (entries reordered), which only a rebuild follows."""
    after_ids = {e.id for e in after}
    removed = [i for i, e in enumerate(before) if e.id not in after_ids]
    gone = set(removed)
    kept = [i for i in range(len(before)) if i not in gone]
    if len(after) < len(kept):
        return None
    kept_ids = {before[p].id for p in kept}
    replaced = {}
    for i, position in enumerate(kept):
        old, new = before[position], after[i]
        if old.id != new.id and new.id in kept_ids:
            return None  # moved, not edited in place
        if old != new or old.extra != new.extra:
            replaced[position] = new
    return removed, replaced, list(after[len(kept) :])


def recorded(
    faq_path: Path,
    before: Faq,
    data_read: bytes,
    read_stat: os.stat_result,
    after: Faq,
    written: bytes,
) -> None:
    """After a write of the FAQ at ``faq_path`` through faq (its lock still held): keep
    its index current with a delta when it was current for the FAQ as read (the bytes
    ``data_read``, with the stat ``read_stat``); else leave it to be rebuilt. Never an
    error: the write is done; an index that cannot be kept current is rebuilt when
    next needed."""
    import sqlite3

    from faqcli import index
    from faqcli.errors import FaqError

    if os.path.getsize(faq_path) < index.INDEX_MIN_BYTES:
        return  # read whole each time: no index to keep
    cache = index.cache_file(faq_path, index.default_cache_dir())
    try:
        base = index.open_cached(cache)
        if base is None:
            return
        try:
            update = _update(base, cache, before, data_read, read_stat, after, written, faq_path)
        finally:
            base.close()
        if update is None:
            drop(cache)
        else:
            write(cache, update)
    except (OSError, sqlite3.Error, ValueError, FaqError, *index.DAMAGE):
        drop(cache)


def _update(
    base: SqliteIndex,
    cache: Path,
    before: Faq,
    data_read: bytes,
    read_stat: os.stat_result,
    after: Faq,
    written: bytes,
    faq_path: Path,
) -> Delta | None:
    """The delta for the FAQ as written, from the index (and the delta) current for it
    as it was read; None when there was none current, or the write cannot be followed."""
    from faqcli import index
    from faqcli.engine import learning

    read_digest = store.digest_of(data_read)
    prior = None
    if not index.current_for(base.meta, read_stat, read_digest):
        prior = read(cache, base)
        if prior is None or not index.current_for(
            {**prior.stamps, "source_digest": prior.digest}, read_stat, read_digest
        ):
            return None
    found = changes(before.entries, after.entries)
    if found is None:
        return None
    removed, replaced, appended = found
    # What each entry of the FAQ as read is: a build entry (its number) or a new one.
    if prior is None:
        was: list[int | Entry] = list(range(base.size))
        replaced_base: dict[int, Entry] = {}
    else:
        kept = [d for d in range(base.size) if not _within(prior.removed, d)]
        was = [*kept, *(Entry.from_dict(e) for e in prior.appended)]
        replaced_base = {d: Entry.from_dict(e) for d, e in prior.replaced.items()}
    if len(was) != len(before.entries):
        return None
    gone = set(removed)
    now: list[int | Entry] = []
    for position, item in enumerate(was):
        if position in gone:
            continue
        if position in replaced:
            if isinstance(item, int):
                replaced_base[item] = replaced[position]
            else:
                item = replaced[position]
        now.append(item)
    now += appended
    living = {d for d in now if isinstance(d, int)}
    removed_base = [d for d in range(base.size) if d not in living]
    replaced_base = {d: e for d, e in replaced_base.items() if d in living}
    new_entries = [e for e in now if isinstance(e, Entry)]
    if len(removed_base) + len(replaced_base) + len(new_entries) > MOST_CHANGES:
        return None
    stats = base.stats
    question_len, answer_len = (
        stats.avg_question_len * stats.size,
        stats.avg_answer_len * stats.size,
    )
    df: Counter[str] = Counter()
    words: set[str] = set()
    for d in [*removed_base, *replaced_base]:
        counted = base._counts(d)[1]
        question_len -= counted.question_len
        answer_len -= counted.answer_len
        df.subtract(set(counted.question) | set(counted.answer))
    for e in [*replaced_base.values(), *new_entries]:
        counted, entry_words = count(e)
        question_len += counted.question_len
        answer_len += counted.answer_len
        df.update(set(counted.question) | set(counted.answer))
        words.update(entry_words)
    delta = Delta(
        base_key(base),
        index.stamps_of(faq_path),
        store.digest_of(written),
        removed_base,
        {d: e.to_dict() for d, e in replaced_base.items()},
        [e.to_dict() for e in new_entries],
        question_len,
        answer_len,
        {t: n for t, n in df.items() if n},
        sorted(words),
        after.title,
        after.threshold,
        0.0,
        0,
    )
    if after.negatives or any(e.alternates for e in after.entries):
        found_shift = learning.learn(Updated(base, delta), after.negatives)
        delta = delta._replace(shift=found_shift.shift, learned_from=found_shift.questions)
    return delta
