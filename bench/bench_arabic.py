"""Arabic layer figures: ANT <TIME> fields parsed, and normalize+tokenize throughput.

    .venv/bin/python bench/bench_arabic.py            (run by ``make bench``)

1. The ``<TIME>`` field of every ANT article (JawharaFM, 10,161 files): the share ``parse_date``
   reads, by format, and how often the parsed day equals the date in the file's DOCNO
   (``JA-<category>-<n>-YYYYMMDD``, in 494 files ``DDMMYYYY``), an independent check that the
   day-first reading of ``01/07/2016`` is right. Split: files in even positions of the sorted
   path list were looked at while writing the parser (dev); odd positions are held out.
2. ``tokenize(normalize(body))`` over SaudiNewsNet bodies in MB/s (UTF-8 bytes), beside a
   baseline measured in the same run on the same bodies: ``str.split`` (the floor of any
   tokenizer) and a plain regex pass (punctuation to spaces, then split). Reported as ratios.

Data is read in place from ../shared/data (never copied).
"""

from __future__ import annotations

import glob
import json
import re
import sys
import time
import zipfile
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from nashra.arabic import normalize, tokenize
from nashra.arabic.dates import parse_date

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
ANT = DATA / "corpora" / "ant_v1.1_jawharafm"
SNN = DATA / "corpora" / "saudinewsnet" / "dataset"

_TIME = re.compile(r"<TIME>(.*?)</TIME>", re.S)
_DOCNO = re.compile(r"<DOCNO>JA-\w+-\d+-(\d{8})</DOCNO>")


def _docno_day(raw: str) -> str | None:
    """The DOCNO's date as YYYYMMDD (written YYYYMMDD or DDMMYYYY), or None."""
    m = _DOCNO.search(raw)
    if m is None:
        return None
    digits = m.group(1)
    for fmt in ("%Y%m%d", "%d%m%Y"):
        try:
            return datetime.strptime(digits, fmt).strftime("%Y%m%d")
        except ValueError:
            continue
    return None


def _shape(value: str) -> str:
    return re.sub(r"\d", "9", value)


def bench_ant() -> None:
    files = sorted(ANT.glob("*/*.txt"))
    stats: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for position, path in enumerate(files):
        raw = path.read_text("utf-8")
        time_m = _TIME.search(raw)
        value = time_m.group(1).strip() if time_m else ""
        docno_day = _docno_day(raw)
        key = ("dev" if position % 2 == 0 else "held-out", _shape(value))
        stats[key]["n"] += 1
        stats[key]["with_docno"] += docno_day is not None
        when = parse_date(value)
        if when is not None:
            stats[key]["parsed"] += 1
            stats[key]["docno_day"] += when.strftime("%Y%m%d") == docno_day
    print(f"ANT <TIME>: {len(files)} files")
    print(f"{'split':9} {'format':28} {'n':>6} {'parsed':>8} {'= DOCNO day':>12}  (of dated)")
    for split in ("dev", "held-out"):
        total: Counter[str] = Counter()
        for (s, shape), c in sorted(stats.items(), key=lambda kv: -kv[1]["n"]):
            if s != split:
                continue
            total.update(c)
            print(
                f"{split:9} {shape:28} {c['n']:6d} {c['parsed'] / c['n']:8.2%} "
                f"{c['docno_day'] / max(c['with_docno'], 1):12.2%}  ({c['with_docno']})"
            )
        print(
            f"{split:9} {'ALL':28} {total['n']:6d} {total['parsed'] / total['n']:8.2%} "
            f"{total['docno_day'] / max(total['with_docno'], 1):12.2%}  ({total['with_docno']})"
        )


def _bodies(limit_bytes: int) -> list[str]:
    bodies: list[str] = []
    size = 0
    for name in sorted(glob.glob(str(SNN / "*.zip"))):
        with zipfile.ZipFile(name) as z:
            for member in z.namelist():
                for article in json.loads(z.read(member)):
                    body = article.get("content") or ""
                    bodies.append(body)
                    size += len(body.encode("utf-8"))
                    if size >= limit_bytes:
                        return bodies
    return bodies


_BASELINE_PUNCT = re.compile(r"[^\w\s]+")


def _baseline_regex(text: str) -> list[str]:
    return _BASELINE_PUNCT.sub(" ", text).split()


def _rate(fn: object, bodies: list[str], megabytes: float, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for body in bodies:
            fn(body)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return megabytes / best


def bench_throughput(limit_mb: float) -> None:
    bodies = _bodies(int(limit_mb * 1e6))
    mb = sum(len(b.encode("utf-8")) for b in bodies) / 1e6
    split_rate = _rate(str.split, bodies, mb)
    regex_rate = _rate(_baseline_regex, bodies, mb)
    ours_rate = _rate(tokenize, bodies, mb)
    norm_rate = _rate(normalize, bodies, mb)
    print(f"\nSaudiNewsNet bodies: {len(bodies)} articles, {mb:.1f} MB UTF-8 (best of 3)")
    print(f"  str.split                  {split_rate:7.1f} MB/s   (baseline floor)")
    print(f"  regex punct→space + split  {regex_rate:7.1f} MB/s   (baseline)")
    print(f"  normalize                  {norm_rate:7.1f} MB/s")
    print(
        f"  tokenize (normalize+split) {ours_rate:7.1f} MB/s   "
        f"= {ours_rate / regex_rate:.2f}x regex baseline, {ours_rate / split_rate:.2f}x str.split"
    )


if __name__ == "__main__":
    bench_ant()
    bench_throughput(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
