"""The log of questions faq could not answer, and their grouping (``faq misses``).

Opt-in: ``faq ask --log-misses``, or ``FAQ_LOG_MISSES=1`` in the environment; with
``--log-answers`` (``FAQ_LOG_ANSWERS=1``) the questions faq answers are logged as well,
each with the entry it answered, its score and its margin over the next entry, so that
``faq review`` can show the answers that were a close call. The log is
local, a JSON Lines file per FAQ in the user data folder (``misses/KEY.jsonl``, KEY a
hash of the FAQ's resolved path, as the index cache is keyed), and is never sent
anywhere. It is bounded: it keeps the newest ``MAX_LOGGED`` questions and drops the
oldest. Appends hold a lock, so that concurrent ``faq ask`` processes each add whole
lines; a trim replaces the file atomically. A damaged log is never an error: lines that
are not a logged question are skipped (and dropped at the next trim), a log grown past
``MAX_BYTES`` starts over, and a log that cannot be written at all is reported as a
warning while the question is answered as ever.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from faqcli import atomic, store
from faqcli.engine import DEFAULTS
from faqcli.engine.text import char_grams, content_words, stem, words
from faqcli.errors import FaqDataError, io_error

MAX_LOGGED = 1000  # questions kept per FAQ: the newest; the oldest are dropped
# A log larger than this holds something other than questions (each is at most
# max_query_chars characters, 4 bytes each in UTF-8): it starts over.
MAX_BYTES = 16 * 1024 * 1024
MIN_LINE = 40  # bytes of the shortest logged line: a log smaller than limit x this is short
LOCK_TIMEOUT = 5.0  # seconds: a question is answered without waiting long for the log
# Two questions whose letter sequences (3- to 5-grams of their content words' stems in
# alphabetical order: "how do I" says nothing of what is asked) have at least this
# cosine are one group: typos, other word orders and forms, a word more or less ("is
# there parking", "do you have parking?").
GROUP_SIMILARITY = 0.5


class Logged(NamedTuple):
    """One question, and when (UTC, ISO 8601 to the second); for a question faq
    answered (logged with ``--log-answers``), the entry, its score and its margin over
    the next entry's score."""

    question: str
    asked: str
    answer: str | None = None
    score: float | None = None
    margin: float | None = None


class Answered(NamedTuple):
    """What faq answered a logged question with."""

    answer: str  # the entry's id
    score: float
    margin: float  # its score minus the next entry's


def log_path(faq_path: Path) -> Path:
    """The log of the FAQ at ``faq_path``."""
    return store.user_data_dir() / "misses" / f"{store.file_key(faq_path)}.jsonl"


