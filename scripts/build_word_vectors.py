"""Word clusters for the entity tagger from word2vec vectors (data/ner_clusters.json.gz).

A training-time tool: it needs gensim (``pip install -e '.[train]'``); the shipped tagger reads
only the cluster numbers it writes, never the vectors.

Text (read in place, never copied), as scripts/build_word_clusters.py: ANT Corpus v1.1
(JawharaFM, all 10,161 articles) and the ANT multi-source corpus v2.1, April and May 2018 (June
is left for the hashtag samples). Both Apache-2.0; cite Chouigui, Ben Khiroun and Elayeb,
AICCSA 2017. SaudiNewsNet is not used: its licence is non-commercial, and the clusters ship.

Method (deterministic: one worker, seed 0): folded words (``nashra.arabic.tokenize``); skip-gram
word2vec (100 dimensions, window 3, words seen at least 3 times, 8 epochs); unit vectors;
spherical k-means at several granularities (``--k``, seed 0, 20 rounds). Each word gets one
cluster number per granularity, coarse to fine: words used in the same places (given names,
countries, verbs of saying, ministries) share them.

    .venv/bin/python scripts/build_word_vectors.py [--k 64,256,1024] [--out PATH]
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from build_word_clusters import kmeans, texts  # noqa: E402

from nashra.arabic import tokenize  # noqa: E402

OUT = ROOT / "src/nashra/enrich/data/ner_clusters.json.gz"


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main() -> None:
    from gensim.models import Word2Vec

    ks = [int(k) for k in _arg("--k", "64,256,1024").split(",")]
    out = Path(_arg("--out", str(OUT)))
    min_count = int(_arg("--min-count", "3"))
    t0 = time.perf_counter()
    docs = [tokenize(t) for t in texts()]
    model = Word2Vec(
        sentences=docs,
        vector_size=100,
        window=int(_arg("--window", "3")),
        min_count=min_count,
        sg=1,
        negative=10,
        epochs=8,
        workers=1,
        seed=0,
    )
    words = list(model.wv.index_to_key)
    emb = np.asarray(model.wv.vectors, dtype=np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    assigns = [kmeans(emb, k) for k in ks]
    table = {w: [int(a[i]) for a in assigns] for i, w in enumerate(words)}
    raw = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    out.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))
    print(
        f"{len(docs)} texts, {sum(map(len, docs))} words, {len(table)} words clustered at "
        f"k={ks} in {time.perf_counter() - t0:.0f} s → {out} ({out.stat().st_size / 1e3:.0f} kB)"
    )
    fine = assigns[-1]
    index = {w: i for i, w in enumerate(words)}
    for probe in ("محمد", "بغداد", "قال", "الحكومة", "ترامب", "وزارة"):
        if probe in index:
            c = fine[index[probe]]
            print(f"  {probe}: " + " ".join([w for w in words if fine[index[w]] == c][:12]))


if __name__ == "__main__":
    main()
