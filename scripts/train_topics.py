"""Train the topic classifier on the ANT corpus; write src/nashra/enrich/data/topics.json.gz.

Data: ANT Corpus v1.1 (JawharaFM, 10,161 articles, 9 categories), Apache-2.0.
    Chouigui, A., Ben Khiroun, O., Elayeb, B. "ANT Corpus: An Arabic News Text Collection for
    Textual Classification." IEEE/ACS AICCSA 2017.
Read in place from ../shared/data/corpora/ant_v1.1_jawharafm (never copied into the project).

Split (fixed, by document id = file name without .txt): bucket = int(sha1(id).hexdigest(), 16) % 10;
    buckets 0-1 → held-out (reported, never used for choices), bucket 2 → dev (choices below),
    buckets 3-9 → train. The shipped model is trained on train + dev.

Model: multinomial naive Bayes over folded, clitic-stripped words (stop-words dropped, title
words counted twice), vocabulary = the most document-frequent words; per-class word counts are
stored (compact, sparse) and turned into log-probabilities when Nashra loads the file.

    .venv/bin/python scripts/train_topics.py            # tune on dev, train, write, report
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nashra.enrich.topics import ANT_TO_TOPIC, features  # noqa: E402

ANT = ROOT.parent / "shared/data/corpora/ant_v1.1_jawharafm"
OUT = ROOT / "src/nashra/enrich/data/topics.json.gz"
_TAG = re.compile(r"<(DOCNO|CAT|TITLE|TEXT)>\s*(.*?)\s*</\1>", re.S)

Doc = tuple[str, str, list[str]]  # (docno, topic, features)


def bucket(docno: str) -> int:
    return int(hashlib.sha1(docno.encode()).hexdigest(), 16) % 10


def load() -> list[Doc]:
    docs: list[Doc] = []
    for path in sorted(ANT.glob("*/*.txt")):
        fields = dict(_TAG.findall(path.read_text(encoding="utf-8")))
        # The folder names the category (one file lacks <CAT>); the file name is the id.
        topic = ANT_TO_TOPIC[path.parent.name]
        docs.append((path.stem, topic, features(fields.get("TITLE", ""), fields.get("TEXT", ""))))
    return docs


def train(docs: Iterable[Doc], vocab_size: int) -> dict[str, object]:
    docs = list(docs)
    df: Counter[str] = Counter()
    for _, _, feats in docs:
        df.update(set(feats))
    vocab = [w for w, c in df.most_common(vocab_size) if c >= 2]
    index = {w: i for i, w in enumerate(vocab)}
    classes = sorted({t for _, t, _ in docs})
    counts = {c: Counter[int]() for c in classes}
    ndocs = Counter(t for _, t, _ in docs)
    for _, topic, feats in docs:
        counts[topic].update(index[w] for w in feats if w in index)
    return {
        "format": 1,
        "source": "ANT Corpus v1.1 (Apache-2.0), Chouigui et al., AICCSA 2017",
        "classes": classes,
        "docs": [ndocs[c] for c in classes],
        "vocab": vocab,
        "counts": [sorted(counts[c].items()) for c in classes],
    }


def accuracy(model: dict[str, object], docs: list[Doc], alpha: float) -> float:
    from nashra.enrich.topics import TopicModel

    tm = TopicModel.from_dict(model, alpha=alpha)
    good = sum(tm.classify_features(f) == t for _, t, f in docs)
    return good / len(docs)


def main() -> None:
    docs = load()
    train_docs = [d for d in docs if bucket(d[0]) >= 3]
    dev = [d for d in docs if bucket(d[0]) == 2]
    held = [d for d in docs if bucket(d[0]) <= 1]
    print(f"ANT: {len(docs)} docs; train {len(train_docs)}, dev {len(dev)}, held-out {len(held)}")
    best = (0.0, 0, 0.0)
    for vocab_size in (10000, 20000, 40000):
        model = train(train_docs, vocab_size)
        for alpha in (0.03, 0.1, 0.3):
            acc = accuracy(model, dev, alpha)
            print(f"  dev  vocab={vocab_size:>5} alpha={alpha:<4} accuracy={acc:.3f}")
            best = max(best, (acc, vocab_size, alpha))
    _, vocab_size, alpha = best
    model = train(train_docs + dev, vocab_size)
    model["alpha"] = alpha
    data = json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(data, 9, mtime=0))
    acc = accuracy(model, held, alpha)
    per: dict[str, list[int]] = {}
    from nashra.enrich.topics import TopicModel

    tm = TopicModel.from_dict(model, alpha=alpha)
    for _, t, f in held:
        per.setdefault(t, [0, 0])
        per[t][0] += tm.classify_features(f) == t
        per[t][1] += 1
    baseline = max(Counter(t for _, t, _ in train_docs + dev).values()) / len(train_docs + dev)
    majority = Counter(t for _, t, _ in train_docs + dev).most_common(1)[0][0]
    base_held = sum(t == majority for _, t, _ in held) / len(held)
    print(f"chosen on dev: vocab={vocab_size} alpha={alpha}; wrote {OUT} ({OUT.stat().st_size} B)")
    print(f"HELD-OUT accuracy {acc:.3f} (n={len(held)}); majority-class baseline {base_held:.3f}")
    print(f"  (train majority share {baseline:.3f})")
    for t, (g, n) in sorted(per.items()):
        print(f"  {t:<14} {g / n:.3f}  (n={n})")


if __name__ == "__main__":
    main()
