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
import math
import sys
from pathlib import Path

from faqcli.match import DEFAULTS, MemoryIndex, assess, probability
from quality import DEFAULT_BENCH, SETS, load_set


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}; nothing to fit")
        return 0
    rows = []  # (set, features, right, out of scope); queries with no candidate abstain
    totals = {}
    for name in SETS:
        entries, queries = load_set(args.bench, name)
        index = MemoryIndex(entries)
        totals[name] = (
            sum(q.expected is not None for q in queries),
            sum(q.expected is None for q in queries),
        )
        for q in queries:
            found = assess(index, q.query, 1)
            if found is None:
                continue
            e = found.evidence
            if e.meaning is None or e.topic is None:
                print(f"{name}: no meaning for {q.query!r}; are the vectors missing?")
                return 1
            right = found.ranked[0][0].id == q.expected
            rows.append((name, e, right, q.expected is None))
    weight = np.array([1.0 / sum(totals[r[0]]) for r in rows])
    right = np.array([r[2] for r in rows])
    fits = {}
    for label, columns in (("calibration", 3), ("words_calibration", 1)):
        x = np.array([[r[1].words, r[1].meaning, r[1].topic][:columns] for r in rows])
        model = LogisticRegression(C=1e6, max_iter=10_000).fit(x, right, sample_weight=weight)
        fits[label] = tuple(round(float(v), 2) for v in (model.intercept_[0], *model.coef_[0]))
        print(f"{label} = {fits[label]}")
    settings = dataclasses.replace(DEFAULTS, **fits)  # type: ignore[arg-type]
    print()
    print("| threshold | " + " | ".join(f"{s} correct / wrong / OOS abst." for s in SETS) + " |")
    print("|" + " --- |" * (len(SETS) + 1))
    for threshold in range(30, 75, 5):
        cells = []
        for name in SETS:
            in_scope, out_of_scope = totals[name]
            answered = [
                r for r in rows if r[0] == name and 100 * probability(r[1], settings) >= threshold
            ]
            correct = sum(r[2] for r in answered) / in_scope
            wrong = sum(not r[2] and not r[3] for r in answered) / in_scope
            oos = 1 - sum(r[3] for r in answered) / out_of_scope
            cells.append(f"{correct:.3f} / {wrong:.3f} / {oos:.3f}")
        print(f"| {threshold} | {' | '.join(cells)} |")
    mean_p = sum(probability(r[1], settings) for r in rows) / len(rows)
    hits = sum(r[2] for r in rows) / len(rows)
    print(f"\nmean confidence {mean_p:.3f} vs share right {hits:.3f} (unweighted, all sets)")
    assert all(math.isfinite(v) for fit in fits.values() for v in fit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
