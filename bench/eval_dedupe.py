"""Dedupe quality on real data: the sample's repost, and SaudiNewsNet's cross-outlet wire copy.

    .venv/bin/python bench/eval_dedupe.py [--split dev|test] [--layers exact,title,body,story]
        [--show N]

SaudiNewsNet (../shared/data/corpora/saudinewsnet, read in place) is split by date: the first
nine daily files are the development split (thresholds were chosen on it), the last nine the
held-out split whose figures are reported. Each split's articles are fed, oldest first, through
``decide`` → insert → ``remember`` into a fresh SQLite file, as the pipeline does.

Labels (derived, not hand-made): a positive pair is two articles from different outlets with the
same exact title of three words or more, both with a body, at most three days apart (wire copy
under the agency's headline). Negatives are random pairs from different outlets with different
titles at most two days apart; a negative pair that ends in one story is a false merge (some of
those are in fact one story under two headlines: ``--show`` prints them to judge by hand).
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "dedupe"))
DATA = ROOT.parent / "shared" / "data"

from nashra.arabic import normalize  # noqa: E402
from nashra.dedupe import backfill  # noqa: E402
from nashra.dedupe.decide import LAYERS, decide, remember  # noqa: E402
from nashra.dedupe.identity import content_hash  # noqa: E402
from nashra.dedupe.urls import canonical_url  # noqa: E402
from nashra.enrich import enrich  # noqa: E402
from nashra.models import Article, Block, BlockKind  # noqa: E402
from nashra.store import Store, articles, schema  # noqa: E402


def load(split: str) -> list[dict[str, str]]:
    files = sorted(glob.glob(str(DATA / "corpora/saudinewsnet/dataset/*.zip")))
    half = len(files) // 2
    chosen = files[:half] if split == "dev" else files[half:]
    rows: list[dict[str, str]] = []
    for f in chosen:
        with zipfile.ZipFile(f) as z:
            for n in z.namelist():
                rows.extend(json.loads(z.read(n)))
    rows.sort(key=lambda r: r["date_extracted"])
    return rows


def to_article(i: int, r: dict[str, str]) -> Article:
    title = r["title"].strip() or "بلا عنوان"
    paras = [p.strip() for p in r["content"].split("\n") if p.strip()] or [title]
    blocks = tuple(Block(BlockKind.PARAGRAPH, p) for p in paras)
    body = "\n".join(paras)
    when = datetime.fromisoformat(r["date_extracted"]).replace(tzinfo=UTC)
    return Article(
        identity=f"eval:{i}",
        source=r["source"],
        url=r["url"],
        canonical_url=canonical_url(r["url"]),
        title=title,
        blocks=blocks,
        published=when,
        outlet=r["source"],
        match_title=normalize(title),
        match_text=normalize(title + "\n" + body),
        content_hash=content_hash(title, body),
    )


def run(
    rows: list[dict[str, str]], layers: tuple[str, ...], db: Path
) -> tuple[dict[int, int], dict[int, str], float]:
    """Feed the rows through dedupe; returns row → story key, row → layer, seconds."""
    backfill.forget_process_state()
    store = Store(f"sqlite:///{db}")
    ids: dict[int, int] = {}
    reasons: dict[int, str] = {}
    started = time.perf_counter()
    batch = 200
    for start in range(0, len(rows), batch):
        with store.tx() as conn:
            for i in range(start, min(start + batch, len(rows))):
                art = to_article(i, rows[i])
                # Entities of the title and lead only: the story layer looks no further.
                lead = art.text[:600]
                result = enrich(art.title, lead)
                verdict = decide(conn, art, result, layers=layers)
                aid = articles.insert(
                    conn, art, result, duplicate_of=verdict.duplicate_of, story_id=verdict.story_id
                )
                remember(conn, aid, verdict)
                ids[i] = aid
                if verdict.reason:
                    reasons[i] = verdict.reason
    elapsed = time.perf_counter() - started
    a = schema.articles
    with store.read() as conn:
        key = {int(r[0]): int(r[1] or r[0]) for r in conn.execute(sa.select(a.c.id, a.c.story_id))}
    store.close()
    return {i: key[aid] for i, aid in ids.items()}, reasons, elapsed


def pairs(rows: list[dict[str, str]], seed: int = 7, negatives: int = 20000):
    when = [datetime.fromisoformat(r["date_extracted"]) for r in rows]
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        t = r["title"].strip()
        if len(t.split()) >= 3 and r["content"].strip():
            by_title[t].append(i)
    pos = []
    for members in by_title.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if rows[i]["source"] != rows[j]["source"] and abs(when[i] - when[j]) <= timedelta(
                    days=3
                ):
                    pos.append((i, j))
    rng = random.Random(seed)
    neg: set[tuple[int, int]] = set()
    n = len(rows)
    while len(neg) < negatives:
        i = rng.randrange(n)
        # a partner close in time: rows are sorted by date
        j = min(n - 1, max(0, i + rng.randint(-1500, 1500)))
        if i == j or rows[i]["source"] == rows[j]["source"]:
            continue
        if rows[i]["title"].strip() == rows[j]["title"].strip():
            continue
        if abs(when[i] - when[j]) > timedelta(days=2):
            continue
        neg.add((min(i, j), max(i, j)))
    return pos, sorted(neg)


def sample_repost() -> dict[str, object]:
    """The seed post (hashtag line, footer and all, as a feed would carry it) against the
    original article page, with the title layer off so that only the body can match."""
    from nashra.extract import extract_page

    page = ROOT / "tests/fixtures/sample/article.html"
    expected = json.loads((ROOT / "tests/fixtures/sample/expected.json").read_text("utf-8"))
    ex = extract_page(page.read_bytes(), expected["pages"]["article.html"]["url"])
    raw = (DATA.parent / "seed/sample_post.txt").read_text("utf-8")
    lines = raw.splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        backfill.forget_process_state()
        store = Store(f"sqlite:///{tmp}/s.db")
        out: dict[str, object] = {}
        with store.tx() as conn:
            orig = Article(
                identity="o",
                source="7al",
                url=ex.url,
                canonical_url=canonical_url(ex.url),
                title=ex.title,
                blocks=ex.blocks,
                published=ex.published,
                outlet="الحل نت",
                match_title=normalize(ex.title),
                match_text=normalize(ex.title + "\n" + ex.text),
                content_hash=content_hash(ex.title, ex.text),
            )
            v = decide(conn, orig, enrich(orig.title, orig.text))
            oid = articles.insert(conn, orig, None)
            remember(conn, oid, v)
            body = "\n".join(lines[3:])
            title = lines[0]  # the hashtag line as a title: nothing for the title layer
            rep = Article(
                identity="r",
                source="muqim",
                url="https://muqim.example/p/1",
                canonical_url="https://muqim.example/p/1",
                title=title,
                blocks=tuple(Block(BlockKind.PARAGRAPH, x) for x in lines[3:]),
                outlet="مقيم أوروبا",
                published=ex.published,  # the post's 📅 line gives the same time
                match_title=normalize(title),
                match_text=normalize(title + "\n" + body),
                content_hash=content_hash(title, body),
            )
            for layers in (LAYERS, ("body",)):
                v2 = decide(conn, rep, enrich(rep.title, rep.text), layers=layers)
                out[",".join(layers)] = {
                    "same_as_original": v2.duplicate_of == oid,
                    "reason": v2.reason,
                    "score": round(v2.score or 0.0, 3),
                }
        store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--layers", default=",".join(LAYERS))
    ap.add_argument("--show", type=int, default=0, help="print N false merges and N story merges")
    args = ap.parse_args()
    layers = tuple(args.layers.split(","))
    print("sample repost vs original:", sample_repost())
    rows = load(args.split)
    pos, neg = pairs(rows)
    with tempfile.TemporaryDirectory() as tmp:
        story, reasons, secs = run(rows, layers, Path(tmp) / "eval.db")
    hit = sum(story[i] == story[j] for i, j in pos)
    fm = [(i, j) for i, j in neg if story[i] == story[j]]
    by_reason: dict[str, int] = defaultdict(int)
    for r in reasons.values():
        by_reason[r] += 1
    print(
        f"split={args.split} layers={','.join(layers)} articles={len(rows)} "
        f"({secs / len(rows) * 1000:.2f} ms each incl. enrichment and insert)"
    )
    print(f"positive pairs (same title, 2 outlets): {len(pos)}  recall {hit / len(pos):.4f}")
    print(f"negative pairs: {len(neg)}  false merges {len(fm)} = {len(fm) / len(neg):.4%}")
    print("matches by layer:", dict(sorted(by_reason.items())))
    if args.show:
        print("--- positive pairs missed ---")
        for i, j in [(i, j) for i, j in pos if story[i] != story[j]][: args.show]:
            print(f"  {rows[i]['source']}/{rows[j]['source']} {rows[i]['title'][:70]}")
            print(f"     {rows[i]['date_extracted']} / {rows[j]['date_extracted']}")
        print("--- false merges (judge by hand) ---")
        for i, j in fm[: args.show]:
            print(f"  {rows[i]['title'][:70]}  ||  {rows[j]['title'][:70]}")
        print("--- story-layer merges (judge by hand) ---")
        rng = random.Random(3)
        st = [i for i, r in reasons.items() if r == "story"]
        first = {}
        for i in sorted(story):
            first.setdefault(story[i], i)
        for i in rng.sample(st, min(args.show, len(st))):
            print(f"  {rows[first[story[i]]]['title'][:70]}  ||  {rows[i]['title'][:70]}")


if __name__ == "__main__":
    main()
