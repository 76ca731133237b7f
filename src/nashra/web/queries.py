"""What the pages and the API read from the store, as small frozen records (no rows leak out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from nashra.dedupe import storyindex
from nashra.dedupe.listing import list_stories
from nashra.models import PostState
from nashra.store import counts, schema
from nashra.store.util import aware

__all__ = [
    "ArticleView",
    "PostView",
    "StoryView",
    "article",
    "latest_posts",
    "metrics",
    "outlets",
    "related",
    "stories",
    "story",
    "trends",
]

art = schema.articles
posts = schema.posts
facets = schema.search_facets

# Posts readers may see on the public pages and in the public API and feed.
PUBLIC_STATES = (PostState.SENT.value, PostState.PENDING.value, PostState.IN_FLIGHT.value)


@dataclass(frozen=True, slots=True)
class PostView:
    id: int
    article_id: int
    channel: str
    state: str
    text: str
    title: str
    url: str
    html: str | None
    hashtags: tuple[str, ...]
    created_at: datetime | None
    sent_at: datetime | None
    last_error: str | None
    attempts: int
    outlet: str | None = None
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: int
    title: str
    url: str
    outlet: str | None
    source: str
    author: str | None
    published: str | None
    published_utc: datetime | None
    image: str | None
    blocks: tuple[tuple[str, str], ...]
    categories: tuple[str, ...]
    enrichment: dict[str, Any]
    story_id: int | None
    duplicate_of: int | None
    deleted: bool

    @property
    def story(self) -> int:
        """The story's key: its first article's id."""
        return self.story_id if self.story_id is not None else self.id


def _post(m: Any) -> PostView:
    return PostView(
        id=m["id"],
        article_id=m["article_id"],
        channel=m["channel"],
        state=m["state"],
        text=m["text"],
        title=m["title"],
        url=m["url"],
        html=m["html"],
        hashtags=tuple(m["hashtags"] or ()),
        created_at=aware(m["created_at"]),
        sent_at=aware(m["sent_at"]),
        last_error=m["last_error"],
        attempts=m["attempts"],
        outlet=m.get("outlet"),
        story_id=m.get("story_id"),
    )


def _article(m: Any) -> ArticleView:
    return ArticleView(
        id=m["id"],
        title=m["title"],
        url=m["url"],
        outlet=m["outlet"],
        source=m["source"],
        author=m["author"],
        published=m["published"],
        published_utc=aware(m["published_utc"]),
        image=m["image"],
        blocks=tuple((str(k), str(t)) for k, t in m["blocks"]),
        categories=tuple(m["categories"] or ()),
        enrichment=dict(m["enrichment"] or {}),
        story_id=m["story_id"],
        duplicate_of=m["duplicate_of"],
        deleted=m["deleted_at"] is not None,
    )


def latest_posts(
    conn: sa.Connection,
    *,
    channel: str | None = None,
    states: tuple[str, ...] | None = PUBLIC_STATES,
    limit: int = 30,
    offset: int = 0,
) -> list[PostView]:
    q = sa.select(posts, art.c.outlet, art.c.story_id).join(art, art.c.id == posts.c.article_id)
    if states is not None:
        q = q.where(posts.c.state.in_(states))
    if channel:
        q = q.where(posts.c.channel == channel)
    q = q.add_columns(art.c.deleted_at).order_by(posts.c.id.desc())
    return [_post(r._mapping) for r in _live(conn, q, limit, offset)]


def _live(conn: sa.Connection, q: sa.Select[Any], limit: int, offset: int) -> list[Any]:
    """Rows of ``q`` (newest posts first) whose article is not tombstoned, a page of them.

    The tombstone is tested here, not in SQL: with ``deleted_at IS NULL`` on the joined
    articles, SQLite (after an ``ANALYZE``) built a Bloom filter over every article first
    (250 ms at 100k) instead of walking the newest posts."""
    out: list[Any] = []
    skip, chunk = 0, limit + offset + 10
    while len(out) < offset + limit:
        rows = conn.execute(q.limit(chunk).offset(skip)).all()
        out += [r for r in rows if r.deleted_at is None]
        if len(rows) < chunk:
            break
        skip += chunk
    return out[offset : offset + limit]


def posts_in(conn: sa.Connection, states: tuple[str, ...], limit: int = 200) -> list[PostView]:
    return latest_posts(conn, states=states, limit=limit)


def post(conn: sa.Connection, post_id: int) -> PostView | None:
    r = conn.execute(sa.select(posts).where(posts.c.id == post_id)).first()
    return _post(r._mapping) if r else None


def posts_of_article(
    conn: sa.Connection, article_id: int, *, states: tuple[str, ...] | None = PUBLIC_STATES
) -> list[PostView]:
    """The article's posts that readers may see (held, rejected, failed, unknown and skipped
    posts are the editors' business, not the public's); ``states=None`` for every one."""
    q = sa.select(posts).where(posts.c.article_id == article_id)
    if states is not None:
        q = q.where(posts.c.state.in_(states))
    rows = conn.execute(q.order_by(posts.c.id))
    return [_post(r._mapping) for r in rows]


def channels(conn: sa.Connection) -> list[str]:
    """Channels with posts (kept counts, not a ``DISTINCT`` over every post)."""
    return list(counts.totals(conn, "channel"))


def article(conn: sa.Connection, article_id: int) -> ArticleView | None:
    r = conn.execute(sa.select(art).where(art.c.id == article_id)).first()
    return _article(r._mapping) if r else None


def articles_page(conn: sa.Connection, *, limit: int = 30, offset: int = 0) -> list[ArticleView]:
    q = (
        sa.select(art)
        .where(art.c.deleted_at.is_(None))
        .order_by(art.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_article(r._mapping) for r in conn.execute(q)]


def story(conn: sa.Connection, story_id: int) -> list[ArticleView]:
    """Every article of a story (its first article, whose id is the key, and every article that
    carries the key in ``story_id``), oldest first: the timeline."""
    q = (
        sa.select(art)
        .where(sa.or_(art.c.id == story_id, art.c.story_id == story_id), art.c.deleted_at.is_(None))
        .order_by(sa.func.coalesce(art.c.published_utc, art.c.created_at), art.c.id)
    )
    rows = [_article(r._mapping) for r in conn.execute(q)]
    return [a for a in rows if a.id == story_id or a.story_id == story_id]


@dataclass(frozen=True, slots=True)
class StoryView:
    id: int
    title: str
    size: int
    outlets: tuple[str, ...]
    last_seen: datetime
    related: tuple[tuple[int, str], ...]  # other stories of the same thread: (id, title)

    def __iter__(self) -> Any:
        """Unpacks as (id, size, title, last seen): what the templates read."""
        return iter((self.id, self.size, self.title, self.last_seen))


def stories(conn: sa.Connection, *, limit: int = 30) -> list[StoryView]:
    """Recent stories of two articles or more: the same list as ``nashra stories``
    (``nashra.dedupe.listing.list_stories``), with their threads' titles."""
    found = list_stories(conn, limit=limit, min_articles=2)
    titles: dict[int, str] = {}
    wanted = sorted({r for s in found for r in s.related})
    if wanted:
        q = sa.select(art.c.id, art.c.title).where(art.c.id.in_(wanted))
        titles = {int(r[0]): str(r[1]) for r in conn.execute(q)}
    return [
        StoryView(
            s.id,
            s.title,
            len(s.articles),
            s.outlets,
            s.last_seen,
            tuple((r, titles[r]) for r in s.related if r in titles),
        )
        for s in found
    ]


