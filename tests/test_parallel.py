"""Questions spread over the cores give the answers one process gives, in order."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from faqcli import index, operations, parallel, store


@pytest.fixture
def large_faq(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FAQ large enough to be indexed on disk, in a cache of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    topics = ["parking", "refund", "password", "delivery", "invoice", "opening hours",
              "account", "shipping", "returns", "warranty"]  # fmt: skip
    entries = [
        {"id": f"e{i}", "question": f"How does {topics[i % 10]} work for plan {i}?",
         "answer": f"For plan {i}, {topics[i % 10]} works like this. " * 12}
        for i in range(300)
    ]  # fmt: skip
    path = tmp_path / "large.json"
    path.write_text(json.dumps({"entries": entries}))
    assert path.stat().st_size >= index.INDEX_MIN_BYTES
    return path


QUESTIONS = [f"{t} for plan {n}" for n in range(0, 300, 7) for t in ("refund", "parking")]


def test_ask_each_on_every_core_answers_as_one_process_does(
    large_faq: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = store.resolve(str(large_faq))
    idx = operations.open_index(source)
    assert isinstance(idx, index.SqliteIndex)
    alone = [a._replace(heading=True) for a in (operations.ask(idx, q) for q in QUESTIONS)]
    monkeypatch.setattr(parallel, "WORTH_IT", 4)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    spread = list(operations.ask_each(idx, iter(QUESTIONS), source=source))
    assert [(a.query, a.matches) for a in spread] == [(a.query, a.matches) for a in alone]


def test_eval_on_every_core_gives_the_same_metrics(
    large_faq: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = store.resolve(str(large_faq))
    idx = operations.open_index(source)
    queries = tmp_path / "q.jsonl"
    queries.write_text("".join(json.dumps({"query": q, "expected": f"e{i}"}) + "\n"
                               for i, q in enumerate(QUESTIONS)))  # fmt: skip
    alone = operations.evaluate_queries(idx, queries)
    monkeypatch.setattr(parallel, "WORTH_IT", 4)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    spread = operations.evaluate_queries(idx, queries, source=source)
    assert spread.report.metrics() == alone.report.metrics()
    assert [vars(w) for w in spread.report.wrong_answers] == [
        vars(w) for w in alone.report.wrong_answers
    ]


def test_a_question_that_arrives_alone_is_answered_without_waiting_for_more() -> None:
    """`tail -f questions | faq ask -`: the first batch is the first question alone,
    given out before the second is even written."""
    second_may_come = threading.Event()

    def typed() -> Iterator[str]:
        yield "first"
        second_may_come.wait(timeout=30)
        yield "second"

    batches = parallel.batches(typed())
    assert next(batches) == ["first"]
    second_may_come.set()
    assert next(batches) == ["second"]
    assert list(batches) == []


def test_questions_read_in_bulk_come_in_large_batches() -> None:
    assert sum(len(b) for b in parallel.batches(iter(map(str, range(10_000))))) == 10_000
    assert max(len(b) for b in parallel.batches(iter(map(str, range(10_000))), most=500)) <= 500
