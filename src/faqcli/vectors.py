"""Word vectors: what the engine knows of meaning beyond spelling.

One short vector per word stem, shipped with the package in ``data/vectors.bin``.
Stems used in similar senses point in similar directions: *dangerous* lies near
*risk* (cosine 0.65) and far from *banana* (0.07); *price* near *cost*, *flee* near
*escape*, *motivated* near *reason*. The matching
engine averages them into a vector for the query and for each candidate entry and
compares the two (``faqcli.engine.meaning``).

They are distilled from a sentence encoder (all-MiniLM-L6-v2) over the definitions
and example sentences of WordNet 3.0 and the package descriptions of Debian, by
``tools/build_vectors.py``: the vectors are trained so that the IDF-weighted sum over
a sentence's stems points where the encoder puts the whole sentence. Nothing in them
comes from any benchmark FAQ or query.

File layout (little-endian): the magic line; ``dim`` (u16), ``count`` (u32) and the
length of the stems block (u32); ``count + 1`` u32 offsets into the stems block; the
block, the sorted stems in UTF-8 one after the other; ``count`` float32 scales; and
``count x dim`` signed bytes: stem ``i``'s vector is its bytes times its scale.
The file is mapped, not read: a query looks up a few dozen stems by binary search,
so start-up does not pay for the 50,000 it does not need.
"""

from __future__ import annotations

import bisect
import mmap
import struct
import sys
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

MAGIC = b"faq-vectors 1\n"
DATA = Path(__file__).parent / "data" / "vectors.bin"
_HEADER = struct.Struct("<HII")

Vector = list[float]


class VectorsError(ValueError):
    """The vectors file is not one this version can read."""


class WordVectors:
    """Stem -> vector lookups over one vectors file's bytes."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        view = memoryview(data)
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise VectorsError("not a faq vectors file")
        offset = len(MAGIC)
        try:
            self.dim, count, block_len = _HEADER.unpack_from(view, offset)
        except struct.error as e:
            raise VectorsError("truncated vectors file") from e
        offset += _HEADER.size
        self._stems = SortedStems(view, offset, count, block_len)
        offset = self._stems.end
        self._scales = _little_endian(array("f"), view[offset : offset + 4 * count])
        offset += 4 * count
        self._rows = view[offset : offset + count * self.dim].cast("b")
        if len(self._scales) != count or len(self._rows) != count * self.dim:
            raise VectorsError("truncated vectors file")
        self._count: int = count
        self._cache: dict[str, Vector | None] = {}

    def __len__(self) -> int:
        return self._count

    def get(self, stem: str) -> Vector | None:
        """The vector of ``stem``, or None for a stem the table does not know."""
        try:
            return self._cache[stem]
        except KeyError:
            pass
        i = self._stems.find(stem)
        vector = None
        if i is not None:
            scale = self._scales[i]
            vector = [scale * x for x in self._rows[i * self.dim : (i + 1) * self.dim]]
        self._cache[stem] = vector
        return vector


class SortedStems:
    """The stems of a table file: ``count + 1`` u32 offsets at ``offset``, then the
    block of the stems in UTF-8, sorted, one after the other; a stem is found by binary
    search, so only the few a question needs are ever read."""

    def __init__(self, view: memoryview, offset: int, count: int, block_len: int) -> None:
        self._offsets = _little_endian(array("I"), view[offset : offset + 4 * (count + 1)])
        offset += 4 * (count + 1)
        self._block = view[offset : offset + block_len]
        if len(self._offsets) != count + 1 or len(self._block) != block_len:
            raise VectorsError("truncated table file")
        self.count = count
        self.end = offset + block_len  # where the file's next part starts

    def _stem(self, i: int) -> bytes:
        return bytes(self._block[self._offsets[i] : self._offsets[i + 1]])

    def find(self, stem: str) -> int | None:
        """The position of ``stem`` in the table, or None."""
        wanted = stem.encode()
        i = bisect.bisect_left(range(self.count), wanted, key=self._stem)
        return i if i < self.count and self._stem(i) == wanted else None


def encode_stems(stems: list[str]) -> tuple[bytes, bytes]:
    """The offsets and the block of ``stems`` (unique, sorted by their UTF-8)."""
    encoded = [s.encode() for s in stems]
    if encoded != sorted(set(encoded)):
        raise ValueError("stems must be unique and sorted by their UTF-8")
    offsets = array("I", [0])
    for stem in encoded:
        offsets.append(offsets[-1] + len(stem))
    if sys.byteorder == "big":
        offsets.byteswap()
    return bytes(offsets), b"".join(encoded)


def encode(stems: list[str], vectors: list[Vector]) -> bytes:
    """The file bytes for ``stems`` and their vectors (sorted by the stems' UTF-8)."""
    if len(stems) != len(vectors):
        raise ValueError("stems must be unique and sorted by their UTF-8, one vector each")
    offsets, block = encode_stems(stems)
    dim = len(vectors[0]) if vectors else 0
    scales = array("f")
    rows = array("b")
    for vector in vectors:
        if len(vector) != dim:
            raise ValueError("every vector must have the same length")
        scale = max(abs(x) for x in vector) / 127 or 1.0
        scales.append(scale)
        rows.extend(round(x / scale) for x in vector)
    header = _HEADER.pack(dim, len(stems), len(block))
    if sys.byteorder == "big":
        scales.byteswap()
    return MAGIC + header + offsets + block + bytes(scales) + bytes(rows)


def _little_endian(values: array[Any], data: memoryview) -> array[Any]:
    """``values`` extended with ``data``, 4-byte items stored little-endian."""
    if values.itemsize != 4 or len(data) % 4:
        raise VectorsError("truncated vectors file")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


@lru_cache(maxsize=1)
def default() -> WordVectors | None:
    """The vectors shipped with faq, mapped once; None if the file is missing, empty or
    damaged, and then faq ranks by words alone."""
    try:
        with DATA.open("rb") as f:
            return WordVectors(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # mmap refuses an empty file with ValueError
        return None
