"""A cycle (poll the due sources, then publish) and the daemon loop around it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

import sqlalchemy as sa

from nashra import logs
from nashra.channels import Channel, build_channel, ledger
from nashra.digest import queue_digests
from nashra.enrich import enricher_from_config
from nashra.fetch import Fetcher, FetchPolicy, make_user_agent
from nashra.models import SourceKind, SourceSpec
from nashra.pipeline import Ingest, SourceReport, channel_views
from nashra.pool import shared_pool
from nashra.publish import PublishReport, lease, publish
from nashra.settings import Config
from nashra.store import Store, outbox, schema, sources
from nashra.store.sources import SourceState

log = logging.getLogger("nashra.runner")

PUBLISH_TICK = 1.0  # seconds between publish passes while ingest runs (sooner on a new item)


def fetch_policy(config: Config) -> FetchPolicy:
    return FetchPolicy(
        feed_deadline=config["fetch.feed_deadline"],
        page_deadline=config["fetch.page_deadline"],
        max_body=int(config["fetch.max_body_mib"] * 1024 * 1024),
        max_redirects=config["fetch.max_redirects"],
        allow_networks=config["fetch.allow_networks"],
        user_agent=make_user_agent(config["fetch.contact_url"] or None),
        per_host_concurrency=config["fetch.per_host_concurrency"],
        per_host_delay=config["fetch.per_host_delay"],
        obey_robots=config["fetch.obey_robots"],
    )


def next_send_at(store: Store, channels: Sequence[Channel]) -> datetime | None:
    """When the earliest queued post may go out: its retry time, held back by pacing."""
    at = datetime.now(UTC)
    found: list[datetime] = []
    with store.read() as conn:
        for ch in channels:
            if not ch.options.enabled or ledger.state(conn, ch.name).paused_reason:
                continue
            head = conn.execute(
                sa.select(sa.func.count())
                .select_from(schema.posts)
                .where(schema.posts.c.channel == ch.name, schema.posts.c.state == "pending")
            ).scalar()
            if not head:
                continue
            due = outbox.head_due(conn, ch.name, lease(ch)) or at
            if ch.traits.pacing is not None:
                wait = ledger.wait_for(conn, ch.name, ch.traits.pacing)
                due = max(due, at + timedelta(seconds=wait))
            found.append(due)
    return min(found, default=None)


def resume_configured(store: Store, config: Config) -> list[str]:
    """Resume each channel that was paused because a secret's variable was empty and whose
    variables are all set now (#14 fault 13: the pause outlived the token). Other pauses (a
    kicked bot, a refused password) still wait for ``nashra channels resume``."""
    resumed = []
    with store.tx() as conn:
        for ch in config.channels:
            names = [v for k, v in ch.options.items() if k.endswith("_env") and isinstance(v, str)]
            why = ledger.state(conn, ch.name).paused_reason
            if not why or not names:
                continue
            named = [n for n in names if n in why]
            if named and all(os.environ.get(n) for n in names) and ledger.resume(conn, ch.name):
                log.info("channel %s resumed: %s is set now", ch.name, ", ".join(named))
                resumed.append(ch.name)
    return resumed


def build_channels(config: Config) -> list[Channel]:
    return [build_channel(c, config) for c in config.channels]


@dataclass
class CycleReport:
    sources: list[SourceReport] = field(default_factory=list)
    publish: PublishReport = field(default_factory=PublishReport)

    @property
    def failed(self) -> bool:
        """Something to fix: a source's error, a failed or unknown send, or a channel that is
        paused (its posts cannot go out until a person acts)."""
        return (
            any(s.failed for s in self.sources) or self.publish.failed or bool(self.publish.paused)
        )

    def total(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.sources)


def log_cycle(report: CycleReport) -> None:
    """One INFO line for the cycle and one for its publish batch, with counts as fields
    (``--log-format json`` puts them in the object)."""
    drops: Counter[str] = Counter()
    for s in report.sources:
        drops.update(s.drops)
    fields = {
        "event": "cycle",
        "sources": len(report.sources),
        "not_modified": sum(1 for s in report.sources if s.not_modified),
        "items": report.total("items"),
        "accepted": report.total("accepted"),
        "updated": report.total("updated"),
        "duplicates": report.total("duplicates"),
        "dropped": sum(v for k, v in drops.items() if k != "duplicate"),
        "errors": sum(len(s.errors) for s in report.sources),
    }
    log.info(
        "cycle: %(sources)d sources (%(not_modified)d unchanged), %(items)d items, "
        "%(accepted)d new, %(updated)d updated, %(duplicates)d duplicates, %(dropped)d dropped, "
        "%(errors)d errors",
        fields,
        extra={"fields": fields},
    )
    out = dict(report.publish.outcomes)
    counts = {k: out.get(k, 0) for k in ("sent", "retry", "failed")}
    counts.update({k: v for k, v in sorted(out.items()) if k not in counts})
    paused = sorted(report.publish.paused)
    batch = {"event": "publish", **counts, "paused_channels": paused}
    shown = ", ".join(f"{k} {v}" for k, v in counts.items())
    log.info(
        "publish: %s%s",
        shown,
        f"; paused: {', '.join(paused)}" if paused else "",
        extra={"fields": batch},
    )


class Runner:
    """Owns the store, the fetcher and the channels for a cycle or for the daemon."""

    def __init__(
        self,
        config: Config,
        store: Store | None = None,
        *,
        channels: Sequence[Channel] | None = None,
    ) -> None:
        logs.install()  # the daemon logs every send: its lines never carry a token
        self.config = config
        self.store = store or Store(config.database_url)
        self.channels = list(channels) if channels is not None else build_channels(config)
        self.views = channel_views(self.channels, config)
        self.enricher = enricher_from_config(config)  # loads the gazetteers once
        self.pool = shared_pool(config["fetch.workers"])  # extraction on every core

    def due(self, at: datetime | None = None, *, all_sources: bool = False) -> list[SourceSpec]:
        with self.store.read() as conn:
            states = {s.name: s for s in sources.all_states(conn)}
        due = []
        for spec in self.specs(states):
            state = states.get(spec.name)
            if self._is_due(state, spec, at, all_sources):
                due.append(spec)
        return due

    def specs(self, states: dict[str, SourceState] | None = None) -> list[SourceSpec]:
        """The config's sources, then those added at run time (web UI, OPML) that live only in
        the database, with default settings."""
        if states is None:
            with self.store.read() as conn:
                states = {s.name: s for s in sources.all_states(conn)}
        configured = {s.name for s in self.config.sources}
        extra = [
            SourceSpec(name=s.name, url=s.url, kind=cast(SourceKind | None, s.kind))
            for s in states.values()
            if s.name not in configured
        ]
        return [*self.config.sources, *extra]

    @staticmethod
    def _is_due(
        state: SourceState | None, spec: SourceSpec, at: datetime | None, all_sources: bool
    ) -> bool:
        if state is None or state.url != spec.url:
            return True  # new, or pointed at a new URL
        return (all_sources and not state.disabled) or state.due(at)

    async def cycle(
        self,
        *,
        all_sources: bool = True,
        on_source: Callable[[SourceReport], None] | None = None,
        on_item: Callable[[str], None] | None = None,
        beside: bool = False,
    ) -> CycleReport:
        """Poll the due sources (``all_sources``: every enabled one) and publish.

        ``beside=True`` (the daemon) publishes while ingest runs, so one slow outlet holds up no
        other source's posts. Otherwise (``nashra once``, the demo) everything is read first and
        then published, so an aggregator's repost read in the same cycle still names itself in
        the outlet's post ("نقلته أيضًا")."""
        report = CycleReport()
        resume_configured(self.store, self.config)
        specs = self.due(all_sources=all_sources)
        ingest_done = asyncio.Event()
        new_items = asyncio.Event()

        def item_done(source: str) -> None:
            new_items.set()
            if on_item:
                on_item(source)

        if not beside:
            ingest_done.set()  # the publisher's only pass waits for ingest below
            report.sources = await self._ingest(specs, item_done, on_source)
            report.publish = await self._publish_beside(ingest_done, new_items)
            log_cycle(report)
            return report
        publisher = asyncio.create_task(self._publish_beside(ingest_done, new_items))
        try:
            report.sources = await self._ingest(specs, item_done, on_source)
        finally:
            ingest_done.set()
            report.publish = await publisher
        log_cycle(report)
        return report

    async def _publish_beside(
        self, ingest_done: asyncio.Event, wake: asyncio.Event
    ) -> PublishReport:
        """Publishing runs beside ingest: a post goes out as soon as its article is stored, not
        when the slowest source of the cycle ends. One publisher at a time per runner; a last
        pass (with the day's digests) after ingest ends."""
        total = PublishReport()
        while True:
            last = ingest_done.is_set()
            if last:
                try:
                    queue_digests(self.store, self.channels, self.config)
                except Exception:  # a digest problem must not hold the day's posts
                    log.exception("digest failed")
            wake.clear()
            try:
                rep = await publish(self.store, self.channels)
            except Exception:  # a pass beside ingest must not take ingest down; the last one
                if last:  # reports as before
                    raise
                log.exception("publish failed")
                rep = PublishReport()
            total.outcomes.update(rep.outcomes)
            total.paused.update(rep.paused)
            if last:
                return total
            waits = [asyncio.ensure_future(e.wait()) for e in (ingest_done, wake)]
            try:
                await asyncio.wait(waits, timeout=PUBLISH_TICK, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waits:
                    w.cancel()

    async def _ingest(
        self,
        specs: Sequence[SourceSpec],
        on_item: Callable[[str], None],
        on_source: Callable[[SourceReport], None] | None,
    ) -> list[SourceReport]:
        async with Fetcher(fetch_policy(self.config)) as fetcher:
            ingest = Ingest(
                self.config,
                self.store,
                fetcher,
                self.views,
                on_item=on_item,
                enricher=self.enricher,
                pool=self.pool,
            )
            gate = asyncio.Semaphore(self.config["fetch.concurrency"])

            async def one(spec: SourceSpec) -> SourceReport:
                async with gate:
                    try:
                        rep = await ingest.poll(spec)
                    except Exception as exc:  # a bug must not take the other sources down
                        log.exception("source %s crashed", spec.name)
                        rep = SourceReport(spec.name, errors=[f"bug: {exc!r}"])
                if on_source:
                    on_source(rep)
                return rep

            return list(await asyncio.gather(*(one(s) for s in specs)))

    async def run_forever(self, stop: asyncio.Event, *, max_sleep: float = 30.0) -> None:
        """Poll each source on its own schedule and publish, until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.cycle(all_sources=False, beside=True)
            except Exception:  # the daemon outlives any one cycle
                log.exception("cycle failed")
            sleep = max_sleep
            with self.store.read() as conn:
                nexts = [s.next_poll_at for s in sources.all_states(conn) if not s.disabled]
            upcoming = [n for n in nexts if n is not None]
            send = next_send_at(self.store, self.channels)
            if send is not None:  # a paced or retried post falls due before the next poll
                upcoming.append(send)
            if upcoming:
                wait = (min(upcoming) - datetime.now(UTC)).total_seconds()
                sleep = min(max(wait, 1.0), max_sleep)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=sleep)

    async def aclose(self) -> None:
        for ch in self.channels:
            await ch.aclose()
        self.store.close()
