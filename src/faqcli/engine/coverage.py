"""Coverage: which words of a question an entry explains, and how much each one carries.

"Could more floods happen soon" shares its frame with "Could more defections happen
soon?" and its meaning with it too, on average: only *floods* tells them apart, and
nothing in that entry explains it. A question's word that the entry does not explain,
not as the word, its stem, a typo, a joined word or a word close in meaning, is
evidence against that entry, weighed by how much the word carries in general English:

- nothing for a function word ("how do I"), a chat word ("hi plz help") or a number
  (a slot: "set an alarm for 7");
- else its rarity in English (``faqcli.frequencies``: *floods* more than *happen*)
  times how much it moves a meaning (the length of its word vector, which the vectors
  learnt from sentences: *happen* 1.9 and *soon* 1.1, *floods* 3.2, *prison* 4.0). A
  word the vectors do not know is more often a name, a code or a misspelling than a
  subject, and weighs :data:`UNKNOWN_CONTENT`.

Four pieces of ``confidence.Evidence`` come from here:

- :func:`unexplained`: what the entry leaves unexplained of the question's word that
  no entry of the FAQ uses and that it explains least (a word another entry uses is
  weighed by ranking, which prefers that entry);
- :func:`explained`: the share of the question's weight the entry explains;
- :func:`passage`: how much of the question one sentence of the answer covers ("what is
  Pyongyang's likely response" is answered by "Pyongyang's response is likely to be
  cautious");
- :func:`left_out`, the other way round: the entry's word the question does not ask
  about ("why did the soldier get promoted" leaves out *defect*).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import mul
from typing import TYPE_CHECKING, NamedTuple

from faqcli import frequencies
from faqcli.engine import text
from faqcli.engine.meaning import question_words
from faqcli.engine.text import stem, words

if TYPE_CHECKING:
    from faqcli.engine.analysis import Index
    from faqcli.engine.meaning import QueryWords

# Rarity in English: a word as common as Zipf 7 (*the*) carries nothing, one as rare
# as Zipf 2.5 (a few per hundred million words) or rarer carries all it can.
COMMON_ZIPF = 7.0
RARE_ZIPF = 2.5
# Content: a word vector shorter than this moves no meaning, one this long or longer
# moves all (the lengths of frame words and of subjects, see the module's docstring).
LIGHT_VECTOR = 1.5
HEAVY_VECTOR = 3.0
UNKNOWN_CONTENT = 0.3
# Close meaning: cosines of two words' vectors from no credit to full credit.
UNRELATED_COSINE = 0.3
SYNONYM_COSINE = 0.7
# A sentence is split off the answer at these marks; only the first few are read.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
SENTENCES = 40


class WordCoverage(NamedTuple):
    """One word of the question and how the entry explains it."""

    word: str  # as normalised from the query
    weight: float  # how much it carries, 0-1 (0: a function or chat word, a number)
    explained: float  # how well the entry explains it, 0-1
    by: str | None  # the entry's word that explains it best
    how: str | None  # "same", "stem", "typo", "joined" or "meaning"; None: nothing
    where: str | None  # "question" (or an alternate) or "answer"
    in_faq: bool  # whether any entry of the FAQ uses it (or a correction of it)

    @property
    def against(self) -> float:
        """What it leaves unexplained: its weight times the share not explained."""
        return self.weight * (1.0 - self.explained)


class _Match(NamedTuple):
    credit: float
    by: str
    how: str
    where: str


def carries(index: Index, word: str) -> float:
    """How much ``word`` (normalised) carries in general English, 0-1."""
    if word in text.FUNCTION_WORDS or word in text.CHAT_WORDS or any(c.isdigit() for c in word):
        return 0.0
    term = stem(word)
    table = frequencies.default(text.language)  # None for a language with none
    zipf = table.zipf(term) if table is not None else 0.0
    rarity = _between(zipf, COMMON_ZIPF, RARE_ZIPF)
    if not index.meaning.knows_words():
        return rarity
    vector = index.meaning.word(term)
    if vector is None:
        return rarity * UNKNOWN_CONTENT
    return rarity * _between(vector.length, LIGHT_VECTOR, HEAVY_VECTOR)


def close(cosine: float) -> float:
    """The credit for a word this close in meaning to one of the entry's, 0-1."""
    return _between(cosine, UNRELATED_COSINE, SYNONYM_COSINE)


def _between(value: float, none: float, full: float) -> float:
    """0 at ``none``, 1 at ``full``, linear between and flat beyond (either order)."""
    return min(max((value - none) / (full - none), 0.0), 1.0)


def coverage(index: Index, query_words: QueryWords, doc: int) -> list[WordCoverage]:
    """Each word of the query (in order) and how entry ``doc`` explains it: the best of
    its own stem, a typo or joined word found in the entry (in the answer worth
    ``answer_coverage``), and a word of the entry close in meaning."""
    answer_coverage = index.settings.answer_coverage
    feats = index.features(doc)
    entry = index.entry(doc)
    in_question = question_words(entry)
    answer_words = words(entry.answer)
    surface: dict[str, str] = {}
    for word in [*in_question, *answer_words]:
        surface.setdefault(stem(word), word)
    near_question = _directions(index, _content_stems(in_question))
    near_answer = _directions(index, _meaning_stems(index, answer_words) - set(near_question))
    found = []
    for word, group in query_words.items():
        best: _Match | None = None
        for term, similarity in group.items():
            if term in feats:
                where = "question" if feats[term].in_question else "answer"
                credit = similarity * (1.0 if where == "question" else answer_coverage)
                best = _better(
                    best,
                    _Match(
                        credit,
                        surface.get(term, term),
                        _how(word, term, similarity, surface),
                        where,
                    ),
                )
        direction = _direction(index, word, group)
        if direction is not None and (best is None or best.credit < 1.0):
            for where, near, scale in (
                ("question", near_question, 1.0),
                ("answer", near_answer, answer_coverage),
            ):
                for term, other in near.items():
                    if term in group:  # matched as itself or a typo, above
                        continue
                    credit = scale * close(sum(map(mul, direction, other)))
                    if credit > 0:
                        best = _better(
                            best, _Match(credit, surface.get(term, term), "meaning", where)
                        )
        in_faq = any(index.df(term) for term in group)
        weight = carries(index, word)
        if best is None:
            found.append(WordCoverage(word, weight, 0.0, None, None, None, in_faq))
        else:
            found.append(WordCoverage(word, weight, best.credit, *best[1:], in_faq))
    return found


