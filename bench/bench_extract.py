"""Extraction benchmark on the evaluation pages (read in place): fundus's 258 and trafilatura's
200 (``tests/eval/extraction_sets.py``).

1. Speed: pages/s of ``extract_page`` and of ``trafilatura.extract`` alone on the same pages,
   alternated round by round, best of N CPU times (``time.process_time``: the machine is
   shared, wall time swings with other processes), as a ratio (the goal: at least 0.8x).
2. Quality (``--quality``): the gate's figures, Nashra beside trafilatura alone, on the tuning
   and held-back halves (the same as ``python -m tests.eval.extraction_sets``).

    .venv/bin/python bench/bench_extract.py [--rounds N] [--quality]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.eval.extraction_sets import Case, all_cases, evaluate, print_report  # noqa: E402

from nashra.errors import ExtractError, Rejected  # noqa: E402
from nashra.extract import extract_page  # noqa: E402


def speed(cases: list[Case], rounds: int) -> float:
    def run_ours() -> None:
        for c in cases:
            with contextlib.suppress(ExtractError, Rejected):
                extract_page(c.html, c.url)

    def run_trafilatura() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for c in cases:
                trafilatura.extract(c.html, url=c.url, include_comments=False)

    best: dict[str, float] = {}
    for _ in range(rounds):  # alternate so that both see the same machine state
        for name, fn in (("trafilatura.extract", run_trafilatura), ("extract_page", run_ours)):
            start = time.process_time()  # CPU time: other processes on the machine do not count
            fn()
            elapsed = time.process_time() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    base = len(cases) / best["trafilatura.extract"]
    ours = len(cases) / best["extract_page"]
    print(f"speed on {len(cases)} pages (best of {rounds}, CPU time):")
    print(f"  trafilatura.extract alone: {base:7.1f} pages/s (baseline)")
    print(f"  nashra extract_page:       {ours:7.1f} pages/s = {ours / base:.2f}x the baseline")
    return ours / base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quality", action="store_true")
    args = parser.parse_args()
    cases = all_cases()
    if args.quality:
        print_report(evaluate(cases))
    speed(cases, args.rounds)


if __name__ == "__main__":
    main()
