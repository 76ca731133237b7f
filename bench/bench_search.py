"""Search and page-render latency over a synthesized archive, as ratios against baselines.

Articles are synthesized from the SaudiNewsNet corpus (read in place): each one takes a real title
and two to four real paragraphs drawn at random, so the vocabulary and clitics are real Arabic news.
They go into a real SQLite file through the same code the project uses (``nashra.search.index``).

Baselines measured in the same run: a plain ``LIKE`` scan over ``match_text`` (the PostgreSQL
fallback) on the smallest size, and FTS5 search at the smallest size.

    .venv/bin/python bench/bench_search.py                 # 100k and 300k
    .venv/bin/python bench/bench_search.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx

from nashra.arabic import clean_display, normalize
from nashra.search import search
from nashra.search.index import FTS_INSERT, fts_row
from nashra.settings import load_config
from nashra.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "corpora" / "saudinewsnet" / "dataset"
QUERIES = ["واشنطن", "ولي العهد", '"مجلس الوزراء"', "النفط -ايران", "الرياض OR جده", "تصري*"]
COMMON = ["في"]


def corpus() -> tuple[list[str], list[str]]:
    titles, paras = [], []
    for z in sorted(glob.glob(str(DATA / "*.zip"))):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                for a in json.loads(zf.read(name)):
                    if a.get("title"):
                        titles.append(clean_display(a["title"]))
                    paras += [p for p in (a.get("content") or "").split("\n") if len(p) > 60]
    return titles, paras


def build(path: Path, n: int, titles: list[str], paras: list[str], seed: int = 7) -> Store:
    rnd = random.Random(seed)
    store = Store(f"sqlite:///{path}")
    raw = store.engine.raw_connection()
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    art_sql = (
        "INSERT INTO articles (id, identity, source, url, title, outlet, published_utc, blocks,"
        " categories, method, match_title, match_text, content_hash, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,'[]','feed',?,?,?,?,?)"
    )
    t0 = time.perf_counter()
    for start in range(1, n + 1, 5000):
        arts, ftss, docs = [], [], []
        for i in range(start, min(start + 5000, n + 1)):
            title = rnd.choice(titles)
            body = rnd.sample(paras, rnd.randint(2, 4))
            mt, mx = normalize(title), normalize(title + "\n" + "\n".join(body))
            day = f"2015-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d} 12:00:00"
            blocks = json.dumps([["p", p] for p in body], ensure_ascii=False)
            arts.append((i, f"b:{i}", "s", f"https://e.org/{i}", title, f"outlet{i % 14}", day,
                         blocks, mt, mx, str(i), day, day))  # fmt: skip
            ftss.append(fts_row(i, mt, mx))
            docs.append((i, day))
        cur.executemany(art_sql, arts)
        cur.executemany(FTS_INSERT, ftss)
        cur.executemany("INSERT INTO search_docs (article_id, indexed_at) VALUES (?, ?)", docs)
        raw.commit()
    cur.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    raw.commit()
    raw.close()
    print(f"  built {n:,} articles in {time.perf_counter() - t0:.0f} s", flush=True)
    return store


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] * 1000


def time_search(store: Store, queries: list[str], backend: str, rounds: int) -> float:
    samples = []
    with store.read() as conn:
        for _ in range(rounds):
            for q in queries:
                t = time.perf_counter()
                search(conn, q, backend=backend)  # type: ignore[arg-type]
                samples.append(time.perf_counter() - t)
    return p95(samples)


def time_pages(store: Store, db: Path, rounds: int) -> float:
    import threading

    import uvicorn

    from nashra.web import create_app

    cfg = load_config(data={"database": {"url": f"sqlite:///{db}"}}, env={})
    app = create_app(cfg, store=store, password_hash=None)
    server = uvicorn.Server(uvicorn.Config(app, port=8791, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    paths = ["/search?q=واشنطن", "/article/1", "/article/500", "/search?q=ولي+العهد"]
    samples = []
    with httpx.Client(base_url="http://127.0.0.1:8791") as c:
        for _ in range(rounds):
            for p in paths:
                t = time.perf_counter()
                assert c.get(p).status_code == 200
                samples.append(time.perf_counter() - t)
    server.should_exit = True
    return p95(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"corpus missing: {DATA}")
    titles, paras = corpus()
    print(f"corpus: {len(titles):,} titles, {len(paras):,} paragraphs")
    base_fts = base_like = None
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        for n in args.sizes:
            db = Path(tmp) / f"a{n}.db"
            store = build(db, n, titles, paras)
            fts = time_search(store, QUERIES, "fts5", args.rounds)
            common = time_search(store, COMMON, "fts5", 3)
            if base_like is None:
                base_like = time_search(store, QUERIES[:2], "like", 2)
                base_fts = fts
            page = time_pages(store, db, args.rounds)
            assert base_fts is not None
            print(
                f"{n:>9,} articles: search p95 {fts:6.1f} ms (x{fts / base_fts:.2f} the smallest"
                f" size; LIKE scan p95 at {args.sizes[0]:,} = {base_like:.0f} ms,"
                f" x{base_like / fts:.1f} this),"
                f" a word in every article p95 {common:6.0f} ms, page p95 {page:5.1f} ms"
                f" — goal ≤ 50 ms at 1M",
                flush=True,
            )
            store.close()


if __name__ == "__main__":
    main()
