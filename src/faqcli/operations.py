"""What faq does, one function per command, usable from Python without the command line.

Each operation takes plain arguments (a :class:`~faqcli.store.FaqSource` says which
FAQ file: ``store.resolve(path)``), returns a typed result (``faqcli.results``) and
raises a :class:`~faqcli.errors.FaqError` for what went wrong. Nothing here prints,
prompts or exits: ``faqcli.cli`` reads the command line, calls one operation and hands
the result to a renderer (``faqcli.render``).

    >>> from faqcli import operations, store
    >>> source = store.resolve(None)  # the bundled FAQ
    >>> index = operations.open_index(source)
    >>> operations.ask(index, "why did the soldier defect?").shown[0].entry.id
    'why-defect-now'
"""

from __future__ import annotations

import math
import os
import shlex
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faqcli import store
from faqcli.engine import DEFAULTS, Index, is_confident, rank
from faqcli.engine.rank import assess, scored
from faqcli.errors import ExitCode, FaqDataError, FaqError, NotFoundError, UsageError, io_error
from faqcli.model import Entry, Faq, case_match, id_key
from faqcli.results import (
    SUGGESTION_FLOOR,
    SUGGESTIONS,
    Answer,
    Change,
    Changed,
    CheckReport,
    Decision,
    EntryList,
    EntryShown,
    Evaluation,
    Exported,
    Imported,
    Indexed,
    MissesCleared,
    MissGroup,
    MissReport,
    Reviewed,
    ReviewReport,
    Threshold,
    Where,
)

if TYPE_CHECKING:
    from faqcli.delta import Updated
    from faqcli.editor import EditorSession
    from faqcli.evaluate import Report
    from faqcli.formats import Format, Reading
    from faqcli.index import BuildReport, SqliteIndex
    from faqcli.misslog import Group as MissesGroup
    from faqcli.misslog import MissLog

Progress = Callable[[int], "BuildReport"]  # asked for a build's progress report


def open_index(
    source: store.FaqSource, *, cache: bool = True, progress: Progress | None = None
) -> Index:
    """The FAQ's index, ready to rank (see ``faqcli.index.open_index``)."""
    from faqcli import index

    return index.open_index(source, cache=cache, progress=progress)


def threshold_for(index: Index, given: float | None = None) -> Threshold:
    """The threshold to answer with: ``given`` (``--threshold``), else the FAQ's own
    (``faq eval --tune``), else faq's default."""
    if given is not None:
        return Threshold(given, "option")
    if index.threshold is not None:
        return Threshold(index.threshold, "faq")
    return Threshold(index.settings.threshold, "default")


def ask(
    index: Index,
    question: str,
    *,
    top: int = 1,
    threshold: float | None = None,
    why: bool = False,
    log: MissLog | None = None,
) -> Answer:
    """The answer to ``question``: the best matches, and whether faq is confident (at
    ``threshold``, else the FAQ's own, else faq's default: :func:`threshold_for`); with
    ``why``, the explanation of the first (``faq ask --explain``); with ``log``, a
    question faq does not answer is logged there (``faq ask --log-misses``)."""
    if not question.strip():
        raise UsageError("the question is empty")
    question = question.strip()[: index.settings.max_query_chars]  # what ranking reads
    found = assess(index, question, max(top, SUGGESTIONS))
    matches = scored(found, index.settings) if found else []
    explanation = None
    if why and found:
        from faqcli.engine.explanation import explain

        explanation = explain(index, question, found)  # the same assessment, not another
    used = threshold_for(index, threshold)
    answer = Answer(
        question, tuple(matches), used.value, top, why, explanation, threshold_source=used.source,
        empty_faq=index.size == 0,
    )  # fmt: skip
    if log is not None and (log.answers or not answer.confident):
        answered = None
        if answer.confident:
            from faqcli.misslog import Answered

            runner_up = matches[1].score if len(matches) > 1 else 0.0
            answered = Answered(matches[0].entry.id, matches[0].score, matches[0].score - runner_up)
        answer = answer._replace(unlogged=log.record(question, answered=answered))
    return answer


