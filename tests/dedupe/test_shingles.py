"""Shingles and MinHash signatures: estimates track exact Jaccard, and are stable across
processes (the index in the database must mean the same after a restart)."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np

from nashra.dedupe.index import BANDS, band_keys
from nashra.dedupe.shingles import NUM_PERM, estimate, jaccard, shingles, signature

WORDS = [
    "الحكومة",
    "وزير",
    "الخارجية",
    "بغداد",
    "دمشق",
    "واشنطن",
    "التنظيم",
    "الحدود",
    "تقرير",
    "مسؤول",
    "الأمن",
    "هجوم",
    "الرئيس",
    "المنطقة",
    "سوريا",
    "العراق",
    "الولايات",
    "المتحدة",
    "التعاون",
    "مواجهة",
    "خطر",
    "الجيش",
    "القوات",
    "الاتفاق",
    "مجلس",
    "الاقتصاد",
    "النفط",
    "الأسعار",
    "السوق",
    "البنك",
    "المركزي",
    "التضخم",
    "الموسم",
    "المباراة",
    "الفريق",
    "المدرب",
    "الدوري",
]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(n))


def test_folding_happens_before_shingling() -> None:
    a = shingles("إِنَّ «الحـــلّ» في بغداد، اليوم!")
    b = shingles("ان الحل في بغداد اليوم")
    assert np.array_equal(a, b)


def test_short_texts() -> None:
    assert len(shingles("")) == 0
    assert len(shingles("كلمة")) == 1
    assert len(shingles("كلمتان فقط")) == 1
    assert len(shingles("ثلاث كلمات هنا")) == 1


def test_estimate_tracks_exact_jaccard() -> None:
    rng = random.Random(5)
    base = _text(rng, 300).split()
    for keep in (0.95, 0.8, 0.6, 0.4):
        other = [w if rng.random() < keep else rng.choice(WORDS) for w in base]
        a, b = shingles(" ".join(base)), shingles(" ".join(other))
        exact = jaccard(a, b)
        est = estimate(signature(a), signature(b))
        assert abs(exact - est) < 0.12, (keep, exact, est)


def test_unrelated_texts_share_almost_no_slots() -> None:
    # The trap of a weak hash family: correlated permutations make unrelated texts look alike.
    rng = random.Random(9)
    for _ in range(20):
        a, b = shingles(_text(rng, 200)), shingles(_text(rng, 200))
        assert jaccard(a, b) < 0.02
        assert estimate(signature(a), signature(b)) < 0.06


def test_identical_texts_share_every_band() -> None:
    s = signature(shingles(_text(random.Random(1), 100)))
    assert len(s) == NUM_PERM
    assert band_keys(s) == band_keys(s.copy())
    assert len(set(band_keys(s))) == BANDS


def test_signatures_are_the_same_in_another_process() -> None:
    text = _text(random.Random(2), 80)
    here = band_keys(signature(shingles(text)))
    code = (
        "import json,sys;from nashra.dedupe.shingles import shingles,signature;"
        "from nashra.dedupe.index import band_keys;"
        "print(json.dumps(band_keys(signature(shingles(sys.stdin.read())))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )
    assert json.loads(out.stdout) == here
