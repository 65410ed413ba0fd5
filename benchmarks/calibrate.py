"""Fit the weights of faq's confidence (``Settings.calibration``) on the labelled dev sets.

Run by hand:  pip install -e ".[bench]" && python benchmarks/calibrate.py [--bench DIR]

For every dev query of the three benchmark FAQs, the engine ranks the entries and
reports its evidence for the top one (``faqcli.match.assess``): how well the words
match, how close the meanings are, and how close the query is to the FAQ's topic.
A logistic regression then learns the chance that the top entry is the right answer
(an out-of-scope query has none) from that evidence, once with all three and once
from the words alone (for when the word vectors are missing). The FAQs are pooled,
each weighing the same whatever its number of queries, and the fit is unregularised
in effect: one set of weights for every FAQ. The script prints the weights to paste
into ``Settings`` and, for each threshold, what the fitted confidence would answer.
Ranking does not depend on these weights, so one run suffices.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from faqcli.evaluate import LabelledQuery
from faqcli.match import DEFAULTS, Evidence, MemoryIndex, Settings, assess, probability
from faqcli.model import Entry
from quality import DEFAULT_BENCH, SETS, load_set

Row = tuple[str, Evidence, bool, bool]  # set, evidence, top entry right, out of scope


def _evidence(
    data: dict[str, tuple[Sequence[Entry], list[LabelledQuery]]], settings: Settings
) -> list[Row]:
    """The evidence for the top entry of every query that has one (the others abstain)."""
    rows = []
    for name, (entries, queries) in data.items():
        index = MemoryIndex(entries, settings)
        for q in queries:
            found = assess(index, q.query, 1)
            if found is not None:
                right = found.ranked[0][0].id == q.expected
                rows.append((name, found.evidence, right, q.expected is None))
    return rows


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}; nothing to fit")
        return 0
    data = {name: load_set(args.bench, name) for name in SETS}
    totals = {
        name: (
            sum(q.expected is not None for q in queries),
            sum(q.expected is None for q in queries),
        )
        for name, (_, queries) in data.items()
    }
    fits, rows = {}, {}
    for label, settings in (
        ("calibration", DEFAULTS),
        # Without vectors, faq ranks by words alone: fit on that ranking.
        ("words_calibration", dataclasses.replace(DEFAULTS, semantic_weight=0.0)),
    ):
        rows[label] = _evidence(data, settings)
        columns = 3 if settings.semantic_weight else 1
        x = np.array([[r[1].words, r[1].meaning, r[1].topic][:columns] for r in rows[label]])
        right = np.array([r[2] for r in rows[label]])
        weight = np.array([1.0 / sum(totals[r[0]]) for r in rows[label]])
        model = LogisticRegression(C=1e6, max_iter=10_000).fit(x, right, sample_weight=weight)
        fits[label] = tuple(round(float(v), 2) for v in (model.intercept_[0], *model.coef_[0]))
        print(f"{label} = {fits[label]}")
    full = rows["calibration"]
    settings = dataclasses.replace(DEFAULTS, **fits)  # type: ignore[arg-type]
    print()
    print("| threshold | " + " | ".join(f"{s} correct / wrong / OOS abst." for s in SETS) + " |")
    print("|" + " --- |" * (len(SETS) + 1))
    for threshold in range(30, 75, 5):
        cells = []
        for name in SETS:
            in_scope, out_of_scope = totals[name]
            answered = [
                r for r in full if r[0] == name and 100 * probability(r[1], settings) >= threshold
            ]
            correct = sum(r[2] for r in answered) / in_scope
            wrong = sum(not r[2] and not r[3] for r in answered) / in_scope
            oos = 1 - sum(r[3] for r in answered) / out_of_scope
            cells.append(f"{correct:.3f} / {wrong:.3f} / {oos:.3f}")
        print(f"| {threshold} | {' | '.join(cells)} |")
    mean_p = sum(probability(r[1], settings) for r in full) / len(full)
    hits = sum(r[2] for r in full) / len(full)
    print(f"\nmean confidence {mean_p:.3f} vs share right {hits:.3f} (unweighted, all sets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
