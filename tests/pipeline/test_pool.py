"""Extraction in worker processes (``nashra.pool`` + ``nashra.prepare``): the same article as in
this process, and a dead worker costs one item, never the daemon."""

from __future__ import annotations

import asyncio
import os

import pytest

from nashra.enrich import enricher_from_config
from nashra.errors import ExtractError, Rejected
from nashra.models import Discovered
from nashra.pool import ExtractPool
from nashra.prepare import EnrichOptions, PrepJob, outcome, prepare, prepare_remote
from nashra.settings import load_config
from tests.pipeline.conftest import SAMPLE_PAGE

URL = "https://example.org/2025/10/07/article"


def job(body: bytes | None, **kw: object) -> PrepJob:
    item = Discovered(source="s", url=URL, title=None, **kw)  # type: ignore[arg-type]
    return PrepJob(item, "key-1", "s", body=body, url=URL, reason="" if body else "first_run")


def test_a_worker_prepares_the_same_article_as_this_process() -> None:
    body = SAMPLE_PAGE.read_bytes()
    here = prepare(job(body), enricher_from_config(load_config(data={}, env={})))
    pool = ExtractPool(1)
    try:
        there = outcome(asyncio.run(pool.run(prepare_remote, job(body), EnrichOptions())))
    finally:
        pool.close()
    assert there.article == here.article
    assert there.enrichment == here.enrichment
    assert there.article.title and there.enrichment.hashtags


def test_drops_and_errors_come_back_as_themselves() -> None:
    pool = ExtractPool(1)
    try:
        page = b"<html><body><p>" + "كلمة ".encode() * 3 + b"</p></body></html>"
        with pytest.raises((ExtractError, Rejected)) as caught:
            outcome(asyncio.run(pool.run(prepare_remote, job(page), EnrichOptions())))
        if isinstance(caught.value, ExtractError):
            assert caught.value.where == URL  # the keyword argument survived the trip
        else:
            assert caught.value.reason
    finally:
        pool.close()


def test_a_dead_worker_fails_one_item_and_the_next_gets_a_fresh_pool() -> None:
    body = SAMPLE_PAGE.read_bytes()
    pool = ExtractPool(1)

    async def go() -> str:
        with pytest.raises(ExtractError):
            await pool.run(os._exit, 9)  # the worker dies as if the OOM killer took it
        again = outcome(await pool.run(prepare_remote, job(body), EnrichOptions()))
        return again.article.title

    try:
        assert asyncio.run(go())
    finally:
        pool.close()


def test_a_sigkilled_parent_leaves_no_pool_process_behind() -> None:
    """The forkserver and its workers end with the process that started them."""
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import time\nfrom nashra.pool import ExtractPool\np = ExtractPool(2)\nex = p._get()\n"
        "[f.result() for f in [ex.submit(time.sleep, 0) for _ in range(4)]]\n"
        "print('up', flush=True)\ntime.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"up"

    def children() -> list[int]:
        out = subprocess.run(["ps", "-eo", "pid,ppid,cmd"], capture_output=True, text=True)
        ours = {proc.pid}
        found: list[int] = []
        for _ in range(3):  # the forkserver, then its workers
            for line in out.stdout.splitlines()[1:]:
                pid, ppid, *_ = line.split(None, 2)
                if int(ppid) in ours and int(pid) not in ours:
                    ours.add(int(pid))
                    found.append(int(pid))
        return found

    kids = children()
    assert len(kids) >= 3  # the forkserver and two workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    deadline = time.monotonic() + 10
    alive = kids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [k for k in kids if os.path.exists(f"/proc/{k}") and _running(k)]
    assert not alive


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False
