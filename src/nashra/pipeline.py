"""One source through the stages: fetch → discover → extract → normalize → dedupe → enrich → store.

Every item ends in exactly one recorded outcome: accepted (stored, and queued on each channel),
unchanged (already known), dropped (``Rejected``, counted per reason) or failed (a
``NashraError``, kept with its code and where it happened). A failure in one item or one source
never stops the others; nothing accepted is ever lost, because an article and its outbox rows are
written in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nashra.arabic import clean_display
from nashra.batch import OrderedCommits
from nashra.channels import Channel
from nashra.channels.routing import Routes
from nashra.dedupe.decide import Decision, decide, remember
from nashra.dedupe.identity import identity
from nashra.dedupe.listing import story_key, story_members
from nashra.dedupe.stories import also_reported_by
from nashra.enrich import Enricher, enricher_from_config
from nashra.errors import (
    FetchError,
    FetchTimeout,
    HTTPStatus,
    NashraError,
    Rejected,
    StoreError,
)
from nashra.extract import PAGE_DROPS
from nashra.fetch import Fetcher
from nashra.models import Article, Discovered, Enrichment, PostState, SourceSpec
from nashra.pool import ExtractPool
from nashra.prepare import (
    EnrichOptions,
    Prepared,
    PrepJob,
    outcome,
    prepare,
    prepare_remote,
)
from nashra.render import Renderer
from nashra.schedule import adaptive_interval, next_poll
from nashra.search import index_article
from nashra.settings import Config
from nashra.sources import adapter_for, detect_kind
from nashra.sources.sitemap import INDEX_KIND, follow_index
from nashra.store import Store, articles, outbox, sources

log = logging.getLogger("nashra.pipeline")


@dataclass
class SourceReport:
    source: str
    fetched: bool = False
    not_modified: bool = False
    items: int = 0
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    marked: int = 0  # first run: existing items with no text, marked seen without a fetch
    capped: int = 0  # items beyond ``poll.max_items`` (the oldest), left for a later poll
    duplicates: int = 0
    drops: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # "code: message (where)"

    @property
    def failed(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True, slots=True)
class ChannelView:
    """What the ingest side needs of a channel: its name, template, review setting and routes
    (a channel with review holds only what its routes take: an excluded post never reaches the
    review queue)."""

    name: str
    renderer: Renderer
    review: bool
    routes: Routes = field(default_factory=Routes)
    can_edit: bool = False  # the channel edits a sent post in place (Telegram, WordPress, ...)


def channel_views(channels: Sequence[Channel], config: Config) -> list[ChannelView]:
    views = []
    for ch in channels:
        opts = ch.options
        tz = opts.timezone or config["render.timezone"] or None
        tdir = config.base_dir / "templates"
        renderer = Renderer(
            opts.template, template_dir=tdir if tdir.is_dir() else None, timezone=tz
        )
        views.append(ChannelView(ch.name, renderer, opts.review, opts.routes, ch.traits.can_edit))
    return views


def _first_run_modes(spec: SourceSpec, items: Sequence[Discovered]) -> list[bool]:
    """Which items of a new source are published (True) or only stored and marked seen."""
    if spec.first_run == "post_all":
        return [True] * len(items)
    if spec.first_run.startswith("newest:"):
        n = int(spec.first_run.split(":", 1)[1])
        epoch = datetime.min.replace(tzinfo=UTC)
        order = sorted(range(len(items)), key=lambda i: items[i].published or epoch, reverse=True)
        chosen = set(order[:n])
        return [i in chosen for i in range(len(items))]
    return [False] * len(items)


def _oldest_first(items: Sequence[Discovered]) -> list[int]:
    epoch = datetime.min.replace(tzinfo=UTC)
    # Feeds list newest first: undated items count as the oldest, the last listed first.
    return sorted(range(len(items)), key=lambda i: (items[i].published or epoch, -i))


def newest(items: Sequence[Discovered], cap: int) -> list[Discovered]:
    """The ``cap`` newest items, in their listed order (a 10,000-item feed is read a slice at a
    time: the rest waits for later polls, newest first, instead of one poll of many minutes)."""
    if len(items) <= cap:
        return list(items)
    keep = set(_oldest_first(items)[-cap:])
    return [it for i, it in enumerate(items) if i in keep]


def _key(spec: SourceSpec, item: Discovered) -> str | None:
    """The item's identity (guid → canonical URL → content hash), or None for an item with
    neither a link nor content of its own."""
    if item.url is None and not (item.content_html or item.summary_html):
        return None
    return identity(
        spec.name,
        guid=item.guid,
        url=item.url,
        title=item.title or "",
        body=item.content_html or item.summary_html or "",
    )


@dataclass(frozen=True, slots=True)
class Ready:
    """An item fetched, extracted and enriched: what the store step needs."""

    item: Discovered
    article: Article
    enrichment: Enrichment
    publish: bool
    known_id: int | None  # an article already stored (its title changed): an update


def _count(report: SourceReport, outcome: str) -> None:
    if outcome == "duplicate":
        report.duplicates += 1
        report.drops["duplicate"] += 1
    elif outcome == "updated":
        report.updated += 1
    elif outcome == "known":  # stored by another process meanwhile: already known
        report.unchanged += 1
    else:
        report.accepted += 1


# Without a process pool (a job worker: each worker process is one core) the CPU-bound middle
# of an item runs on one thread of this process, one item at a time: the GIL gives threads no
# parallelism for it anyway, and the enricher holds one CRF tagger (a C object) that is not
# documented as safe to share between threads.
_PREPARE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nashra-prepare")

# Distributed mode (nashra.jobs): instead of processing a poll's items, hand them on, in the
# transaction that records the poll; each (item, publish?) becomes one job.
DeferItems = Callable[[sa.Connection, SourceSpec, list[tuple[Discovered, bool]]], None]


class Ingest:
    """Polls sources and turns their items into stored articles and queued posts."""

    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        channels: Sequence[ChannelView],
        *,
        on_item: Callable[[str], None] | None = None,
        enricher: Enricher | None = None,
        pool: ExtractPool | None = None,
        defer_items: DeferItems | None = None,
    ) -> None:
        """``pool``: extraction in worker processes (``nashra.pool``); without one, in a
        thread of this process."""
        self.config = config
        self.pool = pool
        self.defer_items = defer_items
        extra = config["enrich.gazetteer"]
        self.enrich_options = EnrichOptions(
            gazetteers=(str(config.resolve(extra)),) if extra else (),
            max_hashtags=config["enrich.max_hashtags"],
        )
        self.enricher = enricher or enricher_from_config(config)
        self.store = store
        self.fetcher = fetcher
        self.channels = list(channels)
        self.on_item = on_item or (lambda _source: None)

    # -- one source ------------------------------------------------------------------------
    async def poll(self, spec: SourceSpec) -> SourceReport:
        report = SourceReport(spec.name)
        with self.store.tx() as conn:
            sources.upsert(conn, spec.name, spec.url, spec.kind)
            state = sources.get(conn, spec.name)
        assert state is not None
        bounds = (
            timedelta(minutes=self.config["poll.min_minutes"]),
            timedelta(minutes=self.config["poll.max_minutes"]),
        )
        interval = self._interval(spec, bounds)
        try:
            fetched = await self.fetcher.get(
                spec.url, kind="feed", etag=state.etag, last_modified=state.last_modified
            )
        except FetchError as exc:
            retry_after = exc.retry_after if isinstance(exc, HTTPStatus) else None
            self._source_error(spec, exc, interval, bounds, state.consecutive_errors, retry_after)
            report.errors.append(f"{exc.code}: {exc}")
            return report
        report.fetched = True
        cache_control = fetched.headers.get("cache-control")
        expires = fetched.headers.get("expires")
        if fetched.not_modified:
            report.not_modified = True
            with self.store.tx() as conn:
                sources.record_success(
                    conn,
                    spec.name,
                    etag=fetched.etag or state.etag,
                    last_modified=fetched.last_modified or state.last_modified,
                    next_poll_at=next_poll(
                        datetime.now(UTC),
                        interval=interval,
                        bounds=bounds,
                        cache_control=cache_control,
                        expires=expires,
                    ),
                )
            return report
        try:
            kind = spec.kind or state.kind or detect_kind(fetched)
            listing = adapter_for(kind).parse(fetched, spec)
            if listing.kind == INDEX_KIND:  # a sitemap index: read its newest child sitemaps
                listing = await follow_index(
                    listing, spec, lambda u: self.fetcher.get(u, kind="feed")
                )
        except NashraError as exc:
            self._source_error(spec, exc, interval, bounds, state.consecutive_errors, None)
            report.errors.append(f"{exc.code}: {exc}")
            return report
        report.items = len(listing.items)
        items = newest(listing.items, max(1, self.config["poll.max_items"]))
        report.capped = report.items - len(items)
        publish = _first_run_modes(spec, items) if not state.first_run_done else [True] * len(items)
        if self.defer_items is None:
            await self._items(spec, items, publish, report)
        interval = self._interval(spec, bounds)  # now with this poll's items
        with self.store.tx() as conn:
            sources.record_success(
                conn,
                spec.name,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                next_poll_at=next_poll(
                    datetime.now(UTC),
                    interval=interval,
                    ttl_minutes=listing.ttl_minutes,
                    bounds=bounds,
                    cache_control=cache_control,
                    expires=expires,
                ),
                # A kind detected from a document with nothing in it (an HTML error page read
                # as a section page) is not kept: the feed behind it would be misread for ever.
                kind=kind if items or spec.kind else None,
            )
            if not state.first_run_done:  # items, or a valid empty feed twice (#14 fault 1)
                sources.first_run_polled(conn, spec.name, items=len(items))
            if self.defer_items is not None:  # one job per item, committed with the poll
                self.defer_items(conn, spec, list(zip(items, publish, strict=True)))
        return report

    def _interval(self, spec: SourceSpec, bounds: tuple[timedelta, timedelta]) -> timedelta:
        """A source that publishes rarely is polled less often than configured (never more
        often), up to ``poll.max_interval_minutes``; ``poll.adaptive = false`` turns it off."""
        base = timedelta(minutes=spec.interval_minutes)
        if not self.config["poll.adaptive"]:
            return max(bounds[0], min(bounds[1], base))
        with self.store.read() as conn:
            recent = articles.recent_publish_times(conn, spec.name)
        cap = timedelta(minutes=self.config["poll.max_interval_minutes"]) or None
        return adaptive_interval(recent, base, bounds, cap=cap)

    def _source_error(
        self,
        spec: SourceSpec,
        exc: NashraError,
        interval: timedelta,
        bounds: tuple[timedelta, timedelta],
        errors_before: int,
        retry_after: float | None,
    ) -> None:
        log.warning("%s: %s", spec.name, exc)
        when = next_poll(
            datetime.now(UTC),
            interval=interval,
            retry_after=retry_after,
            consecutive_errors=errors_before + 1,
            bounds=bounds,
        )
        with self.store.tx() as conn:
            sources.record_error(
                conn,
                spec.name,
                code=exc.code,
                message=str(exc),
                next_poll_at=when,
                error_limit=self.config["poll.error_limit"],
            )
        self._event("fetch", "error", exc.code, spec, spec.url, str(exc))

    def _event(
        self, stage: str, kind: str, code: str, spec: SourceSpec, url: str | None, detail: str
    ) -> None:
        """One recorded outcome (a drop or an error) of a stage, with where it happened."""
        self.store.record_event(
            stage=stage, kind=kind, code=code, source=spec.name, url=url, detail=detail
        )

    # -- the items of one poll ---------------------------------------------------------------
    async def _items(
        self,
        spec: SourceSpec,
        items: Sequence[Discovered],
        publish: Sequence[bool],
        report: SourceReport,
    ) -> None:
        """The items of one poll, ``fetch.item_concurrency`` at a time, each under its own
        deadline (``fetch.item_deadline``), so one slow page holds up neither its neighbours'
        fetches nor other sources.

        Items are fetched and extracted concurrently but stored in order, oldest first (the
        channel reads in order); items that are ready together are stored in one transaction
        (``OrderedCommits``). Two listed items with the same identity are one item (the first
        listed wins), so concurrent items never race on a key."""
        gate = asyncio.Semaphore(max(1, self.config["fetch.item_concurrency"]))
        seen: set[str] = set()
        todo: list[tuple[Discovered, bool]] = []
        for i in _oldest_first(items):
            key = _key(spec, items[i])
            if key is not None and key in seen:
                report.unchanged += 1
                continue
            if key is not None:
                seen.add(key)
            todo.append((items[i], publish[i]))
        commits: OrderedCommits[Ready] = OrderedCommits(
            len(todo), lambda batch: self._store_batch(spec, batch, report)
        )

        async def one(i: int, item: Discovered, pub: bool) -> None:
            ready: Ready | None = None
            try:
                async with gate:
                    ready = await self._item(spec, item, pub, report)
            finally:
                commits.done(i, ready)  # stores every item up to here that is ready, in order
                self.on_item(spec.name)

        await asyncio.gather(*(one(i, item, pub) for i, (item, pub) in enumerate(todo)))

    async def _item(
        self, spec: SourceSpec, item: Discovered, publish: bool, report: SourceReport
    ) -> Ready | None:
        """One item up to (not including) the store: an outcome recorded, or what to store."""
        deadline = self.config["fetch.item_deadline"]
        try:
            try:
                async with asyncio.timeout(deadline):
                    return await self._prepare(spec, item, publish, report)
            except TimeoutError:
                raise FetchTimeout(
                    f"تجاوز العنصر مهلته ({deadline:g} ث) — item deadline exceeded",
                    where=item.url,
                ) from None
        except Rejected as drop:
            self._drop(spec, item, drop, report)
        except NashraError as exc:
            self._error(spec, item, exc, report)
        return None

    async def prepare_item(
        self, spec: SourceSpec, item: Discovered, publish: bool, report: SourceReport
    ) -> Ready | None:
        """One item fetched, extracted and enriched (outcomes other than "store it" recorded)."""
        return await self._item(spec, item, publish, report)

    def store_ready(self, conn: sa.Connection, spec: SourceSpec, ready: Ready) -> str:
        """Store one prepared item in ``conn``: "accepted", "updated", "duplicate" or "known"."""
        return self._store(conn, spec, ready)

    def _drop(
        self, spec: SourceSpec, item: Discovered, drop: Rejected, report: SourceReport
    ) -> None:
        report.drops[drop.reason] += 1
        self._event("ingest", "drop", drop.code, spec, item.url, drop.detail)

    def _error(
        self, spec: SourceSpec, item: Discovered, exc: NashraError, report: SourceReport
    ) -> None:
        report.errors.append(f"{exc.code}: {exc}")
        self._event("ingest", "error", exc.code, spec, item.url, str(exc))

    async def _prepare(
        self, spec: SourceSpec, item: Discovered, publish: bool, report: SourceReport
    ) -> Ready | None:
        key = _key(spec, item)
        if key is None:
            raise Rejected(
                "no_link", "عنصر بلا رابط ولا محتوى — an entry with no link and no content"
            )
        with self.store.read() as conn:
            known = articles.by_identity(conn, key)
            seen = known is None and articles.was_seen(conn, key)
        if seen:
            report.unchanged += 1
            return None
        if known is None and not publish and not (item.content_html or item.summary_html):
            # A new source's existing item with no text of its own (a sitemap URL, a section
            # page's link): mark it seen without fetching its page.
            with self.store.tx() as conn:
                articles.mark_seen(conn, key, spec.name, item.url, clean_display(item.title or ""))
            report.marked += 1
            return None
        if known is not None:
            if known["deleted_at"] is not None:
                raise Rejected("tombstoned", "حُذف هذا المقال من قبل — deleted earlier")
            changed_title = item.title and clean_display(item.title) != known["title"]
            if not changed_title:
                report.unchanged += 1
                return None
        try:
            prepared = await self._prepared(spec, item, key, fetch_page=publish)
        except Rejected as drop:
            if known is None and drop.reason in PAGE_DROPS:  # a video page: never fetched again
                with self.store.tx() as conn:
                    title = clean_display(item.title or "")
                    articles.mark_seen(conn, key, spec.name, item.url, title)
            raise
        if prepared.fallback:
            self._event("extract", "drop", "drop.fallback_feed", spec, item.url, prepared.fallback)
        known_id = None if known is None else int(known["id"])
        return Ready(item, prepared.article, prepared.enrichment, publish, known_id)

    def _store_batch(self, spec: SourceSpec, batch: Sequence[Ready], report: SourceReport) -> None:
        """Ready items in one transaction; if that fails, each in its own (one bad item must not
        cost its neighbours their place), recording the failure of the bad one only."""
        if len(batch) > 1:
            try:
                with self.store.tx() as conn:
                    done = [self._store(conn, spec, r) for r in batch]
            except (Rejected, NashraError, sa.exc.SQLAlchemyError):
                log.warning("%s: a batch of %d failed, storing one by one", spec.name, len(batch))
            else:
                for outcome in done:
                    _count(report, outcome)
                return
        for ready in batch:
            try:
                with self.store.tx() as conn:
                    outcome = self._store(conn, spec, ready)
            except Rejected as drop:
                self._drop(spec, ready.item, drop, report)
            except NashraError as exc:
                self._error(spec, ready.item, exc, report)
            except sa.exc.SQLAlchemyError as exc:
                self._error(spec, ready.item, StoreError(str(exc), where=ready.item.url), report)
            else:
                _count(report, outcome)

    def _store(self, conn: sa.Connection, spec: SourceSpec, ready: Ready) -> str:
        """Store one prepared article (and queue its posts) in ``conn``; returns the outcome."""
        article, result = ready.article, ready.enrichment
        if ready.known_id is not None:
            articles.update(conn, ready.known_id, article, result)
            index_article(conn, ready.known_id)
            self._queue_edits(conn, replace(article, id=ready.known_id), result)
            return "updated"
        if articles.by_identity(conn, article.identity) is not None:
            return "known"  # another process stored it since we looked (#14 fault 11)
        verdict = self._by_mode(decide(conn, article, result, priority=spec.priority))
        try:
            with conn.begin_nested():  # PostgreSQL: the check above is not under a lock
                article_id = articles.insert(
                    conn,
                    article,
                    result,
                    duplicate_of=verdict.duplicate_of,
                    story_id=verdict.story_id,
                )
        except sa.exc.IntegrityError:
            if articles.by_identity(conn, article.identity) is not None:
                return "known"
            raise
        remember(conn, article_id, verdict)
        index_article(conn, article_id)  # searchable in the same transaction
        stored = replace(article, id=article_id)
        if verdict.duplicate_of is not None:
            # remember may have merged two stories (nashra.dedupe.merge): the posted article
            # is read again
            posted = articles.duplicate_of(conn, article_id)
            self._add_outlet_to_posted(conn, posted if posted is not None else article_id)
            return "duplicate"
        if verdict.story_id is not None:  # group mode: the story's earlier posts name it too
            key = story_key(conn, article_id)  # remember may have merged two stories
            for sibling in story_members(conn, key if key is not None else verdict.story_id):
                if sibling != article_id:
                    self._add_outlet_to_posted(conn, sibling)
        state = PostState.PENDING if ready.publish else PostState.SKIPPED
        others = also_reported_by(conn, article_id)
        for ch in self.channels:
            post = ch.renderer.render(stored, result, ch.name, others)
            chosen = PostState.HELD if (ch.review and state is PostState.PENDING) else state
            why = ch.routes.verdict(stored, result) if chosen is PostState.HELD else None
            post_id = outbox.add(conn, post, chosen)
            if why and post_id is not None:  # not this channel's: never held for review
                outbox.mark_skipped(conn, post_id, why)
        return "accepted"

    def _by_mode(self, verdict: Decision) -> Decision:
        """``stories.mode = "group"``: every outlet's article of a story is posted (grouped by
        its story); only the same article twice (same URL or same content) is not."""
        if self.config["stories.mode"] != "group" or verdict.reason in (None, "url", "content"):
            return verdict
        return replace(verdict, duplicate_of=None, replaces=None)

    def _add_outlet_to_posted(self, conn: sa.Connection, posted_id: int) -> None:
        """A new outlet carried a story we hold: its posts now name that outlet too ("نقلته
        أيضًا"). Unsent posts are re-rendered; a sent post on a channel that can edit is edited
        in place, paced: at most one such edit per post per ``stories.edit_minutes`` (0: sent
        posts are left alone), the outlets that arrive meanwhile joining the pending edit."""
        found = articles.get(conn, posted_id)
        if found is None:
            return
        posted, enrichment = found
        others = also_reported_by(conn, posted_id)
        every = timedelta(minutes=self.config["stories.edit_minutes"])
        for ch in self.channels:
            post = ch.renderer.render(posted, enrichment, ch.name, others)
            outbox.rerender_unsent(conn, post)
            if ch.can_edit and every > timedelta(0):
                outbox.attribution_edit(conn, post, every)

    def _queue_edits(self, conn: sa.Connection, article: Article, result: Enrichment) -> None:
        """An updated article re-renders its posts; sent ones are flagged for an edit."""
        for ch in self.channels:
            outbox.rerender(conn, ch.renderer.render(article, result, ch.name))

    async def _prepared(
        self, spec: SourceSpec, item: Discovered, key: str, *, fetch_page: bool
    ) -> Prepared:
        """The page fetched here (the event loop does the I/O), then extracted, built and
        enriched in a worker process (``nashra.prepare``); the feed's own text stands in for a
        page that is not fetched or cannot be used."""
        job = PrepJob(item, key, spec.name, rules=spec.rules or None, tags=spec.tags)
        has_feed_text = bool(item.content_html or item.summary_html)
        if not fetch_page and has_feed_text:
            job = replace(job, reason="first_run")
        elif item.url is None:
            job = replace(job, reason="no_link")
        else:
            try:
                page = await self.fetcher.get(item.url, kind="page")
                job = replace(job, body=page.body, url=page.url)
            except NashraError as exc:
                if not has_feed_text:
                    raise
                detail = f"{exc.code}: {exc}"
                self._event("extract", "drop", "drop.fallback_feed", spec, item.url, detail)
                job = replace(job, reason=exc.code)
        if self.pool is None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(_PREPARE, prepare, job, self.enricher)
        return outcome(await self.pool.run(prepare_remote, job, self.enrich_options))
