"""The FAQ's data: entries and the document that holds them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One question and its answer. ``alternates`` are other phrasings of the question."""

    id: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # Fields of the file that faq does not know, kept so that a rewrite loses nothing.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        """The inverse of :meth:`to_dict`, for data faq wrote itself (no validation)."""
        known = ("id", "question", "answer", "alternates", "tags")
        return cls(
            d["id"],
            d["question"],
            d["answer"],
            tuple(d.get("alternates", ())),
            tuple(d.get("tags", ())),
            {k: v for k, v in d.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "question": self.question, "answer": self.answer}
        if self.alternates:
            out["alternates"] = list(self.alternates)
        if self.tags:
            out["tags"] = list(self.tags)
        out.update(self.extra)
        return out


def id_key(value: str) -> str:
    """What makes two ids the same: their characters, however composed (``café`` typed
    as one ``é`` or as ``e`` and a combining accent looks the same, so it is one id)."""
    return unicodedata.normalize("NFC", value)


def id_forms(value: str) -> list[str]:
    """The spellings an id typed as ``value`` may be stored in: as typed, composed,
    decomposed (for an index, which looks an id up as stored)."""
    return list(dict.fromkeys([value, id_key(value), unicodedata.normalize("NFD", value)]))


@dataclass(frozen=True)
class Negative:
    """A question the FAQ's author says is not answered: by ``entry`` (marked wrong in
    ``faq review``), or by no entry at all (``entry`` None: off-topic)."""

    question: str
    entry: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "entry": self.entry}


@dataclass(frozen=True)
class Faq:
    """A FAQ document: an optional title and its entries, in file order; its own
    threshold (``faq eval --tune``) and the questions marked as not answered."""

    entries: tuple[Entry, ...]
    title: str | None = None
    threshold: float | None = None
    negatives: tuple[Negative, ...] = ()

    def get(self, entry_id: str) -> Entry | None:
        """The entry with ``entry_id`` (however its characters are composed), or None."""
        key = id_key(entry_id)
        for entry in self.entries:
            if entry.id == entry_id or id_key(entry.id) == key:
                return entry
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "entries": [e.to_dict() for e in self.entries]}
