"""Worker processes: ``nashra worker`` runs one; ``nashra run`` on PostgreSQL supervises several.

``run_worker(config, ...)`` opens the worker state and procrastinate's app and runs jobs until
SIGINT/SIGTERM (procrastinate's own signal handling: the jobs in hand finish first).

``supervise(config_path, workers=N)`` is the one-command daemon on PostgreSQL: the scheduler (a
worker on the ``schedule`` queue only, so the periodic tick never waits behind article jobs)
plus N workers on the other queues, each a child process (``python -m nashra worker``), each
restarted if it dies; SIGINT/SIGTERM stops them all. The tick itself is deferred by every
worker's periodic deferrer and runs once per period.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nashra.jobs.app import QUEUES, worker_app
from nashra.jobs.context import open_worker
from nashra.settings import Config
from nashra.store import Store

log = logging.getLogger("nashra.jobs")


async def run_worker(
    config: Config,
    *,
    concurrency: int | None = None,
    queues: Sequence[str] | None = None,
    name: str | None = None,
    wait: bool = True,
) -> None:
    Store(config.database_url).close()  # our migrations, procrastinate's tables with them
    n = max(1, concurrency or int(config["jobs.concurrency"]))
    app = worker_app(config, max_size=n + 2)
    heartbeat = float(config["jobs.heartbeat_seconds"])
    options: dict[str, Any] = {"queues": list(queues)} if queues else {}
    async with open_worker(config), app.open_async():
        await app.run_worker_async(
            **options,
            concurrency=n,
            name=name or f"nashra-{os.getpid()}",
            wait=wait,
            update_heartbeat_interval=heartbeat,
            stalled_worker_timeout=float(config["jobs.stalled_seconds"]),
            delete_jobs="successful" if config["jobs.delete_finished"] else "never",
            listen_notify=True,
            fetch_job_polling_interval=2.0,
        )


def worker_command(config_path: Path, queues: Sequence[str], concurrency: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "nashra", "worker", "-c", str(config_path)]
    cmd += ["--queues", ",".join(queues)]
    if concurrency:
        cmd += ["--concurrency", str(concurrency)]
    return cmd


def supervise(config_path: Path, *, workers: int, concurrency: int | None = None) -> int:
    """Run the scheduler and ``workers`` workers as child processes until told to stop."""
    specs = [("scheduler", ["schedule"], 1)] + [
        (f"worker-{i + 1}", [q for q in QUEUES if q != "schedule"], concurrency)
        for i in range(workers)
    ]
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(_sig: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def start(label: str, queues: list[str], n: int | None) -> None:
        children[label] = subprocess.Popen(worker_command(config_path, queues, n))
        log.info("started %s (pid %d)", label, children[label].pid)

    for label, queues, n in specs:
        start(label, queues, n)
    try:
        while not stopping:
            time.sleep(0.5)
            for label, queues, n in specs:
                code = children[label].poll()
                if code is not None and not stopping:
                    log.warning("%s exited (%s): restarting", label, code)
                    start(label, queues, n)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0


def main_worker(config: Config, *, concurrency: int | None, queues: Sequence[str] | None) -> None:
    asyncio.run(run_worker(config, concurrency=concurrency, queues=queues))
