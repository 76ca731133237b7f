"""Quality figures for nashra.enrich (slow; outside ``make test``).

    .venv/bin/python bench/eval_enrich.py            # all three parts
    .venv/bin/python bench/eval_enrich.py ner|tags|topics [--dev]
    .venv/bin/python bench/eval_enrich.py ner --dev --model /tmp/nashra-ner-dev.crfsuite \
        [--vectors PATH|none]   # the layer on dev with the model trained without dev

1. Entities, four systems measured in the same run: Nashra's entity layer (the trained tagger
   with gazetteer and repetition evidence, ``nashra.enrich.combine``), the tagger alone, the
   rule layer Nashra had before (gazetteers + harvest rules, ``nashra.enrich.entities``), and a
   naive gazetteer (the shipped gazetteers' longest matches, nothing else). Entity level,
   exact span and type, PER / ORG / PLACE (other types left out on both sides). Splits are
   scripts/train_ner.py's; sentences are grouped 10 at a time into one text, so that a name's
   later mentions can be found as in an article:
   * the held-back NewsFANE block (final 22% of NewsFANE, never trained on) under NewsFANE's
     annotation: spans are character spans of the words as written (a proclitic is outside
     the name: ``و|المانيا``);
   * the same text in ANERcorp (found by aligning the two token streams,
     ``train_ner.anercorp_block``) under ANERcorp's annotation: spans are ANERcorp tokens
     (which keep their clitics), PERS → PER, LOC → PLACE, ORG → ORG;
   * the held-back WikiFANE block (final 10%, another domain), as NewsFANE.
   ``--dev`` reports the dev blocks instead (where choices were made).
2. Hashtags on the first 1,000 SaudiNewsNet articles (sorted zip files, file order): share that
   is a stop-word, share with a stop-word inside, share carrying punctuation or marks (the
   strict pattern), mean per article. Hand-judged hashtags: bench/judge_hashtags.py.
3. Topic accuracy on the held-out ANT split (scripts/train_topics.py defines it), beside the
   majority-class baseline.
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared/data"
sys.path.insert(0, str(ROOT / "scripts"))

from nashra.arabic import is_stopword  # noqa: E402
from nashra.enrich import HASHTAG_PATTERN, default_enricher  # noqa: E402
from nashra.enrich._text import word_spans  # noqa: E402
from nashra.enrich.combine import find_model_entities, gazetteer_labels  # noqa: E402
from nashra.enrich.entities import find_entities  # noqa: E402
from nashra.enrich.tagger import default_tagger, tagger_tokens  # noqa: E402

TYPES = {"PER": "person", "PLACE": "place", "ORG": "organisation"}
ANER_TYPES = {"PERS": "person", "LOC": "place", "ORG": "organisation"}
Span = tuple[int, int, str]  # [start, end) and type
System = Callable[[str], list[Span]]


def systems() -> dict[str, System]:
    gaz = default_enricher().gazetteer
    tagger = default_tagger()
    if "--model" in sys.argv:  # e.g. train_ner.py --dev-only's model (trained without dev)
        from nashra.enrich import tagger as tagger_module
        from nashra.enrich.rules import GIVEN_NAMES

        model = Path(sys.argv[sys.argv.index("--model") + 1])
        clusters = tagger_module._data(tagger_module.CLUSTERS_FILE)
        vectors: Path | None = tagger_module._data(tagger_module.VECTORS_FILE)
        if "--vectors" in sys.argv:
            arg = sys.argv[sys.argv.index("--vectors") + 1]
            vectors = None if arg == "none" else Path(arg)
        stems = tagger_module._data(tagger_module.STEMS_FILE)
        if vectors is not None and not vectors.is_file():
            vectors = None
        tagger = tagger_module.Tagger(model, stems, clusters, GIVEN_NAMES, vectors)
    assert tagger is not None, "the model file is missing: run scripts/train_ner.py"

    def layer(text: str) -> list[Span]:
        return [
            (f.start, f.end, f.type)
            for f in find_model_entities(text, word_spans(text), gaz, tagger)
        ]

    def alone(text: str) -> list[Span]:
        tokens = word_spans(text)
        spans = tagger_tokens(text)
        labels = gazetteer_labels(tokens, spans, gaz.find(tokens))
        return [(p.start, p.end, p.type) for p in tagger.tag(text, spans, labels)]

    def rules(text: str) -> list[Span]:
        return [(f.start, f.end, f.type) for f in find_entities(text, word_spans(text), gaz)]

    def naive(text: str) -> list[Span]:
        tokens = word_spans(text)
        out = []
        for m in gaz.find(tokens):
            start = tokens[m.first].start + len(m.clitic)
            out.append((start, tokens[m.last - 1].end, m.entry.type))
        return out

    return {
        "Nashra (tagger + evidence)": layer,
        "tagger alone": alone,
        "rule layer (before)": rules,
        "naive gazetteer": naive,
    }


def chunks(sentences: Sequence[Sequence[object]], size: int = 10) -> Iterator[list[object]]:
    for i in range(0, len(sentences), size):
        yield [x for s in sentences[i : i + size] for x in s]


def fane_texts(sentences: Sequence[Sequence[object]]) -> list[tuple[str, set[Span]]]:
    """(text, gold character spans) per group of sentences (words joined by spaces)."""
    import train_ner

    out = []
    for words in chunks(sentences):
        text = " ".join(w.text for w in words)  # type: ignore[attr-defined]
        offsets, pos = [], 0
        for w in words:
            offsets.append(pos)
            pos += len(w.text) + 1  # type: ignore[attr-defined]
        gold = set()
        for a, b, kind in train_ner.spans([w.label for w in words]):  # type: ignore[attr-defined]
            if kind in TYPES:
                start = offsets[a] + words[a].pre  # type: ignore[attr-defined]
                gold.add((start, offsets[b - 1] + len(words[b - 1].text), TYPES[kind]))  # type: ignore[attr-defined]
        out.append((text, gold))
    return out


def anercorp_texts(
    pairs: Sequence[tuple[str, str]],
) -> list[tuple[str, list[tuple[int, int]], set[Span]]]:
    """(text, token offsets, gold token spans) per group of 10 ANERcorp sentences."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for pair in pairs:
        sentences[-1].append(pair)
        if pair[0] == ".":
            sentences.append([])
    out = []
    for chunk in chunks([s for s in sentences if s]):
        words = [w for w, _ in chunk]  # type: ignore[misc]
        tags = [t for _, t in chunk]  # type: ignore[misc]
        offsets, pos = [], 0
        for w in words:
            offsets.append((pos, pos + len(w)))
            pos += len(w) + 1
        out.append((" ".join(words), offsets, anercorp_gold(tags)))
    return out


