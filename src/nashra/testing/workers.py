"""The worker fault campaign: the scheduler and 2 workers (``nashra worker``) on PostgreSQL, a
loopback outlet and the local Bot API, one worker SIGKILLed every few seconds and restarted.

Ground truth is the outlet's feed and what the fake Bot API accepted; the figures: articles
stored (each once), messages accepted more than once (goal 0), posts never sent, jobs left
queued, running or failed (goal 0), jobs that ran more than once (the stalled ones, retried), and
``amcheck`` over every B-tree index of the database. Used by ``tests/jobs`` (small) and
``bench/bench_workers.py`` (larger).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen
from typing import IO

import sqlalchemy as sa

from nashra.store import Store, schema
from nashra.testing.campaign import TOKEN, Origin, feed
from nashra.testing.telegram import FakeTelegram

CHAT = "@workers"


@dataclass
class WorkerFigures:
    articles: int = 0  # in the feed
    stored: int = 0
    distinct_stored: int = 0
    posts: int = 0
    accepted: int = 0
    duplicates: int = 0  # messages accepted more than once
    not_sent: dict[str, int] = field(default_factory=dict)  # post state -> count, except sent
    jobs_open: dict[str, int] = field(default_factory=dict)  # todo / doing / failed
    jobs_rerun: int = 0  # jobs that needed more than one attempt (stalled, retried)
    kills: int = 0
    doing_at_kills: int = 0  # jobs running (on either worker) at the moments of the kills
    index_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"articles {self.articles}: stored {self.stored} ({self.distinct_stored} distinct),"
            f" posts {self.posts}, messages accepted {self.accepted}; SIGKILLs {self.kills},"
            f" {self.seconds:.1f} s",
            f"accepted more than once: {self.duplicates} (goal 0)",
            f"posts not sent: {self.not_sent or 0} (goal 0)",
            f"jobs queued/running/failed at the end: {self.jobs_open or 0} (goal 0);"
            f" jobs running at the kills: {self.doing_at_kills}; jobs that ran more than once:"
            f" {self.jobs_rerun}",
            f"amcheck: {len(self.index_errors)} index errors (goal 0)",
        ]


class SlowOrigin(Origin):
    """The outlet: one feed, and each article page answers after ``delay`` seconds (a page whose
    text is the feed item's own, so extraction has a real page to read)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.pages: dict[str, bytes] = {}

    def serve(self, body: bytes) -> None:
        import re
        from html import unescape

        self.body = body
        for m in re.finditer(rb"<title>(.*?)</title><link>[^<]*(/a/\d+)</link>.*?"
                             rb"<description>(.*?)</description>", body, re.S):  # fmt: skip
            title, path, desc = (x.decode() for x in m.groups())
            self.pages[path] = (
                f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                f"{unescape(desc)}</article></body></html>"
            ).encode()

    def respond(self, path: str) -> tuple[int, str, bytes]:
        if path in self.pages:
            time.sleep(self.delay)
            return 200, "text/html; charset=utf-8", self.pages[path]
        return super().respond(path)


def _config(workdir: Path, db_url: str, origin: str, api: str, articles: int) -> Path:
    path = workdir / "nashra.toml"
    path.write_text(
        f'[database]\nurl = "{db_url}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\n'
        f"[poll]\nmax_items = {articles + 10}\nmin_minutes = 0.05\n"
        "[jobs]\nheartbeat_seconds = 1.0\nstalled_seconds = 4.0\ndelete_finished = false\n"
        f'[[sources]]\nname = "outlet"\nurl = "{origin}/feed.xml"\nfirst_run = "post_all"\n'
        "interval_minutes = 0.05\n"
        f'[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = "{CHAT}"\n'
        f'token_env = "WORKERS_BOT_TOKEN"\napi_base = "{api}"\ntimeout = 2.0\n'
        "lease_seconds = 3.0\n"
        "pace = { per_window = 1000, window_seconds = 1, min_gap = 0.0 }\n",
        encoding="utf-8",
    )
    return path


def _worker(config: Path, queues: str, log: IO[bytes], env: dict[str, str]) -> Popen[bytes]:
    cmd = [sys.executable, "-m", "nashra", "worker", "-c", str(config), "--queues", queues]
    cmd += ["--concurrency", "3"]
    return subprocess.Popen(cmd, stdout=log, stderr=log, env=env)


def run_worker_campaign(
    workdir: Path,
    db_url: str,
    *,
    articles: int = 24,
    kills: int = 3,
    every: tuple[float, float] = (2.0, 4.0),
    seed: int = 11,
    deadline: float = 150.0,
    page_delay: float = 1.0,
) -> WorkerFigures:
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    fake = FakeTelegram({TOKEN}, chat_limit=10_000, chat_window=1.0).start()
    fake.add_chat(CHAT)
    origin = SlowOrigin(page_delay).start()
    origin.serve(feed(articles, seed, origin.url))  # the pages are cut from the feed
    config = _config(workdir, db_url, origin.url, fake.url, articles)
    env = dict(os.environ, WORKERS_BOT_TOKEN=TOKEN)
    figures = WorkerFigures(articles=articles)
    store = Store(db_url)  # migrations (ours and procrastinate's) before any worker starts
    log = open(workdir / "workers.log", "ab")  # noqa: SIM115 (closed in finally)
    started = time.monotonic()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        procs["scheduler"] = _worker(config, "schedule", log, env)
        for name in ("w1", "w2"):
            procs[name] = _worker(config, "poll,article,send", log, env)
        next_kill: float | None = None  # the kills start once the items are in the queue
        while time.monotonic() - started < deadline:
            time.sleep(0.25)
            if next_kill is None and _articles_queued(store):
                next_kill = time.monotonic() + rng.uniform(0.5, 1.5)
            if figures.kills < kills and next_kill and time.monotonic() >= next_kill:
                victim = rng.choice(["w1", "w2"])
                with store.read() as conn:
                    figures.doing_at_kills += int(
                        conn.exec_driver_sql(
                            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'"
                            " AND task_name <> 'nashra:tick'"
                        ).scalar()
                        or 0
                    )
                procs[victim].send_signal(signal.SIGKILL)
                procs[victim].wait()
                figures.kills += 1
                procs[victim] = _worker(config, "poll,article,send", log, env)
                next_kill = time.monotonic() + rng.uniform(*every)
                continue
            if figures.kills >= kills and _settled(store, articles):
                break
        figures.seconds = time.monotonic() - started
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        fake.stop()
        origin.stop()
    try:
        _measure(store, fake, figures)
    finally:
        store.close()
    return figures


def _articles_queued(store: Store) -> bool:
    with store.read() as conn:
        return bool(
            conn.exec_driver_sql(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'nashra:article'"
            ).scalar()
        )


def _settled(store: Store, articles: int) -> bool:
    with store.read() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar()
        open_posts = conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.posts)
            .where(schema.posts.c.state.in_(("pending", "in_flight")))
        ).scalar()
        open_jobs = conn.exec_driver_sql(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            " AND task_name <> 'nashra:tick'"
            " AND (scheduled_at IS NULL OR scheduled_at <= now())"
        ).scalar()
    return stored == articles and not open_posts and not open_jobs


