"""Near-duplicate index cost: insert + query time and bytes per article at large index sizes.

    .venv/bin/python bench/bench_dedupe.py [--sizes 100000,300000] [--probe 1000] [--keep DIR]

Articles are synthesized from SaudiNewsNet bodies (read in place from ../shared/data): each is
six 25-word runs taken from random places in random bodies, with 8 % of the words replaced by
corpus words drawn at random, so that synthesized articles are distinct (as most news is) and
their shingles look like news. For each size N the
index is filled with N such articles (articles rows + index rows, bulk-inserted), then ``probe``
more articles go through the real path one by one: ``decide`` (exact and body layers) →
``articles.insert`` → ``remember``; half are near-duplicates of indexed articles, half new.
Then the same with the story layer on (``--story``, on by default): the probe articles are
embedded for real (multilingual USE v3, the encoder loaded before timing: its start-up is paid
once per process), compared through the story index; the N filled articles carry story index
rows too (a random unit vector each, quantised as stored, their body sketch, their title words
and rarest lead words as story terms, document frequencies counted in bulk): the cost of the
index at that size, not the encoder's, since the fill's vectors are not computed.

Baselines, measured in the same run on the same probe articles:
- ``dict``: an exact content-hash dict in memory (lookup + insert);
- ``sql-exact``: the same database path with only the exact layer (content hash and URL lookups
  on the articles table, then ``articles.insert``): what dedupe costs without the index.
A first line compares the cost of one signature with datasketch's ``MinHash`` on the same
shingle hashes. Bytes per article are the index tables' pages (SQLite ``dbstat``) divided by
N; the dict's are ``tracemalloc``'s. The index lives in the database, so the process keeps no
per-article memory.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import inspect
import json
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from nashra.arabic import normalize
from nashra.dedupe import backfill, encoder, index, signals, stories
from nashra.dedupe.decide import LAYERS, decide, remember
from nashra.dedupe.features import LEAD_WORDS, body_of, content_words, of_article
from nashra.dedupe.identity import content_hash
from nashra.dedupe.shingles import NUM_PERM, shingles, signature
from nashra.models import Article, Block, BlockKind
from nashra.store import Store, articles, schema
from nashra.store.migrations import MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
SNN = ROOT.parent / "shared" / "data" / "corpora" / "saudinewsnet" / "dataset"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
WORDS_PER_DOC = 150
CHUNK = 25
RATE = 0.08


DF: Counter[int] = Counter()  # story document frequencies of the fill, inserted in bulk
NP_RNG = np.random.default_rng(7)


def corpus() -> list[list[str]]:
    bodies = []
    for f in sorted(glob.glob(str(SNN / "*.zip"))):
        with zipfile.ZipFile(f) as z:
            for n in z.namelist():
                for r in json.loads(z.read(n)):
                    w = r["content"].split()
                    if len(w) >= 80:
                        bodies.append(w)
    return bodies


def synth(
    bodies: list[list[str]], vocab: list[str], rng: random.Random, base: list[str] | None = None
) -> str:
    """A distinct article: six 25-word runs from random places in random bodies, 8 % of the
    words replaced; or, given ``base``, a near-duplicate of it (8 % of its words replaced)."""
    if base is None:
        base = []
        for _ in range(WORDS_PER_DOC // CHUNK):
            b = rng.choice(bodies)
            at = rng.randrange(0, max(1, len(b) - CHUNK))
            base.extend(b[at : at + CHUNK])
    return " ".join(rng.choice(vocab) if rng.random() < RATE else w for w in base)


def article(i: int, body: str) -> Article:
    title = f"خبر {i}"
    return Article(
        identity=f"b:{i}",
        source=f"s{i % 14}",
        url=f"https://s{i % 14}.example/{i}",
        canonical_url=f"https://s{i % 14}.example/{i}",
        title=title,
        blocks=(Block(BlockKind.PARAGRAPH, body),),
        published=T0 + timedelta(seconds=i % 86400),
        outlet=f"s{i % 14}",
        match_title=normalize(title),
        match_text=normalize(title + "\n" + body),
        content_hash=content_hash(title, body),
    )


def fill(
    store: Store, n: int, bodies: list[list[str]], vocab: list[str], rng: random.Random
) -> list[str]:
    """Bulk-insert n synthesized articles with their index rows; returns their bodies' seeds."""
    kept: list[str] = []
    batch = 2000
    a = schema.articles
    stamp = datetime.now(UTC)
    for start in range(0, n, batch):
        arts, idx, bands, terms, vectors = [], [], [], [], []
        for i in range(start, min(n, start + batch)):
            body = synth(bodies, vocab, rng)
            if len(kept) < 5000:
                kept.append(body)
            art = article(i, body)
            f = of_article(art, None)
            arts.append(
                {
                    "id": i + 1,
                    "identity": art.identity,
                    "source": art.source,
                    "url": art.url,
                    "canonical_url": art.canonical_url,
                    "title": art.title,
                    "outlet": art.outlet,
                    "published_utc": f.at,
                    "blocks": [["p", body]],
                    "categories": [],
                    "method": "page",
                    "match_title": art.match_title,
                    "match_text": art.match_text,
                    "content_hash": art.content_hash,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            idx.append(
                {
                    "article_id": i + 1,
                    "source": art.source,
                    "priority": 0,
                    "at": f.at,
                    "shingles": len(f.hashes),
                    "reason": None,
                }
            )
            bands.extend({"key": k, "article_id": i + 1} for k in set(f.keys))
            lead = content_words(body_of(art.match_title, art.match_text), LEAD_WORDS)
            rare = sorted(set(lead), key=lambda w: (DF[signals.word_key(w)], lead.index(w)))
            story_terms = set(f.terms) | {
                index.term_key("t", w) for w in rare[: stories.RARE_LEAD_TERMS]
            }
            terms.extend({"term": t, "at": f.at, "article_id": i + 1} for t in story_terms)
            sk = signals.sketch(body_of(art.match_title, art.match_text))
            DF.update(sk)
            vec = NP_RNG.standard_normal(encoder.DIM).astype("float32")
            vec /= float((vec * vec).sum() ** 0.5)
            vectors.append(
                {
                    "article_id": i + 1,
                    "story_id": i + 1,
                    "source": art.source,
                    "at": f.at,
                    "vec": encoder.pack(vec),
                    "terms": signals.pack_terms(sk),
                    "facts": {},
                }
            )
        with store.tx() as conn:
            conn.execute(a.insert(), arts)
            conn.execute(schema.dedupe_articles.insert(), idx)
            conn.execute(schema.dedupe_bands.insert(), bands)
            if terms:
                conn.execute(schema.dedupe_terms.insert(), terms)
            conn.execute(schema.story_vectors.insert(), vectors)
    with store.tx() as conn:
        rows = [{"term": k, "df": c} for k, c in DF.items()]
        for i in range(0, len(rows), 5000):
            conn.execute(schema.story_df.insert(), rows[i : i + 5000])
        index.set_meta(conn, "story_docs", str(n))
    DF.clear()
    return kept


def _kept_name(n: int) -> str:
    """A kept fill is reused only with the same schema, index parameters and fill recipe."""
    version = max(v for v, _, _ in MIGRATIONS)
    recipe = hashlib.sha256(inspect.getsource(fill).encode()).hexdigest()[:8]
    params = index.PARAMS.replace("/", "-")
    return f"fill-{n}-m{version}-{params}-{recipe}-r{stories.RARE_LEAD_TERMS}"


def filled(
    store: Store,
    db: Path,
    n: int,
    bodies: list[list[str]],
    vocab: list[str],
    rng: random.Random,
    keep: Path | None,
) -> list[str]:
    """``fill``, or a copy of the same fill kept by an earlier run (with the random state it
    left, so the probes are the same articles either way)."""
    saved = keep / _kept_name(n) if keep else None
    if saved is not None and (saved / "bench.db").exists():
        store.close()
        for side in (".db-wal", ".db-shm"):
            db.with_suffix(side).unlink(missing_ok=True)
        shutil.copyfile(saved / "bench.db", db)
        meta = json.loads((saved / "state.json").read_text())
        rng.setstate((meta["rng"][0], tuple(meta["rng"][1]), meta["rng"][2]))
        NP_RNG.bit_generator.state = meta["np_rng"]
        print(f"  (fill of {n:,} reused from {saved})")
        return list(meta["kept"])
    with store.tx() as conn:
        index.set_meta(conn, "params", index.PARAMS)
    kept = fill(store, n, bodies, vocab, rng)
    if saved is not None:
        store.close()
        saved.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db, saved / "bench.db")
        state = {"rng": rng.getstate(), "np_rng": NP_RNG.bit_generator.state, "kept": kept}
        (saved / "state.json").write_text(json.dumps(state))
    return kept


def index_bytes(store: Store) -> tuple[int, int]:
    """(near-duplicate index, story index) bytes on disk."""
    names = ("dedupe_articles", "dedupe_bands", "dedupe_terms")
    story = ("story_vectors", "story_df", "story_links")
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").all()
    near = sum(int(s) for name, s in rows if name in names or name.startswith("ix_dedupe"))
    st = sum(int(s) for name, s in rows if name in story or name.startswith("ix_story"))
    return near, st


def probe(store: Store, arts: list[Article], layers: tuple[str, ...]) -> tuple[float, float, int]:
    """Per article: (whole path, dedupe calls only) in seconds, and duplicates found. Commits
    every 50 articles so that fsync does not drown what is measured."""
    dups = 0
    dedupe_s = 0.0
    started = time.perf_counter()
    for start in range(0, len(arts), 50):
        with store.tx() as conn:
            for art in arts[start : start + 50]:
                t = time.perf_counter()
                v = decide(conn, art, None, layers=layers)
                dedupe_s += time.perf_counter() - t
                aid = articles.insert(
                    conn, art, None, duplicate_of=v.duplicate_of, story_id=v.story_id
                )
                if "body" in layers or "story" in layers:
                    t = time.perf_counter()
                    remember(conn, aid, v)
                    dedupe_s += time.perf_counter() - t
                dups += v.duplicate_of is not None
    return (time.perf_counter() - started) / len(arts), dedupe_s / len(arts), dups


def dict_baseline(arts: list[Article], n: int) -> tuple[float, float]:
    tracemalloc.start()
    seen: dict[str, int] = {}
    for i in range(n):  # an index of n entries: 32-hex-char keys like content_hash
        seen[f"{i:032x}"] = i
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    started = time.perf_counter()
    for i, art in enumerate(arts):
        if art.content_hash not in seen:
            seen[art.content_hash] = n + i
    per = (time.perf_counter() - started) / len(arts)
    return per, size / n


def signature_cost(bodies: list[list[str]], vocab: list[str], rng: random.Random) -> None:
    """Our MinHash family against datasketch's (the same shingle hashes, 126 permutations)."""
    from datasketch import MinHash

    docs = [shingles(normalize(synth(bodies, vocab, rng)), normalized=True) for _ in range(500)]
    t = time.perf_counter()
    for h in docs:
        signature(h)
    ours = (time.perf_counter() - t) / len(docs)
    template = MinHash(num_perm=NUM_PERM, seed=1)
    t = time.perf_counter()
    for h in docs:
        m = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=template.permutations)
        m.update_batch(h.tolist())
    theirs = (time.perf_counter() - t) / len(docs)
    print(
        f"signature of a {WORDS_PER_DOC}-word article: ours {ours * 1000:.3f} ms, datasketch "
        f"MinHash {theirs * 1000:.3f} ms  → ratio {ours / theirs:.2f}×"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000")
    ap.add_argument("--probe", type=int, default=1000)
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="a folder where each size's filled database is kept and reused by later runs "
        "(the fill, not the probes, is most of the time); a new schema or index fills again",
    )
    args = ap.parse_args()
    rng = random.Random(11)
    bodies = corpus()
    vocab = [w for b in bodies[:3000] for w in b]
    print(
        f"corpus: {len(bodies)} SaudiNewsNet bodies, {WORDS_PER_DOC} words each, "
        f"{RATE:.0%} of words replaced"
    )
    signature_cost(bodies, vocab, rng)
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            backfill.forget_process_state()
            store = Store(f"sqlite:///{tmp}/bench.db")
            t = time.perf_counter()
            kept = filled(store, Path(tmp) / "bench.db", n, bodies, vocab, rng, args.keep)
            fill_s = time.perf_counter() - t
            half = args.probe // 2
            near = [article(n + j, synth(bodies, vocab, rng, kept[j].split())) for j in range(half)]
            new = [article(n + half + j, synth(bodies, vocab, rng)) for j in range(half)]
            probe_arts = [x for pair in zip(near, new, strict=True) for x in pair]
            per_ours, dd_ours, dups = probe(store, probe_arts, ("exact", "body"))
            encoder.embed_one("تحميل النموذج مرة واحدة")  # start-up paid before timing
            # Fresh articles for the story layer (half near-duplicates, which the body layer
            # takes, half new, which reach the story layer and its encoder).
            more = [
                article(n + args.probe + j, synth(bodies, vocab, rng, kept[half + j].split()))
                for j in range(half)
            ]
            more_new = [
                article(n + args.probe + half + j, synth(bodies, vocab, rng)) for j in range(half)
            ]
            story_arts = [x for pair in zip(more, more_new, strict=True) for x in pair]
            t = time.perf_counter()
            for x in story_arts:
                encoder.embed_one(encoder.text_of(x.title, x.text))
            enc_s = (time.perf_counter() - t) / len(story_arts)
            encoded = encoder.ENCODED[0]
            per_story, dd_story, _ = probe(store, story_arts, LAYERS)
            encoded = encoder.ENCODED[0] - encoded
            near_b, story_b = index_bytes(store)
            ib = near_b + story_b
            store.close()
            # The SQL baseline on a fresh copy of the same size would double the fill; it runs on
            # the same database with new identities, which only adds rows.
            store = Store(f"sqlite:///{tmp}/bench.db")
            base_arts = [
                Article(
                    **{
                        **{s: getattr(x, s) for s in Article.__slots__},
                        "identity": x.identity + "x",
                    }
                )
                for x in probe_arts
            ]
            per_sql, dd_sql, _ = probe(store, base_arts, ("exact",))
            store.close()
        per_dict, dict_bytes = dict_baseline(probe_arts, n)
        print(f"\nN = {n:,} indexed (fill {fill_s:.0f} s, {fill_s / n * 1000:.2f} ms/article)")
        per_art = ib / (n + 2 * len(probe_arts))
        story_art = story_b / (n + len(probe_arts))
        print(
            f"  ours, exact+body layers: decide+remember {dd_ours * 1000:.3f} ms/article, "
            f"whole path with insert {per_ours * 1000:.3f} ms; near-duplicates {dups}/{half} found"
        )
        print(
            f"  sql-exact baseline: decide {dd_sql * 1000:.3f} ms/article, whole path "
            f"{per_sql * 1000:.3f} ms  → ratios {dd_ours / dd_sql:.1f}× (dedupe), "
            f"{per_ours / per_sql:.2f}× (whole path)"
        )
        print(
            f"  ours, all layers incl. story: decide+remember {dd_story * 1000:.3f} ms/article "
            f"(of which the encoder alone {enc_s * 1000:.3f} ms, measured apart on the same "
            f"texts), whole path {per_story * 1000:.3f} ms  → ratio to sql-exact "
            f"{dd_story / dd_sql:.1f}×; texts encoded {encoded} of {len(story_arts)} (only against "
            f"a story that could take them)"
        )
        print(
            f"  dict baseline (content hash lookup+insert): {per_dict * 1e6:.2f} µs/article"
            f"  → ratio {dd_ours / per_dict:.0f}×"
        )
        print(
            f"  index bytes/article on disk: {per_art:.0f} B (story index {story_art:.0f} B of"
            f" it);  dict bytes/entry in memory: "
            f"{dict_bytes:.0f} B  → ratio {per_art / dict_bytes:.1f}×"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
