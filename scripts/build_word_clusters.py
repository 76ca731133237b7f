"""Word clusters for the entity tagger, from unlabelled Arabic news (data/ner_clusters.json.gz).

Text (read in place, never copied): ANT Corpus v1.1 (JawharaFM, all 10,161 articles) and the ANT
multi-source corpus v2.1, April and May 2018 only (June is left for the hashtag samples of
bench/eval_enrich.py). Both Apache-2.0; cite Chouigui, Ben Khiroun and Elayeb, AICCSA 2017.

Method (numpy only, deterministic): the 30,000 most frequent folded words; counts of the 400
most frequent words at offsets -2, -1, +1, +2; positive PMI; a 100-dimension SVD; unit rows;
k-means (k = 64 and k = 512, seed 0, 20 rounds). Each word gets its two cluster numbers: words
that occur in the same places (given names, country names, verbs of saying) share them.

    .venv/bin/python scripts/build_word_clusters.py
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nashra.arabic import tokenize  # noqa: E402

CORPORA = ROOT.parent / "shared/data/corpora"
OUT = ROOT / "src/nashra/enrich/data/ner_clusters.json.gz"
_FIELDS = re.compile(r"<(TITLE|TEXT)>\s*(.*?)\s*</\1>", re.S)
VOCAB, CONTEXT, DIM = 30000, 400, 100


def texts() -> list[str]:
    out: list[str] = []
    for path in sorted((CORPORA / "ant_v1.1_jawharafm").glob("*/*.txt")):
        out.append(" ".join(t for _, t in _FIELDS.findall(path.read_text(encoding="utf-8"))))
    for month in ("2018-04", "2018-05"):
        with zipfile.ZipFile(CORPORA / f"ant_multisource_v2.1/{month}.zip") as z:
            for name in sorted(z.namelist()):
                if name.endswith(".txt"):
                    raw = z.read(name).decode("utf-8", "replace")
                    out.append(" ".join(t for _, t in _FIELDS.findall(raw)))
    return out


def kmeans(x: np.ndarray, k: int, rounds: int = 20) -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = x[rng.choice(len(x), k, replace=False)].copy()
    assign = np.zeros(len(x), dtype=np.int64)
    for _ in range(rounds):
        assign = np.argmax(x @ centres.T, axis=1)  # rows are unit vectors: cosine
        for c in range(k):
            members = x[assign == c]
            if len(members):
                v = members.sum(axis=0)
                centres[c] = v / (np.linalg.norm(v) or 1.0)
    return assign


def main() -> None:
    t0 = time.perf_counter()
    docs = [tokenize(t) for t in texts()]
    freq = Counter(w for d in docs for w in d)
    vocab = [w for w, _ in freq.most_common(VOCAB)]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:CONTEXT])}
    blocks = []
    for off in (-2, -1, 1, 2):
        rows: list[int] = []
        cols: list[int] = []
        for d in docs:
            ids = [index.get(w, -1) for w in d]
            cids = [ctx.get(w, -1) for w in d]
            for i, r in enumerate(ids):
                j = i + off
                if r >= 0 and 0 <= j < len(d) and cids[j] >= 0:
                    rows.append(r)
                    cols.append(cids[j])
        flat = np.asarray(rows, dtype=np.int64) * CONTEXT + np.asarray(cols, dtype=np.int64)
        counts = np.bincount(flat, minlength=VOCAB * CONTEXT).astype(np.float32)
        blocks.append(counts.reshape(VOCAB, CONTEXT))
    m = np.hstack(blocks)
    total = m.sum()
    pw = m.sum(axis=1, keepdims=True) / total
    pc = m.sum(axis=0, keepdims=True) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((m / total) / (pw * pc))
    ppmi = np.nan_to_num(np.maximum(pmi, 0), posinf=0.0).astype(np.float32)
    gram = ppmi.T @ ppmi
    vals, vecs = np.linalg.eigh(gram)
    top = vecs[:, np.argsort(vals)[::-1][:DIM]]
    emb = ppmi @ top
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    coarse, fine = kmeans(emb, 64), kmeans(emb, 512)
    table = {w: [int(coarse[i]), int(fine[i])] for w, i in index.items()}
    raw = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))
    tokens = sum(map(len, docs))
    print(
        f"{len(docs)} texts, {tokens} words, {len(table)} words clustered in "
        f"{time.perf_counter() - t0:.0f} s → {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)"
    )
    for probe in ("محمد", "بغداد", "قال", "الحكومة", "ترامب"):
        if probe in index:
            c = fine[index[probe]]
            print(f"  {probe}: " + " ".join([w for w in vocab if fine[index[w]] == c][:12]))


if __name__ == "__main__":
    main()
