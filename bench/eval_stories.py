"""Same story across outlets, on the hand labels of tests/eval/stories (ANT multi-source, 2018).

    .venv/bin/python bench/eval_stories.py [--split tune|held|both] [--stream] [--fit]
        [--distractors N] [--show N]

Pairs, as labelled: positives are two outlets' articles of one story group; negatives are the
labelled *thread* pairs (another event of the same running story) and *unrelated* pairs (a
different event within 20 hours that looks alike), plus *random* pairs of two outlets within 36
hours (drawn with a fixed seed from the whole corpus).

Three scorers are measured in the same run on the same pairs:

* ``tfidf``: the cosine of TF-IDF vectors of title + the first 50 body words (Arabic-aware
  tokens: ``normalize``, clitics off, stop-words out; IDF over the whole corpus);
* ``use``: the cosine of the multilingual USE v3 embeddings of the same text;
* ``nashra``: ``nashra.dedupe.signals.compare(later, [earlier])`` and its ``value``.

For each, the curve of pair recall against false merges (per negative kind) as the threshold
moves, and the recall at the operating points (false merges ≤ 2 % unrelated and ≤ 10 % thread;
and ≤ 5 % on both, the issue's baseline figure). Thresholds for the baselines' operating points
are read off the curve of the split shown (an upper bound for them); nashra's threshold is the
one in the code, fitted on the tuning half.

``--stream`` also feeds the split's labelled articles and N distractors of the same days through
the real pipeline path (enrich → decide → insert → remember in a fresh SQLite file) and counts
the pairs that end in one story: the figure of the system as it runs. ``--fit`` fits the
weights of ``Signals.value`` on the tuning half (logistic regression) and prints them.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ant import Doc, load_corpus, load_labels, positive_pairs
from nashra.arabic import normalize
from nashra.dedupe import encoder, signals
from nashra.dedupe.features import content_words
from nashra.enrich import enrich

Pair = tuple[str, str]


def random_pairs(docs: dict[str, Doc], keep: set[str], n: int, seed: int = 11) -> list[Pair]:
    """Pairs of two outlets within 36 h, among the split's days (not labelled as one story)."""
    ordered = sorted(keep, key=lambda d: (docs[d].at, d))  # the same pairs in every run
    rng = random.Random(seed)
    out: set[Pair] = set()
    while len(out) < n:
        i = rng.randrange(len(ordered))
        j = min(len(ordered) - 1, max(0, i + rng.randint(-400, 400)))
        a, b = ordered[min(i, j)], ordered[max(i, j)]
        if a == b or docs[a].source == docs[b].source:
            continue
        if abs(docs[a].at - docs[b].at) > timedelta(hours=36):
            continue
        out.add((a, b))
    return sorted(out)


