"""bench/eval_stories.py --stream: the labelled articles and distractors of the same days fed
through the real path (enrich → decide → insert → remember) into a fresh SQLite file."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import _why
from _ant import OUTLETS, Doc, Labels
from nashra.arabic import normalize
from nashra.dedupe import backfill
from nashra.dedupe.decide import decide, remember
from nashra.dedupe.identity import content_hash
from nashra.dedupe.urls import canonical_url
from nashra.enrich import enrich
from nashra.models import Article, Block, BlockKind
from nashra.store import Store, articles, schema

Pair = tuple[str, str]
VERDICTS: dict[str, Any] = {}  # docno → its Decision (for --show)
STORY_AT: dict[str, int] = {}  # docno → its story's key when it was stored
IDS: dict[str, int] = {}


def to_article(d: Doc) -> Article:
    paras = [p.strip() for p in d.body.split("\n") if p.strip()] or [d.title]
    body = "\n".join(paras)
    return Article(
        identity=f"ant:{d.docno}",
        source=d.source,
        url=d.url or f"https://{d.source.lower()}.example/{d.docno}",
        canonical_url=canonical_url(d.url) if d.url else None,
        title=d.title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paras),
        published=d.at,
        outlet=OUTLETS[d.source],
        match_title=normalize(d.title),
        match_text=normalize(d.title + "\n" + body),
        content_hash=content_hash(d.title, body),
    )


def run(docs: list[Doc], db: Path) -> tuple[dict[str, int], dict[str, int], float]:
    backfill.forget_process_state()
    store = Store(f"sqlite:///{db}")
    ids: dict[str, int] = {}
    started = time.perf_counter()
    for d in docs:
        with store.tx() as conn:
            art = to_article(d)
            result = enrich(art.title, art.text[:1200])
            _why.CURRENT[0] = d.docno
            verdict = decide(conn, art, result)
            aid = articles.insert(
                conn, art, result, duplicate_of=verdict.duplicate_of, story_id=verdict.story_id
            )
            remember(conn, aid, verdict)
            ids[d.docno] = aid
            VERDICTS[d.docno] = verdict
            STORY_AT[d.docno] = verdict.story_id if verdict.story_id is not None else aid
    secs = time.perf_counter() - started
    a = schema.articles
    with store.read() as conn:
        rows = conn.execute(sa.select(a.c.id, a.c.story_id, a.c.duplicate_of)).all()
        links = {(int(r[0]), int(r[1])) for r in conn.execute(sa.select(schema.story_links)).all()}
    store.close()
    key = {int(r[0]): int(r[1] or r[0]) for r in rows}
    dup = {int(r[0]): r[2] for r in rows}
    story = {d: key[i] for d, i in ids.items()}
    posted = {d: int(dup[i] or i) for d, i in ids.items()}  # the article posted for d
    stream.links = links  # type: ignore[attr-defined]
    IDS.update(ids)
    return story, posted, secs


def stream(
    corpus: dict[str, Doc],
    labels: Labels,
    pos: list[Pair],
    negs: dict[str, list[Pair]],
    pool: set[str],
    distractors: int,
    _texts: Any,
    why: int = -1,
) -> None:
    labelled = {x for _, m in labels.stories for x in m}
    labelled |= {x for v in negs.values() for pr in v for x in pr}
    rng = random.Random(5)
    others = sorted(pool - labelled)
    extra = set(rng.sample(others, min(distractors, len(others))))
    docs = sorted((corpus[d] for d in labelled | extra), key=lambda d: (d.at, d.docno))
    if why >= 0:
        _why.install()
    from nashra.dedupe import encoder

    encoded = encoder.ENCODED[0]
    with tempfile.TemporaryDirectory() as tmp:
        story, posted, secs = run(docs, Path(tmp) / "stream.db")
    encoded = encoder.ENCODED[0] - encoded
    links: set[tuple[int, int]] = stream.links  # type: ignore[attr-defined]
    hit = sum(story[a] == story[b] for a, b in pos)
    print(
        f"  stream: {len(docs)} articles ({len(extra)} distractors), "
        f"{secs / len(docs) * 1000:.1f} ms each (enrich + decide + insert + remember); "
        f"{encoded} encoded ({encoded / len(docs):.0%}: only against a story that could take them)"
    )
    print(f"    pair recall {hit}/{len(pos)} = {hit / len(pos):.3f}")
    for k, v in negs.items():
        fm = sum(story[a] == story[b] for a, b in v)
        line = f"    false merges {k}: {fm}/{len(v)} = {fm / max(1, len(v)):.1%}"
        if k == "thread":
            linked = sum(
                tuple(sorted((story[a], story[b]))) in links for a, b in v if story[a] != story[b]
            )
            line += f"; linked as a thread: {linked}"
        print(line)
        if why >= 0:  # which negatives were merged (to read on the tuning half only)
            for a, b in v:
                if story[a] == story[b]:
                    print(f"      {corpus[a].source} {corpus[a].title}")
                    print(f"      {corpus[b].source} {corpus[b].title}")
    per_group = [len({posted[d] for d in m}) for _, m in labels.stories]
    one = sum(n == 1 for n in per_group)
    print(
        f"    posts per labelled story: {sum(per_group)} for {len(per_group)} stories "
        f"({one} stories posted once)"
    )
    if why >= 0:
        _why.explain(pos, story, IDS, VERDICTS, corpus, STORY_AT, why)
