"""The persisted index: same results as in memory, and a cache that is never wrong."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from faqcli import index, store, vectors
from faqcli.engine import MemoryIndex, rank
from faqcli.errors import ExitCode
from faqcli.index import SqliteIndex as SqliteIndexType
from faqcli.model import Entry

from . import unprivileged

WORDS = (
    "account password reset delete billing invoice refund order shipping delivery "
    "address email phone login error crash update install license export import "
    "backup restore sync share folder file upload download print scan camera"
).split()
QUERIES = [
    "how do I reset my password",
    "refund for my order",
    "pasword resett",  # typos
    "export invoice to email",
    "the of and how",
    "completely unrelated bitcoin weather",
]


def make_faq(path: Path, n: int = 500, seed: int = 1) -> Path:
    """A FAQ large enough (> INDEX_MIN_BYTES) to be indexed on disk."""
    rng = random.Random(seed)
    entries = [
        {
            "id": f"e{i}",
            "question": "How do I " + " ".join(rng.choices(WORDS, k=5)) + "?",
            "answer": " ".join(rng.choices(WORDS, k=30)) + ".",
        }
        for i in range(n)
    ]
    path.write_text(json.dumps({"entries": entries}, indent=1), encoding="utf-8")
    assert path.stat().st_size >= index.INDEX_MIN_BYTES
    return path


@pytest.fixture
def big(tmp_path: Path) -> Path:
    return make_faq(tmp_path / "big.json")


def ranked(idx: object, query: str) -> list[tuple[str, float]]:
    return [(m.entry.id, m.score) for m in rank(idx, query, limit=10)]  # type: ignore[arg-type]


def test_persisted_index_ranks_exactly_like_the_memory_index(big: Path, tmp_path: Path) -> None:
    cached = index.load(big, tmp_path / "cache")
    assert isinstance(cached, SqliteIndexType)
    memory = MemoryIndex(store.load(big).entries)
    assert cached.topic() is not None
    assert cached.topic() == memory.topic()
    for query in QUERIES:
        assert ranked(cached, query) == ranked(memory, query)


def test_warm_load_reuses_the_file(big: Path, tmp_path: Path) -> None:
    """A FAQ last written long ago is trusted on its stamp: the index is not rewritten."""
    st = big.stat()
    os.utime(big, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
    cache_dir = tmp_path / "cache"
    index.load(big, cache_dir)
    cache = index.cache_file(big, cache_dir)
    built_at = cache.stat().st_mtime_ns
    again = index.load(big, cache_dir)
    assert isinstance(again, SqliteIndexType)
    assert again.meta["source_mtime_ns"] == str(big.stat().st_mtime_ns)
    assert cache.stat().st_mtime_ns == built_at


def test_changed_faq_is_reindexed(big: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    index.load(big, cache_dir)
    doc = json.loads(big.read_text())
    doc["entries"][0]["question"] = "Where can I adopt a purple giraffe?"
    big.write_text(json.dumps(doc, indent=1))
    fresh = index.load(big, cache_dir)
    assert ranked(fresh, "purple giraffe")[0][0] == "e0"


def test_touched_but_unchanged_faq_keeps_its_index(big: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    index.load(big, cache_dir)
    cache = index.cache_file(big, cache_dir)
    size_before = cache.stat().st_size
    st = big.stat()
    os.utime(big, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
    reused = index.load(big, cache_dir)
    assert isinstance(reused, SqliteIndexType)
    restamped = index.load(big, cache_dir)
    assert isinstance(restamped, SqliteIndexType)
    assert restamped.meta["source_mtime_ns"] == str(big.stat().st_mtime_ns)
    assert cache.stat().st_size == size_before


def test_a_same_size_rewrite_within_one_timestamp_tick_is_reindexed(
    big: Path, tmp_path: Path
) -> None:
    """Two writes in one tick of the file system's clock leave size and mtime alike: the
    index built between them must not be trusted on them alone."""
    # The FAQ's mtime stays "now or later" however slowly the test runs: racy throughout.
    now = big.stat()
    os.utime(big, ns=(now.st_atime_ns, time.time_ns() + 3_600_000_000_000))
    cache_dir = tmp_path / "cache"
    index.load(big, cache_dir)
    st = big.stat()
    text = big.read_text(encoding="utf-8")
    changed = text.replace('"e0"', '"x0"', 1)
    assert changed != text and len(changed) == len(text)
    big.write_text(changed, encoding="utf-8")
    os.utime(big, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (big.stat().st_size, big.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert index.load(big, cache_dir).entry(0).id == "x0"


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty"])
def test_corrupt_or_truncated_index_is_rebuilt_silently(
    big: Path, tmp_path: Path, damage: str
) -> None:
    cache_dir = tmp_path / "cache"
    expected = ranked(index.load(big, cache_dir), QUERIES[0])
    cache = index.cache_file(big, cache_dir)
    data = cache.read_bytes()
    if damage == "garbage":
        cache.write_bytes(b"not a database at all" * 100)
    elif damage == "truncate":
        cache.write_bytes(data[: len(data) // 2])
    else:
        cache.write_bytes(b"")
    rebuilt = index.load(big, cache_dir)
    assert ranked(rebuilt, QUERIES[0]) == expected
    assert isinstance(index.load(big, cache_dir), SqliteIndexType)


LOADER = """
import sys
from pathlib import Path
from faqcli import index
from faqcli.engine import rank
idx = index.load(Path(sys.argv[1]), Path(sys.argv[2]))
print(type(idx).__name__, rank(idx, sys.argv[3])[0].entry.id)
"""


def test_unwritable_cache_dir_answers_from_memory(big: Path, tmp_path: Path) -> None:
    """Run without root's override of file modes (see tests/unprivileged.py)."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    result = unprivileged.run([sys.executable, "-c", LOADER, str(big), str(cache_dir), QUERIES[0]])
    assert result.returncode == 0, result.stderr
    best = ranked(MemoryIndex(store.load(big).entries), QUERIES[0])[0][0]
    assert result.stdout.split() == ["MemoryIndex", best]
    assert list(cache_dir.iterdir()) == []


