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

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faqcli import store
from faqcli.engine import DEFAULTS, Index, rank
from faqcli.errors import FaqDataError, FaqError, UsageError
from faqcli.results import (
    SUGGESTIONS,
    Answer,
    Changed,
    CheckReport,
    EntryList,
    EntryShown,
    Evaluation,
    Exported,
    Imported,
    Indexed,
    Where,
)

if TYPE_CHECKING:
    from faqcli.formats import Format
    from faqcli.index import BuildReport

Progress = Callable[[int], "BuildReport"]  # asked for a build's progress report


def open_index(
    source: store.FaqSource, *, cache: bool = True, progress: Progress | None = None
) -> Index:
    """The FAQ's index, ready to rank (see ``faqcli.index.open_index``)."""
    from faqcli import index

    return index.open_index(source, cache=cache, progress=progress)


def ask(
    index: Index,
    question: str,
    *,
    top: int = 1,
    threshold: float = DEFAULTS.threshold,
    why: bool = False,
) -> Answer:
    """The answer to ``question``: the best matches, and whether faq is confident;
    with ``why``, the explanation of the first (``faq ask --explain``)."""
    if not question.strip():
        raise UsageError("the question is empty")
    matches = rank(index, question, limit=max(top, SUGGESTIONS))
    explanation = None
    if why and matches:
        from faqcli.engine.explanation import explain

        explanation = explain(index, question)
    return Answer(question, tuple(matches), threshold, top, why, explanation)


def ask_each(
    index: Index,
    questions: Iterable[str],
    *,
    top: int = 1,
    threshold: float = DEFAULTS.threshold,
    why: bool = False,
) -> Iterator[Answer]:
    """The answer to each question in turn (``faq ask -``), each to be shown under its
    question; blank questions are skipped."""
    for question in questions:
        if question.strip():
            answer = ask(index, question, top=top, threshold=threshold, why=why)
            yield answer._replace(heading=True)


def list_entries(source: store.FaqSource, *, cache: bool = True) -> EntryList:
    """Every entry of the FAQ, in file order: streamed from its persisted index when
    it has a current one (a large FAQ is never parsed whole to be listed)."""
    from faqcli import index

    persisted = index.current(source, cache)
    if persisted is not None:
        return EntryList(persisted.entries(), persisted.title)
    faq = store.load(source.path)
    return EntryList(faq.entries, faq.title)


def show(source: store.FaqSource, entry_id: str, *, cache: bool = True) -> EntryShown:
    """One entry; an unknown id is a NotFoundError naming the closest ids. Read from
    the FAQ's persisted index when it has a current one."""
    from faqcli import index

    persisted = index.current(source, cache)
    if persisted is not None:
        try:
            doc = persisted.find(entry_id)
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
) -> Changed:
    """Add an entry (locked and atomic: concurrent adds all land). Without ``entry_id``
    the id is derived from the question and kept unique."""
    for name, value in (("question", question), ("answer", answer)):
        if not value.strip():
            raise UsageError(f"the {name} is empty")
    if entry_id is not None and (problem := store.id_problem(entry_id)):
        raise UsageError(f"--id {entry_id!r}: {problem}")
    with store.editing(source) as doc:
        entries = doc["entries"]
        taken = {e["id"] for e in entries}
        if entry_id is not None and entry_id in taken:
            raise UsageError(f"an entry with id {entry_id!r} already exists")
        new_id = entry_id or store.unique_id(store.slugify(question), taken)
        entry: dict[str, Any] = {"id": new_id, "question": question, "answer": answer}
        if alternates:
            entry["alternates"] = list(alternates)
        if tags:
            entry["tags"] = list(tags)
        entries.append(entry)
    return Changed("added", source.path, new_id)


def remove(source: store.FaqSource, entry_id: str) -> Changed:
    """Remove an entry; an unknown id is a NotFoundError naming the closest ids."""
    with store.editing(source) as doc:
        del doc["entries"][store.position(doc["entries"], entry_id)]
    return Changed("removed", source.path, entry_id)


