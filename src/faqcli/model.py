"""The FAQ's data: entries and the document that holds them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple


class Entry:
    """One question and its answer. ``alternates`` are other phrasings of the question.

    Immutable, compared and hashed by everything but ``extra``: the fields of the file
    that faq does not know, kept so that a rewrite loses nothing. A slotted class rather
    than a dataclass: defining dataclasses costs milliseconds of every ``faq ask``."""

    __slots__ = ("alternates", "answer", "extra", "id", "question", "tags")
    id: str
    question: str
    answer: str
    alternates: tuple[str, ...]
    tags: tuple[str, ...]
    extra: dict[str, Any]

    def __init__(
        self,
        id: str,
        question: str,
        answer: str,
        alternates: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        init = object.__setattr__
        init(self, "id", id)
        init(self, "question", question)
        init(self, "answer", answer)
        init(self, "alternates", alternates)
        init(self, "tags", tags)
        init(self, "extra", {} if extra is None else extra)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: an Entry does not change")

    def _key(self) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...]]:
        return (self.id, self.question, self.answer, self.alternates, self.tags)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Entry) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in (*Entry._FIELDS, "extra"))
        return f"Entry({fields})"

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        return Entry, (*self._key(), self.extra)

    _FIELDS = ("id", "question", "answer", "alternates", "tags")

    def replace(self, **changes: Any) -> Entry:
        """This entry with some fields changed (as ``dataclasses.replace``)."""
        fields = {k: getattr(self, k) for k in (*Entry._FIELDS, "extra")}
        return Entry(**{**fields, **changes})

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


def case_match(ids: Iterable[str], typed: str) -> str | None:
    """The one id of ``ids`` that is ``typed`` but for case (``Refund`` for ``refund``),
    or None: none is, or several are (``Pay`` and ``pay``: which one is not guessed)."""
    wanted = id_key(typed).casefold()
    found = [i for i in ids if id_key(i).casefold() == wanted]
    return found[0] if len(found) == 1 else None


def id_forms(value: str) -> list[str]:
    """The spellings an id typed as ``value`` may be stored in: as typed, composed,
    decomposed (for an index, which looks an id up as stored)."""
    return list(dict.fromkeys([value, id_key(value), unicodedata.normalize("NFD", value)]))


class Negative(NamedTuple):
    """A question the FAQ's author says is not answered: by ``entry`` (marked wrong in
    ``faq review``), or by no entry at all (``entry`` None: off-topic)."""

    question: str
    entry: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "entry": self.entry}


class Faq(NamedTuple):
    """A FAQ document: an optional title and its entries, in file order; its own
    threshold (``faq eval --tune``) and the questions marked as not answered."""

    entries: tuple[Entry, ...]
    title: str | None = None
    threshold: float | None = None
    negatives: tuple[Negative, ...] = ()
    language: str | None = None  # its top-level "language" ("es"); None: English

    def get(self, entry_id: str) -> Entry | None:
        """The entry with ``entry_id`` (however its characters are composed; else, when
        only one id is it but for case, that one), or None."""
        key = id_key(entry_id)
        for entry in self.entries:
            if entry.id == entry_id or id_key(entry.id) == key:
                return entry
        other = case_match([e.id for e in self.entries], entry_id)
        return None if other is None else self.get(other)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "entries": [e.to_dict() for e in self.entries]}