def ask_each(
    index: Index,
    questions: Iterable[str],
    *,
    top: int = 1,
    threshold: float | None = None,
    why: bool = False,
    log: MissLog | None = None,
    source: store.FaqSource | None = None,
) -> Iterator[Answer]:
    """The answer to each question in turn (``faq ask -``), each to be shown under its
    question; blank questions are skipped. With ``source``, the FAQ ``index`` is of,
    questions that arrive in bulk are spread over the machine's cores
    (``faqcli.parallel``): the same answers, in the same order."""
    wanted = (q for q in questions if q.strip())
    if source is None:
        for question in wanted:
            answer = ask(index, question, top=top, threshold=threshold, why=why, log=log)
            yield answer._replace(heading=True)
        return
    from faqcli import parallel

    options = {"top": top, "threshold": threshold, "why": why}
    with parallel.Workers(source) as workers:
        for batch in parallel.batches(wanted):
            if parallel.worth_it(index, len(batch)):
                found = parallel.answers(workers, batch, options, log)
            else:
                found = (
                    ask(index, q, top=top, threshold=threshold, why=why, log=log) for q in batch
                )
            for answer in found:
                yield answer._replace(heading=True)


def list_entries(source: store.FaqSource, *, cache: bool = True) -> EntryList:
    """Every entry of the FAQ, in file order: streamed from its persisted index when
    it has a current one (a large FAQ is never parsed whole to be listed)."""
    from faqcli import index

    persisted = index.current(source, cache)
    if persisted is not None:
        return EntryList(_listed(persisted, source.path), persisted.title)
    faq = store.load(source.path)
    return EntryList(faq.entries, faq.title)


def _listed(persisted: SqliteIndex | Updated, path: Path) -> Iterator[Entry]:
    """The entries of a current persisted index; from where it is found damaged on, the
    FAQ's own (the index was current: the same entries in the same order)."""
    from faqcli import index

    done = 0
    try:
        for entry in persisted.entries():
            yield entry
            done += 1
    except index.IndexUnreadable:
        yield from store.load(path).entries[done:]


GREP_FIELDS = ("question", "alternates", "answer")  # where faq list --grep looks


def list_matching(
    source: store.FaqSource,
    *,
    cache: bool = True,
    tags: Sequence[str] = (),
    grep: str | None = None,
    fields: Sequence[str] = GREP_FIELDS,
) -> EntryList:
    """``faq list``: every entry, or with ``tags`` or ``grep`` the entries that match
    (see :func:`filter_listing`)."""
    listing = list_entries(source, cache=cache)
    return filter_listing(listing, tags=tags, grep=grep, fields=fields)


def filter_listing(
    listing: EntryList,
    *,
    tags: Sequence[str] = (),
    grep: str | None = None,
    fields: Sequence[str] = GREP_FIELDS,
) -> EntryList:
    """The entries of ``listing`` that carry every one of ``tags`` and hold ``grep`` in
    one of ``fields`` (their question, an alternate, their answer), both ignoring case,
    with where each holds it; with a filter that matches nothing, the listing exits 1
    (as grep does). The entries are read once, in order (they may be streamed from an
    index); those kept are a tuple."""
    if not tags and grep is None:
        return listing
    wanted = {t.casefold() for t in tags}
    needle = (grep or "").casefold()

    def where(e: Entry) -> str:
        texts = {"question": (e.question,), "alternates": e.alternates, "answer": (e.answer,)}
        found = [f for f in fields if any(needle in t.casefold() for t in texts[f])]
        return ", ".join("alternate" if f == "alternates" else f for f in found)

    kept: list[Entry] = []
    matched: list[str] = []
    for e in listing.entries:
        if wanted <= {t.casefold() for t in e.tags} and (found := where(e)):
            kept.append(e)
            matched.append(found)
    code = ExitCode.OK if kept else ExitCode.NO_MATCH
    return listing._replace(entries=tuple(kept), exit_code=code, tags=tuple(tags), grep=grep,
                            matched=tuple(matched) if grep is not None else ())  # fmt: skip


