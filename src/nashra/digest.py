"""The daily digest: one extra post per channel per day listing the day's top stories.

A channel with ``digest = true`` gets, once its local clock (``timezone``, else
``render.timezone``, else UTC) passes ``digest_hour`` (default 20), a post listing the stories of
that local day that the channel's routing rules take, ranked by the number of outlets that carried
each story (``articles.story_id`` / ``duplicate_of`` clusters), then newest first: without
clusters that is simply the newest. It is rendered from ``digest.txt.j2`` (``digest.html.j2`` for
a channel whose template is HTML) and stored in the outbox like any post, so it is paced, retried
and never lost like the others.

Exactly once per day per channel: the post hangs off a carrier article whose identity is
``digest:<channel>:<YYYY-MM-DD>`` (unique), and a post is unique per (article, channel); a restart,
a second worker or a second cycle finds it and creates nothing. The carrier is stored tombstoned
(``deleted_at`` set), so search, the website, dedupe and stories never see it as an article.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from nashra.channels import Channel
from nashra.errors import ConfigError
from nashra.models import Article, Block, BlockKind, Post, PostState
from nashra.render import Renderer
from nashra.settings import Config
from nashra.store import Store, articles, outbox, schema
from nashra.store.util import aware, now

log = logging.getLogger("nashra.digest")

DIGEST_SOURCE = "nashra:digest"  # the carrier articles' source: never a configured source
TOP = 10


@dataclass(frozen=True, slots=True)
class DigestStory:
    article_id: int  # the story's posted article
    title: str
    url: str
    outlets: tuple[str, ...]  # every outlet that carried it, first reporter first
    last_seen: datetime

    @property
    def count(self) -> int:
        return len(self.outlets)


def zone(channel: Channel, config: Config) -> ZoneInfo:
    name = channel.options.timezone or config["render.timezone"] or "UTC"
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:
        raise ConfigError(f"منطقة زمنية غير معروفة: {name}", where=channel.name) from exc


def local_day(at: datetime, tz: ZoneInfo) -> tuple[str, datetime, datetime]:
    """The local day containing ``at``: its ``YYYY-MM-DD`` and its [start, end) in UTC."""
    local = at.astimezone(tz)
    start = datetime.combine(local.date(), time(0), tzinfo=tz)
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
    return local.date().isoformat(), start.astimezone(UTC), end.astimezone(UTC)


def top_stories(
    conn: sa.Connection,
    start: datetime,
    end: datetime,
    *,
    channel: Channel | None = None,
    limit: int = TOP,
) -> list[DigestStory]:
    """Stories first seen in [start, end): most outlets first, then the most recent."""
    a = schema.articles
    key = sa.func.coalesce(a.c.story_id, a.c.id)
    live = sa.and_(a.c.deleted_at.is_(None), a.c.source != DIGEST_SOURCE)
    rows = conn.execute(
        sa.select(key.label("k"), a.c.id, a.c.source, a.c.outlet, a.c.duplicate_of, a.c.created_at)
        .where(live, a.c.created_at >= start, a.c.created_at < end)
        .order_by(a.c.id)
    ).all()
    clusters: dict[int, list[Any]] = {}
    for r in rows:
        clusters.setdefault(int(r.k), []).append(r)
    ranked = []
    for members in clusters.values():
        posted = next((m for m in members if m.duplicate_of is None), None)
        if posted is None:
            continue  # only duplicates of an older story today: that story is counted on its day
        outlets = tuple(dict.fromkeys(m.outlet or m.source for m in members))
        last = max(aware(m.created_at) or start for m in members)
        ranked.append((len(outlets), last, int(posted.id), outlets))
    ranked.sort(key=lambda x: (x[0], x[1], x[2]), reverse=True)
    out: list[DigestStory] = []
    for _n, last, article_id, outlets in ranked:
        found = articles.get(conn, article_id)
        if found is None:
            continue
        article, enrichment = found
        if channel is not None and channel.options.routes.verdict(article, enrichment):
            continue  # not a story this channel carries
        out.append(DigestStory(article_id, article.title, article.url, outlets, last))
        if len(out) >= limit:
            break
    return out


def identity(channel: str, day: str) -> str:
    return f"digest:{channel}:{day}"


def renderer_for(channel: Channel, config: Config) -> Renderer:
    html = channel.options.template.endswith(".html.j2")
    tdir = config.base_dir / "templates"
    return Renderer(
        "digest.html.j2" if html else "digest.txt.j2",
        template_dir=tdir if tdir.is_dir() else None,
    )


def render(renderer: Renderer, channel: str, day: str, stories: Sequence[DigestStory]) -> str:
    text = renderer.template.render(day=day, channel=channel, stories=list(stories))
    return text.strip() + "\n"


def _carrier(channel: str, day: str, text: str, stories: Sequence[DigestStory]) -> Article:
    title = f"أبرز أخبار اليوم {day}"
    return Article(
        identity=identity(channel, day),
        source=DIGEST_SOURCE,
        url="",  # a digest has no one original: its links are in the text
        title=title,
        blocks=tuple(Block(BlockKind.LIST_ITEM, s.title) for s in stories),
        method="feed",
        match_title=title,
        match_text=text,
        content_hash=identity(channel, day),
    )


def queue_digests(
    store: Store, channels: Sequence[Channel], config: Config, at: datetime | None = None
) -> list[int]:
    """Queue today's digest on every channel that wants one and is due; returns new post ids."""
    at = at or now()
    made: list[int] = []
    for ch in channels:
        if not (ch.options.digest and ch.options.enabled):
            continue
        tz = zone(ch, config)
        if at.astimezone(tz).hour < ch.options.digest_hour:
            continue
        day, start, end = local_day(at, tz)
        with store.tx() as conn:
            if articles.by_identity(conn, identity(ch.name, day)) is not None:
                continue  # already queued today (by this process or another)
            stories = top_stories(conn, start, end, channel=ch)
            if not stories:
                continue  # nothing to list yet: a later cycle today may have some
            text = render(renderer_for(ch, config), ch.name, day, stories)
            carrier = _carrier(ch.name, day, text, stories)
            article_id = articles.insert(conn, carrier, None)
            articles.tombstone(conn, article_id)
            post = Post(
                article_id=article_id,
                channel=ch.name,
                text=text,
                title=carrier.title,
                url="",
            )
            state = PostState.HELD if ch.options.review else PostState.PENDING
            post_id = outbox.add(conn, post, state)
        if post_id is not None:
            log.info("%s: digest for %s queued (%d stories)", ch.name, day, len(stories))
            made.append(post_id)
    return made


def is_digest(article: Article) -> bool:
    return article.source == DIGEST_SOURCE


__all__ = [
    "DIGEST_SOURCE",
    "DigestStory",
    "identity",
    "is_digest",
    "local_day",
    "queue_digests",
    "render",
    "top_stories",
]
