"""Quality figures for nashra.enrich (slow; outside ``make test``).

    .venv/bin/python bench/eval_enrich.py            # all three parts
    .venv/bin/python bench/eval_enrich.py ner|tags|topics [--dev]

1. Entities on ANERcorp (../shared/data/ner/anercorp/ANERCorp; token + BIO tag a line, read in
   place). Sentences end at a ``. O`` line. Split: the FIRST half of the sentences is the dev
   part (looked at while tuning, and the baseline's training data); the SECOND half is held out
   and gives the reported figures. Sentences are grouped 10 at a time into one text, so that a
   name's later mentions can be found as in an article. Entity level, exact token span and type
   (PERS → person, LOC → place, ORG → organisation; MISC is left out on both sides). Baseline,
   same run: each token gets the type it carried most often in the dev half (or none), and
   neighbouring tokens of one type form one entity.
2. Hashtags on the first 1,000 SaudiNewsNet articles (sorted zip files, file order): share that
   is a stop-word, share with a stop-word inside, share carrying punctuation or marks (the
   strict pattern), mean per article.
3. Topic accuracy on the held-out ANT split (scripts/train_topics.py defines it), beside the
   majority-class baseline.
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared/data"
sys.path.insert(0, str(ROOT / "scripts"))

from nashra.arabic import is_stopword, normalize  # noqa: E402
from nashra.enrich import HASHTAG_PATTERN, default_enricher  # noqa: E402
from nashra.enrich._text import word_spans  # noqa: E402
from nashra.enrich.entities import find_entities  # noqa: E402

TYPES = {"PERS": "person", "LOC": "place", "ORG": "organisation"}
Span = tuple[int, int, str]  # token range [a, b) and type


def anercorp() -> list[list[tuple[str, str]]]:
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in (DATA / "ner/anercorp/ANERCorp").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        current.append((parts[0], parts[1]))
        if parts == [".", "O"]:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def gold_spans(tags: Sequence[str]) -> set[Span]:
    out: set[Span] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and tag[2:] == kind
        if not inside and start >= 0:
            if kind in TYPES:
                out.add((start, i, TYPES[kind]))
            start, kind = -1, ""
        if tag.startswith("B-") or (tag.startswith("I-") and not inside):
            start, kind = i, tag[2:]
    return out


def predicted_spans(words: Sequence[str]) -> set[Span]:
    text = " ".join(words)
    offsets = []
    pos = 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w) + 1
    tokens = word_spans(text)
    out: set[Span] = set()
    for f in find_entities(text, tokens, default_enricher().gazetteer):
        if f.type not in TYPES.values():
            continue
        covered = [i for i, (a, b) in enumerate(offsets) if a < f.end and f.start < b]
        if covered:
            out.add((covered[0], covered[-1] + 1, f.type))
    return out


def baseline_spans(words: Sequence[str], lexicon: dict[str, str]) -> set[Span]:
    out: set[Span] = set()
    start, kind = -1, ""
    for i, w in enumerate([*words, ""]):
        t = lexicon.get(normalize(w), "") if w else ""
        if t != kind:
            if kind:
                out.add((start, i, kind))
            start, kind = i, t
    return out


def chunks(
    sentences: list[list[tuple[str, str]]], size: int = 10
) -> Iterator[list[tuple[str, str]]]:
    for i in range(0, len(sentences), size):
        yield [pair for s in sentences[i : i + size] for pair in s]


def prf(gold: set[Span], pred: set[Span], kind: str | None) -> tuple[float, float, float, int]:
    g = {s for s in gold if kind is None or s[2] == kind}
    p = {s for s in pred if kind is None or s[2] == kind}
    tp = len(g & p)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, len(g)


def ner(report_dev: bool) -> None:
    sentences = anercorp()
    half = len(sentences) // 2
    dev, held = sentences[:half], sentences[half:]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for s in dev:
        for word, tag in s:
            counts[normalize(word)][TYPES.get(tag[2:], "") if tag != "O" else ""] += 1
    lexicon = {w: c.most_common(1)[0][0] for w, c in counts.items() if c.most_common(1)[0][0]}
    part = dev if report_dev else held
    name = "DEV half (tuned on)" if report_dev else "HELD-OUT second half"
    gold: set[Span] = set()
    ours: set[Span] = set()
    base: set[Span] = set()
    offset = 0
    t0 = time.perf_counter()
    for chunk in chunks(part):
        words = [w for w, _ in chunk]
        tags = [t for _, t in chunk]
        shift = {(a + offset, b + offset, k) for a, b, k in gold_spans(tags)}
        gold |= shift
        ours |= {(a + offset, b + offset, k) for a, b, k in predicted_spans(words)}
        base |= {(a + offset, b + offset, k) for a, b, k in baseline_spans(words, lexicon)}
        offset += len(chunk)
    secs = time.perf_counter() - t0
    print(f"ANERcorp {name}: {len(part)} sentences, {offset} tokens ({secs:.1f} s)")
    print(f"  {'type':<13} {'n':>5}   {'Nashra P/R/F1':<20} {'baseline P/R/F1':<20}")
    for kind in (*TYPES.values(), None):
        p, r, f, n = prf(gold, ours, kind)
        bp, br, bf, _ = prf(gold, base, kind)
        print(
            f"  {kind or 'all (micro)':<13} {n:>5}   {p:.3f} {r:.3f} {f:.3f}      "
            f"{bp:.3f} {br:.3f} {bf:.3f}"
        )


def saudinewsnet(limit: int = 1000) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted((DATA / "corpora/saudinewsnet/dataset").glob("*.zip")):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                for art in json.loads(z.read(name)):
                    out.append(art)
                    if len(out) >= limit:
                        return out
    return out


def tags() -> None:
    arts = saudinewsnet()
    enricher = default_enricher()
    total = stop = stop_inside = punct = empty = 0
    per_type: Counter[str] = Counter()
    for art in arts:
        result = enricher.enrich(art.get("title", ""), art.get("content", ""))
        total += len(result.hashtags)
        empty += not result.hashtags
        per_type.update(e.type for e in result.entities)
        for tag in result.hashtags:
            words = tag[1:].split("_")
            stop += all(is_stopword(w) for w in words)
            stop_inside += any(is_stopword(w) for w in words)
            punct += not HASHTAG_PATTERN.match(tag)
    n = len(arts)
    print(f"SaudiNewsNet, first {n} articles: {total} hashtags, {total / n:.2f} per article")
    print(f"  hashtags that are stop-words:        {stop / total:.4f} ({stop})")
    print(f"  hashtags with a stop-word inside:    {stop_inside / total:.4f} ({stop_inside})")
    print(f"  hashtags with punctuation or marks:  {punct / total:.4f} ({punct})")
    print(f"  articles with no hashtag:            {empty / n:.3f} ({empty})")
    print(
        f"  entities per article by type: {dict((k, round(v / n, 2)) for k, v in per_type.items())}"
    )


def topics() -> None:
    import train_topics

    from nashra.enrich.topics import load_model

    docs = train_topics.load()
    held = [d for d in docs if train_topics.bucket(d[0]) <= 1]
    rest = [d for d in docs if train_topics.bucket(d[0]) >= 2]
    model = load_model()
    acc = sum(model.classify_features(f) == t for _, t, f in held) / len(held)
    majority = Counter(t for _, t, _ in rest).most_common(1)[0][0]
    base = sum(t == majority for _, t, _ in held) / len(held)
    print(
        f"ANT held-out split ({len(held)} docs): accuracy {acc:.3f}; majority class "
        f"({majority}) {base:.3f}"
    )


def main() -> None:
    parts = [a for a in sys.argv[1:] if not a.startswith("-")] or ["ner", "tags", "topics"]
    if "ner" in parts:
        ner("--dev" in sys.argv)
    if "tags" in parts:
        tags()
    if "topics" in parts:
        topics()


if __name__ == "__main__":
    main()