def show(source: store.FaqSource, entry_id: str, *, cache: bool = True) -> EntryShown:
    """One entry; an unknown id is a NotFoundError naming the closest ids. Read from
    the FAQ's persisted index when it has a current one."""
    from faqcli import index

    persisted = index.current(source, cache)
    if persisted is not None:
        try:
            doc = persisted.find(entry_id)
            if doc is None:
                other = case_match(persisted.ids(), entry_id)  # Refund for refund
                doc = None if other is None else persisted.find(other)
            if doc is None:
                raise store.unknown_id(entry_id, persisted.ids())
            return EntryShown(persisted.entry(doc))
        except index.IndexUnreadable:
            pass  # removed: read the FAQ itself
    return EntryShown(store.find(store.load(source.path), entry_id))


def add(
    source: store.FaqSource,
    question: str,
    answer: str,
    *,
    entry_id: str | None = None,
    tags: Sequence[str] = (),
    alternates: Sequence[str] = (),
    force: bool = False,
) -> Changed:
    """Add an entry (locked and atomic: concurrent adds all land). Without ``entry_id``
    the id is derived from the question and kept unique. A question an entry already
    asks (the same once normalised, as ``faq import`` finds duplicates) is refused,
    naming that entry, unless ``force``."""
    for name, value in (("question", question), ("answer", answer)):
        if store.blank(value):
            raise UsageError(f"the {name} is empty")
    if entry_id is not None and (problem := store.id_problem(entry_id)):
        raise UsageError(f"--id {entry_id!r}: {problem}")
    with store.editing(source) as doc:
        entries = doc["entries"]
        taken = {id_key(e["id"]) for e in entries}  # derived ids are ASCII: keys as they are
        if entry_id is not None and id_key(entry_id) in taken:
            raise UsageError(f"an entry with id {entry_id!r} already exists")
        if not force and (same := _asking(entries, question)) is not None:
            msg = f"entry {same['id']!r} already asks this question ({same['question']!r})"
            raise UsageError(f"{msg}; pass --force to add it all the same")
        new_id = entry_id or store.unique_id(store.slugify(question), taken)
        entry: dict[str, Any] = {"id": new_id, "question": question, "answer": answer}
        if alternates:
            entry["alternates"] = list(alternates)
        if tags:
            entry["tags"] = list(tags)
        entries.append(entry)
    return Changed(Change.ADDED, source.path, new_id)


def _asking(entries: list[dict[str, Any]], question: str) -> dict[str, Any] | None:
    """The raw entry that asks ``question`` once normalised, if one does."""
    from faqcli.formats import question_key

    key = question_key(question)
    return next((e for e in entries if question_key(e["question"]) == key), None)


def remove(
    source: store.FaqSource,
    entry_ids: str | Sequence[str],
    *,
    confirm: Callable[[list[Entry]], bool] | None = None,
) -> Changed:
    """Remove one entry or several, in one write; an unknown id is a NotFoundError
    naming the closest ids, and then nothing is removed. With ``confirm``, it is shown
    the entries first (no lock held meanwhile) and may decline: then nothing changes
    and the result says "kept" (exit 1)."""
    ids = [entry_ids] if isinstance(entry_ids, str) else list(entry_ids)
    ids = list({id_key(i): i for i in ids}.values())  # each once, however typed
    shown = ", ".join(ids)
    if confirm is not None and not source.bundled:
        faq = store.load(source.path)
        if not confirm([store.find(faq, i) for i in ids]):
            return Changed(Change.KEPT, source.path, shown, ExitCode.NO_MATCH)
    with store.editing(source) as doc:
        gone = {store.position(doc["entries"], i) for i in ids}  # all found, or none gone
        doc["entries"][:] = [e for n, e in enumerate(doc["entries"]) if n not in gone]
    return Changed(Change.REMOVED, source.path, shown)


