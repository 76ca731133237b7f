"""Enrichment speed on SaudiNewsNet bodies, as a ratio to normalize + tokenize of the same text.

    .venv/bin/python bench/bench_enrich.py [N]      # N articles (default 300), read in place

Baseline (same run, same texts): ``nashra.arabic.tokenize(title + body)``, the least any stage
that looks at words must do. Figures: median and mean ms per article, and the ratio of means.
Also shown: the model's entity layer (tagger + evidence), the rule layer of before (gazetteer +
rules), the topic model alone, and the whole of ``enrich`` with the model (the default) and
without it. The model is loaded before timing (once per process, as a running worker has it);
its load time is printed apart.

Times are this process's CPU time (``time.process_time``; ``--wall`` for wall-clock time): the
machine the figures come from is shared, and wall time there measures the other jobs too.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from nashra.arabic import tokenize
from nashra.enrich import Enricher, default_enricher
from nashra.enrich._text import word_spans
from nashra.enrich.combine import find_model_entities
from nashra.enrich.entities import find_entities
from nashra.enrich.tagger import default_tagger
from nashra.enrich.topics import load_model

DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/corpora/saudinewsnet/dataset"


def articles(limit: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted(DATA.glob("*.zip")):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                for art in json.loads(z.read(name)):
                    out.append((art.get("title", ""), art.get("content", "")))
                    if len(out) >= limit:
                        return out
    return out


CLOCK = time.perf_counter if "--wall" in sys.argv else time.process_time


def timed(fn: Callable[[str, str], object], arts: list[tuple[str, str]]) -> list[float]:
    times = []
    for title, body in arts:
        t0 = CLOCK()
        fn(title, body)
        times.append((CLOCK() - t0) * 1000)
    return times


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 300
    arts = articles(n)
    t0 = time.perf_counter()
    tagger = default_tagger()
    load_ms = (time.perf_counter() - t0) * 1000
    assert tagger is not None, "the model file is missing: run scripts/train_ner.py"
    enricher = default_enricher()
    rules_only = Enricher(model=False)
    model = load_model()
    gaz = enricher.gazetteer

    def baseline(title: str, body: str) -> object:
        return tokenize(f"{title}\n{body}")

    def rule_entities(title: str, body: str) -> object:
        text = f"{title}\n{body}"
        return find_entities(text, word_spans(text), gaz)

    def model_entities(title: str, body: str) -> object:
        text = f"{title}\n{body}"
        return find_model_entities(text, word_spans(text), gaz, tagger)

    runs: dict[str, Callable[[str, str], object]] = {
        "baseline tokenize": baseline,
        "entities (model)": model_entities,
        "entities (rules)": rule_entities,
        "topic": model.classify,
        "enrich (model)": enricher.enrich,
        "enrich (rules)": rules_only.enrich,
    }
    timed(enricher.enrich, arts[:50])  # warm caches and imports, as a running worker would be
    words = statistics.mean(len(tokenize(f"{t}\n{b}")) for t, b in arts)
    print(
        f"SaudiNewsNet: {len(arts)} articles, mean {words:.0f} words;"
        f" model loaded in {load_ms:.0f} ms"
    )
    results = {}
    for name, fn in runs.items():
        best = min((timed(fn, arts) for _ in range(3)), key=statistics.mean)
        results[name] = best
    base = statistics.mean(results["baseline tokenize"])
    for name, times in results.items():
        mean = statistics.mean(times)
        print(
            f"  {name:<18} median {statistics.median(times):6.3f} ms  mean {mean:6.3f} ms"
            f"  p95 {sorted(times)[int(len(times) * 0.95)]:6.3f} ms  ×{mean / base:5.1f} baseline"
        )


if __name__ == "__main__":
    main()
