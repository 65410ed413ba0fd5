"""How much faq gains from the questions its users ask, added as alternates.

Run by hand:  pip install -e ".[bench]" && python benchmarks/learning.py [--bench DIR]

Each dev FAQ's in-scope labelled queries are split in two, per entry, in file order
(the 1st, 3rd, 5th... query of an entry on one side, the others on the other). K = 0, 2
and 5 queries per entry from the first half are added to the FAQ as alternates of the
entry they are labelled with, as `faq review` or `faq edit --add-alternate` would; the
second half and every out-of-scope query are then asked, and `faq eval`'s metrics
printed, once with the score as fitted and once with the shift faq learns from the
alternates (``faqcli.engine.learning``). A FAQ with one labelled query per entry (mqp)
has none left to ask and is left out. Each FAQ is scored with the weights fitted on the
other six (``calibrate.py``, leave one FAQ out: the honest figure); ``--shipped`` uses
the weights faq ships with, fitted on all seven.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from faqcli.engine import DEFAULTS, MemoryIndex, Settings, learning
from faqcli.evaluate import LabelledQuery, Report, evaluate
from faqcli.model import Entry
from quality import DEFAULT_BENCH, SETS, load_set

KS = (0, 2, 5)
COLUMNS = (
    ("hit@1", "hit1"),
    ("answered correct", "answered_correct"),
    ("answered wrong", "answered_wrong"),
    ("OOS abstained", "oos_abstained"),
    ("answer precision", "answer_precision"),
    ("ECE", "ece"),
    ("wrong at 90", "wrong_at_90"),
    ("coverage at 90", "coverage_at_90"),
)


def halves(
    queries: Sequence[LabelledQuery],
) -> tuple[dict[str, list[LabelledQuery]], list[LabelledQuery]]:
    """Per entry, the queries that may become alternates; and the queries to ask (the
    other in-scope half and every out-of-scope query)."""
    by_entry: dict[str, list[LabelledQuery]] = defaultdict(list)
    for q in queries:
        if q.expected is not None:
            by_entry[q.expected].append(q)
    learn = {entry: qs[0::2] for entry, qs in by_entry.items()}
    ask = [q for qs in by_entry.values() for q in qs[1::2]]
    ask += [q for q in queries if q.expected is None]
    return learn, ask


def with_alternates(
    entries: Sequence[Entry], learn: dict[str, list[LabelledQuery]], k: int
) -> list[Entry]:
    out = []
    for e in entries:
        added = tuple(q.query for q in learn.get(e.id, [])[:k])
        out.append(e.replace(alternates=e.alternates + added))
    return out


def run(
    bench: Path, settings_for: dict[str, Settings], learned: bool = True
) -> dict[str, dict[int, Report]]:
    results: dict[str, dict[int, Report]] = {}
    for name in SETS:
        entries, queries = load_set(bench, name)
        learn, ask = halves(queries)
        if not any(q.expected for q in ask):
            continue  # one query per entry (mqp): none left to ask once one is learnt
        results[name] = {}
        for k in KS:
            index = MemoryIndex(with_alternates(entries, learn, k), settings_for[name])
            if learned:
                found = learning.learn(index)
                index.shift, index.learned_from = found.shift, found.questions
            results[name][k] = evaluate(index, ask, DEFAULTS.threshold)
    return results


def table(results: dict[str, dict[int, Report]]) -> None:
    print("| FAQ | K | " + " | ".join(label for label, _ in COLUMNS) + " |")
    print("| --- | ---: |" + " ---: |" * len(COLUMNS))
    for name, by_k in results.items():
        for k, r in by_k.items():
            cells = []
            for _, attr in COLUMNS:
                value = getattr(r, attr)
                cells.append("-" if value is None else f"{value:.3f}")
            print(f"| {name} | {k} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="score every FAQ with the shipped weights (fitted on all seven FAQs)",
    )
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}; nothing to measure")
        return 0
    settings_for = {name: DEFAULTS for name in SETS}
    if not args.shipped:
        import calibrate

        sets = {name: load_set(args.bench, name) for name in SETS}
        data = {name: calibrate.collect(e, q, DEFAULTS) for name, (e, q) in sets.items()}
        for held in SETS:
            weights = calibrate.fit({k: v for k, v in data.items() if k != held}, calibrate.MEANING)
            settings_for[held] = DEFAULTS._replace(calibration=weights)
    print("Alternates only (the score as fitted):\n")
    table(run(args.bench, settings_for, learned=False))
    print("\nAlternates, and the score learnt from them (engine.learning):\n")
    table(run(args.bench, settings_for, learned=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