def edit(
    source: store.FaqSource,
    entry_id: str,
    *,
    question: str | None = None,
    answer: str | None = None,
    add_alternates: Sequence[str] = (),
    tags: Sequence[str] = (),
    replace: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    remove_tags: Sequence[str] = (),
    remove_alternates: Sequence[str] = (),
    new_id: str | None = None,
) -> Changed:
    """Change an entry: the given fields, or the whole entry through ``replace`` (given
    the entry as a dict, it returns the new one: ``$EDITOR``, see ``faqcli.editor``).
    An edit that leaves the entry invalid is refused and the file left alone; so is one
    made while another writer changed the same entry (read, edited, then written)."""
    faq = store.load(source.path)
    current = store.find(faq, entry_id)
    entry_id = current.id  # as stored (typed Refund, it is refund)
    if replace is not None:
        new = replace(current.to_dict())
        if isinstance(new, dict) and new.get("id") is None:  # no id given: it keeps its own
            new = store.with_id(new, current.id)
    else:
        new = current.to_dict()
        if question is not None:
            new["question"] = question
        if answer is not None:
            new["answer"] = answer
        _check_alternates(faq, current, add_alternates)
        alternates = [*current.alternates, *add_alternates]
        alternates = _without(alternates, remove_alternates, current.id, "alternate")
        if alternates != list(current.alternates):
            new["alternates"] = alternates
        kept = _without(list(current.tags), remove_tags, current.id, "tag")
        if tags or remove_tags:
            new["tags"] = [*kept, *(t for t in tags if t not in kept)]
        for key in ("alternates", "tags"):
            if key in new and not new[key]:
                del new[key]
        if new_id is not None:
            if problem := store.id_problem(new_id):
                raise UsageError(f"--id {new_id!r}: {problem}")  # as faq add --id says
            new["id"] = new_id
    edited = store.from_document([new], "the edited entry").entries[0]  # refused up front
    if edited == current and edited.extra == current.extra:
        return Changed(Change.UNCHANGED, source.path, entry_id)
    with store.editing(source) as doc:
        entries = doc["entries"]
        position = store.position(entries, entry_id)
        if store.from_document([entries[position]], str(source.path)).entries[0] != current:
            msg = f"{source.path}: entry {entry_id!r} was changed meanwhile; nothing changed"
            raise FaqDataError(msg)
        others = {id_key(e["id"]) for i, e in enumerate(entries) if i != position}
        if id_key(edited.id) in others:
            raise UsageError(f"an entry with id {edited.id!r} already exists")
        entries[position] = new
        for negative in doc.get("negatives") or []:  # a renamed entry keeps its negatives
            if isinstance(negative, dict) and negative.get("entry") == current.id:
                negative["entry"] = edited.id
    return Changed(Change.EDITED, source.path, edited.id)


def _without(values: list[str], removed: Sequence[str], entry_id: str, what: str) -> list[str]:
    """``values`` without each of ``removed`` (alternates matched as questions are: but
    for case, spacing and punctuation); one the entry has not got is a usage error."""
    from faqcli.formats import question_key

    had = values
    for value in removed:
        key = question_key(value) if what == "alternate" else value
        kept = [v for v in values if (question_key(v) if what == "alternate" else v) != key]
        if len(kept) == len(values):
            has = ", ".join(repr(v) for v in had) or "none"  # as they are: nothing changed
            raise UsageError(f"{entry_id!r} has no {what} {value!r} (its {what}s: {has})")
        values = kept
    return values


def _check_alternates(faq: Faq, current: Entry, phrasings: Sequence[str]) -> None:
    """Refuse an alternate that another entry already asks (as its question or one of
    its alternates): it would take that entry's askers, as ``faq add`` refuses a
    duplicate question. One the entry itself asks already is refused too."""
    from faqcli.formats import question_key

    asked: dict[str, str] = {}
    for entry in faq.entries:
        for wording in (entry.question, *entry.alternates):
            asked.setdefault(question_key(wording), entry.id)
    for phrasing in phrasings:
        owner = asked.get(question_key(phrasing))
        if owner is not None:
            whose = "this entry" if owner == current.id else f"entry {owner!r}"
            raise UsageError(f"{phrasing!r} is asked by {whose} already; nothing changed")