def _how(word: str, term: str, similarity: float, surface: dict[str, str]) -> str:
    if term == stem(word):
        return "same" if surface.get(term, term) == word else "stem"
    return "typo" if similarity < 1.0 else "joined"


def _better(best: _Match | None, candidate: _Match) -> _Match:
    return candidate if best is None or candidate.credit > best.credit else best


def unexplained(found: Sequence[WordCoverage]) -> float:
    """What the entry leaves unexplained of the question's word that no entry of the FAQ
    uses and that it explains least (a word another entry uses is weighed by ranking)."""
    return max((w.against for w in found if not w.in_faq), default=0.0)


def explained(found: Sequence[WordCoverage]) -> float:
    """The share of the question's weight that the entry explains (1.0 for a question
    of function and chat words alone: nothing in it is left unexplained)."""
    total = sum(w.weight for w in found)
    return sum(w.weight * w.explained for w in found) / total if total else 1.0


def passage(
    index: Index, query_words: QueryWords, doc: int, found: Sequence[WordCoverage]
) -> float:
    """The share of the question's weight that the best sentence of entry ``doc``'s
    answer explains by itself (its words, their typos, words close in meaning)."""
    weighed = [w for w in found if w.weight > 0]
    total = sum(w.weight for w in weighed)
    if not total:
        return 0.0
    answer = index.entry(doc).answer
    directions = _directions(index, _meaning_stems(index, words(answer)))
    credits = []  # per question word: its credit for each stem that would explain it
    for w in weighed:
        group = query_words.get(w.word, {})
        per_stem = dict(group)
        direction = _direction(index, w.word, group)
        if direction is not None:
            for term, other in directions.items():
                credit = close(sum(map(mul, direction, other)))
                if credit > per_stem.get(term, 0.0):
                    per_stem[term] = credit
        credits.append(per_stem)
    best = 0.0
    for sentence in [t for t in _SENTENCE_END.split(answer) if t.strip()][:SENTENCES]:
        stems = {stem(x) for x in words(sentence)}
        covered = sum(
            w.weight * max((c for t, c in per_stem.items() if t in stems), default=0.0)
            for w, per_stem in zip(weighed, credits, strict=True)
        )
        best = max(best, covered / total)
    return best


def _meaning_stems(index: Index, answer_words: list[str]) -> set[str]:
    """The stems of an answer compared by meaning: its first words only (its start
    restates the topic, and each comparison costs)."""
    return _content_stems(answer_words[: index.settings.answer_meaning_words])


def _content_stems(found: list[str]) -> set[str]:
    """The stems of the words that can explain a question's word by their meaning (not
    function words: *wat* is not explained by *the*)."""
    return {stem(w) for w in found if w not in text.FUNCTION_WORDS}


def _direction(index: Index, word: str, group: dict[str, float]) -> tuple[float, ...] | None:
    """The direction a query word stands for: its own stem's, else its best typo's."""
    term = stem(word)
    vector = index.meaning.word(term)
    if vector is None and len(group) > 1:
        term = max((t for t in group if t != term), key=lambda t: group[t])
        vector = index.meaning.word(term)
    return vector.unit if vector is not None else None


def _directions(index: Index, terms: set[str]) -> dict[str, tuple[float, ...]]:
    found = {}
    for term in sorted(terms):
        vector = index.meaning.word(term)
        if vector is not None:
            found[term] = vector.unit
    return found


class LeftOut(NamedTuple):
    """The entry's word that the query asks least about, and what that leaves out."""

    word: str
    against: float  # its weight times the share the query does not ask about it


def left_out(index: Index, query_words: QueryWords, doc: int) -> LeftOut | None:
    """The entry's question word the query asks least about (not as the word, a typo of
    it or a word close in meaning), in the question or alternate the query leaves least
    out: "why did the soldier get promoted" leaves out *defect*. None: nothing."""
    asked = {term for group in query_words.values() for term in group}
    directions = [d for word, group in query_words.items() if (d := _direction(index, word, group))]
    entry = index.entry(doc)
    least: LeftOut | None = None
    for phrase in (entry.question, *entry.alternates):
        worst = LeftOut("", 0.0)
        for word in dict.fromkeys(words(phrase)):
            weight = carries(index, word)
            if not weight or stem(word) in asked:
                continue
            vector = index.meaning.word(stem(word))
            credit = 0.0
            if vector is not None:
                credit = max(
                    (close(sum(map(mul, vector.unit, d))) for d in directions), default=0.0
                )
            if weight * (1.0 - credit) > worst.against:
                worst = LeftOut(word, weight * (1.0 - credit))
        if least is None or worst.against < least.against:
            least = worst
    return least if least is not None and least.against > 0 else None
