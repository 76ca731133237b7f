"""Extraction in worker processes, so a cycle uses every core and the event loop only does I/O.

trafilatura is CPU-bound and holds the GIL: in a thread it leaves the other cores idle and slows
every fetch of the loop. ``ExtractPool(workers)`` runs ``extract_page`` in a
``ProcessPoolExecutor`` (with building the article and enriching it: ``nashra.prepare``;
``fetch.workers``, default: one per core) started with the
``forkserver`` method (no fork of a process that holds threads and open databases; the server
preloads the extraction modules once, so a new worker starts warm).

The pool is shared by every runner of a process (``shared_pool``) and shut down at exit. Only
bytes and plain data cross the boundary: the page, its URL, the feed entry, the source's rule
table (the compiled CSS selectors are built, and cached, in the worker) and the enricher's
options (the gazetteers are loaded once per worker).

A worker that dies (a crash in a C library on a hostile page, the OOM killer) breaks the pool:
the item is an ``ExtractError`` (it is fetched again on the next poll, nothing is stored), and the
next item gets a fresh pool. The daemon never dies with it.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from nashra.errors import ExtractError

__all__ = ["ExtractPool", "default_workers", "shared_pool"]

T = TypeVar("T")


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _warm() -> None:
    from nashra._pool_child import die_with_parent

    die_with_parent()  # a pool worker ends with the forkserver, the forkserver with us
    import nashra.prepare  # noqa: F401  (trafilatura, lxml, the enricher's code, once per worker)


class ExtractPool:
    """``await pool.run(fn, *args)`` in a worker process, started on first use."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers if workers > 0 else default_workers()
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["nashra._pool_child", "nashra.prepare"])
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=ctx, initializer=_warm
                )
            return self._executor

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker process (``fn`` and its arguments must pickle)."""
        executor = self._get()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, fn, *args)
        except BrokenProcessPool as exc:
            self._discard(executor)
            raise ExtractError(
                "توقفت عملية الاستخراج فجأة — the extraction worker died", where=fn.__name__
            ) from exc

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_shared: dict[int, ExtractPool] = {}
_shared_lock = threading.Lock()


def shared_pool(workers: int) -> ExtractPool:
    """The process's pool of ``workers`` processes (0: one per core), made on first use."""
    n = workers if workers > 0 else default_workers()
    with _shared_lock:
        pool = _shared.get(n)
        if pool is None:
            pool = _shared[n] = ExtractPool(n)
        return pool


@atexit.register
def _close_all() -> None:
    for pool in list(_shared.values()):
        pool.close()