def edit_in_editor(source: store.FaqSource, entry_id: str, session: EditorSession) -> Changed:
    """``faq edit ID`` without options: the entry in ``$EDITOR`` (``session``, see
    ``faqcli.editor``). An edit that is refused, for whatever reason, keeps its text in
    a file in the user data folder, named in the error; the next edit of the entry
    offers to reopen it, and one that succeeds deletes it."""
    try:
        result = edit(source, entry_id, replace=session)
    except FaqError as err:
        kept = session.keep()
        if kept is None:
            raise
        again = f"faq edit {shlex.quote(entry_id)}"
        if kept.path is None:
            where = f"your edit could not be kept anywhere ({kept.why}): it is lost"
        elif kept.reopens:
            where = f"your edit is kept in {kept.path} ({again} offers to reopen it)"
        else:
            where = f"your edit is kept in {kept.path} (the drafts folder {kept.why})"
        raise type(err)(f"{err.message}; {where}") from None
    session.discard()
    return result


def import_entries(
    source: store.FaqSource,
    text: str,
    name: str,
    fmt: Format,
    *,
    dry_run: bool = False,
    update: bool = False,
    reading: Reading | None = None,
    prune: bool = False,
    confirm: Callable[[list[Entry]], bool] | None = None,
) -> Imported | Changed:
    """Merge the entries of ``text`` (seed text, CSV, Markdown or FAQ JSON, read from
    ``name``); duplicates (same id, or the same normalised question) are skipped. With
    ``update``, a duplicate that differs replaces the entry it duplicates (by id; an
    incoming entry without an id, by question; see ``faqcli.formats.merge``). With
    ``prune`` (and ``update``), the entries the file does not hold (by id, or by
    question) are removed: once ``confirm`` has seen them, when given (declined: nothing
    changes, exit 1). A dry run says, entry by entry, what would change."""
    from faqcli import formats
    from faqcli.engine.text import detect_language

    incoming = formats.parse(text, fmt, name, reading)
    found = detect_language([str(r.fields.get("question", "")) for r in incoming])
    current: list[dict[str, Any]] = []
    gone: list[int] = []
    if prune and not incoming:
        # An empty file (a failed fetch, a header with no rows) would prune every entry.
        msg = f"{name}: holds no entries; --prune would remove every entry of the FAQ"
        raise FaqDataError(f"{msg}, so nothing is imported")
    if dry_run or prune:
        store.check_writable(source)  # what the import would refuse, refused before asking
        faq = store.load(source.path)
        current = [e.to_dict() for e in faq.entries]
        gone = formats.absent(current, incoming) if prune else []
    if dry_run:
        merged = formats.merge(current, incoming, name, update=update)
        diff = formats.diff(current, merged, gone)
        said, sets = _language_said(found, faq.language, empty=not current)
        dry = _imported(merged, [current[i]["id"] for i in gone], update, prune, dry_run=True,
                        diff=diff)  # fmt: skip
        return dry._replace(language=said, language_set=sets)
    if gone and confirm is not None:
        listed = store.from_document([current[i] for i in gone], name).entries
        if not confirm(list(listed)):
            return Changed(Change.KEPT, source.path, "the FAQ as it is", ExitCode.NO_MATCH)
    with store.editing(source) as doc:
        said, sets = _language_said(found, doc.get("language"), empty=not doc["entries"])
        if sets:  # before the entries, where a streamed read of a large FAQ finds it
            entries = doc.pop("entries")
            doc["language"], doc["entries"] = found, entries
        merged = formats.merge(doc["entries"], incoming, name, update=update)
        now = formats.absent(doc["entries"], incoming) if prune else []
        if [doc["entries"][i]["id"] for i in now] != [current[i]["id"] for i in gone]:
            msg = f"{source.path}: the FAQ changed meanwhile; nothing changed"
            raise FaqDataError(f"{msg} (import again to see what it would remove)")
        for position, entry in merged.updated:
            doc["entries"][position] = entry
        removed = set(now)
        doc["entries"][:] = [e for i, e in enumerate(doc["entries"]) if i not in removed]
        doc["entries"].extend(merged.added)
    done = _imported(merged, [current[i]["id"] for i in gone], update, prune)
    return done._replace(language=said, language_set=sets)


def _language_said(
    found: str | None, faq_language: str | None, *, empty: bool
) -> tuple[str | None, bool]:
    """What an import says of the language its entries were found in (``found``): an
    empty FAQ with no language takes it (True); a FAQ in another language is told of
    it; one in that language already, nothing."""
    sets = found is not None and empty and not faq_language
    return (found if sets or found != faq_language else None), sets