def related(conn: sa.Connection, story_id: int) -> list[tuple[int, str]]:
    """Stories of the same running story (a thread): (id, title), the strongest link first."""
    ids = [k for k, _ in storyindex.related(conn, story_id)]
    if not ids:
        return []
    q = sa.select(art.c.id, art.c.title).where(art.c.id.in_(ids))
    titles = {int(r[0]): str(r[1]) for r in conn.execute(q)}
    return [(k, titles[k]) for k in ids if k in titles]


def outlets(conn: sa.Connection) -> list[str]:
    """The search form's outlet list: kept counts (``nashra.store.counts``), not a scan."""
    return list(counts.totals(conn, "outlet"))


def topics(conn: sa.Connection) -> list[str]:
    return list(counts.totals(conn, "topic"))


@dataclass(frozen=True, slots=True)
class Trend:
    kind: str
    value: str
    total: int
    by_day: tuple[tuple[str, int], ...]  # every day of the window, zeros included


def trends(conn: sa.Connection, kind: str, *, days: int = 14, top: int = 8) -> list[Trend]:
    """The most frequent entities or hashtags of the last ``days`` days with data, per day."""
    last = conn.execute(sa.select(sa.func.max(facets.c.day)).where(facets.c.kind == kind)).scalar()
    if not last:
        return []
    end = datetime.fromisoformat(str(last)).date()
    window = [(end - timedelta(days=i)).isoformat() for i in range(days - 1, -1, -1)]
    total = sa.func.count()
    head = conn.execute(
        sa.select(facets.c.match, sa.func.min(facets.c.value), total)
        .where(facets.c.kind == kind, facets.c.day >= window[0], facets.c.day <= window[-1])
        .group_by(facets.c.match)
        .order_by(total.desc(), facets.c.match)
        .limit(top)
    ).all()
    out = []
    for match, value, n in head:
        per: dict[str, int] = dict(
            conn.execute(
                sa.select(facets.c.day, sa.func.count())
                .where(facets.c.kind == kind, facets.c.match == match, facets.c.day >= window[0])
                .group_by(facets.c.day)
            ).all()
        )
        out.append(Trend(kind, str(value), int(n), tuple((d, int(per.get(d, 0))) for d in window)))
    return out


