"""Entity rows (``article_entities``): written with each article, read by search, the web UI
and ``/api/entities`` (which entities, how many articles and stories, a trend per day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from nashra.arabic import normalize
from nashra.models import Enrichment
from nashra.store import schema
from nashra.store.steps.v020_entities import rows_of
from nashra.store.util import aware

__all__ = ["EntityCount", "article_ids", "for_article", "replace_for", "search", "trend"]

t = schema.article_entities
ENTITY_TYPES = ("person", "organisation", "place")


@dataclass(frozen=True, slots=True)
class EntityCount:
    canonical: str
    type: str
    key: str
    articles: int
    stories: int
    last_seen: datetime | None


def replace_for(
    conn: sa.Connection,
    article_id: int,
    enrichment: Enrichment | None,
    title: str,
    story_id: int | None = None,
) -> None:
    """Store the entities of one article (people, organisations, places), replacing old rows."""
    conn.execute(t.delete().where(t.c.article_id == article_id))
    if enrichment is None:
        return
    ents = [
        {"canonical": e.canonical, "text": e.text, "type": e.type, "start": e.start}
        for e in enrichment.entities
        if e.type in ENTITY_TYPES
    ]
    rows = rows_of(article_id, story_id, len(title), ents)
    if rows:
        conn.execute(t.insert(), rows)


def for_article(conn: sa.Connection, article_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(t.c.canonical, t.c.type, t.c.key, t.c.mentions, t.c.in_title)
        .where(t.c.article_id == article_id)
        .order_by(t.c.in_title.desc(), t.c.mentions.desc(), t.c.canonical)
    )
    return [dict(r._mapping) for r in rows]


def _live() -> sa.ColumnElement[bool]:
    a = schema.articles
    return sa.and_(a.c.deleted_at.is_(None), a.c.duplicate_of.is_(None))


def search(
    conn: sa.Connection,
    q: str = "",
    *,
    type: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[EntityCount]:
    """Entities by number of articles naming them (a folded substring ``q`` filters the names)."""
    a = schema.articles
    cond = [_live()]
    key = normalize(q)
    if key:
        cond.append(t.c.key.contains(key, autoescape=True))
    if type:
        cond.append(t.c.type == type)
    if since is not None:
        cond.append(a.c.published_utc >= since)
    n_articles = sa.func.count(sa.distinct(t.c.article_id))
    stmt = (
        sa.select(
            sa.func.min(t.c.canonical).label("canonical"),
            t.c.type,
            t.c.key,
            n_articles.label("articles"),
            sa.func.count(sa.distinct(sa.func.coalesce(t.c.story_id, -t.c.article_id))).label(
                "stories"
            ),
            sa.func.max(a.c.published_utc).label("last_seen"),
        )
        .select_from(t.join(a, a.c.id == t.c.article_id))
        .where(*cond)
        .group_by(t.c.key, t.c.type)
        .order_by(n_articles.desc(), t.c.key)
        .limit(limit)
    )
    return [
        EntityCount(r.canonical, r.type, r.key, r.articles, r.stories, aware(r.last_seen))
        for r in conn.execute(stmt)
    ]


def article_ids(
    conn: sa.Connection, name: str, type: str | None = None, limit: int = 1000
) -> list[int]:
    """Newest first: the live articles that name the entity ``name`` (exact folded key)."""
    a = schema.articles
    cond = [t.c.key == normalize(name), _live()]
    if type:
        cond.append(t.c.type == type)
    stmt = (
        sa.select(sa.distinct(t.c.article_id))
        .select_from(t.join(a, a.c.id == t.c.article_id))
        .where(*cond)
        .order_by(t.c.article_id.desc())
        .limit(limit)
    )
    return [int(x) for x in conn.execute(stmt).scalars()]


def trend(
    conn: sa.Connection,
    name: str,
    type: str | None = None,
    *,
    days: int = 30,
    today: date | None = None,
) -> list[tuple[date, int]]:
    """Articles per day naming the entity over the last ``days`` days (UTC), oldest first."""
    a = schema.articles
    end = today or datetime.now().date()
    start = end - timedelta(days=days - 1)
    cond = [t.c.key == normalize(name), _live(), a.c.published_utc.is_not(None)]
    if type:
        cond.append(t.c.type == type)
    since = datetime(start.year, start.month, start.day)
    cond.append(a.c.published_utc >= since)
    counts: dict[date, int] = {}
    rows = conn.execute(
        sa.select(t.c.article_id, a.c.published_utc)
        .select_from(t.join(a, a.c.id == t.c.article_id))
        .where(*cond)
        .distinct()
    )
    for _, when in rows:
        d = aware(when)
        if d is not None:
            day = d.date()
            counts[day] = counts.get(day, 0) + 1
    return [
        (start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)
    ]
