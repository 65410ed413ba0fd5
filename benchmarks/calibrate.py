"""Fit faq's confidence (``Settings.calibration``) and check it leave-one-FAQ-out.

Run by hand:  pip install -e ".[bench]" && python benchmarks/calibrate.py [--bench DIR]

For every dev query of the seven benchmark FAQs the engine ranks the entries and reports
its evidence for the top one (``faqcli.engine.assess``). A logistic regression learns
the chance that the top entry is the right answer (an out-of-scope query has none)
from that evidence, the FAQs pooled, each weighing the same whatever its number of
queries: one set of weights for every FAQ.

The dev sets hold few questions that keep an entry's frame and ask about something
else ("could more floods happen soon"), so the fit also sees contrast questions made
from each FAQ's own queries and questions (``contrast.py``: the subject swapped for an
unrelated noun; none is answered by the FAQ), each FAQ's together weighing
``CONTRAST_WEIGHT`` of its dev queries: enough to teach, not enough to make faq refuse
everything. They are made with one half of the noun list for the fit and measured with
the other half.

The script prints

1. the weights fitted on all seven, to paste into ``faqcli/engine/settings.py``
   (``FITTED``), and the same without meaning (``FITTED_WORDS_ONLY``, for when the word
   vectors are missing, fitted on the words-only ranking);
2. the leave-one-FAQ-out table: for each FAQ, the weights fitted on the other six and
   measured on it (and on mqp's near-miss queries with mqp's fold), with the share of
   its contrast questions refused. This is the honest estimate of how the score behaves
   on a FAQ it was never fitted on;
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

from contrast import FIT, MEASURE, contrast_queries
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

MEANING = (
    "words", "meaning", "topic", "lead", "twin", "letters", "unexplained", "explained", "passage",
    "missing",
)  # fmt: skip
WORDS_ONLY = ("words", "lead", "twin", "letters", "unexplained", "explained", "passage", "missing")
AGAINST = {"twin", "unexplained", "missing"}  # evidence against the answer: its weight is at most 0
CONTRAST_WEIGHT = 0.1  # each FAQ's contrast questions weigh this much of its dev queries


class Row(NamedTuple):
    """One labelled query: what the engine ranked, and its evidence (None: nothing ranked)."""

    query: LabelledQuery
    ids: list[str]
    evidence: Evidence | None

    @property
    def right(self) -> bool:
        return bool(self.ids) and self.ids[0] == self.query.expected


class FaqRows(NamedTuple):
    """One FAQ's rows: its dev queries, and contrast questions to fit and to measure."""

    dev: list[Row]
    contrast_fit: list[Row]
    contrast_measure: list[Row]


def collect(entries: Sequence[Entry], queries: list[LabelledQuery], settings: Settings) -> FaqRows:
    index = MemoryIndex(entries, settings)

    def rows(labelled: list[LabelledQuery]) -> list[Row]:
        out = []
        for q in labelled:
            found = assess(index, q.query, 10)
            if found is None:
                out.append(Row(q, [], None))
            else:
                out.append(Row(q, [e.id for e, _ in found.ranked], found.evidence))
        return out

    return FaqRows(
        rows(queries),
        rows(contrast_queries(index, entries, queries, FIT)),
        rows(contrast_queries(index, entries, queries, MEASURE)),
    )


def fit(data: dict[str, FaqRows], features: tuple[str, ...]) -> Weights:
    """Logistic regression on the rows with every feature known, each FAQ's dev queries
    weighing the same and its contrast questions ``CONTRAST_WEIGHT`` of that,
    unregularised. Each weight is held to the sign its evidence must have (more matching
    words, meaning, topic, lead, letters, explained words or passage never lowers the
    score; a closer twin or a word left unexplained never raises it), so that
    ``faq ask --explain`` never shows a match counting against an answer because two
    pieces of evidence overlap."""
    import numpy as np
    from scipy.optimize import minimize

    x, y, w = [], [], []
    for faq in data.values():
        for rows, weight in ((faq.dev, 1.0), (faq.contrast_fit, CONTRAST_WEIGHT)):
            usable = [r for r in rows if r.evidence is not None and _known(r.evidence, features)]
            for r in usable:
                assert r.evidence is not None
                x.append([getattr(r.evidence, f) for f in features])
                y.append(float(r.right))
                w.append(weight / len(rows))
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


