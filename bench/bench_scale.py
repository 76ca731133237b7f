"""Does the pipeline use the cores it is given? The whole pipeline against trafilatura × cores.

    .venv/bin/python bench/bench_scale.py [--workers 1,2] [--backend sqlite|postgresql|both]
                                          [--pg-url URL] [--eval-pages N] [--rounds N]

The 200 trafilatura evaluation pages (``../shared/data``, read in place) are served on 127.0.0.1
in RSS feeds of 50 by ``bench/_pipeline_site.py`` (a process of its own). In one run, in
separate processes:

1. ``trafilatura``: each page GET from the same server (not timed), then
   ``trafilatura.extract(body, url=url)`` timed, one process: pages/s on one core (the baseline).
2. ``nashra``, for each ``--workers`` N and backend: one ``nashra once``-style cycle (fetch →
   extract → normalize → dedupe → enrich → store → render → outbox → publish to a ``directory``
   channel) into a fresh database, with ``fetch.workers = N`` extraction processes.
   ``sqlite``: a fresh SQLite file, one ``Runner.cycle()`` (``nashra once``). ``postgresql``: a
   fresh database on ``--pg-url`` (or ``NASHRA_TEST_PG_URL``) and the distributed mode: the
   scheduler plus N ``nashra worker`` processes (jobs.concurrency 4 each), timed from the first
   poll job's start to the last post sent.

Figure: items/s of the pipeline ÷ (trafilatura pages/s × N), the "ratio to trafilatura × cores
used" of issue 15 (goal ≥ 0.8). The page server and the database share the machine's cores with
the pipeline (on a 2-core machine N = 2 leaves nothing for them: read the ratio with that).
Settings beyond the defaults: first_run = "post_all", ``fetch.allow_networks = ["127.0.0.0/8"]``,
``fetch.per_host_delay = 0``, ``fetch.obey_robots = false`` (one host serves every page).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def child_nashra(job: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    from nashra.runner import Runner
    from nashra.settings import load_config

    out = Path(job["dir"])
    data = {
        "database": {"url": job["db"]},
        "fetch": {
            "allow_networks": ["127.0.0.0/8"],
            "per_host_delay": 0.0,
            "obey_robots": False,
            "workers": job["workers"],
        },
        "sources": [
            {"name": f"eval-{i:03d}", "url": job["base"] + p, "first_run": "post_all"}
            for i, p in enumerate(job["feeds"])
        ],
        "channels": [{"name": "posts", "kind": "directory", "path": str(out / "posts")}],
    }
    config = load_config(data=data, env={})

    async def run() -> Any:
        runner = Runner(config)
        runner.pool._get()  # the workers start before the clock (a daemon starts them once)
        await asyncio.to_thread(_wait_warm, runner.pool)
        try:
            t0 = time.perf_counter()
            report = await runner.cycle()
            return report, time.perf_counter() - t0
        finally:
            await runner.aclose()

    c0 = time.process_time()
    report, seconds = asyncio.run(run())
    errors = [e for s in report.sources for e in s.errors]
    return {
        "items": report.total("items"),
        "ok": report.total("accepted"),
        "errors": len(errors),
        "error_sample": errors[:3],
        "posts": len(list((out / "posts").glob("*.txt"))),
        "seconds": seconds,
        "cpu_main": time.process_time() - c0,
    }


def child_jobs(job: dict[str, Any]) -> dict[str, Any]:
    """The same feeds through ``nashra worker`` processes on PostgreSQL: the scheduler plus
    ``workers`` workers (each with ``jobs.concurrency`` 4), timed from the first poll job's start
    to the last post written (the workers are up before the clock starts)."""
    import signal

    import sqlalchemy as sa

    out = Path(job["dir"])
    feeds = "".join(
        f'[[sources]]\nname = "eval-{i:03d}"\nurl = "{job["base"]}{p}"\nfirst_run = "post_all"\n'
        for i, p in enumerate(job["feeds"])
    )
    config = out / "nashra.toml"
    config.write_text(
        f'[database]\nurl = "{job["db"]}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\nobey_robots = false\n'
        "[jobs]\ndelete_finished = false\n"
        f"{feeds}"
        f'[[channels]]\nname = "posts"\nkind = "directory"\npath = "{out / "posts"}"\n',
        encoding="utf-8",
    )
    from nashra.store import Store

    store = Store(job["db"])
    base = [sys.executable, "-m", "nashra", "worker", "-c", str(config)]
    log = open(out / "workers.log", "wb")  # noqa: SIM115
    procs = [subprocess.Popen([*base, "--queues", "schedule"], stdout=log, stderr=log)]
    procs += [
        subprocess.Popen([*base, "--queues", "poll,article,send"], stdout=log, stderr=log)
        for _ in range(job["workers"])
    ]
    items = len(job["pages"])
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            time.sleep(0.5)
            with store.read() as conn:
                done = conn.execute(
                    sa.text("SELECT count(*) FROM posts WHERE state IN ('sent', 'failed')")
                ).scalar()
                stored = conn.execute(sa.text("SELECT count(*) FROM articles")).scalar()
                errors = conn.execute(
                    sa.text("SELECT count(DISTINCT url) FROM events WHERE stage = 'ingest'")
                ).scalar()
            if stored and done == stored and (stored or 0) + (errors or 0) >= items:
                break
        with store.read() as conn:
            first = conn.execute(
                sa.text(
                    "SELECT min(e.at) FROM procrastinate_events e JOIN procrastinate_jobs j"
                    " ON j.id = e.job_id WHERE e.type = 'started'"
                    " AND j.task_name = 'nashra:poll_source'"
                )
            ).scalar()
            last = conn.execute(sa.text("SELECT max(sent_at) FROM posts")).scalar()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        log.close()
        store.close()
    return {
        "items": items,
        "ok": stored,
        "errors": errors,
        "error_sample": [],
        "posts": len(list((out / "posts").glob("*.txt"))),
        "seconds": (last - first).total_seconds(),
        "cpu_main": 0.0,
    }


def _wait_warm(pool: Any) -> None:
    """Every worker process up and past its imports."""
    executor = pool._get()
    futures = [executor.submit(os.getpid) for _ in range(pool.workers * 4)]
    for f in futures:
        f.result()


def run_child(kind: str, job: dict[str, Any], timeout: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(job, fh)
    if kind == "trafilatura":
        cmd = [sys.executable, str(HERE / "bench_pipeline.py"), "--child", kind, "--job", fh.name]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--job", fh.name]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=job["dir"])
    Path(fh.name).unlink()
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"the {kind} child failed with exit code {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def fresh_pg_db(url: str) -> str:
    """A new empty database on the server of ``url``; returns its URL."""
    import sqlalchemy as sa

    name = f"nashra_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return str(sa.make_url(url).set(database=name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", default="1,2", help="extraction processes, comma-separated")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("NASHRA_TEST_PG_URL", ""))
    parser.add_argument("--eval-pages", type=int, default=200)
    parser.add_argument("--feed-size", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1, help="repeat; keep each one's fastest")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(Path(args.job).read_text(encoding="utf-8"))
        run = child_jobs if job["db"].startswith("postgresql") else child_nashra
        print(json.dumps(run(job)))
        return
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.pg_url:
        raise SystemExit("--backend postgresql needs --pg-url or NASHRA_TEST_PG_URL")
    workers = [int(w) for w in args.workers.split(",")]

    sys.path.insert(0, str(HERE))
    from _pipeline_site import serve

    options = {"eval_pages": args.eval_pages, "articles": 0, "feed_size": args.feed_size}
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    server = ctx.Process(target=serve, args=(options, queue), daemon=True)
    server.start()
    try:
        base, manifest = queue.get(timeout=300)
        site = manifest["eval"]
        print(f"{len(site['pages'])} eval pages in {len(site['feeds'])} feeds at {base}; ")
        print(f"{os.cpu_count()} cores on this machine; python {sys.version.split()[0]}")
        rows: list[tuple[str, int, dict[str, Any]]] = []
        traf: list[dict[str, Any]] = []
        for _ in range(max(args.rounds, 1)):
            with tempfile.TemporaryDirectory(prefix="nashra-scale-") as tmp:
                job = {"base": base, "dir": tmp, **site}
                traf.append(run_child("trafilatura", job, args.timeout))
            for backend in backends:
                for n in workers:
                    with tempfile.TemporaryDirectory(prefix="nashra-scale-") as tmp:
                        db = (
                            f"sqlite:///{tmp}/nashra.db"
                            if backend == "sqlite"
                            else fresh_pg_db(args.pg_url)
                        )
                        job = {"base": base, "dir": tmp, "db": db, "workers": n, **site}
                        rows.append((backend, n, run_child("nashra", job, args.timeout)))
        t = min(traf, key=lambda r: r["seconds"])
        rate = t["items"] / t["seconds"]
        print(f"\ntrafilatura.extract alone, one process: {t['items']} pages, {rate:.1f} pages/s")
        print(
            f"{'pipeline':<22}{'workers':>8}{'items':>7}{'posts':>7}{'seconds':>9}"
            f"{'items/s':>9}{'posts/s':>9}{'÷ (traf × N)':>14}"
        )
        best: dict[tuple[str, int], dict[str, Any]] = {}
        for backend, n, r in rows:
            if (backend, n) not in best or r["seconds"] < best[(backend, n)]["seconds"]:
                best[(backend, n)] = r
        for (backend, n), r in best.items():
            ips = r["items"] / r["seconds"]
            print(
                f"{'nashra on ' + backend:<22}{n:>8}{r['items']:>7}{r['posts']:>7}"
                f"{r['seconds']:>9.2f}{ips:>9.1f}{r['posts'] / r['seconds']:>9.1f}"
                f"{ips / (rate * n):>14.2f}"
            )
            for e in r["error_sample"]:
                print(f"    e.g. {e[:140]}")
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
