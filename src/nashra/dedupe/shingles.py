"""Word shingles and MinHash signatures of an article's matching text.

Shingles are runs of three words of the matching form (``nashra.arabic.normalize``: the one
normalizer, the same folding as search and the gazetteer). Each word is hashed with CRC-32 (the
same in every process: Python's ``hash`` is salted per process) and a shingle's 32-bit hash is
mixed from its words' hashes in numpy.

Signatures are MinHashes over those shingle hashes with the multiply-add-shift family
``h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32`` (Dietzfelbinger), ``a_i`` odd 64-bit and drawn once
from a fixed seed, so a signature computed today equals one computed after a restart.
datasketch's ``MinHash`` uses ``(a·x + b) mod (2^61 − 1)``, about four times the cost on the
same hashes (``bench/bench_dedupe.py`` prints the ratio); ``tests/dedupe/test_shingles.py``
checks that these estimates track the exact Jaccard and that unrelated texts share almost no
slots.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from nashra.arabic import tokenize

SHINGLE_WORDS = 3
NUM_PERM = 126  # 42 bands × 3 rows (see nashra.dedupe.index)
SEED = 20251007
_MAX_CACHED_WORDS = 200_000

_rng = np.random.default_rng(SEED)
_A = _rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_SHIFT = np.uint64(32)
_word_hash: dict[str, int] = {}

Hashes = Any  # a 1-D numpy array of unique uint64 shingle hashes (32 significant bits)


def _hash_words(words: list[str]) -> np.ndarray:
    cache = _word_hash
    if len(cache) > _MAX_CACHED_WORDS:
        cache.clear()
    out = np.empty(len(words), dtype=np.uint64)
    for i, w in enumerate(words):
        h = cache.get(w)
        if h is None:
            h = cache[w] = zlib.crc32(w.encode())
        out[i] = h
    return out


def words_of(match_text: str) -> list[str]:
    """Words of a matching-form text (``Article.match_text`` is already normalized)."""
    return match_text.split()


def shingles(text: str, *, normalized: bool = False) -> Hashes:
    """Unique hashed word 3-shingles of ``text`` (folded with ``tokenize`` unless
    ``normalized``); a text of one or two words is a single shingle."""
    words = words_of(text) if normalized else tokenize(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    wh = _hash_words(words)
    n = len(words) - SHINGLE_WORDS + 1
    if n <= 0:
        mixed = (wh * _MIX[: len(wh)]).sum(dtype=np.uint64)
        return np.array([mixed >> _SHIFT], dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = wh[:n] * _MIX[0] + wh[1 : n + 1] * _MIX[1] + wh[2 : n + 2] * _MIX[2]
    return np.unique(mixed >> _SHIFT)


def jaccard(a: Hashes, b: Hashes) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def signature(hashes: Hashes) -> np.ndarray:
    """The MinHash signature: ``NUM_PERM`` values, the minimum of each hash function."""
    if len(hashes) == 0:
        return np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    products = np.multiply.outer(hashes, _A)  # wraps modulo 2^64, as the family wants
    products += _B
    # A shift is monotonic, so the minimum is taken first and shifted once.
    out: np.ndarray = products.min(axis=0) >> _SHIFT
    return out


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Jaccard estimated from two signatures (the share of equal slots)."""
    return float(np.count_nonzero(sig_a == sig_b)) / NUM_PERM
