"""Match quality of faq's engine against standard rankers, on the labelled dev sets.

Run by hand:  pip install -e ".[bench]" && python benchmarks/quality.py [--bench DIR]

Prints one markdown table: hit@1, MRR@10 and the share of out-of-scope queries
abstained, per ranker and data set. The reference rankers never abstain. The data is
read from ../shared/bench (never copied into the project); without it the script says
so and exits 0.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from faqcli import store
from faqcli.engine import DEFAULTS, MemoryIndex
from faqcli.evaluate import LabelledQuery, evaluate, parse_queries
from faqcli.model import Entry

SETS = ("seed", "stackfaq", "covidfaq", "clinc150", "mqp", "powerplay11", "curekart")
NEAR_MISS = "mqp near-miss"  # mqp's in-scope queries with near-miss rewrites as out of scope
DEFAULT_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"

# A ranker takes the entries and returns a function from query to ranked entry ids.
Ranker = Callable[[Sequence[Entry]], Callable[[str], list[str]]]


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def extract_one(entries: Sequence[Entry]) -> Callable[[str], list[str]]:
    from rapidfuzz import process

    questions = [e.question for e in entries]

    def ranked(query: str) -> list[str]:
        hits = process.extract(query, questions, limit=10)
        return [entries[i].id for _, _, i in hits]

    return ranked


def token_set(entries: Sequence[Entry]) -> Callable[[str], list[str]]:
    from rapidfuzz import fuzz, process, utils

    questions = [e.question for e in entries]

    def ranked(query: str) -> list[str]:
        hits = process.extract(
            query, questions, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=10
        )
        return [entries[i].id for _, _, i in hits]

    return ranked


def sequence_matcher(entries: Sequence[Entry]) -> Callable[[str], list[str]]:
    def ranked(query: str) -> list[str]:
        scores = [
            difflib.SequenceMatcher(None, query.lower(), e.question.lower()).ratio()
            for e in entries
        ]
        order = sorted(range(len(entries)), key=lambda i: -scores[i])
        return [entries[i].id for i in order[:10]]

    return ranked


def bm25(stem: bool, language: str = "english") -> Ranker:
    """BM25 on the questions; with ``stem``, words stemmed by ``language``'s Snowball
    stemmer, English stopwords removed for English (no list for the others)."""

    def build(entries: Sequence[Entry]) -> Callable[[str], list[str]]:
        import Stemmer
        from rank_bm25 import BM25Okapi

        stemmer = Stemmer.Stemmer(language)
        stopwords: frozenset[str] = frozenset()
        if language == "english":
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

            stopwords = ENGLISH_STOP_WORDS

        def analyse(text: str) -> list[str]:
            words = _tokens(text)
            if stem:
                words = [stemmer.stemWord(w) for w in words if w not in stopwords]
            return words

        model = BM25Okapi([analyse(e.question) or ["_"] for e in entries])

        def ranked(query: str) -> list[str]:
            scores = model.get_scores(analyse(query))
            order = sorted(range(len(entries)), key=lambda i: -scores[i])
            return [entries[i].id for i in order[:10]]

        return ranked

    return build


def tfidf(analyzer: str, with_answer: bool) -> Ranker:
    def build(entries: Sequence[Entry]) -> Callable[[str], list[str]]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        ngrams = (3, 5) if analyzer == "char_wb" else (1, 1)
        vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True)
        docs = [e.question + (" " + e.answer if with_answer else "") for e in entries]
        matrix = vectorizer.fit_transform(docs)

        def ranked(query: str) -> list[str]:
            scores = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
            order = sorted(range(len(entries)), key=lambda i: -scores[i])
            return [entries[i].id for i in order[:10]]

        return ranked

    return build


REFERENCES: dict[str, Ranker] = {
    "rapidfuzz extractOne defaults (WRatio)": extract_one,
    "rapidfuzz token_set_ratio + default_process": token_set,
    "difflib SequenceMatcher": sequence_matcher,
    "BM25 stemmed, stopwords removed, question": bm25(stem=True),
    "BM25 no stemming, question": bm25(stem=False),
    "TF-IDF words, question + answer": tfidf("word", with_answer=True),
    "TF-IDF char 3-5, question": tfidf("char_wb", with_answer=False),
    "TF-IDF char 3-5, question + answer": tfidf("char_wb", with_answer=True),
}


def reference_scores(ranker: Ranker, entries: Sequence[Entry], queries: Sequence[LabelledQuery]):
    ranked = ranker(entries)
    in_scope = [q for q in queries if q.expected is not None]
    hit1 = rr = 0.0
    for q in in_scope:
        ids = ranked(q.query)
        if ids and ids[0] == q.expected:
            hit1 += 1
        if q.expected in ids:
            rr += 1 / (ids.index(q.expected) + 1)
    n = len(in_scope) or 1
    return hit1 / n, rr / n, 0.0  # never abstains


def load_set(
    bench: Path, name: str, queries: str = "queries-dev.jsonl"
) -> tuple[Sequence[Entry], list[LabelledQuery]]:
    faq_path = store.bundled_path() if name == "seed" else bench / name / "faq.json"
    faq = store.load(faq_path)
    queries_path = bench / name / queries
    ids = {e.id for e in faq.entries}
    return faq.entries, parse_queries(queries_path.read_text("utf-8"), str(queries_path), ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--no-references", action="store_true", help="only faq's engine")
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark data at {args.bench}; nothing to measure")
        return 0
    data = {name: load_set(args.bench, name) for name in SETS}
    header = "| ranker | " + " | ".join(f"{s} hit@1 / MRR@10 / OOS abst." for s in SETS) + " |"
    print(header)
    print("|" + " --- |" * (len(SETS) + 1))
    cells = []
    for name in SETS:
        entries, queries = data[name]
        r = evaluate(MemoryIndex(entries), queries, DEFAULTS.threshold)
        cells.append(f"**{r.hit1:.3f}** / {r.mrr10:.3f} / {r.oos_abstained:.2f}")
    print(f"| **faq (default settings)** | {' | '.join(cells)} |")
    if not args.no_references:
        for label, ranker in REFERENCES.items():
            cells = []
            for name in SETS:
                entries, queries = data[name]
                hit1, mrr, abst = reference_scores(ranker, entries, queries)
                cells.append(f"{hit1:.3f} / {mrr:.3f} / {abst:.2f}")
            print(f"| {label} | {' | '.join(cells)} |")
    answered = []
    for name in SETS:
        entries, queries = data[name]
        r = evaluate(MemoryIndex(entries), queries, DEFAULTS.threshold)
        answered.append(
            f"{name}: answered correct {r.answered_correct:.3f}, wrong {r.answered_wrong:.3f}, "
            f"abstained {r.abstained_in_scope:.3f}"
        )
    print()
    print(f"faq at threshold {DEFAULTS.threshold:g} (in-scope queries): " + "; ".join(answered))
    return 0


if __name__ == "__main__":
    sys.exit(main())
