"""The whole pipeline on loopback news sites, beside trafilatura alone on the same pages.

    .venv/bin/python bench/bench_pipeline.py [--quick] [--articles N] [--eval-pages N]
        [--archive N]

A server process (bench/_pipeline_site.py) builds two sites in memory at run time, read in place
from ../shared/data, and serves them on 127.0.0.1: the 200 trafilatura evaluation pages in RSS
feeds of 50, and ``--articles`` SaudiNewsNet articles rendered as Arabic news pages in RSS feeds
per outlet. For each site, in separate processes (so each peak RSS is its own):

1. ``nashra``: ``Runner(config).cycle()`` into a fresh SQLite file, publishing to a
   ``directory`` channel: fetch → discover → extract → normalize → dedupe → enrich → store →
   render → outbox → publish. Every source is new and has ``first_run = "post_all"``, so every
   item's page is fetched and every accepted article is posted. Settings that differ from the
   defaults: ``fetch.allow_networks = ["127.0.0.0/8"]`` (the site is on loopback),
   ``fetch.per_host_delay = 0`` and ``fetch.obey_robots = false`` (one host serves every page).
2. ``trafilatura``: each page GET from the same server (not timed), then
   ``trafilatura.extract(body, url=url)`` on the same bytes (timed): the baseline.
3. ``stages`` (unless ``--no-stages``): the nashra run again, on the first ``--stage-items``
   items' feeds (500 by default), with ``fetch.concurrency = 1`` so the stages run one after the
   other, each stage's function wrapped with a clock (exclusive time, nested stages
   subtracted): the share of wall time per stage.

Figures: items/s and accepted articles/s, peak RSS (``ru_maxrss``), and the ratios against the
baseline measured in the same run. The server shares the machine's cores with the client.

``--archive N``: the nashra run once more on a database that already holds N articles (the
synthesized articles of ``bench/bench_dedupe.py``, with their near-duplicate and story index
rows, bulk-inserted before the clock starts): accepted articles/s against the fresh database's,
measured in the same run. The archive's size should not slow ingest.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LABELS = {"eval": "trafilatura eval pages", "saudi": "SaudiNewsNet articles"}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------ child: trafilatura


def child_trafilatura(job: dict[str, Any]) -> dict[str, Any]:
    import urllib.request

    import trafilatura

    spent = cpu = 0.0
    ok = 0
    for path in job["pages"]:
        url = job["base"] + path
        with urllib.request.urlopen(url, timeout=30) as resp:
            body = resp.read()
        t0, c0 = time.perf_counter(), time.process_time()
        text = trafilatura.extract(body, url=url)
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        ok += bool(text)
    return {
        "items": len(job["pages"]),
        "ok": ok,
        "seconds": spent,
        "cpu": cpu,
        "rss": peak_rss_mib(),
    }


# ---------------------------------------------------------------------------- child: nashra


def child_nashra(job: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    from nashra.runner import Runner
    from nashra.settings import load_config

    out = Path(job["dir"])
    data = {
        "database": {"url": f"sqlite:///{out / 'nashra.db'}"},
        "fetch": {
            "allow_networks": ["127.0.0.0/8"],
            "per_host_delay": 0.0,
            "obey_robots": False,
            **({"concurrency": 1} if job["stages"] else {}),
        },
        "sources": [
            {"name": f"{job['corpus']}-{i:03d}", "url": job["base"] + p, "first_run": "post_all"}
            for i, p in enumerate(job["feeds"])
        ],
        "channels": [{"name": "posts", "kind": "directory", "path": str(out / "posts")}],
    }
    config = load_config(data=data, env={})
    if job.get("archive"):
        _archive(config.database_url, int(job["archive"]))
    clock = _instrument() if job["stages"] else None

    async def run() -> Any:
        runner = Runner(config)
        try:
            return await runner.cycle()
        finally:
            await runner.aclose()

    t0, c0 = time.perf_counter(), time.process_time()
    report = asyncio.run(run())
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    posts = len(list((out / "posts").glob("*.txt")))
    drops: dict[str, int] = {}
    for s in report.sources:
        for reason, n in s.drops.items():
            drops[reason] = drops.get(reason, 0) + n
    errors = [e for s in report.sources for e in s.errors]
    return {
        "items": report.total("items"),
        "ok": report.total("accepted"),
        "duplicates": report.total("duplicates"),
        "drops": drops,
        "errors": len(errors),
        "error_sample": errors[:3],
        "posts": posts,
        "seconds": seconds,
        "cpu": cpu,
        "rss": peak_rss_mib(),
        "stages": clock.totals if clock else {},
    }


def _archive(url: str, n: int) -> None:
    """N stored articles (bench_dedupe's synthesized ones and their index rows), bulk."""
    import random

    sys.path.insert(0, str(HERE))
    import bench_dedupe
    from nashra.dedupe import index
    from nashra.store import Store

    bodies = bench_dedupe.corpus()
    vocab = [w for b in bodies[:3000] for w in b]
    store = Store(url)
    with store.tx() as conn:
        index.set_meta(conn, "params", index.PARAMS)
    bench_dedupe.fill(store, n, bodies, vocab, random.Random(3))
    store.close()


class Clock:
    """Exclusive time per stage: a nested stage's time is taken out of its caller's."""

    INCLUSIVE = ("publish",)  # what happens inside publishing counts as publishing

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.stack: list[list[Any]] = []  # [stage, start, time spent in nested stages]

    def enter(self, stage: str) -> None:
        if self.stack and self.stack[-1][0] in self.INCLUSIVE:
            stage = self.stack[-1][0]
        self.stack.append([stage, time.perf_counter(), 0.0])

    def leave(self) -> None:
        stage, start, nested = self.stack.pop()
        spent = time.perf_counter() - start
        self.totals[stage] = self.totals.get(stage, 0.0) + spent - nested
        if self.stack:
            self.stack[-1][2] += spent


def _instrument() -> Clock:
    """Wrap each stage's entry point where the pipeline looks it up (sequential run only)."""
    import contextlib
    import functools

    import nashra.pipeline as pipeline
    import nashra.runner as runner
    from nashra.enrich import Enricher
    from nashra.fetch import Fetcher
    from nashra.render import Renderer
    from nashra.store import Store

    clock = Clock()

    def sync(stage: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            clock.enter(stage)
            try:
                return fn(*args, **kwargs)
            finally:
                clock.leave()

        return wrapper

    def asynchronous(stage: Any, fn: Any) -> Any:
        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            clock.enter(stage(kwargs) if callable(stage) else stage)
            try:
                return await fn(*args, **kwargs)
            finally:
                clock.leave()

        return wrapper

    def ctx(stage: str, fn: Any) -> Any:
        @contextlib.contextmanager
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            clock.enter(stage)
            try:
                with fn(*args, **kwargs) as value:
                    yield value
            finally:
                clock.leave()

        return wrapper

    class TimedAdapter:
        def __init__(self, inner: Any) -> None:
            self.parse = sync("discover (feed parse)", inner.parse)

    for name, stage in [
        ("extract_page", "extract (extract_page)"),
        ("from_feed", "extract (extract_page)"),
        ("enricher_from_config", "startup (gazetteers, topic model)"),
        ("find_dates", "enrich"),
        ("decide", "dedupe"),
        ("remember", "dedupe"),
        ("identity", "dedupe"),
        ("content_hash", "dedupe"),
        ("canonical_url", "dedupe"),
        ("normalize", "normalize"),
        ("clean_display", "normalize"),
    ]:
        if hasattr(pipeline, name):  # the pipeline's imports change as it grows
            setattr(pipeline, name, sync(stage, getattr(pipeline, name)))
    original_adapter = pipeline.adapter_for
    pipeline.adapter_for = lambda kind: TimedAdapter(original_adapter(kind))  # type: ignore[assignment,return-value]
    Fetcher.get = asynchronous(  # type: ignore[method-assign]
        lambda kw: f"fetch ({kw.get('kind', 'page')})", Fetcher.get
    )
    Renderer.render = sync("render", Renderer.render)  # type: ignore[method-assign]
    Enricher.enrich = sync("enrich", Enricher.enrich)  # type: ignore[method-assign]
    Store.tx = ctx("store (SQLite)", Store.tx)  # type: ignore[method-assign]
    Store.read = ctx("store (SQLite)", Store.read)  # type: ignore[method-assign]
    Store.record_event = sync("store (SQLite)", Store.record_event)  # type: ignore[method-assign]
    runner.publish = asynchronous("publish", runner.publish)
    if hasattr(runner, "enricher_from_config"):
        startup = sync("startup (gazetteers, topic model)", runner.enricher_from_config)
        runner.enricher_from_config = startup
    return clock


# ---------------------------------------------------------------------------------- parent


def run_child(kind: str, job: dict[str, Any], timeout: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(job, fh)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--job", fh.name]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=job["dir"])
    Path(fh.name).unlink()
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"the {kind} child failed with exit code {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def show(corpus: str, feeds: int, nashra: dict[str, Any], base: dict[str, Any]) -> None:
    n = nashra["items"]
    print(f"\n== {LABELS[corpus]}: {n} items in {feeds} RSS feeds on 127.0.0.1")
    print(
        f"{'':34}{'items':>7}{'ok':>7}{'seconds':>9}{'items/s':>9}{'ok/s':>8}"
        f"{'CPU s':>8}{'RSS MiB':>9}"
    )
    for name, r in (
        ("nashra pipeline (whole cycle)", nashra),
        ("trafilatura.extract alone", base),
    ):
        s = r["seconds"]
        print(
            f"{name:34}{r['items']:>7}{r['ok']:>7}{s:>9.2f}{r['items'] / s:>9.1f}"
            f"{r['ok'] / s:>8.1f}{r['cpu']:>8.2f}{r['rss']:>9.0f}"
        )

    def per_item(key: str) -> float:
        return (nashra[key] / max(n, 1)) / (base[key] / max(base["items"], 1))

    print(
        f"ratio nashra / trafilatura: wall time per item x{per_item('seconds'):.2f}, "
        f"CPU time per item x{per_item('cpu'):.2f}, "
        f"peak RSS x{nashra['rss'] / base['rss']:.2f}"
    )
    print(
        f"nashra outcomes: accepted {nashra['ok']}, duplicates {nashra['duplicates']}, "
        f"drops {nashra['drops']}, errors {nashra['errors']}, posts written {nashra['posts']}"
    )
    for e in nashra["error_sample"]:
        print(f"  e.g. {e[:150]}")


def show_stages(r: dict[str, Any]) -> None:
    wall = r["seconds"]
    stages = dict(sorted(r["stages"].items(), key=lambda kv: -kv[1]))
    stages["other (event loop, asyncio, glue)"] = wall - sum(stages.values())
    print(
        f"stages (a sequential pass, fetch.concurrency = 1: {r['items']} items in {wall:.1f} s, "
        f"{r['items'] / wall:.1f} items/s):"
    )
    for name, s in stages.items():
        print(
            f"  {name:34}{s:>8.2f} s{100 * s / wall:>7.1f} %{1000 * s / r['items']:>8.1f} ms/item"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="60 eval pages, 300 articles")
    parser.add_argument("--articles", type=int, help="SaudiNewsNet articles (default 2000)")
    parser.add_argument("--eval-pages", type=int, help="trafilatura eval pages (default 200)")
    parser.add_argument("--feed-size", type=int, default=50, help="items per RSS feed")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage pass")
    parser.add_argument(
        "--stage-items", type=int, default=500, help="items in the per-stage pass (whole feeds)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat; keep each one's fastest")
    parser.add_argument(
        "--archive", type=int, default=0, help="also run on a database holding N articles"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="per child, seconds")
    parser.add_argument("--child", choices=["nashra", "trafilatura"], help=argparse.SUPPRESS)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(Path(args.job).read_text(encoding="utf-8"))
        run = child_nashra if args.child == "nashra" else child_trafilatura
        print(json.dumps(run(job)))
        return

    sys.path.insert(0, str(HERE))
    from _pipeline_site import serve

    options = {
        "eval_pages": args.eval_pages if args.eval_pages is not None else 60 if args.quick else 200,
        "articles": args.articles if args.articles is not None else 300 if args.quick else 2000,
        "feed_size": args.feed_size,
    }
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    server = ctx.Process(target=serve, args=(options, queue), daemon=True)
    server.start()
    try:
        base, manifest = queue.get(timeout=300)
        print(
            f"site served at {base}; settings beyond the defaults: first_run = post_all, "
            'fetch.allow_networks = ["127.0.0.0/8"], fetch.per_host_delay = 0, '
            f"fetch.obey_robots = false; python {sys.version.split()[0]}"
        )
        for corpus, site in manifest.items():
            base_runs, nashra_runs = [], []
            for _ in range(max(args.rounds, 1)):  # interleaved, so both see the same noise
                with tempfile.TemporaryDirectory(prefix=f"nashra-bench-{corpus}-") as tmp:
                    job = {"base": base, "corpus": corpus, "dir": tmp, "stages": False, **site}
                    base_runs.append(run_child("trafilatura", job, args.timeout))
                    nashra_runs.append(run_child("nashra", job, args.timeout))
            fastest = min(base_runs, key=lambda r: r["seconds"])
            fresh = min(nashra_runs, key=lambda r: r["seconds"])
            show(corpus, len(site["feeds"]), fresh, fastest)
            if args.archive:
                with tempfile.TemporaryDirectory(prefix=f"nashra-bench-{corpus}-") as tmp:
                    ajob = {**job, "dir": tmp, "archive": args.archive}
                    big = run_child("nashra", ajob, args.timeout)
                rate = (big["ok"] / big["seconds"]) / max(fresh["ok"] / fresh["seconds"], 1e-9)
                print(
                    f"with {args.archive:,} articles stored: {big['ok']} accepted in "
                    f"{big['seconds']:.2f} s ({big['ok'] / big['seconds']:.1f}/s), "
                    f"{rate:.2f}× the fresh database's accepted/s; posts {big['posts']}"
                )
            if not args.no_stages:
                with tempfile.TemporaryDirectory(prefix=f"nashra-bench-{corpus}-") as tmp:
                    feeds = site["feeds"][: max(args.stage_items // args.feed_size, 1)]
                    job = {**job, "dir": tmp, "stages": True, "feeds": feeds}
                    show_stages(run_child("nashra", job, args.timeout))
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
