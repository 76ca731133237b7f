"""Stories as the CLI, the API and the web list them, and the outlets that carried one.

One function for all three (``list_stories``), so ``nashra stories``, ``/api/stories`` and the
stories page show the same stories. A story is keyed by its first article's id; its members are
that article and every article whose ``story_id`` is the key (reposts carry ``duplicate_of``
*and* ``story_id``). Every query here is served by an index: members by the primary key and
``ix_articles_story_id``, recent activity by a bounded walk down the primary key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from nashra.dedupe import storyindex
from nashra.store import schema
from nashra.store.util import aware

a = schema.articles
da = schema.dedupe_articles
RECENT_ARTICLES = 5000  # stories are found among this many newest articles


def story_key(conn: sa.Connection, article_id: int) -> int | None:
    r = conn.execute(sa.select(a.c.id, a.c.story_id).where(a.c.id == article_id)).first()
    return None if r is None else int(r[1] or r[0])


def _members_q(keys: list[int]) -> Any:
    return sa.or_(a.c.id.in_(keys), a.c.story_id.in_(keys))


def story_members(conn: sa.Connection, key: int) -> list[int]:
    """The live articles of a story (its key article and those carrying the key), oldest first."""
    q = sa.select(a.c.id).where(
        sa.or_(a.c.id == key, a.c.story_id == key), a.c.deleted_at.is_(None)
    )
    return [int(r[0]) for r in conn.execute(q.order_by(a.c.id))]


def also_reported_by(conn: sa.Connection, article_id: int) -> list[str]:
    """Outlets (display names, first seen first) of the article's story other than its own."""
    key = story_key(conn, article_id)
    if key is None:
        return []
    rows = conn.execute(
        sa.select(a.c.id, a.c.outlet, a.c.source)
        .where(sa.or_(a.c.id == key, a.c.story_id == key), a.c.deleted_at.is_(None))
        .order_by(a.c.id)
    ).all()
    own = next((r[1] or r[2] for r in rows if r[0] == article_id), None)
    out: list[str] = []
    for _id, outlet, source in rows:
        name = outlet or source
        if name != own and name not in out:
            out.append(name)
    return out


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: int
    source: str
    outlet: str | None
    title: str
    url: str
    published: str | None
    posted: bool  # the story's posted article (no duplicate_of)
    reason: str | None  # the layer that joined it to the story (None: the first)


@dataclass(frozen=True, slots=True)
class Story:
    id: int
    title: str  # the posted article's title
    first_seen: datetime
    last_seen: datetime
    outlets: tuple[str, ...]
    articles: tuple[StoryArticle, ...]
    related: tuple[int, ...] = ()  # other stories of the same running story (a thread)


def list_stories(
    conn: sa.Connection, *, limit: int = 50, min_articles: int = 2, since: datetime | None = None
) -> list[Story]:
    """The most recently active stories, newest first, with their articles and threads."""
    q = sa.select(a.c.id, a.c.story_id, a.c.created_at).where(a.c.deleted_at.is_(None))
    q = q.order_by(a.c.id.desc()).limit(RECENT_ARTICLES)
    order: list[int] = []
    for r in conn.execute(q):
        if since is not None and aware(r[2]) is not None and aware(r[2]) < since:  # type: ignore[operator]
            break
        if r[1] is None and min_articles > 1:
            # A story's later articles carry its key, so a story of two or more has one among
            # the recent articles; a lone article (the usual case) is not loaded at all.
            continue
        k = int(r[1] or r[0])
        if k not in order:
            order.append(k)
    found = _load(conn, order, threads=False)
    out = [s for s in found if len(s.articles) >= min_articles][:limit]
    # Threads for the stories shown only (two lookups each; every candidate cost 10,000 at 5,000).
    return [replace(s, related=tuple(i for i, _ in storyindex.related(conn, s.id))) for s in out]


def get_story(conn: sa.Connection, key: int) -> Story | None:
    got = _load(conn, [key])
    return got[0] if got else None


def _load(conn: sa.Connection, keys: list[int], *, threads: bool = True) -> list[Story]:
    if not keys:
        return []
    members: dict[int, list[Any]] = {k: [] for k in keys}
    for i in range(0, len(keys), 400):
        chunk = keys[i : i + 400]
        rows = conn.execute(
            sa.select(
                a.c.id,
                a.c.story_id,
                a.c.source,
                a.c.outlet,
                a.c.title,
                a.c.url,
                a.c.published,
                a.c.duplicate_of,
                a.c.created_at,
                da.c.reason,
            )
            .outerjoin(da, da.c.article_id == a.c.id)
            .where(_members_q(chunk), a.c.deleted_at.is_(None))
            .order_by(a.c.id)
        ).all()
        for r in rows:
            k = int(r.story_id or r.id)
            if k in members:
                members[k].append(r)
    out = []
    for k in keys:
        rs = members[k]
        if not rs:
            continue
        arts = tuple(
            StoryArticle(
                r.id,
                r.source,
                r.outlet,
                r.title,
                r.url,
                r.published,
                r.duplicate_of is None,
                None if r.id == k else r.reason,
            )
            for r in rs
        )
        posted = next((x for x in arts if x.posted), arts[0])
        outlets = tuple(dict.fromkeys(x.outlet or x.source for x in arts))
        related = tuple(i for i, _ in storyindex.related(conn, k)) if threads else ()
        first, last = aware(rs[0].created_at), aware(rs[-1].created_at)
        assert first is not None and last is not None
        out.append(Story(k, posted.title, first, last, outlets, arts, related))
    return out
