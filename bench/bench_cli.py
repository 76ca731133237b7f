"""Start-up of the command line: ``nashra --help`` against ``python -c pass``, same run.

    .venv/bin/python bench/bench_cli.py [--rounds 15]

Each command runs in a fresh interpreter (what a user's shell does), ``--rounds`` times,
interleaved with the baseline so both see the same machine load. Printed: p50 and p95 wall time
of each, and the ratio of the medians. ``--help`` of a subcommand (``nashra outbox --help``) and
``nashra --version`` too: none of them may import the pipeline (``nashra.cli._app``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NASHRA = [sys.executable, "-m", "nashra"]
CASES = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "nashra --help": [*NASHRA, "--help"],
    "nashra outbox --help": [*NASHRA, "outbox", "--help"],
    "nashra --version": [*NASHRA, "--version"],
    "import nashra.runner (what --help used to load)": [
        sys.executable,
        "-c",
        "import nashra.runner",
    ],
}


def once(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="5 rounds")
    args = ap.parse_args()
    rounds = 5 if args.quick else args.rounds
    times: dict[str, list[float]] = {k: [] for k in CASES}
    for cmd in CASES.values():  # warm the file cache once
        once(cmd)
    for _ in range(rounds):
        for name, cmd in CASES.items():
            times[name].append(once(cmd))
    base = statistics.median(times["python -c pass (baseline)"])
    print(f"{'command':50} {'p50 ms':>8} {'p95 ms':>8} {'× baseline':>11}")
    for name, ts in times.items():
        ts.sort()
        p50 = statistics.median(ts)
        p95 = ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))]
        print(f"{name:50} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p50 / base:11.1f}")


if __name__ == "__main__":
    main()