def anercorp_gold(tags: Sequence[str]) -> set[Span]:
    out: set[Span] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and tag[2:] == kind
        if not inside and start >= 0:
            if kind in ANER_TYPES:
                out.add((start, i, ANER_TYPES[kind]))
            start, kind = -1, ""
        if tag.startswith("B-") or (tag.startswith("I-") and not inside):
            start, kind = i, tag[2:]
    return out


def to_tokens(pred: Sequence[Span], offsets: Sequence[tuple[int, int]]) -> set[Span]:
    out: set[Span] = set()
    for a, b, kind in pred:
        covered = [i for i, (x, y) in enumerate(offsets) if x < b and a < y]
        if covered:
            out.add((covered[0], covered[-1] + 1, kind))
    return out


def prf(gold: set[Span], pred: set[Span], kind: str | None) -> tuple[float, float, float, int]:
    keep = set(TYPES.values())
    g = {s for s in gold if (kind is None and s[2] in keep) or s[2] == kind}
    p = {s for s in pred if (kind is None and s[2] in keep) or s[2] == kind}
    tp = len(g & p)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, len(g)


def table(name: str, gold: set[Span], preds: dict[str, set[Span]], secs: dict[str, float]) -> None:
    print(f"\n{name}")
    print(
        f"  {'system':<28} {'time':>6}   "
        + "   ".join(f"{k:<17}" for k in ("PER P/R/F1", "ORG P/R/F1", "PLACE P/R/F1", "all P/R/F1"))
    )
    for sys_name, pred in preds.items():
        cells = []
        for kind in ("person", "organisation", "place", None):
            p, r, f, _ = prf(gold, pred, kind)
            cells.append(f"{p:.3f} {r:.3f} {f:.3f}")
        print(f"  {sys_name:<28} {secs[sys_name]:5.1f}s   " + "   ".join(cells))
    counts = [prf(gold, set(), k)[3] for k in ("person", "organisation", "place", None)]
    print(f"  gold entities: PER {counts[0]}, ORG {counts[1]}, PLACE {counts[2]}, all {counts[3]}")