class Texts:
    """Per article: matching forms, lead tokens, enrichment, vector, StoryText (cached)."""

    def __init__(self, docs: dict[str, Doc]) -> None:
        self.docs = docs
        self.vec: dict[str, np.ndarray] = {}
        self.st: dict[str, signals.StoryText] = {}
        self.lead: dict[str, tuple[str, ...]] = {}
        df: Counter[int] = Counter()
        lead_df: Counter[str] = Counter()
        for d in docs.values():
            body = normalize(d.body)
            df.update(set(signals.sketch(body)))
            toks = content_words(normalize(d.title + " " + " ".join(d.body.split()[:50])))
            self.lead[d.docno] = toks
            lead_df.update(set(toks))
        self.n = len(docs)
        self.df = df
        self.lead_idf = {w: math.log(self.n / (1 + c)) for w, c in lead_df.items()}
        self.entity_df: Counter[int] = Counter()

    def prepare(self, ids: set[str]) -> None:
        todo = sorted(i for i in ids if i not in self.st)
        vecs = encoder.embed([encoder.text_of(self.docs[i].title, self.docs[i].body) for i in todo])
        for i, v in zip(todo, vecs, strict=True):
            d = self.docs[i]
            e = enrich(d.title, d.body[:1200])
            ents = [
                {"canonical": x.canonical, "text": x.text, "start": x.start, "type": x.type}
                for x in e.entities
            ]
            self.vec[i] = v
            self.st[i] = signals.of_text(
                d.title, normalize(d.title), normalize(d.body), ents, vec=v, at=d.at
            )
            self.entity_df.update(signals.entity_key(x) for x in self.st[i].entities)

    def idf(self, key: int) -> float:
        c = self.df.get(key) or self.entity_df.get(key, 0) * max(1, self.n // 1000)
        return math.log((self.n + 1) / (c + 1)) + 1.0

    def tfidf(self, a: str, b: str) -> float:
        def vec(d: str) -> dict[str, float]:
            c = Counter(self.lead[d])
            v = {w: (1 + math.log(k)) * self.lead_idf.get(w, 0.0) for w, k in c.items()}
            n = math.sqrt(sum(x * x for x in v.values())) or 1.0
            return {w: x / n for w, x in v.items()}

        va, vb = vec(a), vec(b)
        return sum(x * vb.get(w, 0.0) for w, x in va.items())

    def use(self, a: str, b: str) -> float:
        return float(self.vec[a] @ self.vec[b])

    def signals(self, a: str, b: str) -> signals.Signals:
        first, later = sorted((a, b), key=lambda d: self.docs[d].at)
        return signals.compare(self.st[later], [self.st[first]], self.idf)

    def nashra(self, a: str, b: str) -> float:
        return self.signals(a, b).value


def curve(
    score: Callable[[str, str], float], pos: list[Pair], negs: dict[str, list[Pair]]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    return np.array([score(a, b) for a, b in pos]), {
        k: np.array([score(a, b) for a, b in v]) for k, v in negs.items()
    }


def recall_at(
    p: np.ndarray, n: dict[str, np.ndarray], limits: dict[str, float]
) -> tuple[float, float]:
    """The best recall over thresholds where every negative kind stays within its limit."""
    best = (0.0, math.inf)
    for t in np.unique(np.concatenate([p, *n.values()])):
        if all((n[k] >= t).mean() <= lim for k, lim in limits.items() if len(n[k])):
            r = float((p >= t).mean())
            if r > best[0]:
                best = (r, float(t))
    return best


def report(name: str, p: np.ndarray, n: dict[str, np.ndarray], fixed: float | None) -> None:
    a = recall_at(p, n, {"unrelated": 0.02, "thread": 0.10, "random": 0.02})
    b = recall_at(p, n, {"unrelated": 0.05, "thread": 0.05, "random": 0.05})
    line = (
        f"  {name:7s} recall {a[0]:.3f} @≤2%/≤10% (t={a[1]:.3f})   {b[0]:.3f} @≤5% (t={b[1]:.3f})"
    )
    if fixed is not None:
        fm = "  ".join(f"{k} {(v >= fixed).mean():.1%}" for k, v in n.items())
        line += (
            f"\n          at the shipped threshold {fixed}: recall {(p >= fixed).mean():.3f}; {fm}"
        )
    print(line)
    qs = np.quantile(np.concatenate([p, *n.values()]), np.linspace(0.05, 0.95, 10))
    pts = []
    for t in qs:
        fm = "/".join(f"{(v >= t).mean():.0%}" for v in n.values())
        pts.append(f"{(p >= t).mean():.2f}:{fm}")
    print(f"          curve recall:fm({'/'.join(n)}) " + " ".join(pts))


FEATURES = ("use", "body", "entities", "days")


def features(s: signals.Signals) -> list[float]:
    return [max(s.use, s.centroid), s.body, s.entities, min(s.hours, 72.0) / 24.0]


def fit(texts: Texts, pos: Sequence[Pair], negs: dict[str, list[Pair]]) -> None:
    rows = [(features(texts.signals(a, b)), 1.0) for a, b in pos]
    weight = {"thread": 4.0, "unrelated": 3.0, "random": 1.0}
    for k, v in negs.items():
        rows += [(features(texts.signals(a, b)), 0.0) for a, b in v for _ in range(int(weight[k]))]
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mu) / sd
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(3000):
        g = 1 / (1 + np.exp(-(z @ w + b))) - y
        w -= 0.3 * (z.T @ g / len(y) + 1e-3 * w)
        b -= 0.3 * g.mean()
    raw, bias = w / sd, b - float((mu / sd) @ w)
    print(
        "fitted weights:",
        dict(zip(FEATURES, np.round(raw, 2), strict=True)),
        "bias",
        round(bias, 2),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["tune", "held", "both"], default="both")
    ap.add_argument("--random", type=int, default=600, help="random negative pairs per split")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--distractors", type=int, default=1500)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument(
        "--stream-only",
        action="store_true",
        help="with --stream: skip the pairwise curves and baselines (while iterating)",
    )
    ap.add_argument(
        "--why", type=int, default=-1, help="with --stream: why missed pairs were missed (N shown)"
    )
    args = ap.parse_args()
    docs = load_corpus()
    texts = Texts(docs)
    splits = ["tune", "held"] if args.split == "both" else [args.split]
    for split in splits:
        labels = load_labels(split)
        pos = list(positive_pairs(labels, docs))
        days = {d for _, m in labels.stories for d in m}
        lo = min(docs[d].at for d in days) - timedelta(days=1)
        hi = max(docs[d].at for d in days) + timedelta(days=1)
        pool = {k for k, d in docs.items() if lo <= d.at <= hi}
        story_of = {d: sid for sid, m in labels.stories for d in m}
        rnd = [
            (a, b)
            for a, b in random_pairs(docs, pool, args.random)
            if not (a in story_of and story_of.get(a) == story_of.get(b))
        ]
        negs = {
            "unrelated": [(a, b) for k, a, b in labels.pairs if k == "unrelated"],
            "thread": [
                (a, b)
                for k, a, b in labels.pairs
                if k == "thread" and docs[a].source != docs[b].source
            ],
            "random": rnd,
        }
        counts = ", ".join(f"{k} {len(v)}" for k, v in negs.items())
        print(
            f"== {split}: {len(labels.stories)} stories, {len(pos)} positive pairs;"
            f" negatives {counts}"
        )
        if not (args.stream and args.stream_only):
            ids = {x for pr in pos for x in pr}
            ids |= {x for v in negs.values() for pr in v for x in pr}
            texts.prepare(ids)
            for name, fn, fixed in (
                ("tfidf", texts.tfidf, None),
                ("use", texts.use, None),
                ("nashra", texts.nashra, signals.SAME_STORY),
            ):
                p, n = curve(fn, pos, negs)
                report(name, p, n, fixed)
        if args.fit and split == "tune":
            fit(texts, pos, negs)
        if args.show:
            show(texts, pos, negs, args.show)
        if args.stream:
            from _stream import stream

            stream(docs, labels, pos, negs, pool, args.distractors, texts, args.why)


def show(texts: Texts, pos: list[Pair], negs: dict[str, list[Pair]], n: int) -> None:
    t = signals.SAME_STORY
    miss = [pr for pr in pos if texts.nashra(*pr) < t][:n]
    print("-- missed positives --")
    for a, b in miss:
        print(f"   {texts.signals(a, b)}\n     {texts.docs[a].title} || {texts.docs[b].title}")
    for k, v in negs.items():
        bad = [pr for pr in v if texts.nashra(*pr) >= t][:n]
        print(f"-- false merges ({k}) --")
        for a, b in bad:
            print(f"   {texts.signals(a, b)}\n     {texts.docs[a].title} || {texts.docs[b].title}")


if __name__ == "__main__":
    main()
