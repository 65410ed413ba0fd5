"""Start-up time of `faq ask`, as whole processes, against Python's own floor.

Run by hand:  python benchmarks/startup.py [--runs 21] [--faq-bin PATH ...]

Each command runs with its output to a pipe, alternately with the others, several
times; the table shows medians and the ratio to `python -c pass`. Pass several
--faq-bin (the `faq` scripts of different virtual environments, e.g. one with typer
0.20 and one with 0.29) to compare them in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUESTION = "why did the north korean soldier flee?"


# Time what a user's install runs: with bytecode caches (pip writes them; a shell with
# PYTHONDONTWRITEBYTECODE set would recompile faq's modules on every call).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():  # alternate, so drift hits all alike
            start = time.perf_counter()
            subprocess.run(
                argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False, env=ENV
            )
            times[label].append(time.perf_counter() - start)
    return {label: statistics.median(t) for label, t in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("Run by hand")[0].strip(),
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=21, help="rounds (medians shown)")
    parser.add_argument(
        "--faq-bin",
        action="append",
        type=Path,
        default=[],
        help="a `faq` script to time (repeat to compare installs); default: the one on PATH",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="also time the question through the full command line (no fast path)",
    )
    args = parser.parse_args(argv)
    bins = args.faq_bin or [Path(shutil.which("faq") or Path(sys.executable).parent / "faq")]
    commands: dict[str, list[str]] = {"python -c pass": [sys.executable, "-c", "pass"]}
    for faq in bins:
        python = faq.parent / "python"
        version = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('typer'))"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        commands[f"faq ask (typer {version}, {faq})"] = [str(faq), "ask", QUESTION]
        if args.full:
            # The same question through the full command line, without the fast path
            # (faqcli.fast), as every command but a plain question goes.
            full = "import sys; sys.argv[0] = 'faq'; from faqcli.cli import main; main()"
            commands[f"the same, full command line ({faq})"] = [
                str(python), "-c", full, "ask", QUESTION
            ]  # fmt: skip
    medians = measure(commands, args.runs)
    floor = medians["python -c pass"]
    print(f"| command ({args.runs} runs, medians, output to a pipe) | ms | x python -c pass |")
    print("| --- | ---: | ---: |")
    for label, median in medians.items():
        print(f"| {label} | {median * 1000:.1f} | {median / floor:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
