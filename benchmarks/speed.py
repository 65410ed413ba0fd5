"""How `faq ask` scales: first run (index build), warm medians and peak memory per FAQ size.

Run by hand:  python benchmarks/speed.py [--sizes 6,10000,100000,1000000] [--runs 11]

Generates deterministic synthetic FAQs (words drawn Zipf-like from 50,000 made-up
words) in a work folder, then times whole processes with output to a pipe, alternating
commands within each round: `python -c pass`, `faq ask` (cache in a private folder),
a toy Typer + Rich + rapidfuzz `process.extractOne` CLI, and `fzf --filter` over the
questions when fzf is installed. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

QUERY = "how do I reset my password after the update"
SYLLABLES = (
    "ka lo mi ne ru sa te vo bi da fe gu hi jo ki lu ma no pe qu ri so tu va we xi yo zu".split()
)
TOY = """
import json, sys
import typer
from rapidfuzz import process
from rich.console import Console

def main(faq: str, question: str) -> None:
    entries = json.load(open(faq, encoding="utf-8"))["entries"]
    best = process.extractOne(question, [e["question"] for e in entries])
    Console().print(entries[best[2]]["answer"])

typer.run(main)
"""


def vocabulary(n: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))))
    return sorted(words)


def generate(path: Path, size: int, seed: int = 42) -> None:
    """A FAQ of ``size`` entries; the same file for the same size and seed."""
    rng = random.Random(seed)
    words = vocabulary(50_000, rng)
    common = "how do i what is the can my to a of in for and where why".split()
    words = common + words
    cum = list(accumulate(1 / (rank + 1) for rank in range(len(words))))  # Zipf, s = 1

    def sentence(k: int) -> str:
        picks = [bisect.bisect(cum, rng.random() * cum[-1]) for _ in range(k)]
        return " ".join(words[min(p, len(words) - 1)] for p in picks)

    with path.open("w", encoding="utf-8") as f:
        f.write('{"title": "synthetic", "entries": [\n')
        for i in range(size):
            entry = {
                "id": f"e{i}",
                "question": sentence(rng.randint(4, 10)).capitalize() + "?",
                "answer": sentence(rng.randint(15, 60)) + ".",
            }
            f.write(("," if i else "") + json.dumps(entry) + "\n")
        f.write("]}\n")


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one process, output to a pipe."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    proc.stdout.read()  # type: ignore[union-attr]
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="6,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "faq-speed")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    faq_bin = shutil.which("faq") or str(Path(sys.executable).parent / "faq")
    toy = args.workdir / "toy.py"
    toy.write_text(TOY)
    fzf = shutil.which("fzf")
    # A user's install has bytecode caches: do not let PYTHONDONTWRITEBYTECODE hide them.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(args.workdir / "cache")
    shutil.rmtree(args.workdir / "cache", ignore_errors=True)

    floor = statistics.median(run([sys.executable, "-c", "pass"], env)[0] for _ in range(args.runs))
    rows = []
    small_warm: float | None = None
    for size in sizes:
        faq = args.workdir / f"faq-{size}.json"
        if not faq.exists():
            generate(faq, size)
        ask = [faq_bin, "--faq", str(faq), "ask", QUERY]
        first, first_rss = run(ask, env)
        commands = {"faq": ask, "toy": [sys.executable, str(toy), str(faq), QUERY]}
        if fzf:
            questions = args.workdir / f"questions-{size}.txt"
            if not questions.exists():
                # Line by line (generate writes one entry per line): this process must
                # stay small, or the children forked from it start with its memory and
                # their peak RSS is misread.
                with faq.open(encoding="utf-8") as src, questions.open("w") as out:
                    for line in src:
                        if line.startswith(('{"id"', ',{"id"')):
                            out.write(json.loads(line.lstrip(","))["question"] + "\n")
            commands["fzf"] = ["sh", "-c", f'{fzf} --filter "{QUERY}" < {questions} | head -1']
        times: dict[str, list[float]] = {k: [] for k in commands}
        rss: list[int] = []
        for _ in range(args.runs):
            for label, cmd in commands.items():
                seconds, peak = run(cmd, env)
                times[label].append(seconds)
                if label == "faq":
                    rss.append(peak)
        warm = statistics.median(times["faq"])
        small_warm = small_warm or warm
        rows.append(
            (
                size,
                faq.stat().st_size / 1e6,
                first,
                first_rss,
                warm,
                max(rss),
                statistics.median(times["toy"]),
                statistics.median(times["fzf"]) if fzf else None,
            )
        )

    print(f"`python -c pass`: {floor * 1000:.1f} ms (median of {args.runs})")
    print()
    print(
        "| entries | FAQ MB | first run s (peak MB) | warm `faq ask` ms | x python | "
        "x smallest FAQ | warm peak RSS MB | toy extractOne CLI ms | fzf --filter ms |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, mb, first, first_rss, warm, peak, toy_ms, fzf_ms in rows:
        fzf_cell = f"{fzf_ms * 1000:.0f}" if fzf_ms is not None else "not installed"
        print(
            f"| {size:,} | {mb:.1f} | {first:.2f} ({first_rss / 1024:.0f}) | {warm * 1000:.0f} | "
            f"{warm / floor:.1f} | {warm / (small_warm or warm):.2f} | {peak / 1024:.0f} | "
            f"{toy_ms * 1000:.0f} | {fzf_cell} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