def test_cache_dir_that_is_a_file_answers_from_memory(big: Path, tmp_path: Path) -> None:
    """A cache that cannot be created (here a file stands where the folder should be)."""
    blocker = tmp_path / "cache"
    blocker.write_text("I am a file")
    idx = index.load(big, blocker)
    assert isinstance(idx, MemoryIndex)
    assert ranked(idx, QUERIES[0]) == ranked(MemoryIndex(store.load(big).entries), QUERIES[0])


def test_small_faq_is_never_indexed_on_disk(small_faq: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    assert isinstance(index.load(small_faq, cache_dir), MemoryIndex)
    assert not index.cache_file(small_faq, cache_dir).exists()
    assert [p.parent.name for p in cache_dir.rglob("*") if p.is_file()] == ["learned"]


def test_what_is_learnt_of_a_small_faq_is_kept_until_it_changes(
    small_faq: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Learning ranks the FAQ's alternates; it is done once per content of the FAQ."""
    cache_dir = tmp_path / "cache"
    first = index.load(small_faq, cache_dir)
    assert first.learned_from == 1  # SMALL_FAQ has one alternate
    calls: list[int] = []
    learn = index.learning.learn
    monkeypatch.setattr(index.learning, "learn", lambda *a: calls.append(1) or learn(*a))
    again = index.load(small_faq, cache_dir)
    assert (again.shift, again.learned_from, calls) == (first.shift, 1, [])
    doc = json.loads(small_faq.read_text())
    doc["entries"][0]["alternates"].append("lost my password")
    small_faq.write_text(json.dumps(doc))
    assert index.load(small_faq, cache_dir).learned_from == 2
    assert calls == [1]


def test_a_small_faqs_meanings_are_kept_exactly_and_a_damaged_file_is_ignored(
    small_faq: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each entry's meaning vector is kept with what is learnt; read back, it is the
    same float for float, the ask computes none, and the answers are those of an index
    that kept nothing. A damaged file is computed again and rewritten."""
    cache_dir = tmp_path / "cache"
    fresh = index.in_memory(small_faq, keep=False)
    expected = [fresh.entry_meaning(d) for d in range(len(fresh.entries))]
    assert any(expected)
    index.load(small_faq, cache_dir)  # computed and kept
    computed: list[int] = []
    entry = index.WordVectorMeaning.entry
    monkeypatch.setattr(
        index.WordVectorMeaning, "entry", lambda *a: computed.append(1) or entry(*a)
    )
    kept = index.load(small_faq, cache_dir)
    assert kept._entry_meanings == dict(enumerate(expected))
    for query in QUERIES:
        assert ranked(kept, query) == ranked(fresh, query)
    assert computed == []
    (file,) = (cache_dir / "learned").iterdir()
    dim = f'"dim": {len(next(v for v in expected if v))}'
    for damage in (f"{{{dim}", '{"digest": 1}', file.read_text().replace(dim, '"dim": 7')):
        file.write_text(damage)
        again = index.load(small_faq, cache_dir)
        assert again._entry_meanings == dict(enumerate(expected))
    assert computed  # computed again, each time
    assert f"{dim}," in file.read_text()  # rewritten whole


BUILDER = """
import sys
from pathlib import Path
from faqcli import index
from faqcli.engine import rank
idx = index.build(Path(sys.argv[1]), Path(sys.argv[2])).index
print(rank(idx, "how do I reset my password")[0].entry.id)
"""


def test_concurrent_builds_both_answer_and_leave_one_good_index(big: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILDER, str(big), str(cache_dir)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    answers = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    expected = rank(MemoryIndex(store.load(big).entries), "how do I reset my password")[0]
    assert answers == {expected.entry.id}
    assert [p.name for p in cache_dir.iterdir()] == [index.cache_file(big, cache_dir).name]
    assert isinstance(index.load(big, cache_dir), SqliteIndexType)


def test_cli_ask_answers_the_same_with_and_without_the_cache(
    run: Callable[..., Result], big: Path, tmp_path: Path
) -> None:
    args = ["--faq", str(big), "ask", "--json", "--top", "5", QUERIES[0]]
    cold = run(*args)
    warm = run(*args)
    bypass = run("--no-cache", *args)
    assert cold.exit_code == warm.exit_code == bypass.exit_code
    assert cold.stdout == warm.stdout == bypass.stdout
    assert list((tmp_path / "xdg-cache" / "faq").glob("*.sqlite"))


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["show", "e7"],
        ["show", "e7", "--json"],
        ["show", "e99999"],  # unknown: the same "did you mean" from the index's ids
        ["check", "--json"],
    ],
)
def test_list_show_and_check_read_the_index_and_say_the_same(
    run: Callable[..., Result], big: Path, args: list[str]
) -> None:
    """Once the FAQ is indexed, list, show and check read the index, not the JSON, and
    print what they print from the JSON itself (--no-cache)."""
    assert run("--faq", str(big), "index").exit_code == 0
    from_index = run("--faq", str(big), *args)
    from_json = run("--no-cache", "--faq", str(big), *args)
    assert (from_index.exit_code, from_index.stdout, from_index.stderr) == (
        from_json.exit_code,
        from_json.stdout,
        from_json.stderr,
    )


def test_list_streams_entries_from_the_index_without_parsing_the_faq(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faqcli import operations

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    index.build(big, index.default_cache_dir())

    def no_parse(path: Path) -> None:
        raise AssertionError("the FAQ was parsed")

    monkeypatch.setattr(store, "load", no_parse)
    listed = operations.list_entries(store.FaqSource(big, "test"))
    assert [e.id for e in listed.entries][:3] == ["e0", "e1", "e2"]
    assert operations.show(store.FaqSource(big, "test"), "e42").entry.id == "e42"


def test_cli_no_cache_writes_no_index(
    run: Callable[..., Result], big: Path, tmp_path: Path
) -> None:
    run("--no-cache", "--faq", str(big), "ask", "reset password")
    assert not (tmp_path / "xdg-cache").exists()


def test_cli_index_reports_entries_and_size(
    run: Callable[..., Result], big: Path, tmp_path: Path
) -> None:
    result = run("--faq", str(big), "index")
    assert result.exit_code == 0
    assert result.stdout.startswith("indexed 500 entries in ")
    assert str(tmp_path / "xdg-cache" / "faq") in result.stdout
    assert result.stdout.rstrip().endswith("MB)")
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_cli_index_with_no_cache_is_a_usage_error_and_writes_nothing(
    run: Callable[..., Result], big: Path, tmp_path: Path
) -> None:
    result = run("--no-cache", "--faq", str(big), "index")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "faq: --no-cache: faq index writes the persisted index; drop one of them\n"
    )
    assert not (tmp_path / "xdg-cache").exists()


def test_cli_bad_faq_through_the_index_path_is_one_line(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[" + '{"question": "Q?", "answer": "A."},' * 5000 + "\n oops]")
    result = run("--faq", str(broken), "ask", "q")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"faq: {broken}:2:2: malformed JSON")
    assert result.stderr.count("\n") == 1


def test_a_write_by_faq_add_invalidates_the_index(run: Callable[..., Result], big: Path) -> None:
    assert run("--faq", str(big), "index").exit_code == 0
    added = run("--faq", str(big), "add", "-q", "Where can I adopt a purple giraffe?",
                "-a", "At the zoo on Mondays.")  # fmt: skip
    assert added.exit_code == 0
    result = run("--faq", str(big), "ask", "--json", "adopt a purple giraffe")
    assert json.loads(result.stdout)["answer"]["id"] == added.stdout.strip()


BENCH = Path(__file__).parents[2] / "shared" / "bench"


@pytest.mark.parametrize("name", ["stackfaq", "covidfaq"])
def test_eval_on_the_benchmarks_is_the_same_with_the_persisted_index(
    name: str, tmp_path: Path
) -> None:
    from faqcli.evaluate import evaluate, parse_queries

    faq_path, queries_path = BENCH / name / "faq.json", BENCH / name / "queries-dev.jsonl"
    if not queries_path.exists():
        pytest.skip("../shared/bench is not beside the project")
    built = index.build(faq_path, tmp_path / "cache")
    assert isinstance(built.index, SqliteIndexType)
    faq = store.load(faq_path)
    queries = parse_queries(queries_path.read_text(), name, {e.id for e in faq.entries})
    with_index = evaluate(built.index, queries, threshold=25)
    in_memory = evaluate(MemoryIndex(faq.entries), queries, threshold=25)
    assert with_index.metrics() == in_memory.metrics()
    assert with_index.misses == in_memory.misses


def test_an_index_built_with_word_vectors_is_rebuilt_without_them(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The FAQ's topic comes from the vector table: a missing table must not leave an
    index whose confidence was computed with it."""
    cache_dir = tmp_path / "cache"
    with_vectors = index.load(big, cache_dir)
    assert isinstance(with_vectors, SqliteIndexType)
    assert with_vectors.topic() is not None
    monkeypatch.setattr(vectors, "default", lambda: None)
    without = index.load(big, cache_dir)
    assert isinstance(without, SqliteIndexType)
    assert without.topic() is None
    memory = MemoryIndex(store.load(big).entries)
    for query in QUERIES:
        assert ranked(without, query) == ranked(memory, query)


class Recorder:
    """A BuildReport that notes what a build told it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.events: list[str | int] = []

    def analysed(self, done: int) -> None:
        self.events.append(done)

    def writing(self) -> None:
        self.events.append("writing")

    def finished(self) -> None:
        self.events.append("finished")


def test_a_build_reports_bytes_analysed_then_writing_then_finished(
    big: Path, tmp_path: Path
) -> None:
    """The build reads the FAQ as a stream, so it counts bytes read, up to the size."""
    reports: list[Recorder] = []

    def progress(total: int) -> Recorder:
        reports.append(Recorder(total))
        return reports[-1]

    index.build(big, tmp_path / "cache", progress=progress)
    (report,) = reports
    assert report.total == big.stat().st_size
    counts = report.events[:-2]
    assert counts and counts == sorted(counts) and counts[-1] == report.total
    assert report.events[-2:] == ["writing", "finished"]


def test_a_build_that_cannot_write_still_finishes_its_report(big: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    reports: list[Recorder] = []

    def progress(total: int) -> Recorder:
        reports.append(Recorder(total))
        return reports[-1]

    built = index.build(big, blocker, progress=progress)
    assert built.path is None
    assert reports[0].events[-1] == "finished"


def test_a_word_said_more_than_65535_times_counts_as_65535_and_spoils_no_other_count() -> None:
    """Postings pack a term's counts in the question and the answer in 16 bits each."""
    from collections import Counter

    from faqcli.engine import DEFAULTS
    from faqcli.engine.analysis import Accumulator, Counts, impacts
    from faqcli.model import Entry

    acc = Accumulator()
    acc.add(Entry("z", "Zebra crossing rules?", "zebra " * 70_000 + "stop"))
    acc.add(Entry("c", "Where to cross?", "At the lights."))
    got = {term: plist for term, _, plist in acc.postings(DEFAULTS)}
    capped = Counts(Counter(zebra=1, cross=1, rule=1), Counter(zebra=65535, stop=1), 3, 70_001)
    expected = impacts(capped, acc.stats(), DEFAULTS)
    for term in ("zebra", "cross", "rule", "stop"):
        impact = dict(zip(got[term].docs, got[term].impacts, strict=True))[0]
        assert impact == pytest.approx(expected[term].impact, rel=1e-6)


def test_cli_index_that_cannot_write_its_file_is_an_error_but_ask_still_answers(
    run: Callable[..., Result], big: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("where the cache folder would go")
    env = {"XDG_CACHE_HOME": str(blocker)}
    result = run("--faq", str(big), "index", env=env)
    assert result.exit_code == ExitCode.DATA
    assert (
        result.stderr == f"faq: {blocker / 'faq'}: cannot write the index there (Not a directory)\n"
    )
    question = store.load(big).entries[7].question
    asked = run("--faq", str(big), "ask", "--json", question, env=env)  # from memory
    assert (asked.exit_code, asked.stderr) == (ExitCode.OK, "")
    assert json.loads(asked.stdout)["answer"]["id"] == "e7"


def test_the_bulk_analysis_gives_the_postings_of_the_plain_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large FAQ's postings are computed with numpy, a small one's in plain Python:
    the same terms, document frequencies, entries and impacts, bit for bit (ties by
    entry, the postings_limit cut alike)."""
    import random

    from faqcli.engine import analysis
    from faqcli.engine.settings import DEFAULTS

    rng = random.Random(7)
    vocabulary = ["".join(rng.choices("abcdefgh", k=rng.randint(2, 5))) for _ in range(400)]

    def text(n: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(n))

    entries = [Entry(f"e{i}", text(rng.randint(2, 8)) + "?", text(rng.randint(3, 40)))
               for i in range(3000)]  # fmt: skip
    settings = DEFAULTS._replace(postings_limit=50)  # some terms are cut

    def analysed(bulk: int) -> tuple[list[tuple[str, int, list[int], list[float]]], dict[str, int]]:
        monkeypatch.setattr(analysis, "BULK", bulk)
        monkeypatch.setattr(analysis, "CHUNK", 5000)  # several ranges of terms
        acc = analysis.Accumulator()
        for e in entries:
            acc.add(e)
        rows = [(t, n, list(p.docs), list(p.impacts)) for t, n, p in acc.postings(settings)]
        return rows, acc.df()

    plain, bulk = analysed(10**12), analysed(0)
    assert any(n > 50 for _, n, _, _ in plain[0])
    assert plain == bulk


def _big_faq(tmp_path: Path, n: int = 400) -> Path:
    topics = ["parking", "refund", "password", "delivery", "invoice", "hours", "account",
              "shipping", "returns", "warranty", "coupon", "gift card"]  # fmt: skip
    entries = [
        {"id": f"e{i}", "question": f"How does {topics[i % 12]} work for plan {i}?",
         "answer": f"For plan {i}, {topics[i % 12]} works like this. " * 10,
         **({"alternates": [f"{topics[i % 12]} on plan {i}"]} if i % 50 == 0 else {})}
        for i in range(n)
    ]  # fmt: skip
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"title": "Big", "entries": entries}, indent=1))
    assert path.stat().st_size >= index.INDEX_MIN_BYTES
    return path


ASKED = [
    "refund for plan 12", "how do gift cards work", "parking plan 401", "wifi password",
    "what about the new topic", "plan 7 shipping", "coupon plan 300", "renamed entry",
]  # fmt: skip


def _answers(idx: object) -> list[tuple[str, float]]:
    return [(m.entry.id, m.score) for q in ASKED for m in rank(idx, q, 3)]  # type: ignore[arg-type]


@pytest.mark.parametrize("write", ["add", "edit", "remove", "several"])
def test_a_write_through_faq_updates_the_index_instead_of_rebuilding_it(
    run: Callable[..., Result], tmp_path: Path, write: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After add, edit or remove, faq answers from the index it built and the changes
    recorded beside it, and answers as the FAQ read afresh (--no-cache) does."""
    from faqcli import delta

    faq = _big_faq(tmp_path)
    base = ["--faq", str(faq)]
    assert run(*base, "ask", "refund").exit_code in (0, 1)  # builds the index
    steps = {
        "add": [["add", "--id", "new", "-q", "What about the new topic?", "-a", "It is new."]],
        "edit": [
            [
                "edit",
                "e12",
                "--answer",
                "Refunds for plan 12 are instant.",
                "--add-alternate",
                "renamed entry",
            ]
        ],
        "remove": [["remove", "e7", "--yes"]],
        "several": [
            ["remove", "e3", "--yes"],
            ["add", "-q", "Do gift cards expire?", "-a", "No."],
            ["edit", "e300", "--question", "How does a coupon work on plan 300?"],
            ["remove", "e0", "--yes"],
        ],
    }[write]
    for step in steps:
        assert run(*base, *step).exit_code == 0
    assert delta.path_of(index.cache_file(faq, index.default_cache_dir())).exists()
    monkeypatch.setattr(index, "build", lambda *a, **k: pytest.fail("rebuilt"))
    updated = index.load(faq)
    assert isinstance(updated, delta.Updated)
    fresh = index.in_memory(faq, keep=False)  # as --no-cache reads it, learning included
    assert [updated.entry(d).id for d in range(updated.size)] == [e.id for e in fresh.entries]
    assert (updated.shift, updated.learned_from) == (fresh.shift, fresh.learned_from)
    assert _answers(updated) == _answers(fresh)
    listed = run(*base, "list")
    assert listed.stdout.splitlines() == run("--no-cache", *base, "list").stdout.splitlines()


def test_a_hand_edit_after_a_write_through_faq_is_indexed_again(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    faq = _big_faq(tmp_path)
    base = ["--faq", str(faq)]
    run(*base, "ask", "refund")
    run(*base, "add", "--id", "new", "-q", "What about the new topic?", "-a", "It is new.")
    doc = json.loads(faq.read_text())
    doc["entries"][5]["question"] = "Where can I find the hidden lake?"
    faq.write_text(json.dumps(doc))
    assert run(*base, "ask", "--json", "hidden lake").stdout.count('"id": "e5"') >= 1
    assert not isinstance(index.load(faq), __import__("faqcli.delta").delta.Updated)