def scores(rows: list[Row], settings: Settings) -> list[float]:
    return [round(100 * probability(r.evidence, settings), 1) if r.evidence else 0.0 for r in rows]


def measure(rows: list[Row], settings: Settings, threshold: float) -> Report:
    """faq eval's metrics for rows scored with ``settings``' weights."""
    return report(
        ((r.query, r.ids, s) for r, s in zip(rows, scores(rows, settings), strict=True)),
        threshold,
    )


def refused(rows: list[Row], settings: Settings, threshold: float) -> float | None:
    """The share of ``rows`` (contrast questions: none is answerable) not answered."""
    if not rows:
        return None
    return sum(s < threshold for s in scores(rows, settings)) / len(rows)


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


class Fold(NamedTuple):
    rows: list[Row]
    contrast: list[Row]  # contrast questions to measure ([] for the near-miss queries)
    settings: Settings


def table(title: str, folds: dict[str, Fold], threshold: float) -> None:
    print(f"\n{title}\n")
    print("| FAQ | " + " | ".join(label for label, _ in COLUMNS) + " | contrast refused |")
    print("| --- |" + " ---: |" * (len(COLUMNS) + 1))
    for name, fold in folds.items():
        r = measure(fold.rows, fold.settings, threshold)
        cells = []
        for _, attr in COLUMNS:
            value = getattr(r, attr)
            cells.append("-" if value is None else f"{value:.3f}")
        swaps = refused(fold.contrast, fold.settings, threshold)
        cells.append("-" if swaps is None else f"{swaps:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def leave_one_out(
    data: dict[str, FaqRows], near_miss: list[Row], features: tuple[str, ...], label: str
) -> dict[str, Fold]:
    """Per held-out FAQ, its rows and the settings fitted on the other six."""
    folds = {}
    for held in data:
        weights = fit({k: v for k, v in data.items() if k != held}, features)
        settings = DEFAULTS._replace(**{label: weights})
        folds[held] = Fold(data[held].dev, data[held].contrast_measure, settings)
        if held == "mqp":
            folds[NEAR_MISS] = Fold(near_miss, [], settings)
    return folds


def thresholds(folds: dict[str, Fold]) -> None:
    print("\nThresholds, leave-one-FAQ-out: answer precision / OOS abstained / contrast refused\n")
    print("| threshold | " + " | ".join(folds) + " |")
    print("| ---: |" + " --- |" * len(folds))
    for threshold in range(40, 85, 5):
        cells = []
        for fold in folds.values():
            r = measure(fold.rows, fold.settings, threshold)
            precision = "-" if r.answer_precision is None else f"{r.answer_precision:.2f}"
            swaps = refused(fold.contrast, fold.settings, threshold)
            contrast = "-" if swaps is None else f"{swaps:.2f}"
            cells.append(f"{precision} / {r.oos_abstained:.2f} / {contrast}")
        print(f"| {threshold} | " + " | ".join(cells) + " |")


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
    near = collect(near_entries, near_queries, DEFAULTS).dev
    data_words = {name: collect(e, q, words_only) for name, (e, q) in sets.items()}
    near_words = collect(near_entries, near_queries, words_only).dev

    print(f"FITTED = {fit(data, MEANING)!r}")
    print(f"FITTED_WORDS_ONLY = {fit(data_words, WORDS_ONLY)!r}")

    folds = leave_one_out(data, near, MEANING, "calibration")
    table(
        f"Leave-one-FAQ-out, threshold {args.threshold:g} (fitted on the other six FAQs)",
        folds,
        args.threshold,
    )
    thresholds(folds)
    words_folds = leave_one_out(data_words, near_words, WORDS_ONLY, "words_calibration")
    table(
        "Leave-one-FAQ-out without word vectors (words-only ranking and weights)",
        words_folds,
        args.threshold,
    )
    shipped = {name: Fold(rows.dev, rows.contrast_measure, DEFAULTS) for name, rows in data.items()}
    shipped[NEAR_MISS] = Fold(near, [], DEFAULTS)
    table(
        f"As shipped (the weights in faqcli/engine/settings.py, threshold {DEFAULTS.threshold:g})",
        shipped,
        DEFAULTS.threshold,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
