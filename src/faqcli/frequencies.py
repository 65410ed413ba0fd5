"""Word frequencies: how common each word stem is in general English.

A FAQ's own statistics cannot say how much a word carries: in a FAQ of six questions
about defections, *defections* is in half of them, and a word the FAQ never uses may
be *floods* (a subject of its own) or *please* (nothing at all). General English can:
the rarer a word is there, the more a question that uses it is about it. The engine
weighs the words of a question that an entry does not explain by this
(``engine.confidence``).

One number per stem, shipped with the package in ``data/frequency-en.bin``: the
stem's Zipf frequency, log10 of its occurrences per billion words (*the* 7.7,
*please* 5.7, *cancel* 4.7, *floods* 4.6, *pincode* 1.8), all the words faq's
tokeniser and stemmer turn into that stem counted together. It is derived from the
word lists of wordfreq 3.1 (Robyn Speer; data CC BY-SA 4.0: see the README) by
``tools/build_lexicon.py``; nothing in it comes from a benchmark FAQ or query. Stems
rarer than the table's floor (Zipf 2, a few per billion words) are left out.

File layout (little-endian): the magic line; ``count`` (u32) and the length of the
stems block (u32); the stems as in the vectors file (``vectors.SortedStems``); and
``count`` bytes, a stem's Zipf frequency times :data:`STEP`. The file is mapped, not
read, like the vectors.
"""

from __future__ import annotations

import mmap
import struct
from functools import lru_cache
from pathlib import Path

from faqcli.vectors import SortedStems, VectorsError, encode_stems

MAGIC = b"faq-frequencies 1\n"
STEP = 20  # a byte holds the Zipf frequency in steps of 1/20, up to 12.75
_HEADER = struct.Struct("<II")
DATA = Path(__file__).parent / "data"


class Frequencies:
    """Stem -> Zipf frequency lookups over one frequency file's bytes."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        view = memoryview(data)
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise VectorsError("not a faq frequency file")
        try:
            count, block_len = _HEADER.unpack_from(view, len(MAGIC))
        except struct.error as e:
            raise VectorsError("truncated frequency file") from e
        self._stems = SortedStems(view, len(MAGIC) + _HEADER.size, count, block_len)
        self._values = view[self._stems.end : self._stems.end + count]
        if len(self._values) != count:
            raise VectorsError("truncated frequency file")
        self._cache: dict[str, float] = {}

    def __len__(self) -> int:
        return self._stems.count

    def zipf(self, stem: str) -> float:
        """The Zipf frequency of ``stem``; 0.0 for one rarer than the table's floor."""
        try:
            return self._cache[stem]
        except KeyError:
            pass
        i = self._stems.find(stem)
        value = self._values[i] / STEP if i is not None else 0.0
        self._cache[stem] = value
        return value


def encode(stems: list[str], zipfs: list[float]) -> bytes:
    """The file bytes for ``stems`` (sorted by their UTF-8) and their Zipf frequencies."""
    if len(stems) != len(zipfs):
        raise ValueError("one Zipf frequency per stem")
    offsets, block = encode_stems(stems)
    values = bytes(min(max(round(z * STEP), 0), 255) for z in zipfs)
    return MAGIC + _HEADER.pack(len(stems), len(block)) + offsets + block + values


@lru_cache(maxsize=4)
def default(language: str = "en") -> Frequencies | None:
    """The frequencies shipped with faq for ``language``, mapped once; None if the file
    is missing, empty or damaged (the engine then weighs no word by them)."""
    try:
        with (DATA / f"frequency-{language}.bin").open("rb") as f:
            return Frequencies(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # mmap refuses an empty file with ValueError
        return None
