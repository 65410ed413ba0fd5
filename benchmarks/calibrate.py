"""Fit faq's confidence (``Settings.calibration``) and check it leave-one-FAQ-out.

Run by hand:  pip install -e ".[bench]" && python benchmarks/calibrate.py [--bench DIR]

For every dev query of the six benchmark FAQs the engine ranks the entries and reports
its evidence for the top one (``faqcli.engine.assess``). A logistic regression learns
the chance that the top entry is the right answer (an out-of-scope query has none)
from that evidence, the FAQs pooled, each weighing the same whatever its number of
queries: one set of weights for every FAQ. The script prints

1. the weights fitted on all six, to paste into ``faqcli/engine/settings.py`` (``FITTED``), and
   the same without meaning and topic (``FITTED_WORDS_ONLY``, for when the word
   vectors are missing, fitted on the words-only ranking);
2. the leave-one-FAQ-out table: for each FAQ, the weights fitted on the other five and
   measured on it (and on mqp's near-miss queries with mqp's fold). This is the honest
   estimate of how the score behaves on a FAQ it was never fitted on;
3. what each threshold would do in that table, to choose the default;
4. the same metrics with the weights and threshold faq ships with now (what
   ``faq eval`` prints on each dev set).

Metrics are ``faqcli.evaluate``'s (``faq eval --json``). Ranking does not depend on
the weights. The data is read from ../shared/bench; without it the script says so and
exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from faqcli.engine import (
    DEFAULTS,
    Evidence,
    MemoryIndex,
    Settings,
    Weights,
    assess,
    probability,
)
from faqcli.evaluate import LabelledQuery, Report, report
from faqcli.model import Entry
from quality import DEFAULT_BENCH, NEAR_MISS, SETS, load_set

MEANING = ("words", "meaning", "topic", "lead", "twin", "letters")
WORDS_ONLY = ("words", "lead", "twin", "letters")
AGAINST = {"twin"}  # evidence against the answer: its weight is at most 0


class Row(NamedTuple):
    """One labelled query: what the engine ranked, and its evidence (None: nothing ranked)."""

    query: LabelledQuery
    ids: list[str]
    evidence: Evidence | None

    @property
    def right(self) -> bool:
        return bool(self.ids) and self.ids[0] == self.query.expected


def collect(
    entries: Sequence[Entry], queries: list[LabelledQuery], settings: Settings
) -> list[Row]:
    index = MemoryIndex(entries, settings)
    rows = []
    for q in queries:
        found = assess(index, q.query, 10)
        if found is None:
            rows.append(Row(q, [], None))
        else:
            rows.append(Row(q, [e.id for e, _ in found.ranked], found.evidence))
    return rows


def fit(data: dict[str, list[Row]], features: tuple[str, ...]) -> Weights:
    """Logistic regression on the rows with every feature known, each FAQ weighing the
    same, unregularised. Each weight is held to the sign its evidence must have (more
    matching words, meaning, topic, lead or letters never lowers the score; a closer
    twin never raises it), so that ``faq ask --explain`` never shows a match counting
    against an answer because two pieces of evidence overlap."""
    import numpy as np
    from scipy.optimize import minimize

    x, y, w = [], [], []
    for rows in data.values():
        usable = [r for r in rows if r.evidence is not None and _known(r.evidence, features)]
        for r in usable:
            assert r.evidence is not None
            x.append([getattr(r.evidence, f) for f in features])
            y.append(float(r.right))
            w.append(1.0 / len(rows))
    xs, ys, ws = np.array(x), np.array(y), np.array(w)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p = 1.0 / (1.0 + np.exp(-(xs @ theta[1:] + theta[0])))
        nll = -(ws * (ys * np.log(p + 1e-12) + (1 - ys) * np.log(1 - p + 1e-12))).sum()
        g = ws * (p - ys)
        return float(nll), np.concatenate([[g.sum()], xs.T @ g])

    bounds = [(None, None)] + [(None, 0.0) if f in AGAINST else (0.0, None) for f in features]
    theta = minimize(loss, np.zeros(len(features) + 1), jac=True, bounds=bounds).x
    coef = dict(zip(features, (float(c) for c in theta[1:]), strict=True))
    values = {f: round(coef.get(f, 0.0), 2) + 0.0 for f in Weights._fields if f != "bias"}
    return Weights(bias=round(float(theta[0]), 2), **values)


def _known(evidence: Evidence, features: tuple[str, ...]) -> bool:
    return all(getattr(evidence, f) is not None for f in features)


def measure(rows: list[Row], settings: Settings, threshold: float) -> Report:
    """faq eval's metrics for rows scored with ``settings``' weights."""
    results = []
    for r in rows:
        score = round(100 * probability(r.evidence, settings), 1) if r.evidence else 0.0
        results.append((r.query, r.ids, score))
    return report(results, threshold)


COLUMNS = (
    ("hit@1", "hit1"),
    ("answered correct", "answered_correct"),
    ("answered wrong", "answered_wrong"),
    ("OOS abstained", "oos_abstained"),
    ("answer precision", "answer_precision"),
    ("ECE", "ece"),
    ("wrong at 90", "wrong_at_90"),
)


def table(title: str, reports: dict[str, Report]) -> None:
    print(f"\n{title}\n")
    print("| FAQ | " + " | ".join(label for label, _ in COLUMNS) + " |")
    print("| --- |" + " ---: |" * len(COLUMNS))
    for name, r in reports.items():
        cells = []
        for _, attr in COLUMNS:
            value = getattr(r, attr)
            cells.append("-" if value is None else f"{value:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def leave_one_out(
    data: dict[str, list[Row]], near_miss: list[Row], features: tuple[str, ...], label: str
) -> dict[str, tuple[list[Row], Settings]]:
    """Per held-out FAQ, its rows and the settings fitted on the other five."""
    folds = {}
    for held in data:
        weights = fit({k: v for k, v in data.items() if k != held}, features)
        settings = DEFAULTS._replace(**{label: weights})
        folds[held] = (data[held], settings)
        if held == "mqp":
            folds[NEAR_MISS] = (near_miss, settings)
    return folds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument(
        "--threshold", type=float, default=DEFAULTS.threshold, help="for the tables"
    )
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}; nothing to fit")
        return 0
    words_only = DEFAULTS._replace(semantic_weight=0.0)
    sets = {name: load_set(args.bench, name) for name in SETS}
    near_entries, near_queries = load_set(args.bench, "mqp", "queries-dev-nearmiss.jsonl")
    data = {name: collect(e, q, DEFAULTS) for name, (e, q) in sets.items()}
    near = collect(near_entries, near_queries, DEFAULTS)
    data_words = {name: collect(e, q, words_only) for name, (e, q) in sets.items()}
    near_words = collect(near_entries, near_queries, words_only)

    print(f"FITTED = {fit(data, MEANING)!r}")
    print(f"FITTED_WORDS_ONLY = {fit(data_words, WORDS_ONLY)!r}")

    folds = leave_one_out(data, near, MEANING, "calibration")
    table(
        f"Leave-one-FAQ-out, threshold {args.threshold:g} (fitted on the other five FAQs)",
        {name: measure(rows, s, args.threshold) for name, (rows, s) in folds.items()},
    )
    print("\nThresholds, leave-one-FAQ-out: answer precision / OOS abstained per FAQ\n")
    print("| threshold | " + " | ".join(folds) + " |")
    print("| ---: |" + " --- |" * len(folds))
    for threshold in range(40, 85, 5):
        cells = []
        for rows, s in folds.values():
            r = measure(rows, s, threshold)
            precision = "-" if r.answer_precision is None else f"{r.answer_precision:.2f}"
            cells.append(f"{precision} / {r.oos_abstained:.2f}")
        print(f"| {threshold} | " + " | ".join(cells) + " |")

    words_folds = leave_one_out(data_words, near_words, WORDS_ONLY, "words_calibration")
    table(
        "Leave-one-FAQ-out without word vectors (words-only ranking and weights)",
        {name: measure(rows, s, args.threshold) for name, (rows, s) in words_folds.items()},
    )
    shipped = {**data, NEAR_MISS: near}
    table(
        f"As shipped (the weights in faqcli/engine/settings.py, threshold {DEFAULTS.threshold:g})",
        {name: measure(rows, DEFAULTS, DEFAULTS.threshold) for name, rows in shipped.items()},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