def metrics(conn: sa.Connection) -> dict[str, Any]:
    """Counts for /metrics and /healthz (kept counts: no scan of articles, posts or events)."""
    src = schema.sources
    n_articles = counts.total(conn, "articles")
    dupes = counts.total(conn, "duplicates")
    by_state = counts.totals(conn, "posts")
    events = []
    for key, n in counts.totals(conn, "events").items():
        kind, _, code = key.partition("/")
        events.append((kind, code, n))
    sources = conn.execute(
        sa.select(src.c.name, src.c.last_fetch_at, src.c.consecutive_errors, src.c.disabled)
    ).all()
    return {
        "articles": int(n_articles),
        "duplicates": int(dupes),
        "posts": {str(k): int(v) for k, v in by_state.items()},
        "events": [(str(k), str(c), int(n)) for k, c, n in events],
        "sources": [
            (str(name), aware(at), int(errs), bool(dis)) for name, at, errs, dis in sources
        ],
        "now": datetime.now(UTC),
    }


# -- cards: the home page's posts with their article's headline, lead, time and story ------------


@dataclass(frozen=True, slots=True)
class Card:
    post_id: int
    article_id: int
    channel: str
    state: str
    title: str
    outlet: str
    published: str | None  # the outlet's own ISO time, with its offset
    lead: str
    hashtags: tuple[str, ...]
    entities: tuple[str, ...]
    story: int
    others: tuple[str, ...]  # the story's other outlets


def lead_of(blocks: Any) -> str:
    """The first paragraph as published (the card shows two lines of it)."""
    for kind, text in blocks or ():
        if kind == "p" and str(text).strip():
            return str(text).strip()
    for _kind, text in blocks or ():
        if str(text).strip():
            return str(text).strip()
    return ""


def entity_names(enrichment: dict[str, Any] | None, limit: int = 6) -> tuple[str, ...]:
    out: list[str] = []
    for e in (enrichment or {}).get("entities") or ():
        if isinstance(e, dict):
            name = str(e.get("canonical") or e.get("text") or "")
            if name and name not in out:
                out.append(name)
    return tuple(out[:limit])


def tags(values: Any) -> tuple[str, ...]:
    """Hashtags without their ``#`` (templates add one): ``##وزارة`` never shows."""
    out = []
    for v in values or ():
        name = str(v).lstrip("#").strip()
        if name and name not in out:
            out.append(name)
    return tuple(out)


def story_key() -> sa.ColumnElement[int]:
    """A story is keyed by its first article's id (NULL ``story_id`` on that first article)."""
    return sa.func.coalesce(art.c.story_id, art.c.id)


def story_outlets(conn: sa.Connection, keys: set[int]) -> dict[int, list[tuple[int, str]]]:
    if not keys:
        return {}
    key = story_key()
    q = (
        sa.select(key, art.c.id, sa.func.coalesce(art.c.outlet, art.c.source))
        # the key's two halves, each through its index (the coalesce itself has none)
        .where(sa.or_(art.c.id.in_(keys), art.c.story_id.in_(keys)), art.c.deleted_at.is_(None))
        .order_by(art.c.id)
    )
    out: dict[int, list[tuple[int, str]]] = {}
    for k, aid, outlet in conn.execute(q):
        out.setdefault(int(k), []).append((int(aid), str(outlet)))
    return out


def cards(
    conn: sa.Connection,
    *,
    channel: str | None = None,
    states: tuple[str, ...] | None = PUBLIC_STATES,
    limit: int = 30,
    offset: int = 0,
) -> list[Card]:
    key = story_key().label("story")
    q = sa.select(
        posts.c.id,
        posts.c.article_id,
        posts.c.channel,
        posts.c.state,
        posts.c.hashtags,
        art.c.title,
        art.c.outlet,
        art.c.source,
        art.c.published,
        art.c.blocks,
        art.c.enrichment,
        key,
    ).join(art, art.c.id == posts.c.article_id)
    if states is not None:
        q = q.where(posts.c.state.in_(states))
    if channel:
        q = q.where(posts.c.channel == channel)
    rows = _live(conn, q.add_columns(art.c.deleted_at).order_by(posts.c.id.desc()), limit, offset)
    members = story_outlets(conn, {int(r.story) for r in rows})
    out = []
    for r in rows:
        outlet = str(r.outlet or r.source)
        others: list[str] = []
        for aid, name in members.get(int(r.story), []):
            if aid != r.article_id and name != outlet and name not in others:
                others.append(name)
        out.append(
            Card(
                post_id=int(r.id),
                article_id=int(r.article_id),
                channel=str(r.channel),
                state=str(r.state),
                title=str(r.title),
                outlet=outlet,
                published=r.published,
                lead=lead_of(r.blocks),
                hashtags=(hashtags := tags(r.hashtags or (r.enrichment or {}).get("hashtags"))),
                # an entity that is already a hashtag is shown once, as the hashtag
                entities=tuple(
                    e for e in entity_names(r.enrichment) if e.replace(" ", "_") not in hashtags
                ),
                story=int(r.story),
                others=tuple(others),
            )
        )
    return out
