"""What each operation returns: one typed result per command, drawn by ``faqcli.render``.

A result carries the decisions about it (is the answer confident, is it a near tie,
which suggestions are worth showing) and the exit code it means, so that a renderer
only draws and the command line only exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from faqcli.engine import DEFAULTS, Match, is_confident
from faqcli.errors import ExitCode
from faqcli.model import Entry

if TYPE_CHECKING:
    from faqcli.engine import Explanation
    from faqcli.evaluate import Miss, Report, Scored
    from faqcli.lint import Finding
    from faqcli.misslog import Group, Phrasing
    from faqcli.review import Item as ReviewItem

SUGGESTIONS = 3  # "did you mean" lists at most this many closest questions
# A suggestion whose score shows as 0 (under 1: scores are shown rounded down) shares
# nothing with the question: a guess.
SUGGESTION_FLOOR = 1.0


# A score this far below the threshold or less is "near": an answer that a somewhat
# lower --threshold would give, worth a look; further below, a guess. 15 points of
# probability: with the default threshold of 60, from 45 (about even odds) up.
NEAR_MARGIN = 15.0


class Strength(Enum):
    """How a score stands against the threshold: the emphasis it gets on a terminal
    (the number itself is always printed)."""

    CONFIDENT = "confident"  # at or above the threshold: faq answers
    NEAR = "near"  # less than NEAR_MARGIN below it
    WEAK = "weak"  # further below


def strength(score: float, threshold: float) -> Strength:
    """Where ``score`` stands against ``threshold`` (see :class:`Strength`)."""
    if score >= threshold:
        return Strength.CONFIDENT
    return Strength.NEAR if score > threshold - NEAR_MARGIN else Strength.WEAK


class Threshold(NamedTuple):
    """The score below which faq does not answer, and where it comes from."""

    value: float
    source: str  # one of THRESHOLD_SOURCES

    def described(self) -> str:
        return f"{self.value:g} ({THRESHOLD_SOURCES[self.source]})"


# Where a threshold comes from, in the order faq looks: the command line, the FAQ file
# ("threshold" at its top level, written by faq eval --tune), faq's own default.
THRESHOLD_SOURCES = {
    "option": "--threshold",
    "faq": 'the FAQ file\'s "threshold"',
    "default": "faq's default",
}


class Answer(NamedTuple):
    """The answer to one question: the matches, best first, and what to show of them."""

    query: str
    matches: tuple[Match, ...]  # ranked to at least max(top, SUGGESTIONS)
    threshold: float
    top: int = 1  # how many matches the caller wants
    why: bool = False  # whether the caller asked why (``--explain``)
    explanation: Explanation | None = None  # with why: None when nothing was ranked
    heading: bool = False  # one of several questions: show the question above its answer
    tie_margin: float = DEFAULTS.tie_margin
    unlogged: str | None = None  # why an unanswered question could not be logged, if so
    threshold_source: str = "default"  # where the threshold comes from (THRESHOLD_SOURCES)
    empty_faq: bool = False  # the FAQ has no entry at all: say how to add one

    @property
    def confident(self) -> bool:
        """Whether faq answers: the first match reaches the threshold."""
        return is_confident(self.matches, self.threshold)

    @property
    def tied(self) -> bool:
        """A confident answer whose runner-up scores about the same: both are shown."""
        m = self.matches
        return self.confident and len(m) > 1 and m[0].score - m[1].score < self.tie_margin

    @property
    def shown(self) -> tuple[Match, ...]:
        """The matches shown in full: none without a confident answer, both of a near
        tie, else the ``top`` first."""
        if not self.confident:
            return ()
        return self.matches[: max(self.top, 2) if self.tied else self.top]

    @property
    def suggestions(self) -> tuple[Match, ...]:
        """Without a confident answer, the closest questions worth suggesting."""
        if self.confident:
            return ()
        return tuple(m for m in self.matches[:SUGGESTIONS] if m.score >= SUGGESTION_FLOOR)

    @property
    def listed(self) -> tuple[Match, ...]:
        """The ``top`` first matches, confident or not (JSON's ``matches``)."""
        return self.matches[: self.top]

    def strength(self, match: Match) -> Strength:
        """How ``match``'s score stands against this answer's threshold."""
        return strength(match.score, self.threshold)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.confident else ExitCode.NO_MATCH


class EntryList(NamedTuple):
    """Every entry of a FAQ (``faq list``), to be read once, in order (a large FAQ's
    are streamed from its index)."""

    entries: Iterable[Entry]
    title: str | None = None
    exit_code: ExitCode = ExitCode.OK
    tags: tuple[str, ...] = ()  # listed only entries with these tags (faq list --tag)
    grep: str | None = None  # listed only entries holding this text (faq list --grep)
    matched: tuple[str, ...] = ()  # with grep: where each entry holds it, "question, answer"

    @property
    def filtered(self) -> bool:
        """Whether these are the entries matching --tag or --grep, not every entry."""
        return bool(self.tags) or self.grep is not None


class EntryShown(NamedTuple):
    """One entry in full (``faq show``)."""

    entry: Entry
    exit_code: ExitCode = ExitCode.OK


class Change(str, Enum):
    """What a write did (its value is the word ``--json`` prints)."""

    ADDED = "added"
    EDITED = "edited"
    REMOVED = "removed"
    CREATED = "created"
    UNCHANGED = "unchanged"  # an edit that changed nothing: nothing written
    KEPT = "kept"  # a removal declined at its question


class Changed(NamedTuple):
    """What a write did to the FAQ file: ``add``, ``edit``, ``remove``, ``init``."""

    action: Change
    path: Path
    entry_id: str | None = None
    exit_code: ExitCode = ExitCode.OK
    entries: int = 0  # init: how many entries the new file starts with


class Imported(NamedTuple):
    """What ``faq import`` did or, with ``dry_run``, would do."""

    added: tuple[str, ...]  # the ids of the entries added
    skipped: tuple[str, ...]  # one line per duplicate, saying where and of what
    dry_run: bool = False
    updated: tuple[str, ...] = ()  # with --update: the ids of the entries replaced
    unchanged: tuple[str, ...] = ()  # with --update: the ids of entries imported as they are
    update: bool = False  # whether --update was asked for
    exit_code: ExitCode = ExitCode.OK
    removed: tuple[str, ...] = ()  # with --prune: the ids of the entries the file lacks
    prune: bool = False  # whether --prune was asked for
    diff: tuple[str, ...] = ()  # with --dry-run: one line per entry added, changed, removed
    language: str | None = None  # the language the entries were found to be in, if not English
    language_set: bool = False  # whether the import set it as the FAQ's (an empty FAQ's)


class Exported(NamedTuple):
    """The whole FAQ in another format (``faq export``): exact text to write."""

    text: str
    exit_code: ExitCode = ExitCode.OK


class CheckReport(NamedTuple):
    """The findings of ``faq check`` about the FAQ at ``path``; exit 1 with any."""

    path: Path
    findings: tuple[Finding, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.NO_MATCH if self.findings else ExitCode.OK


class Evaluation(NamedTuple):
    """``faq eval``: the metrics of the labelled queries in ``name``."""

    name: str
    report: Report
    fail_under: tuple[tuple[str, float], ...] = ()  # (metric, the least it may be)
    threshold: Threshold | None = None  # the threshold the metrics were computed at
    tuned: float | None = None  # with --tune: the threshold written to the FAQ file

    @property
    def below(self) -> list[tuple[str, float | None, float]]:
        """The metrics under their ``--fail-under``: (name, value, least); a metric
        with no value (answer precision when nothing was answered) is under it too."""
        metrics = self.report.metrics()
        found = [(name, metrics[name], least) for name, least in self.fail_under]
        return [(n, v, least) for n, v, least in found if v is None or v < least]

    @property
    def failed(self) -> bool:
        """Whether a metric is below its ``--fail-under``."""
        return bool(self.below)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.NO_MATCH if self.failed else ExitCode.OK

    @property
    def worst(self) -> list[Miss]:
        """The misses shown: those whose expected entry ranked lowest (or not at all)
        first, at most ``WORST_SHOWN``."""
        return sorted(self.report.misses, key=lambda m: -(m.rank or 99))[:WORST_SHOWN]

    @property
    def wrong_shown(self) -> list[Scored]:
        """The wrong answers shown: the most confident first, at most ``WORST_SHOWN``."""
        return self.report.wrong_answers[:WORST_SHOWN]

    @property
    def withheld_shown(self) -> list[Scored]:
        """The in-scope questions not answered that are shown: right answers scored
        lowest first, at most ``WORST_SHOWN``."""
        return self.report.withheld[:WORST_SHOWN]


WORST_SHOWN = 10  # misses, wrong answers and abstentions ``faq eval`` shows (--json: all)


class Indexed(NamedTuple):
    """``faq index``: the persisted index built, or why there is none."""

    entries: int
    seconds: float
    path: Path | None  # None: the index lives in memory only
    size: int = 0  # bytes
    reason: str = ""  # why there is no file, when there is none
    exit_code: ExitCode = ExitCode.OK


class Where(NamedTuple):
    """Which FAQ file is in use, and why (``faq where``)."""

    path: Path
    reason: str
    exists: bool = True  # False: --faq or $FAQ_FILE names no file (faq where warns)
    exit_code: ExitCode = ExitCode.OK
    threshold: Threshold | None = None  # the threshold ask uses (None: the FAQ unread)


class MissGroup(NamedTuple):
    """Logged questions that look alike (``faq misses``), and what would answer them."""

    group: Group  # the wordings, most asked first, with their counts
    closest: tuple[Match, ...]  # the entries closest to the first wording, best first
    command: str | None  # the faq command that would cover them; None: answered now
    threshold: float = DEFAULTS.threshold

    @property
    def phrasings(self) -> tuple[Phrasing, ...]:
        return self.group.phrasings

    @property
    def times(self) -> int:
        """How many times these questions were asked."""
        return self.group.times

    @property
    def last_asked(self) -> str:
        return self.group.last_asked

    @property
    def answered(self) -> bool:
        """Whether the FAQ answers the first wording now (it was changed since)."""
        return is_confident(self.closest, self.threshold)

    def strength(self, match: Match) -> Strength:
        return strength(match.score, self.threshold)


class MissReport(NamedTuple):
    """``faq misses``: the questions logged for the FAQ at ``faq``, in groups."""

    faq: Path
    log: Path
    questions: int  # how many are logged
    groups: tuple[MissGroup, ...]  # the most asked first
    exit_code: ExitCode = ExitCode.OK


class ReviewReport(NamedTuple):
    """``faq review``: the logged questions to review for the FAQ at ``faq``, each with
    its closest entries and what adding it to each would change (``faqcli.review``)."""

    faq: Path
    log: Path
    items: tuple[ReviewItem, ...]
    threshold: float
    exit_code: ExitCode = ExitCode.OK
    step: tuple[int, int] | None = None  # one item of the interactive review: which of all


class Decision(str, Enum):
    """What ``faq review`` does with a logged question (its value is the word
    ``--json`` prints)."""

    ALTERNATE = "alternate"  # added as an alternate of an entry
    NEW = "new"  # a new entry asks it
    OFF_TOPIC = "off-topic"  # no entry answers it: kept as a negative of the FAQ
    WRONG = "wrong"  # the entry that answered it does not: kept as a negative
    DISMISSED = "dismissed"  # taken off the log, nothing else changed


class Reviewed(NamedTuple):
    """One decision of ``faq review``, done: the wordings it took, the entry (the one
    added to, the new one, or the one marked wrong) and how many logged questions went."""

    decision: Decision
    wordings: tuple[str, ...]
    entry_id: str | None
    unlogged: int  # questions taken off the log
    path: Path
    exit_code: ExitCode = ExitCode.OK


class MissesCleared(NamedTuple):
    """``faq misses --clear``: the log deleted, and how many questions it held."""

    log: Path
    questions: int
    exit_code: ExitCode = ExitCode.OK


class SessionSettings(NamedTuple):
    """The settings of the interactive session (``faq ask`` on a terminal), shown when
    a command changes them."""

    top: int
    why: bool
    exit_code: ExitCode = ExitCode.OK


class SessionHelp(NamedTuple):
    """The interactive session's greeting (``greeting``) or its ``:help``."""

    faq: Path
    entries: int
    commands: tuple[tuple[str, str], ...]  # (usage, what it does)
    settings: SessionSettings
    history: Path | None  # where the typed questions are kept; None: they are not
    greeting: bool = False
    exit_code: ExitCode = ExitCode.OK


class SessionProblem(NamedTuple):
    """A line the interactive session could not take (an unknown command, :top 0);
    the session goes on."""

    message: str
    exit_code: ExitCode = ExitCode.OK


Result = (
    Answer
    | EntryList
    | EntryShown
    | Changed
    | Imported
    | Exported
    | CheckReport
    | Evaluation
    | Indexed
    | Where
    | MissReport
    | ReviewReport
    | Reviewed
    | MissesCleared
    | SessionHelp
    | SessionSettings
    | SessionProblem
)