def _measure(store: Store, fake: FakeTelegram, f: WorkerFigures) -> None:
    seen: dict[str, int] = {}
    for m in fake.accepted:
        seen[m.text] = seen.get(m.text, 0) + 1
    f.accepted = len(fake.accepted)
    f.duplicates = sum(c - 1 for c in seen.values() if c > 1)
    with store.read() as conn:
        rows = conn.execute(sa.select(schema.articles.c.identity)).scalars().all()
        f.stored, f.distinct_stored = len(rows), len(set(rows))
        states = conn.execute(
            sa.select(schema.posts.c.state, sa.func.count()).group_by(schema.posts.c.state)
        ).all()
        f.posts = sum(int(n) for _, n in states)
        f.not_sent = {str(s): int(n) for s, n in states if s != "sent"}
        jobs = conn.exec_driver_sql(
            "SELECT status::text, count(*) FROM procrastinate_jobs"
            " WHERE status IN ('todo', 'doing', 'failed') AND task_name <> 'nashra:tick'"
            " AND (status <> 'todo' OR scheduled_at IS NULL OR scheduled_at <= now())"
            " GROUP BY 1"
        ).all()
        f.jobs_open = {str(s): int(n) for s, n in jobs}
        f.jobs_rerun = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM procrastinate_jobs WHERE attempts > 1"
            ).scalar()
            or 0
        )
    f.index_errors = amcheck(store)


def amcheck(store: Store) -> list[str]:
    """``bt_index_check`` over every B-tree index of the public schema (amcheck, PostgreSQL's
    own index checker); returns the errors."""
    errors: list[str] = []
    with store.tx() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
    with store.read() as conn:
        names = conn.exec_driver_sql(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE a.amname = 'btree' AND n.nspname = 'public'"
        ).scalars()
        for name in list(names):
            try:
                conn.exec_driver_sql(f"SELECT bt_index_check('{name}'::regclass, true)")
            except sa.exc.DBAPIError as exc:
                errors.append(f"{name}: {exc.orig}")
                conn.rollback()
    return errors
