"""What a worker process holds while it runs jobs: the config, the store, one fetcher, the
channels, the enricher and an ``Ingest`` that hands a poll's items on as jobs.

``open_worker(config)`` makes it (once per process) and ``current()`` gives it to a task.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from nashra.channels import Channel
from nashra.dedupe.identity import identity
from nashra.fetch import Fetcher
from nashra.jobs import hosts
from nashra.jobs.app import Deferrer, deferrer
from nashra.models import Discovered, SourceSpec
from nashra.pipeline import Ingest
from nashra.runner import Runner, fetch_policy
from nashra.settings import Config
from nashra.store import articles
from nashra.store.lock import PG_LOCK_KEY

# The one advisory lock that store transactions take (dedupe and story decisions need to see
# every article stored before them): "nashra" + 2. Not nashra.store.lock.PG_LOCK_KEY ("nashra" +
# 1), which `nashra run` holds for as long as it runs: sharing it hung every worker it started.
STORE_LOCK = 0x6E61736872610002


@dataclass
class WorkerState:
    config: Config
    runner: Runner
    fetcher: Fetcher
    defer: Deferrer
    ingest: Ingest = field(init=False)

    def __post_init__(self) -> None:
        self.ingest = Ingest(
            self.config,
            self.runner.store,
            self.fetcher,
            self.runner.views,
            enricher=self.runner.enricher,
            pool=None,  # each worker process is one of the cores; extraction runs in a thread
            defer_items=self.defer_items,
        )

    @property
    def store(self) -> Any:
        return self.runner.store

    def spec(self, name: str) -> SourceSpec | None:
        return next((s for s in self.runner.specs() if s.name == name), None)

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.runner.channels if c.name == name), None)

    def defer_items(
        self, conn: sa.Connection, spec: SourceSpec, items: list[tuple[Discovered, bool]]
    ) -> None:
        """In the poll's transaction: one article job per item not already stored, each at its
        host's next slot (``fetch.per_host_delay`` apart, across every worker)."""
        gap = timedelta(seconds=float(self.config["fetch.per_host_delay"]))
        now = datetime.now(UTC)
        for item, publish in items:
            if _known(conn, spec, item):
                continue
            when = None
            if item.url and publish:
                host = (urlsplit(item.url).hostname or "").lower()
                slot = hosts.take(conn, host, gap) if host else now
                when = slot if slot > now + timedelta(milliseconds=50) else None
            self.defer.defer(
                conn,
                "article",
                schedule_at=when,
                source=spec.name,
                item=to_json(item),
                publish=publish,
            )


def _known(conn: sa.Connection, spec: SourceSpec, item: Discovered) -> bool:
    """Already stored with the same title, or marked seen: no job (the common case of a poll)."""
    if item.url is None and not (item.content_html or item.summary_html):
        return False  # the article job records the drop
    key = identity(
        spec.name,
        guid=item.guid,
        url=item.url,
        title=item.title or "",
        body=item.content_html or item.summary_html or "",
    )
    known = articles.by_identity(conn, key)
    if known is None:
        return articles.was_seen(conn, key)
    from nashra.arabic import clean_display

    return not (item.title and clean_display(item.title) != known["title"])


assert STORE_LOCK != PG_LOCK_KEY


def store_lock(conn: sa.Connection) -> None:
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({STORE_LOCK})")


_DATES = ("published", "updated")


def to_json(item: Discovered) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in Discovered.__slots__:
        value = getattr(item, name)
        if name in _DATES and value is not None:
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def from_json(data: dict[str, Any]) -> Discovered:
    values = dict(data)
    for name in _DATES:
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    values["categories"] = tuple(values.get("categories") or ())
    values["images"] = tuple(values.get("images") or ())
    return Discovered(**values)


_state: WorkerState | None = None


def current() -> WorkerState:
    if _state is None:
        raise RuntimeError("no worker state: run tasks through nashra.jobs.worker")
    return _state


@contextlib.asynccontextmanager
async def open_worker(config: Config) -> AsyncIterator[WorkerState]:
    global _state
    runner = Runner(config)
    async with Fetcher(fetch_policy(config)) as fetcher:
        _state = WorkerState(config, runner, fetcher, deferrer(config.database_url))
        try:
            yield _state
        finally:
            _state = None
            await runner.aclose()
