"""How faq scales: index build, warm `faq ask` (a question it answers, one it does not),
`faq list | head`, `faq show ID`, `faq check` and batch `faq ask -`, per FAQ size.

Run by hand:  python benchmarks/speed.py [--sizes 6,10000,100000,1000000] [--runs 11]

Generates deterministic synthetic FAQs (words drawn Zipf-like from 50,000 made-up
words) in a work folder, then times whole processes with output to a pipe, alternating
commands within each round: `python -c pass`, `faq ask` with an entry's own words
reordered (answered) and with made-up words (not answered), `faq list | head`, `faq
show ID`, a toy Typer + Rich + rapidfuzz `process.extractOne` CLI, and `fzf --filter`
over the questions when fzf is installed. The first `faq ask` builds the persisted
index: its time and peak memory are the build's. Batch `faq ask -` and `faq check`
are timed once each (--batch questions, --check-max entries). Prints two markdown
tables.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

UNANSWERED = "zqxv plorkt wibbleton"  # no word of a generated FAQ
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


def entry_at(faq: Path, number: int) -> dict[str, str]:
    """Entry ``number`` of a generated FAQ (one entry a line), without parsing it all."""
    with faq.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith(('{"id"', ',{"id"')):
                entry: dict[str, str] = json.loads(line.lstrip(","))
                if entry["id"] == f"e{number}":
                    return entry
    raise LookupError(number)


def answered_query(entry: dict[str, str]) -> str:
    """An entry's question words in another order, as a user might ask it."""
    words = entry["question"].rstrip("?").lower().split()
    return " ".join(words[1:] + words[:1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("Run by hand")[0].strip(),
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes", default="6,10000,100000,1000000", help="FAQ sizes, comma-separated (entries)"
    )
    parser.add_argument("--runs", type=int, default=11, help="rounds per size (medians shown)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "faq-speed",
        help="where the FAQs (kept between runs) and the private cache go",
    )
    parser.add_argument(
        "--batch", type=int, default=1000, help="questions for the batch `faq ask -` timing"
    )
    parser.add_argument(
        "--check-max",
        type=int,
        default=10_000,
        help="time `faq check` on FAQs up to this many entries (it ranks every question)",
    )
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
    rows = [measure(size, args, faq_bin, toy, fzf, env) for size in sizes]
    print_tables(rows, floor, args.runs)
    return 0


def measure(
    size: int,
    args: argparse.Namespace,
    faq_bin: str,
    toy: Path,
    fzf: str | None,
    env: dict[str, str],
) -> dict[str, float]:
    """Every timing of one FAQ size (seconds, and peak RSS in KiB)."""
    faq = args.workdir / f"faq-{size}.json"
    if not faq.exists():
        generate(faq, size)
    entry = entry_at(faq, size // 2)
    base = [faq_bin, "--faq", str(faq)]
    answered = [*base, "ask", answered_query(entry)]
    row: dict[str, float] = {"size": size, "mb": faq.stat().st_size / 1e6}
    row["build"], row["build_rss"] = run(answered, env)  # the first run builds the index
    commands = {
        "answered": answered,
        "unanswered": [*base, "ask", UNANSWERED],
        "list": ["sh", "-c", f"{shlex.join([*base, 'list'])} | head -3"],
        "show": [*base, "show", entry["id"]],
        "toy": [sys.executable, str(toy), str(faq), UNANSWERED],
    }
    if fzf:
        questions = _questions(args.workdir, faq, size)
        commands["fzf"] = ["sh", "-c", f'{fzf} --filter "{UNANSWERED}" < {questions} | head -1']
    times: dict[str, list[float]] = {k: [] for k in commands}
    peaks: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(args.runs):
        for label, cmd in commands.items():
            seconds, peak = run(cmd, env)
            times[label].append(seconds)
            peaks[label] = max(peaks[label], peak)
    row.update({label: statistics.median(t) for label, t in times.items()})
    row.update({f"{label}_rss": peaks[label] for label in ("answered", "list", "show")})
    row["batch"] = _batch(faq, size, base, args.batch, env)
    if size <= args.check_max:
        row["check"] = run([*base, "check"], env)[0]
    row["index_mb"] = _index_mb(args.workdir, faq)
    return row


def _questions(workdir: Path, faq: Path, size: int) -> Path:
    questions = workdir / f"questions-{size}.txt"
    if not questions.exists():
        # Line by line (generate writes one entry per line): this process must stay
        # small, or the children forked from it start with its memory and their peak
        # RSS is misread.
        with faq.open(encoding="utf-8") as src, questions.open("w") as out:
            for line in src:
                if line.startswith(('{"id"', ',{"id"')):
                    out.write(json.loads(line.lstrip(","))["question"] + "\n")
    return questions


def _batch(faq: Path, size: int, base: list[str], count: int, env: dict[str, str]) -> float:
    """Questions a second for `faq ask -` over ``count`` questions (entries' own words
    reordered, spread over the FAQ)."""
    numbers = sorted({(i * 7919) % size for i in range(count)})
    wanted = {f"e{n}" for n in numbers}
    lines = []
    with faq.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith(('{"id"', ',{"id"')):
                entry = json.loads(line.lstrip(","))
                if entry["id"] in wanted:
                    lines.append(answered_query(entry))
    text = "\n".join(lines) + "\n"
    start = time.perf_counter()
    subprocess.run([*base, "ask", "-"], input=text, text=True, capture_output=True, env=env)
    return len(lines) / (time.perf_counter() - start)


def _index_mb(workdir: Path, faq: Path) -> float:
    import hashlib

    key = hashlib.sha256(str(faq.resolve()).encode()).hexdigest()[:32]
    path = workdir / "cache" / "faq" / f"{key}.sqlite"
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def print_tables(rows: list[dict[str, float]], floor: float, runs: int) -> None:
    small = rows[0]
    print(f"`python -c pass`: {floor * 1000:.1f} ms (median of {runs}); ratios are to the")
    print(f"{int(small['size']):,}-entry FAQ's own command, measured in the same run.")
    print()
    print(
        "| entries | FAQ MB | index MB (x FAQ) | first run s (peak MB) | `ask` answered ms (x) "
        "| `ask` unanswered ms (x) | `list \\| head` ms (x) | `show` ms (x) | peak MB ask / list "
        "/ show |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        index = f"{r['index_mb']:.1f} ({r['index_mb'] / r['mb']:.2f})" if r["index_mb"] else "-"
        cells = [f"{int(r['size']):,}", f"{r['mb']:.1f}", index]
        cells.append(f"{r['build']:.2f} ({r['build_rss'] / 1024:.0f})")
        for key in ("answered", "unanswered", "list", "show"):
            cells.append(f"{r[key] * 1000:.0f} ({r[key] / small[key]:.2f})")
        peaks = " / ".join(f"{r[f'{k}_rss'] / 1024:.0f}" for k in ("answered", "list", "show"))
        cells.append(peaks)
        print("| " + " | ".join(cells) + " |")
    print()
    print("| entries | batch `ask -` questions/s | `check` s | toy extractOne CLI ms | fzf ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        check = f"{r['check']:.1f}" if "check" in r else "-"
        fzf = f"{r['fzf'] * 1000:.0f}" if "fzf" in r else "not installed"
        print(
            f"| {int(r['size']):,} | {r['batch']:.0f} | {check} | {r['toy'] * 1000:.0f} | {fzf} |"
        )


if __name__ == "__main__":
    sys.exit(main())
