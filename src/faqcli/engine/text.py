"""Text normalisation: the words, stems and letter sequences every stage compares."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # the same as _WORD on lowercase ASCII, faster
_STEMMER = Stemmer.Stemmer("english")

# Words that make a sentence a question rather than say what it is about. They still
# rank (in a FAQ *where* and *when* tell entries apart), but in the word match they
# count for little: "how do I bake bread" shares "how do I" with half of any FAQ.
# General English, not tuned to any FAQ.
FUNCTION_WORDS = frozenset(
    "a an the of to in on at for and or but if so is are was were be been being am do does "
    "did i me my mine you your we our us it its this that these those there their they them "
    "he she his her with from by as about can could would should will shall may might must "
    "how what where when why who whom which whose not no any some s t".split()
)


# Words that greet, thank, plead or fill a chat message and say nothing of what it asks
# ("hi plz help"): general English chat, not tuned to any FAQ. A question's word that no
# entry explains counts against an answer (``engine.confidence``); these never do.
CHAT_WORDS = frozenset(
    "hi hii hiii hello helo hey heya hiya dear greetings please pls plz plzz plss kindly "
    "thanks thank thanx thx tnx ty thankyou welcome sorry sir sirs madam maam mam mate bro "
    "buddy guys ok okay okk yes yeah yep yup nope hmm hm um uh oh ah lol help u ur r ya "
    "im iam ive dont cant wont".split()
)


def normalise(text: str) -> str:
    """NFKC, casefold, and drop diacritics: ``Ça Coûte`` -> ``ca coute``."""
    if text.isascii():  # the common case, and NFKC and diacritics do nothing to it
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    return _WORD.findall(normalise(text))


def content_words(text: str) -> list[str]:
    """The normalised words of ``text`` that are not function words."""
    return [w for w in words(text) if w not in FUNCTION_WORDS]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter2) English stem: *defecting* and *defect* meet."""
    return str(_STEMMER.stemWord(word))


def char_grams(text: str) -> Counter[str]:
    """Character 3- to 5-grams of the normalised words, with word boundaries marked."""
    padded = " " + " ".join(words(text)) + " "
    return Counter([padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)])


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """The cosine of two bags of letter sequences, 0-1."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum([a[k] * b[k] for k in a.keys() & b.keys()])  # the intersection, in C
    if not dot:
        return 0.0
    return dot / math.sqrt(_squares(a) * _squares(b))


def _squares(grams: Counter[str]) -> int:
    """The sum of squares of a bag's counts (kept on it: a query's letters meet every
    candidate's, and a candidate's come back for the next query)."""
    found: int | None = getattr(grams, "squares", None)
    if found is None:
        found = sum(v * v for v in grams.values())
        grams.squares = found  # type: ignore[attr-defined]
    return found