class MissLog:
    """The unanswered-question log at ``path``, keeping the newest ``limit`` questions."""

    def __init__(self, path: Path, limit: int = MAX_LOGGED, answers: bool = False) -> None:
        self.path = path
        self.limit = limit
        self.answers = answers  # whether the questions faq answers are logged too

    @classmethod
    def for_faq(cls, faq_path: Path, answers: bool = False) -> MissLog:
        return cls(log_path(faq_path), answers=answers)

    def record(
        self,
        question: str,
        asked: datetime | None = None,
        answered: Answered | None = None,
    ) -> str | None:
        """Append ``question`` (with what answered it, if anything did); None, or why
        it could not be logged."""
        when = (asked or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = question[: DEFAULTS.max_query_chars]
        logged = Logged(text, when, *(answered or ()))
        line = _line(logged)
        if not store.regular_or_absent(self.path):
            return f"{self.path}: not a regular file"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                self._trim(reserve=1)
                _append(self.path, line.encode("utf-8", "replace"))
        except OSError as exc:  # filelock's Timeout is an OSError too
            return f"{self.path}: {exc.strerror or exc}"
        return None

    def read(self) -> list[Logged]:
        """The logged questions, oldest first; damaged lines skipped."""
        if not store.regular_or_absent(self.path):  # reading a pipe could wait for ever
            raise FaqDataError(f"{self.path}: not a regular file; faq reads only its own log")
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return []
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []  # no log yet: nothing logged
        except OSError as exc:
            raise io_error(self.path, exc) from None  # not "nothing logged"
        return list(_parse(data))

    def clear(self) -> int:
        """Delete the log; how many questions it held."""
        if not store.regular_or_absent(self.path):
            raise FaqDataError(f"{self.path}: not a regular file; faq deletes only its own log")
        count = len(self.read())
        with self._locked():
            self.path.unlink(missing_ok=True)
        return count

    def remove(self, questions: Sequence[str]) -> int:
        """Drop from the log every question worded as one of ``questions`` (the same
        words once normalised: a question reviewed is not shown again); how many went."""
        if not store.regular_or_absent(self.path):
            raise FaqDataError(f"{self.path}: not a regular file; faq changes only its own log")
        gone = {wording(q) for q in questions}
        try:
            with self._locked():
                logged = self.read()
                kept = [q for q in logged if wording(q.question) not in gone]
                if len(kept) < len(logged):
                    with atomic.replacing(self.path, f".{self.path.name}.") as tmp:
                        text = "".join(map(_line, kept))
                        tmp.write_text(text, encoding="utf-8", errors="replace")
        except OSError as exc:
            raise io_error(self.path, exc, "write") from None
        return len(logged) - len(kept)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock

        with FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT):
            yield

    def _trim(self, reserve: int) -> None:
        """With the lock held: make room for ``reserve`` more questions by keeping only
        the newest; start over when the log is past ``MAX_BYTES``."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size > MAX_BYTES:
            self.path.unlink()
            return
        if size < self.limit * MIN_LINE:
            return  # too short to hold the limit: no need to read it
        logged = list(_parse(self.path.read_bytes()))
        if len(logged) + reserve <= self.limit:
            return
        kept = logged[len(logged) + reserve - self.limit :]
        with atomic.replacing(self.path, f".{self.path.name}.") as tmp:
            tmp.write_text("".join(map(_line, kept)), encoding="utf-8", errors="replace")


def _append(path: Path, line: bytes) -> None:
    """Add ``line`` at the end of ``path``, on a line of its own even when the last one
    was left torn (a process killed while writing it)."""
    with open(path, "a+b") as log:
        if log.seek(0, os.SEEK_END):
            log.seek(-1, os.SEEK_END)
            if log.read(1) != b"\n":
                line = b"\n" + line
        log.write(line)


def _line(entry: Logged) -> str:
    fields = {k: v for k, v in entry._asdict().items() if v is not None}
    return json.dumps(fields, ensure_ascii=False) + "\n"


def _parse(data: bytes) -> Iterator[Logged]:
    """The well-formed lines of a log: others (torn, edited, not UTF-8) are skipped."""
    for raw in data.decode("utf-8", "replace").split("\n"):
        try:
            doc = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        if (
            isinstance(doc, dict)
            and isinstance(doc.get("question"), str)
            and isinstance(doc.get("asked"), str)
            and doc["question"].strip()
            and len(doc["question"]) <= DEFAULTS.max_query_chars  # as record() cuts it
            and _ASKED.fullmatch(doc["asked"])
            and _is_text(doc["question"])
            and set(doc) <= _FIELDS
        ):
            answered = _answered(doc)
            if answered is not None or "answer" not in doc:
                yield Logged(doc["question"], doc["asked"], *(answered or ()))


_FIELDS = frozenset(Logged._fields)


def _answered(doc: dict[str, object]) -> Answered | None:
    """What answered a logged question, when its line says so in the form record()
    writes; None otherwise."""
    answer, score, margin = doc.get("answer"), doc.get("score"), doc.get("margin")
    if not isinstance(answer, str) or not answer or not _is_text(answer):
        return None
    numbers = [x for x in (score, margin) if isinstance(x, int | float) and not isinstance(x, bool)]
    if len(numbers) != 2 or not all(math.isfinite(x) and 0 <= x <= 100 for x in numbers):
        return None
    return Answered(answer, float(numbers[0]), float(numbers[1]))


_ASKED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)  # as record() writes it


def _is_text(question: str) -> bool:
    """Whether ``question`` is Unicode text (a ``\\ud800`` escape in an edited log is
    half a character: it could not be printed)."""
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- grouping -------------------------------------------------------------------------


class Phrasing(NamedTuple):
    """One wording of a question (the same words once normalised), as first asked."""

    question: str
    times: int  # how many times it was asked
    last_asked: str


class Group(NamedTuple):
    """Questions that look alike, the most asked wording first."""

    phrasings: tuple[Phrasing, ...]

    @property
    def times(self) -> int:
        """How many times its questions were asked, all wordings together."""
        return sum(p.times for p in self.phrasings)

    @property
    def last_asked(self) -> str:
        return max(p.last_asked for p in self.phrasings)


def wording(question: str) -> str:
    """What makes two logged questions one wording: their words, normalised."""
    return " ".join(words(question))


def phrasings(logged: Sequence[Logged]) -> list[Phrasing]:
    """The distinct wordings of the logged questions, most asked first (then the most
    recently asked, then alphabetically: the order never depends on anything else)."""
    found: dict[str, Phrasing] = {}
    for question, asked, *_ in logged:
        key = wording(question)
        seen = found.get(key)
        if seen is None:
            found[key] = Phrasing(question, 1, asked)
        else:
            found[key] = seen._replace(times=seen.times + 1, last_asked=max(seen.last_asked, asked))
    ordered = sorted(found.values(), key=lambda p: p.question)
    ordered.sort(key=lambda p: p.last_asked, reverse=True)  # sorts are stable
    ordered.sort(key=lambda p: p.times, reverse=True)
    return ordered


def group(logged: Sequence[Logged], similarity: float = GROUP_SIMILARITY) -> list[Group]:
    """The logged questions in groups of look-alikes, the most asked group first.

    Each wording, most asked first, joins the first group whose first wording is at
    least ``similarity`` alike (cosine of letter sequences), else starts a group."""
    leaders: list[dict[str, float]] = []
    members: list[list[Phrasing]] = []
    for phrasing in phrasings(logged):
        grams = _unit(phrasing.question)
        for leader, group_members in zip(leaders, members, strict=True):
            if _dot(grams, leader) >= similarity:
                group_members.append(phrasing)
                break
        else:
            leaders.append(grams)
            members.append([phrasing])
    groups = sorted((Group(tuple(m)) for m in members), key=lambda g: g.last_asked, reverse=True)
    groups.sort(key=lambda g: g.times, reverse=True)
    return groups


def _unit(text: str) -> dict[str, float]:
    """The letter sequences of the stems of the content words of ``text``, in
    alphabetical order (of all its words, when it has only function words), as a vector
    of length 1 (empty for no words): "how do I bake bread" and "bread baking tips"
    are alike whatever the order and the form of their words."""
    content = sorted(map(stem, content_words(text)))
    grams = char_grams(" ".join(content) if content else text)
    norm = math.sqrt(sum(v * v for v in grams.values()))
    return {g: v / norm for g, v in grams.items()} if norm else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


# --- the command that covers a group --------------------------------------------------

# The closest entry is taken for the one meant, so the wordings become its alternates,
# when it is at least this likely (in percent) to be the answer: one chance in three or
# better. Further below, the FAQ lacks the topic and the command adds an entry.
ALTERNATE_FLOOR = 33.0
COMMAND_WORDINGS = 3  # at most this many wordings of a group in its command


def cover_command(group: Group, closest_id: str | None, score: float, faq: Path | None) -> str:
    """The faq command that would answer the group's questions, quoted for a POSIX
    shell: its wordings as alternates of the closest entry when that is likely enough
    the one meant, else a new entry asking them (the answer is prompted for)."""
    wordings = [p.question for p in group.phrasings[:COMMAND_WORDINGS]]
    words_out = [" ".join(w.split()) for w in wordings]  # one line each, as typed
    head = ["faq"] + (["--faq", str(faq)] if faq is not None else [])
    if closest_id is not None and score >= ALTERNATE_FLOOR:
        options = [a for w in words_out for a in ("--add-alternate", w)]
        if closest_id.startswith("-"):  # it would read as an option: it goes after "--"
            args = ["edit", *options, "--", closest_id]
        else:
            args = ["edit", closest_id, *options]
    else:
        first, *rest = words_out
        args = ["add", "-q", first, *(a for w in rest for a in ("--alternate", w))]
    return " ".join(shlex.quote(part) for part in head + args)


def faq_option(source: store.FaqSource) -> Path | None:
    """The ``--faq`` a suggested command needs to reach this FAQ: none for the FAQ faq
    uses by default (your own, or the bundled one), else its path."""
    if source.bundled or source.path == store.user_faq_path():
        return None
    return source.path
