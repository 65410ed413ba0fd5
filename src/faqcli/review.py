"""``faq review``: the questions people asked, the entries that could take them, and
what each choice would change.

The items are the logged questions (``faqcli.misslog``), grouped as ``faq misses``
groups them: first those faq did not answer, most asked first, then those it answered
in a close call (logged with ``--log-answers``: the next entry scored within
:data:`CLOSE_CALL` points), which may be wrong. Each comes with its closest entries and,
for each of them, the consequence of adding the item's wordings as its alternates: what
the item would score then, and which other logged questions would change their answer
(an alternate that captures questions another entry answers is one to think twice
about). The change is ranked through a revised view of the index
(``engine.learning.Revised``), so checking it costs a few rankings, not a rebuild.

Pure of I/O: the log is read, and decisions are written, by ``faqcli.operations``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from faqcli.engine import Index, Match, rank
from faqcli.engine.learning import Revised
from faqcli.engine.text import content_words, stem
from faqcli.misslog import COMMAND_WORDINGS, Answered, Group, Logged, group, wording

CLOSE_CALL = 15.0  # an answer whose runner-up scored within this many points is shown
CLOSEST = 3  # entries offered per item
CHECKED = 200  # logged wordings (answered or not) asked again per check, most asked first


class Changed(NamedTuple):
    """A logged question whose answer a choice changes: what answered it before and
    what would after (None: no confident answer)."""

    question: str
    before: str | None
    after: str | None


class Consequence(NamedTuple):
    """What adding an item's wordings as alternates of ``entry_id`` would do."""

    entry_id: str
    score: float  # the item's first wording would score this with them
    changes: tuple[Changed, ...]  # the other logged questions it changes


class Item(NamedTuple):
    """A group of logged questions to review, and its choices."""

    group: Group
    answered: Answered | None  # what faq last answered it with, if it did
    closest: tuple[Match, ...]
    consequences: tuple[Consequence, ...]  # one per closest entry, in order

    @property
    def question(self) -> str:
        return self.group.phrasings[0].question

    @property
    def wordings(self) -> list[str]:
        """The wordings a choice adds, the most asked first."""
        return [p.question for p in self.group.phrasings[:COMMAND_WORDINGS]]


def items(index: Index, logged: Sequence[Logged], threshold: float) -> list[Item]:
    """The items of the log, unanswered ones first (see the module's docstring)."""
    answered: dict[str, Answered] = {}
    for q in logged:  # oldest first: the last answer logged for a wording wins
        key = wording(q.question)
        if q.answer is not None and q.score is not None and q.margin is not None:
            answered[key] = Answered(q.answer, q.score, q.margin)
        else:
            answered.pop(key, None)
    unanswered = group([q for q in logged if wording(q.question) not in answered])
    close = group(
        [q for q in logged if (a := answered.get(wording(q.question))) and a.margin < CLOSE_CALL]
    )
    everyone = [p.question for g in group(logged) for p in g.phrasings][:CHECKED]
    before = {q: _answer(index, q, threshold) for q in everyone}
    found = []
    for g in [*unanswered, *close]:
        first = g.phrasings[0].question
        closest = tuple(rank(index, first, CLOSEST))
        found.append(
            Item(
                g,
                answered.get(wording(first)),
                closest,
                tuple(consequence(index, g, m.entry.id, before, threshold) for m in closest),
            )
        )
    return found


def consequence(
    index: Index, g: Group, entry_id: str, before: dict[str, str | None], threshold: float
) -> Consequence:
    """What adding ``g``'s wordings as alternates of ``entry_id`` would change among the
    questions of ``before`` (each with what answers it now)."""
    doc = next(d for d in range(index.size) if index.entry(d).id == entry_id)
    entry = index.entry(doc)
    wordings = [p.question for p in g.phrasings[:COMMAND_WORDINGS]]
    added = tuple(w for w in wordings if w not in entry.alternates)
    revised = Revised(index, doc, entry.replace(alternates=entry.alternates + added))
    own = {wording(p.question) for p in g.phrasings}
    reach = {stem(w) for text in wordings for w in content_words(text)}
    changes = []
    for question, was in before.items():
        if wording(question) in own:
            continue
        # Only a question sharing a word with the wordings, or answered by this entry,
        # can change: the others rank the same.
        if was != entry_id and not reach & {stem(w) for w in content_words(question)}:
            continue
        now = _answer(revised, question, threshold)
        if now != was:
            changes.append(Changed(question, was, now))
    matches = rank(revised, wordings[0], 1)
    return Consequence(entry_id, matches[0].score if matches else 0.0, tuple(changes))


def _answer(index: Index, question: str, threshold: float) -> str | None:
    """The id of the entry faq answers ``question`` with, or None."""
    matches = rank(index, question, 1)
    return matches[0].entry.id if matches and matches[0].score >= threshold else None