def edit(
    source: store.FaqSource,
    entry_id: str,
    *,
    question: str | None = None,
    answer: str | None = None,
    add_alternates: Sequence[str] = (),
    tags: Sequence[str] = (),
    replace: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Changed:
    """Change an entry: the given fields, or the whole entry through ``replace`` (given
    the entry as a dict, it returns the new one: ``$EDITOR``, see ``faqcli.editor``).
    An edit that leaves the entry invalid is refused and the file left alone; so is one
    made while another writer changed the same entry (read, edited, then written)."""
    current = store.find(store.load(source.path), entry_id)
    if replace is not None:
        new = replace(current.to_dict())
    else:
        new = current.to_dict()
        if question is not None:
            new["question"] = question
        if answer is not None:
            new["answer"] = answer
        if add_alternates:
            new["alternates"] = [*current.alternates, *add_alternates]
        if tags:
            new["tags"] = [*current.tags, *(t for t in tags if t not in current.tags)]
    edited = store.from_document([new], "the edited entry").entries[0]  # refused up front
    if edited == current and edited.extra == current.extra:
        return Changed("unchanged", source.path, entry_id)
    with store.editing(source) as doc:
        entries = doc["entries"]
        position = store.position(entries, entry_id)
        if store.from_document([entries[position]], str(source.path)).entries[0] != current:
            msg = f"{source.path}: entry {entry_id!r} was changed meanwhile; nothing changed"
            raise FaqDataError(msg)
        if edited.id != entry_id and edited.id in {e["id"] for e in entries}:
            raise UsageError(f"an entry with id {edited.id!r} already exists")
        entries[position] = new
    return Changed("edited", source.path, edited.id)


def import_entries(
    source: store.FaqSource, text: str, name: str, fmt: Format, *, dry_run: bool = False
) -> Imported:
    """Merge the entries of ``text`` (seed text, CSV, Markdown or FAQ JSON, read from
    ``name``); duplicates (same id, or the same normalised question) are skipped."""
    from faqcli import formats

    incoming = formats.parse(text, fmt, name)
    if dry_run:
        current = store.load(source.path)
        merged = formats.merge([e.to_dict() for e in current.entries], incoming, name)
    else:
        with store.editing(source) as doc:
            merged = formats.merge(doc["entries"], incoming, name)
            doc["entries"].extend(merged.added)
    added = tuple(str(e["id"]) for e in merged.added)
    return Imported(added, tuple(merged.skipped), dry_run)


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
    try:
        faq = store.load(source.path)
        findings = lint(faq.entries, MemoryIndex(faq.entries), progress)
    except FaqError as err:
        return CheckReport(source.path, (Finding("invalid", None, err.message),))
    return CheckReport(source.path, tuple(findings))


def evaluate_queries(
    index: Index,
    queries: Path,
    *,
    threshold: float = DEFAULTS.threshold,
    fail_under: float | None = None,
) -> Evaluation:
    """The metrics of the labelled queries in ``queries`` (JSON Lines, see
    ``faqcli.evaluate``) against the FAQ's ``index``."""
    from faqcli import evaluate as metrics

    ids = {index.entry(doc).id for doc in range(index.size)}
    labelled = metrics.parse_queries(store.read_text(queries), str(queries), ids)
    return Evaluation(str(queries), metrics.evaluate(index, labelled, threshold), fail_under)


def build_index(source: store.FaqSource, progress: Progress | None = None) -> Indexed:
    """Build the persisted index now (``faq ask`` builds it when it first needs it)."""
    from faqcli import index

    start = time.perf_counter()
    built = index.build_for(source, progress=progress)
    seconds = time.perf_counter() - start
    return Indexed(built.entries, seconds, built.path, built.bytes, built.reason)


def where(source: store.FaqSource) -> Where:
    """Which FAQ file is in use, and why."""
    return Where(source.path, source.reason)


def init(path: Path | None = None, *, empty: bool = False, force: bool = False) -> Changed:
    """Create a FAQ file from the bundled entries (or none); by default the user's own."""
    if path is None:
        path = store.user_faq_path()
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; pass --force to overwrite it")
    if empty:
        text = store.dump({"entries": []}, store.Layout())
    else:
        text = store.read_text(store.bundled_path())
    store.save(path, text)
    return Changed("created", path)
