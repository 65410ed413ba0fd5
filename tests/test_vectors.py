"""The word-vector table: its file format and the table shipped with faq."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from faqcli import frequencies, vectors
from faqcli.engine import stem
from faqcli.vectors import VectorsError, WordVectors


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_encoded_vectors_read_back_within_rounding() -> None:
    """Each component is stored in a signed byte scaled to the vector's largest."""
    table = {"apple": [0.5, -1.0, 0.25], "zebra": [3.0, 0.0, -3.0], "été": [0.0, 0.0, 0.0]}
    stems = sorted(table, key=str.encode)
    read = WordVectors(vectors.encode(stems, [table[s] for s in stems]))
    assert len(read) == 3
    for stem_, vector in table.items():
        got = read.get(stem_)
        assert got is not None
        largest = max(abs(x) for x in vector)
        for x, y in zip(vector, got, strict=True):
            assert abs(x - y) <= largest / 254 + 1e-6


def test_a_stem_not_in_the_table_has_no_vector() -> None:
    read = WordVectors(vectors.encode(["b", "d"], [[1.0], [2.0]]))
    assert read.get("a") is None
    assert read.get("c") is None
    assert read.get("e") is None
    assert read.get("") is None


def test_stems_must_be_sorted_and_unique() -> None:
    with pytest.raises(ValueError, match="sorted"):
        vectors.encode(["b", "a"], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="sorted"):
        vectors.encode(["a", "a"], [[1.0], [2.0]])


@pytest.mark.parametrize(
    "data",
    [b"", b"not vectors at all", vectors.MAGIC + b"\x01", None],
    ids=["empty", "foreign", "header-cut", "body-cut"],
)
def test_a_damaged_file_is_refused(data: bytes | None) -> None:
    if data is None:
        data = vectors.encode(["a", "b"], [[1.0, 2.0], [3.0, 4.0]])[:-1]
    with pytest.raises(VectorsError):
        WordVectors(data)


def test_the_shipped_table_loads() -> None:
    table = vectors.default()
    assert table is not None
    assert len(table) > 10_000
    assert table.dim > 0


@pytest.mark.parametrize(
    ("word", "related", "unrelated"),
    [
        ("danger", "risk", "banana"),
        ("price", "cost", "weather"),
        ("doctor", "physician", "guitar"),
        ("escape", "flee", "tax"),
    ],
)
def test_the_shipped_table_puts_related_words_nearer(
    word: str, related: str, unrelated: str
) -> None:
    table = vectors.default()
    assert table is not None
    near, far = (table.get(stem(w)) for w in (related, unrelated))
    own = table.get(stem(word))
    assert own is not None and near is not None and far is not None
    assert cosine(own, near) > cosine(own, far) + 0.2


@pytest.mark.parametrize("damage", ["missing", "empty", "garbage", "directory"])
def test_a_missing_or_damaged_shipped_table_means_no_vectors(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """faq then ranks by words alone (see test_match) instead of failing."""
    path = tmp_path / "vectors.bin"
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(bytes(range(256)) * 4)
    elif damage == "directory":
        path.mkdir()
    monkeypatch.setattr(vectors, "DATA", path)
    vectors.default.cache_clear()
    try:
        assert vectors.default() is None
    finally:
        vectors.default.cache_clear()


def test_frequencies_read_back_in_steps_of_a_twentieth() -> None:
    stems = sorted(["the", "flood", "été"], key=str.encode)
    zipfs = {"the": 7.73, "flood": 4.65, "été": 2.01}
    table = frequencies.Frequencies(frequencies.encode(stems, [zipfs[s] for s in stems]))
    assert len(table) == 3
    for stem_, zipf in zipfs.items():
        assert abs(table.zipf(stem_) - zipf) <= 1 / (2 * frequencies.STEP)
    assert table.zipf("zebra") == 0.0  # rarer than the table's floor


@pytest.mark.parametrize("cut", [1, 5, 20])
def test_a_damaged_frequency_file_is_refused(cut: int) -> None:
    data = frequencies.encode(["a", "b"], [3.0, 4.0])
    with pytest.raises(VectorsError):
        frequencies.Frequencies(data[:-cut] if cut < len(data) else b"")


def test_the_shipped_frequencies_know_english() -> None:
    table = frequencies.default()
    assert table is not None
    assert table.zipf(stem("the")) > table.zipf(stem("please")) > table.zipf(stem("floods"))
    assert table.zipf(stem("floods")) > table.zipf(stem("defectors")) > 0