def _imported(
    merged: Any, gone: Sequence[Any], update: bool, prune: bool, *, dry_run: bool = False,
    diff: Sequence[str] = (),
) -> Imported:  # fmt: skip
    added = tuple(str(e["id"]) for e in merged.added)
    updated = tuple(str(e["id"]) for _, e in merged.updated)
    removed = tuple(str(g) for g in gone)
    return Imported(added, tuple(merged.skipped), dry_run, updated, tuple(merged.unchanged),
                    update, removed=removed, prune=prune, diff=tuple(diff))  # fmt: skip


def export(source: store.FaqSource, fmt: Format) -> Exported:
    """The whole FAQ as ``fmt`` text (json, csv, md or seed); ``faq import`` reads it."""
    from faqcli import formats

    if fmt is formats.Format.AUTO:
        raise UsageError("--format auto is for import; choose json, csv, md or seed")
    faq = store.load(source.path)
    return Exported(formats.render(faq.entries, fmt, faq.title))


def check(
    source: store.FaqSource, *, cache: bool = True, progress: Progress | None = None
) -> CheckReport:
    """Lint the FAQ: invalid data, short answers, phrasings that find another entry.
    Each question is ranked once against the FAQ's persisted index when it has a
    current one, else against the FAQ analysed in memory."""
    from faqcli import index
    from faqcli.engine import MemoryIndex
    from faqcli.lint import Finding, lint

    persisted = index.current(source, cache)
    if persisted is not None:
        try:
            return CheckReport(source.path, tuple(lint(persisted.entries(), persisted, progress)))
        except index.IndexUnreadable:
            pass  # removed: check the FAQ itself
    data = store.read_bytes(source.path)  # a file that cannot be read is no finding
    try:
        faq = store.parse(store.decode_text(data, str(source.path)), str(source.path))
        findings = lint(faq.entries, MemoryIndex(faq.entries, language=faq.language), progress)
    except FaqError as err:
        return CheckReport(source.path, (Finding("invalid", None, err.message),))
    return CheckReport(source.path, tuple(findings))


def misses(
    source: store.FaqSource,
    *,
    cache: bool = True,
    progress: Progress | None = None,
    threshold: float | None = None,
) -> MissReport:
    """``faq misses``: the questions logged as unanswered for this FAQ, grouped by
    likeness, the most asked first, each with its closest entries and the command that
    would cover it (see ``faqcli.misslog``)."""
    from faqcli import misslog as logs

    log = logs.MissLog.for_faq(source.path)
    logged = [q for q in log.read() if q.answer is None]  # answered ones: faq review
    groups = logs.group(logged)
    if not groups:
        return MissReport(source.path, log.path, len(logged), ())
    index = open_index(source, cache=cache, progress=progress)
    option = logs.faq_option(source)
    used = threshold_for(index, threshold).value
    shown = tuple(_miss_group(index, group, option, used) for group in groups)
    return MissReport(source.path, log.path, len(logged), shown)


def _miss_group(
    index: Index, group: MissesGroup, option: Path | None, threshold: float
) -> MissGroup:
    """A group of logged questions with its closest entries and, unless the FAQ now
    answers it, the command that would."""
    from faqcli.misslog import cover_command

    ranked = rank(index, group.phrasings[0].question, limit=SUGGESTIONS)
    closest = tuple(m for m in ranked if m.score >= SUGGESTION_FLOOR)  # not mere guesses
    command = None
    if not is_confident(closest, threshold):
        best_id, score = (closest[0].entry.id, closest[0].score) if closest else (None, 0.0)
        command = cover_command(group, best_id, score, option)
    return MissGroup(group, closest, command, threshold)


def review(
    source: store.FaqSource, *, cache: bool = True, progress: Progress | None = None
) -> ReviewReport:
    """``faq review``: the logged questions to review, each with its closest entries and
    what adding it to each would change (``faqcli.review``)."""
    from faqcli import misslog as logs
    from faqcli import review as reviewing

    log = logs.MissLog.for_faq(source.path)
    logged = log.read()
    if not logged:
        return ReviewReport(source.path, log.path, (), DEFAULTS.threshold)
    index = open_index(source, cache=cache, progress=progress)
    used = threshold_for(index).value
    return ReviewReport(source.path, log.path, tuple(reviewing.items(index, logged, used)), used)


