"""Search and page-render latency over a synthesized archive, as ratios against a baseline.

Articles are synthesized from the SaudiNewsNet corpus (read in place): each one takes a real title
and two to four real paragraphs drawn at random, so the vocabulary and clitics are real Arabic news.
Ids follow publication time (with a few hours of jitter, like a feed fetched late), an entity
drawn from a Zipf law and one of eight topics go into ``search_facets``. The rows go into a real
SQLite file through the project's schema and ``nashra.search.index.fts_row``.

The baseline, measured in the same run on the same database, is the pre-v5 query: bm25 over
every match (``search(..., sort="relevance", window=None)``). Each row gives p50/p95 in ms for
``date`` (newest first, the default) and ``relevance`` (bm25 over the newest
``RELEVANCE_WINDOW`` matches), the p95 of each search's CPU time (this thread's, plus the
PostgreSQL backend's, from Linux schedstat: what it costs apart from waiting for a core on a
shared machine), the baseline's p95 divided by each mode's p95, and the share of the wall time
both processes spent waiting for a core.

    .venv/bin/python bench/bench_search.py                    # 100k and 300k
    .venv/bin/python bench/bench_search.py --sizes 100000 300000 1000000
    .venv/bin/python bench/bench_search.py --quick            # 20k, fewer rounds
    .venv/bin/python bench/bench_search.py --backend postgresql --pg-url URL --sizes 100000

``--backend postgresql`` builds the same archive in a fresh database on the server of
``--pg-url`` (or ``NASHRA_TEST_PG_URL``): the project's migrations, then ``COPY`` of the same
rows, each article's ``tsvector`` made by ``nashra.search.pg.doc_vector`` (the plain indexes
dropped for the load and made again after it), then ``ANALYZE``; it
measures the ``tsvector`` backend (GIN) the same way, the baseline being ``ts_rank`` over every
match. Both backends also time "the first search after new articles arrive": 20 articles stored
and indexed through ``nashra.search.index_article`` in one transaction, then a search at once.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import multiprocessing as mp
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from nashra.arabic import clean_display, normalize
from nashra.search import RELEVANCE_WINDOW, SearchFilters, search
from nashra.search.index import FTS_INSERT, fts_row, index_article
from nashra.search.pg import doc_vector
from nashra.search.query import facet_lexemes
from nashra.settings import load_config
from nashra.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "corpora" / "saudinewsnet" / "dataset"
START = datetime(2015, 1, 1)
SPAN_DAYS = 3 * 365
TOPICS = ["سياسة", "اقتصاد", "رياضة", "مجتمع", "صحة", "تقنية", "ثقافة", "منوعات"]
ENTITIES = 2000  # entity k is drawn with weight 1/k: entity 1 is everywhere, entity 1500 rare
CHUNK = 5000


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    filters: SearchFilters = field(default_factory=SearchFilters)


def cases(n: int) -> list[Case]:
    mid = (START + timedelta(days=SPAN_DAYS // 2)).date()
    return [
        Case("word", "واشنطن"),
        Case("two words", "ولي العهد"),
        Case("phrase", '"مجلس الوزراء"'),
        Case("NOT", "النفط -ايران"),
        Case("OR", "الرياض OR جده"),
        Case("prefix", "تصري*"),
        Case("a word in every article", "في"),
        Case("common word + outlet", "في", SearchFilters(outlet="outlet3")),
        Case(
            "word + one month", "الرياض", SearchFilters(date_from=mid, date_to=mid + timedelta(30))
        ),
        Case("common word + topic", "في", SearchFilters(topic="اقتصاد")),
        Case("common word + rare entity", "في", SearchFilters(entity="كيان 1500")),
    ]


# -- building ------------------------------------------------------------------------------------
_TITLES: list[str] = []
_PARAS: list[str] = []


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


def _load() -> None:
    _TITLES[:], _PARAS[:] = corpus()


def synth(args: tuple[int, int, int, str]) -> tuple[list[tuple[Any, ...]], ...]:
    """Rows for articles start..start+count-1 (a pool worker: folding is the costly part)."""
    start, count, n, backend = args
    rnd = random.Random(start)
    # Cumulative weights once a chunk (choices() would sum the 2,000 weights for every article;
    # the draws are the same).
    cum = list(itertools.accumulate(1 / k for k in range(1, ENTITIES + 1)))
    arts, ftss, docs, facets = [], [], [], []
    for i in range(start, start + count):
        title = rnd.choice(_TITLES)
        body = rnd.sample(_PARAS, rnd.randint(2, 4))
        mt, mx = normalize(title), normalize(title + "\n" + "\n".join(body))
        when = START + timedelta(days=SPAN_DAYS * i / n, hours=rnd.uniform(-6, 6))
        day = when.strftime("%Y-%m-%d %H:%M:%S")
        blocks = json.dumps([["p", p] for p in body], ensure_ascii=False)
        arts.append((i, f"b:{i}", "s", f"https://e.org/{i}", title, f"outlet{i % 14}", day,
                     blocks, mt, mx, str(i), day, day))  # fmt: skip
        entity = f"كيان {rnd.choices(range(1, ENTITIES + 1), cum_weights=cum)[0]}"
        topic = rnd.choice(TOPICS)
        lexemes = facet_lexemes(
            f"outlet{i % 14}", "s", [("entity", normalize(entity)), ("topic", normalize(topic))]
        )
        if backend == "sqlite":
            ftss.append(fts_row(i, mt, mx, lexemes))
        else:
            ftss.append((i, doc_vector(mt, mx, lexemes)))
        docs.append((i, day))
        facets += [(i, "entity", entity, normalize(entity), day[:10]),
                   (i, "topic", topic, normalize(topic), day[:10])]  # fmt: skip
    return arts, ftss, docs, facets


ART_SQL = (
    "INSERT INTO articles (id, identity, source, url, title, outlet, published_utc, blocks,"
    " categories, method, match_title, match_text, content_hash, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,'[]','feed',?,?,?,?,?)"
)


def build(path: Path, n: int) -> None:
    """A throwaway archive: one transaction, no journal, no fsync, FTS5 merged once at the end."""
    Store(f"sqlite:///{path}").close()  # the schema, by the project's migrations
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("synchronous=OFF", "journal_mode=OFF", "cache_size=-200000"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 0)")
    db.execute("BEGIN")
    t0 = time.perf_counter()
    jobs = [(s, min(CHUNK, n + 1 - s), n, "sqlite") for s in range(1, n + 1, CHUNK)]
    with mp.get_context("fork").Pool(2, initializer=_load) as pool:
        for arts, ftss, docs, facets in pool.imap(synth, jobs):
            db.executemany(ART_SQL, arts)
            db.executemany(FTS_INSERT, ftss)
            db.executemany("INSERT INTO search_docs (article_id, indexed_at) VALUES (?,?)", docs)
            db.executemany(
                "INSERT INTO search_facets (article_id, kind, value, match, day)"
                " VALUES (?,?,?,?,?)",
                facets,
            )
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 4)")
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    took = time.perf_counter() - t0
    size = path.stat().st_size / 2**20
    print(f"  built {n:,} articles in {took:.0f} s ({n / took:,.0f}/s), file {size:,.0f} MiB")


def build_pg(url: str, n: int) -> None:
    """The same archive in PostgreSQL: migrations, then COPY (one transaction), then ANALYZE."""
    import psycopg

    Store(url).close()
    t0 = time.perf_counter()
    jobs = [(s, min(CHUNK, n + 1 - s), n, "postgresql") for s in range(1, n + 1, CHUNK)]
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    cols = (
        "id, identity, source, url, title, outlet, published_utc, blocks, match_title,"
        " match_text, content_hash, created_at, updated_at, categories, method"
    )
    with psycopg.connect(dsn) as db, mp.get_context("fork").Pool(2, initializer=_load) as pool:
        cur = db.cursor()
        # The plain indexes (GIN included) are dropped for the load and made again after it, each
        # built once from sorted entries instead of updated per row. Unique ones stay.
        later = [
            (name, sql)
            for name, sql in cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                " AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                (["articles", "articles_fts_pg", "search_docs", "search_facets"],),
            )
        ]
        for name, _ in later:
            cur.execute(f"DROP INDEX {name}")
        for arts, ftss, docs, facets in pool.imap(synth, jobs):
            with cur.copy(f"COPY articles ({cols}) FROM STDIN") as cp:
                for row in arts:
                    cp.write_row((*row, "[]", "feed"))
            with cur.copy("COPY articles_fts_pg (article_id, doc) FROM STDIN") as cp:
                for row in ftss:
                    cp.write_row(row)
            with cur.copy("COPY search_docs (article_id, indexed_at) FROM STDIN") as cp:
                for row in docs:
                    cp.write_row(row)
            with cur.copy(
                "COPY search_facets (article_id, kind, value, match, day) FROM STDIN"
            ) as cp:
                for row in facets:
                    cp.write_row(row)
        cur.execute("SELECT setval(pg_get_serial_sequence('articles', 'id'), %s)", (n,))
        loaded = time.perf_counter() - t0
        cur.execute("SET maintenance_work_mem = '512MB'")
        for _, sql in later:
            cur.execute(sql)
        print(f"  rows loaded in {loaded:.0f} s, {len(later)} indexes made again in"
              f" {time.perf_counter() - t0 - loaded:.0f} s", flush=True)  # fmt: skip
        db.commit()
        db.autocommit = True
        db.execute("VACUUM ANALYZE")
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()
    took = time.perf_counter() - t0
    mib = (size[0] if size else 0) / 2**20
    print(f"  built {n:,} articles in {took:.0f} s ({n / took:,.0f}/s), database {mib:,.0f} MiB")


def pg_db(url: str, n: int) -> str:
    import sqlalchemy as sa

    return str(sa.make_url(url).set(database=f"nashra_bench_search_{n}"))


def pg_exists(url: str) -> bool:
    import sqlalchemy as sa

    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"))
    with admin.connect() as conn:
        found = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ).first()
    admin.dispose()
    return found is not None


def fresh_pg(url: str, n: int) -> str:
    import sqlalchemy as sa

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"nashra_bench_search_{n}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return str(sa.make_url(url).set(database=name))


def drop_pg(url: str) -> None:
    import sqlalchemy as sa

    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {target.database} WITH (FORCE)")
    admin.dispose()


def time_after_arrivals(store: Store, rounds: int) -> tuple[float, float]:
    """p95 of: 20 new articles stored and indexed in one transaction, then the first search
    (a word the new articles carry) at once."""
    import sqlalchemy as sa

    from nashra.store import schema

    samples, cpus = [], []
    for r in range(rounds):
        with store.tx() as conn:
            top = conn.execute(sa.select(sa.func.max(schema.articles.c.id))).scalar() or 0
            now = datetime.now()
            for k in range(20):
                title = f"وصول جديد {r} {k} واشنطن"
                conn.execute(
                    schema.articles.insert().values(
                        id=top + 1 + k, identity=f"new:{top + 1 + k}", source="s",
                        url=f"https://e.org/new/{r}/{k}", title=title, outlet="outlet1",
                        published_utc=now, blocks=[["p", title]], categories=[],
                        method="feed", match_title=normalize(title),
                        match_text=normalize(title), content_hash=f"new{top + 1 + k}",
                        created_at=now, updated_at=now,
                    )
                )  # fmt: skip
                index_article(conn, top + 1 + k)
        with store.read() as conn:
            backend = None
            if conn.dialect.name == "postgresql":
                backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            r0, s0 = sched()[0], sched(backend)[0] if backend else 0
            t = time.perf_counter()
            page = search(conn, "واشنطن", SearchFilters())
            samples.append(time.perf_counter() - t)
            cpus.append((sched()[0] - r0 + (sched(backend)[0] - s0 if backend else 0)) / 1e9)
            assert page.hits and page.hits[0].article_id > top
    return pct(samples, 95), pct(cpus, 95)


# -- measuring -----------------------------------------------------------------------------------
def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000


def sched(pid: int | None = None, path: str = "") -> tuple[int, int]:
    """Nanoseconds on a CPU and waiting for one, of this thread or of process ``pid`` (Linux
    schedstat): on a machine shared with other work, CPU time tells what a search costs apart
    from the wait for a core."""
    path = path or ("/proc/thread-self/schedstat" if pid is None else f"/proc/{pid}/schedstat")
    try:
        with open(path) as f:
            run, wait = f.read().split()[:2]
    except OSError:
        return 0, 0
    return int(run), int(wait)


@dataclass(frozen=True)
class Timing:
    p50: float  # wall ms
    p95: float
    cpu95: float  # CPU ms of the search: this thread, plus the PostgreSQL backend's
    waited: float  # share of the wall time spent waiting for a core (both processes)


def time_case(store: Store, case: Case, rounds: int, **kw: Any) -> Timing:
    walls, cpus, waits = [], [], []
    with store.read() as conn:
        backend = None
        if conn.dialect.name == "postgresql":
            backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
        search(conn, case.query, case.filters, **kw)  # warm the page cache
        for _ in range(rounds):
            (r0, w0), (s0, v0) = sched(), sched(backend) if backend else (0, 0)
            t = time.perf_counter()
            search(conn, case.query, case.filters, **kw)
            walls.append(time.perf_counter() - t)
            (r1, w1), (s1, v1) = sched(), sched(backend) if backend else (0, 0)
            cpus.append((r1 - r0 + s1 - s0) / 1e9)
            waits.append((w1 - w0 + v1 - v0) / 1e9)
    return Timing(pct(walls, 50), pct(walls, 95), pct(cpus, 95), sum(waits) / sum(walls))


PAGES = [
    "/",
    "/?page=3",
    "/search?q=واشنطن",
    "/search?q=ولي+العهد&sort=relevance",
    "/search?q=في&outlet=outlet3&sort=relevance",
    "/search?q=في&topic=اقتصاد&sort=relevance",
    "/search?q=في&entity=كيان+1500&sort=relevance",
    "/search?topic=اقتصاد",
    "/article/1",
    "/article/500",
    "/stories",
    "/trends",
    "/healthz",
    "/metrics",
    "/api/search?q=الرياض",
]


def add_posts(store: Store) -> None:
    """One sent post per article (the home page lists posts), once per archive."""
    import sqlalchemy as sa

    with store.tx() as conn:
        if conn.execute(sa.text("SELECT 1 FROM posts LIMIT 1")).first():
            return
        conn.execute(
            sa.text(
                "INSERT INTO posts (article_id, channel, state, text, title, url, hashtags,"
                " attempts, needs_edit, created_at, updated_at)"
                " SELECT id, 'web', 'sent', title, title, url, '[]', 0, false, created_at,"
                " updated_at FROM articles ORDER BY id"
            )
        )


class Ingest(threading.Thread):
    """Articles arriving while pages are timed: one every ``every`` seconds, stored, indexed and
    posted in one transaction each, as the pipeline does."""

    def __init__(self, store: Store, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.store, self.every, self.stop, self.stored = store, every, threading.Event(), 0
        self.tid = 0

    def run(self) -> None:
        import sqlalchemy as sa

        from nashra.store import schema

        self.tid = threading.get_native_id()
        k = 0
        while not self.stop.wait(self.every):
            k += 1
            with self.store.tx() as conn:
                top = conn.execute(sa.select(sa.func.max(schema.articles.c.id))).scalar() or 0
                now = datetime.now()
                title = f"خبر وارد {k} عن الرياض"
                conn.execute(
                    schema.articles.insert().values(
                        id=top + 1, identity=f"ingest:{top + 1}", source="s",
                        url=f"https://e.org/in/{top + 1}", title=title, outlet="outlet1",
                        published_utc=now, blocks=[["p", title]], categories=[],
                        method="feed", match_title=normalize(title),
                        match_text=normalize(title), content_hash=f"in{top + 1}",
                        enrichment={"topic": "اقتصاد", "entities": [], "hashtags": []},
                        created_at=now, updated_at=now,
                    )
                )  # fmt: skip
                index_article(conn, top + 1)
                conn.execute(
                    schema.posts.insert().values(
                        article_id=top + 1, channel="web", state="sent", text=title,
                        title=title, url=f"https://e.org/in/{top + 1}", hashtags=[],
                        created_at=now, updated_at=now,
                    )
                )  # fmt: skip
            self.stored += 1


def _backends(url: str) -> list[int]:
    """The PostgreSQL backends serving the archive's database (the app's and the arrivals'
    pool), not the one asking."""
    import psycopg
    import sqlalchemy as sa

    target = sa.make_url(url)
    dsn = str(target.set(drivername="postgresql")).replace("***", target.password or "")
    with psycopg.connect(dsn) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(r[0]) for r in rows]


def _server_cpu(skip: set[int], backends: list[int]) -> int:
    """CPU ns of this process's threads but ``skip`` (the client, the arrivals) and of the
    PostgreSQL ``backends``."""
    total = 0
    for task in os.listdir("/proc/self/task"):
        if int(task) not in skip:
            total += sched(path=f"/proc/self/task/{task}/schedstat")[0]
    return total + sum(sched(pid)[0] for pid in backends)


def time_pages(store: Store, url: str, rounds: int) -> tuple[dict[str, float], dict[str, float]]:
    """p95 per page (ms) with articles arriving meanwhile: wall, and CPU of the server's threads
    (plus, on PostgreSQL, every backend of the archive: an arriving article's server-side work
    counts in the page it overlapped)."""
    import uvicorn

    from nashra.web import create_app

    add_posts(store)
    cfg = load_config(data={"database": {"url": url}}, env={})
    app = create_app(cfg, store=store, password_hash=None)
    server = uvicorn.Server(uvicorn.Config(app, port=8791, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    samples: dict[str, list[float]] = {p: [] for p in PAGES}
    cpu: dict[str, list[float]] = {p: [] for p in PAGES}
    ingest = Ingest(store)
    pg = url.startswith("postgresql")
    with httpx.Client(base_url="http://127.0.0.1:8791", timeout=60) as c:
        for p in PAGES:
            assert c.get(p).status_code == 200, p
        ingest.start()
        while not ingest.tid:
            time.sleep(0.01)
        skip = {threading.get_native_id(), ingest.tid}
        for _ in range(rounds):
            backends = _backends(url) if pg else []
            for p in PAGES:
                c0 = _server_cpu(skip, backends)
                t = time.perf_counter()
                assert c.get(p).status_code == 200, p
                samples[p].append(time.perf_counter() - t)
                cpu[p].append((_server_cpu(skip, backends) - c0) / 1e9)
        ingest.stop.set()
        ingest.join()
    server.should_exit = True
    while server.started and not getattr(server, "_stopped", True):
        time.sleep(0.05)
    time.sleep(0.3)
    print(f"  pages while {ingest.stored} articles arrived (one every {ingest.every} s), p95 ms:")
    print(f"    {'page':48} {'wall':>8} {'cpu':>8}")
    for p, xs in samples.items():
        print(f"    {p:48} {pct(xs, 95):8.1f} {pct(cpu[p], 95):8.1f}")
    return {p: pct(xs, 95) for p, xs in samples.items()}, {p: pct(x, 95) for p, x in cpu.items()}


def measure(url: str, n: int, rounds: int, base_rounds: int) -> None:
    store = Store(url)
    print(
        f"{'':27} {'baseline (bm25, all)':>21} {'date (default)':>30} "
        f"{'relevance, window ' + str(RELEVANCE_WINDOW):>32}"
    )
    print(
        f"{'query':27} {'p50':>10} {'p95':>10}"
        + f" {'p50':>9} {'p95':>7} {'cpu95':>6} {'ratio':>6}" * 2
        + "  wait"
    )
    worst = worst_cpu = 0.0
    for case in cases(n):
        b = time_case(store, case, base_rounds, sort="relevance", window=None)
        d = time_case(store, case, rounds, sort="date")
        r = time_case(store, case, rounds, sort="relevance")
        worst, worst_cpu = max(worst, d.p95, r.p95), max(worst_cpu, d.cpu95, r.cpu95)
        print(
            f"{case.name:27} {b.p50:10.1f} {b.p95:10.1f}"
            + "".join(
                f" {t.p50:9.1f} {t.p95:7.1f} {t.cpu95:6.1f} x{b.p95 / t.p95:<5.1f}" for t in (d, r)
            )
            + f" {(d.waited + r.waited) / 2:5.0%}",
            flush=True,
        )
    arrivals, arrivals_cpu = time_after_arrivals(store, rounds)
    walls, cpus = time_pages(store, url, rounds)
    page, page_cpu = max(walls.values()), max(cpus.values())
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"=> {n:,} articles: worst search p95 {worst:.1f} ms (goal ≤ 50 ms at 1M), its CPU time"
        f" p95 at most {worst_cpu:.1f} ms,"
        f" first search after 20 arrivals p95 {arrivals:.1f} ms (CPU {arrivals_cpu:.1f} ms),"
        f" worst page p95 {page:.1f} ms"
        f" (CPU p95 at most {page_cpu:.1f} ms),"
        f" peak RSS of the measuring process {rss:.0f} MiB",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--baseline-rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="20k articles, fewer rounds")
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg-url", default=os.environ.get("NASHRA_TEST_PG_URL", ""))
    ap.add_argument(
        "--keep",
        metavar="DIR",
        help="build each archive once and keep it: SQLite files in DIR, PostgreSQL databases"
        " by name; a later run with the same --keep reuses them (delete them afterwards)",
    )
    ap.add_argument("--build-only", action="store_true", help="build (or reuse), do not measure")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"corpus missing: {DATA}")
    if args.quick:
        args.sizes, args.rounds, args.baseline_rounds = [20_000], 5, 3
    if args.backend == "postgresql":
        if not args.pg_url:
            sys.exit("--backend postgresql needs --pg-url or NASHRA_TEST_PG_URL")
        print(f"PostgreSQL (tsvector + GIN), {os.cpu_count()} cores; times in ms")
        for n in args.sizes:
            url = pg_db(args.pg_url, n)
            if not (args.keep and pg_exists(url)):
                fresh_pg(args.pg_url, n)
                _child(build_pg, url, n)
            print(f"-- {n:,} articles ({date.today()})")
            try:
                if not args.build_only:
                    measure(url, n, args.rounds, args.baseline_rounds)
            finally:
                if not args.keep:
                    drop_pg(url)
        return
    print(f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores; times in ms")
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        for n in args.sizes:
            db = Path(args.keep or tmp) / f"a{n}.db"
            if not (args.keep and db.exists()):
                db.unlink(missing_ok=True)
                _child(build, db, n)
            print(f"-- {n:,} articles ({date.today()})")
            if not args.build_only:
                measure(f"sqlite:///{db}", n, args.rounds, args.baseline_rounds)
            if not args.keep:
                db.unlink()


def _child(target: Any, *args: Any) -> None:
    """Build in a child process, so the corpus never counts in the measuring process's RSS."""
    child = mp.get_context("fork").Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode:
        sys.exit(f"build failed: {args}")


if __name__ == "__main__":
    main()
