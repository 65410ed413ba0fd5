"""Contrast questions: a FAQ's own questions with their subject swapped for another.

"Could more defections happen soon?" keeps its frame and asks about something else as
"could more floods happen soon": no entry answers it, yet it shares all but one word
with one. The dev sets hold few questions of this kind, so a score fitted on them alone
never learns to refuse them. This module makes them, deterministically, from any FAQ
and its labelled queries:

- the subject of a question is its word that the entry it is labelled with matches and
  that is rarest in general English (``faqcli.frequencies``), then in the FAQ; never a
  function or chat word (``engine.text``);
- it is replaced by a common noun (``swap_nouns.txt``, made by ``tools/build_lexicon.py``
  from WordNet) that the FAQ never uses, that is no typo of a FAQ word and whose meaning
  is far from the word it replaces; a plural stays a plural.

The nouns come in two halves (alternate lines): the score is fitted on questions made
with one (``FIT``) and measured on questions made with the other (``MEASURE``), so a
measurement never sees a noun the fit saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from faqcli import frequencies
from faqcli.engine import Index, stem, words
from faqcli.engine.meaning import dot, unit
from faqcli.engine.text import CHAT_WORDS, FUNCTION_WORDS
from faqcli.evaluate import LabelledQuery
from faqcli.model import Entry

NOUNS = Path(__file__).resolve().parent / "swap_nouns.txt"
FIT, MEASURE = 0, 1
# A noun is "far in meaning" from the word it replaces below this cosine.
UNRELATED = 0.3


def nouns(half: int) -> list[str]:
    listed = NOUNS.read_text(encoding="utf-8").split()
    return listed[half::2]


def subject(index: Index, text: str, doc: int) -> str | None:
    """The word of ``text`` that entry ``doc`` matches and English uses least."""
    feats = index.features(doc)
    found = [
        w
        for w in dict.fromkeys(words(text))
        if w not in FUNCTION_WORDS
        and w not in CHAT_WORDS
        and w.isalpha()
        and len(w) >= 3
        and stem(w) in feats
    ]
    table = frequencies.default()
    zipf = table.zipf if table else (lambda s: 0.0)
    return min(found, key=lambda w: (zipf(stem(w)), index.df(stem(w)), w)) if found else None


def _plural(noun: str, like: str) -> str:
    if not (like.endswith("s") and stem(like) != like):
        return noun
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _unrelated(index: Index, noun: str, replaced: str) -> bool:
    if index.df(stem(noun)) or index.has_word(noun) or index._typos(noun):
        return False
    vectors = index.meaning.vectors if hasattr(index.meaning, "vectors") else None
    if vectors is None:
        return True
    a, b = vectors.get(stem(noun)), vectors.get(stem(replaced))
    if a is None or b is None:
        return True
    ua, ub = unit(a), unit(b)
    return ua is None or ub is None or dot(ua, ub) < UNRELATED


def swapped(index: Index, text: str, doc: int, candidates: Sequence[str]) -> str | None:
    """``text`` with its subject replaced by an unrelated noun; None when it has none."""
    word = subject(index, text, doc)
    if word is None:
        return None
    start = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")
    for i in range(len(candidates)):
        noun = candidates[(start + 7919 * i) % len(candidates)]
        if _unrelated(index, noun, word):
            new = _plural(noun, word)
            return " ".join(new if w == word else w for w in words(text))
    return None


def contrast_queries(
    index: Index, entries: Sequence[Entry], queries: Sequence[LabelledQuery], half: int
) -> list[LabelledQuery]:
    """Out-of-scope questions made from each in-scope query and each entry's question."""
    number = {e.id: i for i, e in enumerate(entries)}
    candidates = nouns(half)
    sources = [(q.query, number[q.expected]) for q in queries if q.expected is not None]
    sources += [(e.question, i) for i, e in enumerate(entries)]
    made = []
    for text, doc in sources:
        new = swapped(index, text, doc, candidates)
        if new is not None:
            made.append(LabelledQuery(new, None, 0))
    return list({q.query: q for q in made}.values())
