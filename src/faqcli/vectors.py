"""Word vectors: what the engine knows of meaning beyond spelling.

One short vector per word stem, shipped with the package in ``data/vectors.bin``.
Stems used in similar senses point in similar directions, so *motivated* lands near
*why*, *dangerous* near *risk*, *crossed out* near *strikethrough*. The matching
engine averages them into a vector for the query and for each candidate entry and
compares the two (``faqcli.match``).

They are distilled from a sentence encoder (all-MiniLM-L6-v2) over the definitions
and example sentences of WordNet 3.0, by ``tools/build_vectors.py``: the vectors are
trained so that the average over a sentence's stems points where the encoder puts the
whole sentence. Nothing in them comes from any benchmark FAQ or query.

File layout (little-endian): the magic line, then ``dim`` (u16) and ``count`` (u32),
the sorted stems as one UTF-8 block joined by newlines (its length as u32 first),
``count`` float32 scales, and ``count x dim`` signed bytes: stem ``i``'s vector is its
bytes times its scale.
"""

from __future__ import annotations

import bisect
import struct
from array import array
from functools import lru_cache
from pathlib import Path

MAGIC = b"faq-vectors 1\n"
DATA = Path(__file__).parent / "data" / "vectors.bin"
_HEADER = struct.Struct("<HII")

Vector = list[float]


class VectorsError(ValueError):
    """The vectors file is not one this version can read."""


class WordVectors:
    """Stem -> vector lookups over one vectors file's bytes."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(MAGIC):
            raise VectorsError("not a faq vectors file")
        offset = len(MAGIC)
        try:
            self.dim, count, stems_len = _HEADER.unpack_from(data, offset)
        except struct.error as e:
            raise VectorsError("truncated vectors file") from e
        offset += _HEADER.size
        stems = data[offset : offset + stems_len].decode()
        self._stems = stems.split("\n") if stems else []
        offset += stems_len
        self._scales = array("f")
        self._scales.frombytes(data[offset : offset + 4 * count])
        offset += 4 * count
        self._rows = memoryview(data)[offset : offset + count * self.dim]
        if len(self._stems) != count or len(self._rows) != count * self.dim:
            raise VectorsError("truncated vectors file")
        self._cache: dict[str, Vector | None] = {}

    def __len__(self) -> int:
        return len(self._stems)

    def get(self, stem: str) -> Vector | None:
        """The vector of ``stem``, or None for a stem the table does not know."""
        try:
            return self._cache[stem]
        except KeyError:
            pass
        i = bisect.bisect_left(self._stems, stem)
        vector = None
        if i < len(self._stems) and self._stems[i] == stem:
            scale = self._scales[i]
            row = self._rows[i * self.dim : (i + 1) * self.dim].cast("b")
            vector = [scale * x for x in row]
        self._cache[stem] = vector
        return vector


def encode(stems: list[str], vectors: list[Vector]) -> bytes:
    """The file bytes for ``stems`` (sorted, unique) and their vectors."""
    if stems != sorted(set(stems)) or len(stems) != len(vectors):
        raise ValueError("stems must be sorted and unique, one vector each")
    dim = len(vectors[0]) if vectors else 0
    scales = array("f")
    rows = array("b")
    for vector in vectors:
        if len(vector) != dim:
            raise ValueError("every vector must have the same length")
        scale = max(abs(x) for x in vector) / 127 or 1.0
        scales.append(scale)
        rows.extend(round(x / scale) for x in vector)
    block = "\n".join(stems).encode()
    return MAGIC + _HEADER.pack(dim, len(stems), len(block)) + block + bytes(scales) + bytes(rows)


@lru_cache(maxsize=1)
def default() -> WordVectors | None:
    """The vectors shipped with faq, read once; None if the file is missing."""
    try:
        return WordVectors(DATA.read_bytes())
    except FileNotFoundError:
        return None