def run_fane(name: str, sentences: Sequence[Sequence[object]], runs: dict[str, System]) -> None:
    texts = fane_texts(sentences)
    gold: set[Span] = set()
    preds: dict[str, set[Span]] = {k: set() for k in runs}
    secs = dict.fromkeys(runs, 0.0)
    for n, (text, g) in enumerate(texts):
        gold |= {(n, a, b, k) for a, b, k in g}  # type: ignore[misc]
        for sys_name, fn in runs.items():
            t0 = time.perf_counter()
            pred = fn(text)
            secs[sys_name] += time.perf_counter() - t0
            preds[sys_name] |= {(n, a, b, k) for a, b, k in pred}  # type: ignore[misc]
    table(name, _flat(gold), {k: _flat(v) for k, v in preds.items()}, secs)


def _flat(spans: set) -> set[Span]:  # type: ignore[type-arg]
    """(text number, a, b, kind) → one span set with the text number folded into the offsets."""
    return {(n * 10_000_000 + a, n * 10_000_000 + b, k) for n, a, b, k in spans}


def run_anercorp(name: str, pairs: Sequence[tuple[str, str]], runs: dict[str, System]) -> None:
    gold: set[Span] = set()
    preds: dict[str, set[Span]] = {k: set() for k in runs}
    secs = dict.fromkeys(runs, 0.0)
    for n, (text, offsets, g) in enumerate(anercorp_texts(pairs)):
        gold |= {(n, a, b, k) for a, b, k in g}  # type: ignore[misc]
        for sys_name, fn in runs.items():
            t0 = time.perf_counter()
            pred = fn(text)
            secs[sys_name] += time.perf_counter() - t0
            preds[sys_name] |= {(n, a, b, k) for a, b, k in to_tokens(pred, offsets)}  # type: ignore[misc]
    table(name, _flat(gold), {k: _flat(v) for k, v in preds.items()}, secs)


def ner(report_dev: bool) -> None:
    import train_ner

    sp = train_ner.splits()
    aner = train_ner.read_anercorp()
    news = sp.news_dev if report_dev else sp.news_held
    wiki = sp.wiki_dev if report_dev else sp.wiki_held
    part = "DEV block (tuned on)" if report_dev else "HELD-BACK block (never trained or tuned on)"
    block = train_ner.anercorp_block(news, aner)
    n_words = sum(map(len, news))
    print(
        f"NewsFANE {part}: {len(news)} sentences, {n_words} words; in ANERcorp: tokens "
        f"[{block.start}, {block.end}) = {(block.end - block.start) / len(aner):.1%} of ANERcorp "
        f"({block.anchored:.1%} of the block's words anchored by a unique 5-gram, "
        f"{block.inside:.1%} of anchors inside the block)"
    )
    runs = systems()
    run_fane(f"NewsFANE {part}, NewsFANE's annotation", news, runs)
    run_anercorp(
        "the same text in ANERcorp, ANERcorp's annotation", aner[block.start : block.end], runs
    )
    run_fane(f"WikiFANE {part} (Wikipedia: another domain)", wiki, runs)


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
    args = sys.argv[1:]
    for opt in ("--model", "--vectors"):
        if opt in args:
            del args[args.index(opt) : args.index(opt) + 2]
    parts = [a for a in args if not a.startswith("-")] or ["ner", "tags", "topics"]
    if "ner" in parts:
        ner("--dev" in sys.argv)
    if "tags" in parts:
        tags()
    if "topics" in parts:
        topics()


if __name__ == "__main__":
    main()