def decide(
    source: store.FaqSource,
    question: str,
    decision: Decision,
    *,
    entry_id: str | None = None,
    answer: str | None = None,
) -> Reviewed:
    """Do what ``faq review`` decided for a logged ``question`` and the other wordings
    of its group in the log (up to three, the most asked first): add them as
    alternates of ``entry_id``; add a new entry asking them, with ``answer``; keep them
    as negatives of the FAQ, for no entry (off-topic) or for ``entry_id`` (it answered
    them wrongly); or only take them off the log. The FAQ file is written first; then
    every wording of the group leaves the log."""
    from faqcli import misslog as logs

    if not question.strip():
        raise UsageError("the question is empty")
    log = logs.MissLog.for_faq(source.path)
    key = logs.wording(question)
    found = next(
        (
            g
            for g in logs.group(log.read())
            if key in {logs.wording(p.question) for p in g.phrasings}
        ),
        None,
    )
    every = [p.question for p in found.phrasings] if found else [question]
    wordings = every[: logs.COMMAND_WORDINGS]
    done_id = _decided(source, wordings, decision, entry_id, answer)
    return Reviewed(decision, tuple(wordings), done_id, log.remove(every), source.path)


def _decided(
    source: store.FaqSource,
    wordings: list[str],
    decision: Decision,
    entry_id: str | None,
    answer: str | None,
) -> str | None:
    """Write ``decision`` for ``wordings`` to the FAQ file; the entry it concerns."""
    if decision is Decision.DISMISSED:
        return None
    if decision is Decision.NEW:
        if answer is None or not answer.strip():
            raise UsageError("a new entry needs its answer (--answer TEXT)")
        first, *others = wordings
        return add(source, first, answer, alternates=others).entry_id
    if decision is Decision.ALTERNATE or decision is Decision.WRONG:
        if entry_id is None:
            option = "--alternate-of" if decision is Decision.ALTERNATE else "--wrong"
            raise UsageError(f"which entry? ({option} ID)")
        entry = store.find(store.load(source.path), entry_id)
        if decision is Decision.ALTERNATE:
            new = [w for w in wordings if w not in entry.alternates and w != entry.question]
            if new:
                edit(source, entry.id, add_alternates=new)
            return entry.id
        entry_id = entry.id
    with store.editing(source) as doc:
        negatives = doc.setdefault("negatives", [])
        if not isinstance(negatives, list):
            raise FaqDataError(f"{source.path}: 'negatives' must be a list")
        known = {(n.get("question"), n.get("entry")) for n in negatives if isinstance(n, dict)}
        negatives.extend(
            {"question": w, "entry": entry_id} for w in wordings if (w, entry_id) not in known
        )
    return entry_id


def clear_misses(source: store.FaqSource) -> MissesCleared:
    """``faq misses --clear``: delete the FAQ's log of unanswered questions."""
    from faqcli import misslog as logs

    log = logs.MissLog.for_faq(source.path)
    try:
        return MissesCleared(log.path, log.clear())
    except OSError as exc:
        raise io_error(log.path, exc, "delete") from None


def evaluate_queries(
    index: Index,
    queries: Path,
    *,
    threshold: float | None = None,
    fail_under: tuple[tuple[str, float], ...] = (),
    tune: store.FaqSource | None = None,
    source: store.FaqSource | None = None,
) -> Evaluation:
    """The metrics of the labelled queries in ``queries`` (JSON Lines, see
    ``faqcli.evaluate``) against the FAQ's ``index``, at ``threshold`` (else the
    FAQ's own, else faq's default). With ``tune``, the FAQ file the index was made from:
    its threshold is set to the one these queries call for (:func:`tuned_threshold`).
    With ``source``, the FAQ ``index`` is of, many queries are ranked on every core
    (``faqcli.parallel``)."""
    from faqcli import evaluate as metrics

    if tune is not None:
        store.check_writable(tune)  # before the work: a FAQ that cannot take the result
    ids = {index.entry(doc).id for doc in range(index.size)}
    labelled = metrics.parse_queries(store.read_text(queries), str(queries), ids)
    used = threshold_for(index, threshold)
    ranked = None
    if source is not None:
        from faqcli import parallel

        if parallel.worth_it(index, len(labelled)):
            ranked = parallel.rankings(source, [q.query for q in labelled], metrics.RANKED)
    report = metrics.evaluate(index, labelled, used.value, ranked)
    result = Evaluation(str(queries), report, fail_under, used)
    if tune is None:
        return result
    value = tuned_threshold(report)
    with store.editing(tune) as doc:
        doc["threshold"] = value
    return result._replace(tuned=value)


