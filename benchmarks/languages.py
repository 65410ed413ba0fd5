"""faq on FAQs not in English: the Spanish and German sets in benchmarks/lang/.

Run by hand:  pip install -e ".[bench]" && python benchmarks/languages.py

For each set, faq's engine against BM25 on the questions with that language's Snowball
stemmer and no stopword list (``quality.bm25``), on the same labelled questions: hit@1
and MRR@10 on the in-scope ones, and, for faq at its default threshold, answered right
/ wrong, out of scope abstained, and how often a score of 90 or more is wrong. Also the
two questions of issue 24 on a four-entry Spanish FAQ. Prints markdown tables.

The sets were written by hand for this project (see benchmarks/lang/README.md). Each
is measured twice: read as English (as faq reads a FAQ with no "language"), and as the
FAQ's "language" says (its stemmer and function words, no English word vectors or
frequencies, the words-only calibration).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from faqcli import store
from faqcli.engine import DEFAULTS, MemoryIndex
from faqcli.evaluate import evaluate, parse_queries
from faqcli.model import Entry
from faqcli.operations import ask
from quality import bm25, reference_scores  # benchmarks/quality.py, beside this one

HERE = Path(__file__).resolve().parent / "lang"
STEMMERS = {"es": "spanish", "de": "german"}


def load(code: str) -> tuple[Sequence[Entry], list]:  # type: ignore[type-arg]
    doc = json.loads((HERE / code / "faq.json").read_text("utf-8"))
    faq = store.from_document(doc, f"{code}/faq.json")
    ids = {e.id for e in faq.entries}
    path = HERE / code / "queries.jsonl"
    return faq.entries, parse_queries(path.read_text("utf-8"), str(path), ids)


def main() -> int:
    if not HERE.is_dir():
        print(f"no sets at {HERE}")
        return 0
    rows = []
    for code, language in STEMMERS.items():
        entries, queries = load(code)
        bm_hit1, bm_mrr, _ = reference_scores(bm25(stem=True, language=language), entries,
                                              queries)  # fmt: skip
        n = sum(q.expected is not None for q in queries)  # in scope
        for read_as in (None, code):  # as English (no "language"), then as the FAQ says
            index = MemoryIndex(entries, language=read_as)
            metrics = evaluate(index, queries, DEFAULTS.threshold).metrics()
            rows.append((
                code, read_as or "en (no language)", n, len(queries) - n, metrics["hit@1"],
                bm_hit1, metrics["mrr@10"], bm_mrr, metrics["answered_correct"],
                metrics["answered_wrong"], metrics["oos_abstained"], metrics["wrong_at_90"],
                metrics["ece"],
            ))  # fmt: skip
    print("| set | read as | in scope | out of scope | hit@1 faq | hit@1 BM25 (its stemmer) "
          "| MRR@10 faq | MRR@10 BM25 | answered right | answered wrong | OOS abstained "
          "| wrong at 90 | ECE |")  # fmt: skip
    print("| --- " * 13 + "|")
    for row in rows:
        cells = [str(c) if isinstance(c, (str, int)) else "-" if c is None else f"{c:.3f}"
                 for c in row]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    four = [
        Entry("envio", "¿Cuánto tarda el envío de un pedido?", "De 2 a 3 días laborables."),
        Entry("horario", "¿Cuál es el horario de atención?", "De lunes a viernes, de 9 a 18 h."),
        Entry("devolucion", "¿Cómo devuelvo un producto?", "Desde tu cuenta, en 30 días."),
        Entry("pago", "¿Qué formas de pago aceptan?", "Tarjeta, transferencia y PayPal."),
    ]
    print("\n| question (four-entry Spanish FAQ) | read as | top entry | score | answered |")
    print("| --- | --- | --- | --- | --- |")
    for read_as in (None, "es"):
        index = MemoryIndex(four, language=read_as)
        for question in ("cuánto tardan los envíos", "horarios de atención al cliente"):
            found = ask(index, question)
            top = found.matches[0] if found.matches else None
            name, score = (top.entry.id, f"{top.score:.0f}") if top else ("-", "-")
            answered = "yes" if found.confident else "no"
            print(f"| {question} | {read_as or 'en'} | {name} | {score} | {answered} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
