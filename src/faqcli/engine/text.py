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


# A FAQ in another language (its top-level "language") is read with that language's
# Snowball stemmer and function and chat words; English word vectors and frequencies
# are not applied to it (``engine.meaning``, ``engine.coverage``). Words as
# :func:`normalise` leaves them: lowercase, without accents.
STEMMERS = {"en": "english", "es": "spanish", "de": "german", "fr": "french",
            "it": "italian", "pt": "portuguese", "nl": "dutch"}  # fmt: skip
_OTHER_FUNCTION_WORDS = {
    "es": "a al ante con contra de del desde el la las lo los en entre hacia hasta para por "
    "segun sin sobre tras y e o u ni pero que se su sus mi mis tu tus yo me te le les nos un "
    "una unos unas es son esta estan ser estar hay he ha han puedo puede pueden como cuando "
    "donde cual cuales cuanto cuanta cuantos cuantas que quien quienes por porque no si ya "
    "muy mas este esta estos estas ese esa eso",
    "de": "der die das den dem des ein eine einer eines einem einen und oder aber nicht kein "
    "keine ich du er sie es wir ihr mich mir dich dir uns euch sich mein meine dein ihre sein "
    "ist sind bin war waren wird werden kann konnen muss mussen soll darf habe hat haben in im "
    "an am auf aus bei mit nach von vom zu zum zur fur uber unter vor durch um wie was wo wann "
    "warum wer welche welcher welches wieviel viel ob dass so auch noch schon denn man",
    "fr": "le la les un une des du de d l et ou mais ne pas je tu il elle nous vous ils elles "
    "me te se mon ma mes ton ta tes son sa ses est sont suis ai as a ont peut peux puis dans en "
    "au aux sur sous avec pour par chez comment quand ou quel quelle quels quelles pourquoi qui "
    "que quoi combien ce cet cette ces y",
    "it": "il lo la i gli le un uno una di del della dei delle a al alla da dal in nel nella "
    "con su per tra fra e o ma non io tu lui lei noi voi loro mi ti si ci vi mio mia tuo suo "
    "e sono ho hai ha hanno posso puo come quando dove quale quali quanto quanta perche chi che",
    "pt": "o a os as um uma uns umas de do da dos das em no na nos nas por para com sem e ou "
    "mas nao eu tu ele ela nos vos eles elas me te se meu minha seu sua e sao esta estao tem "
    "posso pode como quando onde qual quais quanto quanta porque quem que",
    "nl": "de het een en of maar niet geen ik jij je hij zij wij jullie ze mij me mijn jouw "
    "zijn haar is ben was waren wordt kan kun moet mag heb heeft hebben in op aan bij met naar "
    "van voor door om hoe wat waar wanneer waarom wie welke hoeveel dat dit die er",
}
_OTHER_CHAT_WORDS = {
    "es": "hola buenas buenos dias tardes gracias porfa favor ayuda necesito saludos",
    "de": "hallo hi moin servus danke bitte hilfe brauche gruss",
    "fr": "bonjour salut merci svp plait aide besoin",
    "it": "ciao buongiorno grazie favore aiuto",
    "pt": "ola oi obrigado obrigada favor ajuda",
    "nl": "hallo hoi dank bedankt alsjeblieft help",
}
ENGLISH_FUNCTION_WORDS, ENGLISH_CHAT_WORDS = FUNCTION_WORDS, CHAT_WORDS
language = "en"  # the language the words are read in: see use()


def use(code: str | None) -> None:
    """Read words as in the language ``code`` (None: English) from now on: the FAQ an
    index is built from, or read, says which (its top-level "language")."""
    global _STEMMER, FUNCTION_WORDS, CHAT_WORDS, language
    code = code or "en"
    if code == language:
        return
    language = code
    _STEMMER = Stemmer.Stemmer(STEMMERS[code])
    if code == "en":
        FUNCTION_WORDS, CHAT_WORDS = ENGLISH_FUNCTION_WORDS, ENGLISH_CHAT_WORDS
    else:
        FUNCTION_WORDS = frozenset(_OTHER_FUNCTION_WORDS[code].split())
        CHAT_WORDS = frozenset(_OTHER_CHAT_WORDS[code].split())
    stem.cache_clear()


def detect_language(texts: list[str]) -> str | None:
    """The language of ``texts`` when it is plainly one faq reads other than English:
    its function words are at least 8 of the words and twice as many as any other
    language's (English included); else None. Cheap, and only as sure as that."""
    found = [w for t in texts for w in words(t)]
    counts = {"en": sum(w in ENGLISH_FUNCTION_WORDS for w in found)}
    for code, listed in _OTHER_FUNCTION_WORDS.items():
        vocabulary = frozenset(listed.split())
        counts[code] = sum(w in vocabulary for w in found)
    best = max(counts, key=lambda c: counts[c])
    others = max(n for c, n in counts.items() if c != best)
    if best == "en" or counts[best] < 8 or counts[best] < 2 * others:
        return None
    return best


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
    function_words = FUNCTION_WORDS  # as use() set it
    return [w for w in words(text) if w not in function_words]


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
