"""Extraction benchmark on the 200 trafilatura evaluation pages (read in place).

1. Publication date accuracy where the corpus has a gold date: Nashra's chosen date
   (``extract_page(...).published``) beside ``htmldate.find_date`` alone, in the same run, on
   the dev half (used to choose the date rules) and the held-out half (reported), split by a
   hash of the file name.
2. Speed: pages/s of ``extract_page`` and of ``trafilatura.extract`` alone on the same pages,
   as a ratio.

    .venv/bin/python bench/bench_extract.py [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import time
import warnings
from pathlib import Path

import htmldate
import trafilatura

from nashra.errors import ExtractError
from nashra.extract import extract_page

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
EVAL = DATA / "extraction" / "trafilatura_eval"


def split_of(name: str) -> str:
    """The fixed dev / held-out split: half the pages by a hash of the file name."""
    return "dev" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "held-out"


def load() -> list[tuple[dict[str, object], bytes]]:
    lines = (EVAL / "sample_groundtruth.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [(row, (EVAL / str(row["html_path"])).read_bytes()) for row in rows]


def dates(pages: list[tuple[dict[str, object], bytes]]) -> None:
    score: dict[str, list[int]] = {}  # split -> [pages with gold, nashra right, htmldate right]
    sources: dict[str, int] = {}
    for row, html in pages:
        gold = row["date"]
        if not gold:
            continue
        try:
            got = extract_page(html, str(row["url"]))
            ours = got.published.date().isoformat() if got.published else None
            sources[str(got.date_source)] = sources.get(str(got.date_source), 0) + 1
        except ExtractError:
            ours = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = htmldate.find_date(html.decode("utf-8", "replace"), url=str(row["url"]))
        s = score.setdefault(split_of(str(row["file"])), [0, 0, 0])
        s[0] += 1
        s[1] += ours == gold
        s[2] += theirs == gold
    print("publication date (day as the page gives it), Nashra vs htmldate.find_date alone:")
    for name in ("dev", "held-out"):
        n, ours_ok, theirs_ok = score.get(name, [0, 0, 0])
        print(
            f"  {name:9s} {n:3d} pages: Nashra {ours_ok}/{n} ({ours_ok / n:.3f}), "
            f"htmldate {theirs_ok}/{n} ({theirs_ok / n:.3f})"
        )
    total = [sum(v[i] for v in score.values()) for i in range(3)]
    print(f"  all       {total[0]:3d} pages: Nashra {total[1]}, htmldate {total[2]}")
    print(f"  Nashra's date sources: {dict(sorted(sources.items()))}")


def speed(pages: list[tuple[dict[str, object], bytes]], rounds: int) -> None:
    def run_ours() -> None:
        for row, html in pages:
            with contextlib.suppress(ExtractError):
                extract_page(html, str(row["url"]))

    def run_trafilatura() -> None:
        for row, html in pages:
            trafilatura.extract(html, url=str(row["url"]), include_comments=False)

    best: dict[str, float] = {}
    for _ in range(rounds):  # alternate so that both see the same machine state
        for name, fn in (("trafilatura.extract", run_trafilatura), ("extract_page", run_ours)):
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    base = len(pages) / best["trafilatura.extract"]
    ours = len(pages) / best["extract_page"]
    print(f"speed on {len(pages)} pages (best of {rounds}):")
    print(f"  trafilatura.extract alone: {base:7.1f} pages/s (baseline)")
    print(f"  nashra extract_page:       {ours:7.1f} pages/s = {ours / base:.2f}x the baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = load()
    dates(pages)
    speed(pages, args.rounds)


if __name__ == "__main__":
    main()
