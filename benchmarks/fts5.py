"""Does faq's own inverted index earn its place over SQLite's FTS5 with bm25()?

Run by hand:  python benchmarks/fts5.py [--bench DIR] [--sizes 100000,1000000]

Two tables, side by side in one run:

1. Ranking on the labelled dev sets (../shared/bench; skipped when absent): hit@1 and
   MRR@10 of an FTS5 table (porter stemmer, unicode61 tokens; the question and its
   alternates in one column, the answer in another) ranked by ``bm25()`` with column
   weights, the query's words OR-ed; against faq's engine with words only (no word
   vectors) and as it ships.
2. Scale, on the synthetic FAQs of benchmarks/speed.py (generated in --workdir when
   missing): build time and peak memory (each build a child process reading the FAQ
   file), the file's size, and the median and 95th-percentile time of one query in a
   warm process (FTS5: the best 10 rows by bm25() and their text; faq: the best 10
   entries with the evidence for the first, what ``faq ask`` computes).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import quality  # this script's folder: run it as a script, as calibrate.py is
import speed
from faqcli.engine import DEFAULTS, MemoryIndex
from faqcli.evaluate import evaluate
from faqcli.model import Entry

SCHEMA = "CREATE VIRTUAL TABLE faq USING fts5(question, answer, tokenize='porter unicode61')"
TOP = "SELECT rowid FROM faq WHERE faq MATCH ? ORDER BY bm25(faq, 1.0, ?) LIMIT 10"
TOP_TEXT = (
    "SELECT rowid, question, answer FROM faq WHERE faq MATCH ? ORDER BY bm25(faq, 1.0, ?) LIMIT 10"
)


def match_expression(query: str) -> str:
    """The query's words, each quoted (FTS5 syntax is not the user's), OR-ed."""
    words = dict.fromkeys(re.findall(r"\w+", query.lower()))
    return " OR ".join(f'"{w}"' for w in words)


def fts5(answer_weight: float) -> quality.Ranker:
    def build(entries: Sequence[Entry]) -> Callable[[str], list[str]]:
        conn = sqlite3.connect(":memory:")
        conn.execute(SCHEMA)
        conn.executemany(
            "INSERT INTO faq(rowid, question, answer) VALUES (?, ?, ?)",
            (
                (i, " ".join((e.question, *e.alternates)), e.answer if answer_weight else "")
                for i, e in enumerate(entries)
            ),
        )

        def ranked(query: str) -> list[str]:
            expression = match_expression(query)
            if not expression:
                return []
            rows = conn.execute(TOP, (expression, answer_weight))
            return [entries[r[0]].id for r in rows]

        return ranked

    return build


def quality_table(bench: Path) -> None:
    sets = quality.SETS
    print("| ranker | " + " | ".join(f"{s} hit@1 / MRR@10" for s in sets) + " |")
    print("|" + " --- |" * (len(sets) + 1))
    rankers = {
        "FTS5 bm25(), question": fts5(0.0),
        f"FTS5 bm25(), question + answer x{DEFAULTS.answer_weight:g}": fts5(DEFAULTS.answer_weight),
        "FTS5 bm25(), question + answer x1": fts5(1.0),
    }
    data = {name: quality.load_set(bench, name) for name in sets}
    for label, ranker in rankers.items():
        cells = []
        for name in sets:
            hit1, mrr, _ = quality.reference_scores(ranker, *data[name])
            cells.append(f"{hit1:.3f} / {mrr:.3f}")
        print(f"| {label} | {' | '.join(cells)} |")
    engines = {
        "faq, words only": DEFAULTS._replace(semantic_weight=0.0),
        "faq as shipped": DEFAULTS,
    }
    for label, settings in engines.items():
        cells = []
        for name in sets:
            entries, queries = data[name]
            r = evaluate(MemoryIndex(entries, settings), queries, settings.threshold)
            cells.append(f"{r.hit1:.3f} / {r.mrr10:.3f}")
        print(f"| {label} | {' | '.join(cells)} |")


def build_fts5(faq: Path, db: Path) -> None:
    """The FTS5 table of ``faq`` (streamed as faq streams it), in ``db``."""
    from faqcli.store import EntryStream

    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute(SCHEMA)
    conn.execute("CREATE TABLE ids(doc INTEGER PRIMARY KEY, id TEXT)")
    with conn:
        for i, e in enumerate(EntryStream(faq)):
            conn.execute(
                "INSERT INTO faq(rowid, question, answer) VALUES (?, ?, ?)",
                (i, " ".join((e.question, *e.alternates)), e.answer),
            )
            conn.execute("INSERT INTO ids VALUES (?, ?)", (i, e.id))
        conn.execute("INSERT INTO faq(faq) VALUES ('optimize')")
    conn.close()


def child(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{argv} failed ({status})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def timings(ask: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    """Median and 95th percentile ms of ``ask`` over ``queries`` (after one warm-up)."""
    ask(queries[0])
    times = []
    for q in queries:
        start = time.perf_counter()
        ask(q)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def scale_row(size: int, workdir: Path, count: int) -> str:
    faq = workdir / f"faq-{size}.json"
    if not faq.exists():
        speed.generate(faq, size)
    env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "fts5-cache"))
    db = workdir / f"fts5-{size}.sqlite"
    fts_s, fts_mb = child([sys.executable, __file__, "--build-fts5", str(faq), str(db)], env)
    faq_bin = str(Path(sys.executable).parent / "faq")
    faq_s, faq_mb = child([faq_bin, "--faq", str(faq), "index"], env)

    from faqcli import index as faq_index
    from faqcli.engine.rank import rank

    os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
    cache = faq_index.cache_file(faq, faq_index.default_cache_dir())
    queries = [speed.answered_query(speed.entry_at(faq, (i * 7919) % size)) for i in range(count)]
    conn = sqlite3.connect(db)

    def fts_ask(query: str) -> object:
        rows = conn.execute(TOP_TEXT, (match_expression(query), DEFAULTS.answer_weight))
        return rows.fetchall()

    index = faq_index.load(faq)
    fts_med, fts_p95 = timings(fts_ask, queries)
    faq_med, faq_p95 = timings(lambda q: rank(index, q), queries)
    mb = faq.stat().st_size / 1e6
    return (
        f"| {size:,} | {mb:.1f} | {fts_s:.1f} / {faq_s:.1f} | {fts_mb:.0f} / {faq_mb:.0f} | "
        f"{db.stat().st_size / 1e6:.0f} / {cache.stat().st_size / 1e6:.0f} | "
        f"{fts_med:.1f} / {faq_med:.1f} | {fts_p95:.1f} / {faq_p95:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="\n".join(__doc__.splitlines()[4:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--bench", type=Path, default=quality.DEFAULT_BENCH, help="the labelled dev sets"
    )
    parser.add_argument(
        "--sizes", default="100000,1000000", help="synthetic FAQ sizes, comma-separated"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path("/tmp/faq-speed"), help="FAQs, indexes, cache"
    )
    parser.add_argument("--queries", type=int, default=200, help="questions timed per size")
    parser.add_argument("--build-fts5", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_fts5:
        build_fts5(*args.build_fts5)
        return 0
    if args.bench.is_dir():
        quality_table(args.bench)
    else:
        print(f"no benchmark data at {args.bench}; ranking not measured")
    print()
    print(
        "| entries | FAQ MB | build s FTS5 / faq | build peak MB FTS5 / faq | "
        "file MB FTS5 / faq | query ms median FTS5 / faq | query ms p95 FTS5 / faq |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    args.workdir.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",") if s):
        print(scale_row(size, args.workdir, args.queries), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
