"""Questions spread over the machine's cores: ``faq ask -`` and ``faq eval`` on a large FAQ.

Ranking is pure Python, one core's work; a batch of hundreds of questions against a FAQ
of a hundred thousand entries is worth a process per core. Each worker opens the FAQ's
persisted index itself (an SQLite connection is never shared across processes), answers
the questions it is given and sends back what the parent would have computed: the same
results, in the same order. Below :data:`WORTH_IT` questions, or on one core, or for a
FAQ read whole in memory (small, and fast enough), the parent does it all itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faqcli import store

if TYPE_CHECKING:
    from faqcli.engine import Index, Match
    from faqcli.misslog import MissLog
    from faqcli.results import Answer

WORTH_IT = 64  # questions from which a batch is spread over the cores
CHUNK = 16  # questions a worker takes at a time

_index: Index | None = None  # the worker's own index


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worth_it(index: Index, count: int) -> bool:
    """Whether ``count`` questions against ``index`` are worth spreading."""
    from faqcli.index import SqliteIndex

    return isinstance(index, SqliteIndex) and count >= WORTH_IT and cores() > 1


def _open(path: str) -> None:
    global _index
    from faqcli import index

    _index = index.load(store.resolve(path).path)


def _rank(args: tuple[str, int]) -> list[Match]:
    from faqcli.engine import rank

    assert _index is not None
    question, limit = args
    return rank(_index, question, limit)


def _ask(args: tuple[str, dict[str, Any], str | None, bool]) -> Answer:
    from faqcli import operations
    from faqcli.misslog import MissLog

    assert _index is not None
    question, options, log_path, answers = args
    log = MissLog(Path(log_path), answers=answers) if log_path else None
    return operations.ask(_index, question, log=log, **options)


class Workers:
    """A pool of workers for one FAQ, started when a batch first needs it."""

    def __init__(self, source: store.FaqSource) -> None:
        self.source = source
        self._pool: Any = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self._pool is not None:
            if kind is None:
                self._pool.close()  # every answer was read: the workers are done
            else:
                self._pool.terminate()  # stopped early (a closed pipe, Ctrl-C): no more
            self._pool.join()

    def map(self, func: Any, jobs: Sequence[Any]) -> Iterator[Any]:
        if self._pool is None:
            import multiprocessing

            context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            self._pool = context.Pool(cores(), initializer=_open, initargs=(str(self.source.path),))
        return iter(self._pool.imap(func, jobs, CHUNK))


def rankings(source: store.FaqSource, questions: Sequence[str], limit: int) -> list[list[Match]]:
    """Each question ranked (``engine.rank``, ``limit`` deep), by a pool of workers."""
    with Workers(source) as workers:
        return list(workers.map(_rank, [(q, limit) for q in questions]))


def answers(
    workers: Workers, questions: Sequence[str], options: dict[str, Any], log: MissLog | None
) -> Iterator[Answer]:
    """Each question answered (``operations.ask`` with ``options``) by ``workers``, in
    order."""
    log_path = str(log.path) if log is not None else None
    answers_too = log.answers if log is not None else False
    yield from workers.map(_ask, [(q, options, log_path, answers_too) for q in questions])


def batches(questions: Iterator[str], most: int = 4096) -> Iterator[list[str]]:
    """The questions in batches of those already waiting: each batch is the next
    question and every one read after it that has arrived meanwhile (read ahead by a
    thread), so that a question typed alone is answered at once and a file of them
    comes in batches worth spreading."""
    import queue
    import threading

    waiting: queue.Queue[Any] = queue.Queue(maxsize=4 * most)
    end = object()

    def read() -> None:
        try:
            for q in questions:
                waiting.put(q)
        except BaseException as exc:  # handed to the reader of the batches
            waiting.put(exc)
        waiting.put(end)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield from _batched(waiting, end, most)
    finally:
        if reader.is_alive():  # stopped early (Ctrl-C, an output that failed)
            _left_reading.append(reader)


# Reader threads of batches() stopped before their input ended: each may be blocked on
# stdin, where Python's shutdown would wait for the lock of stdin and abort.
_left_reading: list[Any] = []


def reader_left_running() -> bool:
    """Whether a thread of :func:`batches` may still be reading standard input."""
    return any(thread.is_alive() for thread in _left_reading)


def _batched(waiting: Any, end: object, most: int) -> Iterator[list[str]]:
    import queue

    while True:
        item = waiting.get()
        batch: list[str] = []
        while True:
            if item is end:
                if batch:
                    yield batch
                return
            if isinstance(item, BaseException):
                if batch:
                    yield batch
                raise item
            batch.append(item)
            if len(batch) >= most:
                break
            try:
                item = waiting.get_nowait()
            except queue.Empty:
                break
        yield batch