# faq eval --tune needs this many labelled questions of each kind: in scope to see where
# right answers score, out of scope to see where the FAQ is asked what it does not cover.
TUNE_IN_SCOPE = 20
TUNE_OUT_OF_SCOPE = 5


def tuned_threshold(report: Report) -> float:
    """The threshold labelled queries call for: the one that answers the most of them
    right while at least 90% of the answers it gives are right (``coverage_at_90``),
    rounded down to a whole score, so that the answers it counted stay answered."""
    if report.in_scope < TUNE_IN_SCOPE or report.out_of_scope < TUNE_OUT_OF_SCOPE:
        msg = (
            f"--tune needs at least {TUNE_IN_SCOPE} questions with an expected entry and "
            f"{TUNE_OUT_OF_SCOPE} with null (this file has {report.in_scope} and "
            f"{report.out_of_scope})"
        )
        raise UsageError(msg)
    if report.coverage_at_90_threshold is None:
        msg = "--tune found no threshold at which 90% of the answers are right: FAQ unchanged"
        raise NotFoundError(msg)
    return float(math.floor(report.coverage_at_90_threshold))


def build_index(source: store.FaqSource, progress: Progress | None = None) -> Indexed:
    """Build the persisted index now (``faq ask`` builds it when it first needs it)."""
    from faqcli import index

    start = time.perf_counter()
    built = index.build_for(source, progress=progress)
    seconds = time.perf_counter() - start
    return Indexed(built.entries, seconds, built.path, built.bytes, built.reason)


def where(source: store.FaqSource) -> Where:
    """Which FAQ file is in use, and why; whether it exists, unless that cannot be told
    (a folder on its path that cannot be searched: then it is not said to be missing)."""
    try:
        os.stat(source.path)
    except PermissionError:
        exists = True
    except (OSError, ValueError):  # not there, or a name no file can have (too long)
        exists = False
    else:
        exists = True
    return Where(source.path, source.reason, exists=exists, threshold=_threshold_of(source))


def _threshold_of(source: store.FaqSource) -> Threshold | None:
    """The threshold ``faq ask`` would use for this FAQ; None when it cannot be read."""
    from faqcli import index

    try:
        persisted = index.current(source)
        own = persisted.threshold if persisted is not None else store.load(source.path).threshold
    except (FaqError, OSError):
        return None
    if own is not None:
        return Threshold(own, "faq")
    return Threshold(DEFAULTS.threshold, "default")


def init(
    path: Path | None = None, *, empty: bool = False, force: bool = False,
    language: str | None = None,
) -> Changed:  # fmt: skip
    """Create a FAQ file from the bundled entries (or none); by default the user's own."""
    if path is None:
        path = store.user_faq_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise io_error(path.parent, exc, "create") from None
    if os.path.exists(path) and not force:
        try:
            n = len(store.load(path).entries)
            held = f"it holds {n:,} {'entry' if n == 1 else 'entries'}"
        except FaqError:
            held = "it is not a FAQ file faq can read"
        replaced = "the bundled sample entries" if not empty else "an empty FAQ"
        msg = f"{path}: already exists ({held}); --force replaces it, its entries lost, with"
        raise UsageError(f"{msg} {replaced}")
    if empty:
        spoken = {"language": language} if language else {}
        text = store.dump({**spoken, "entries": []}, store.Layout())
    else:
        text = store.read_text(store.bundled_path())
    store.save(path, text)
    entries = 0 if empty else len(store.parse(text, str(path)).entries)
    return Changed(Change.CREATED, path, entries=entries)
