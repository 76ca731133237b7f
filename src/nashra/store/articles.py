"""Article rows: display text as published, folded forms for matching, enrichment as JSON."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from nashra.models import Article, Block, BlockKind, DateMention, Enrichment, Entity
from nashra.store import entities, schema
from nashra.store.util import aware, now

t = schema.articles


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def _utc(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(UTC)


def enrichment_json(e: Enrichment | None) -> dict[str, Any] | None:
    return None if e is None else asdict(e)


def enrichment_from_json(data: dict[str, Any] | None) -> Enrichment:
    if not data:
        return Enrichment()
    return Enrichment(
        hashtags=tuple(data.get("hashtags", ())),
        entities=tuple(Entity(**x) for x in data.get("entities", ())),
        topic=data.get("topic"),
        dates=tuple(DateMention(**x) for x in data.get("dates", ())),
    )


def _values(a: Article) -> dict[str, Any]:
    return dict(
        identity=a.identity,
        source=a.source,
        url=a.url,
        canonical_url=a.canonical_url,
        title=a.title,
        author=a.author,
        outlet=a.outlet,
        published=_iso(a.published),
        published_utc=_utc(a.published),
        modified=_iso(a.modified),
        image=a.image,
        images=list(a.images),
        blocks=[[b.kind.value, b.text] for b in a.blocks],
        categories=list(a.categories),
        method=a.method,
        fallback_reason=a.fallback_reason,
        match_title=a.match_title,
        match_text=a.match_text,
        content_hash=a.content_hash,
    )


def insert(
    conn: sa.Connection,
    a: Article,
    enrichment: Enrichment | None,
    *,
    duplicate_of: int | None = None,
    story_id: int | None = None,
) -> int:
    stamp = now()
    res = conn.execute(
        t.insert().values(
            **_values(a),
            enrichment=enrichment_json(enrichment),
            duplicate_of=duplicate_of,
            story_id=story_id,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    pk = res.inserted_primary_key
    assert pk is not None
    article_id = int(pk[0])
    entities.replace_for(conn, article_id, enrichment, a.title, story_id)
    return article_id


def update(conn: sa.Connection, article_id: int, a: Article, enrichment: Enrichment | None) -> None:
    values = _values(a)
    values.pop("identity")
    conn.execute(
        t.update()
        .where(t.c.id == article_id)
        .values(**values, enrichment=enrichment_json(enrichment), updated_at=now())
    )
    story = conn.execute(sa.select(t.c.story_id).where(t.c.id == article_id)).scalar()
    entities.replace_for(conn, article_id, enrichment, a.title, story)


def from_row(m: Any) -> Article:
    return Article(
        id=m["id"],
        identity=m["identity"],
        source=m["source"],
        url=m["url"],
        canonical_url=m["canonical_url"],
        title=m["title"],
        author=m["author"],
        outlet=m["outlet"],
        published=datetime.fromisoformat(m["published"]) if m["published"] else None,
        modified=datetime.fromisoformat(m["modified"]) if m["modified"] else None,
        image=m["image"],
        images=tuple(m["images"] or ()),
        blocks=tuple(Block(BlockKind(k), txt) for k, txt in m["blocks"]),
        categories=tuple(m["categories"]),
        method=m["method"],
        fallback_reason=m["fallback_reason"],
        match_title=m["match_title"],
        match_text=m["match_text"],
        content_hash=m["content_hash"],
    )


def get(conn: sa.Connection, article_id: int) -> tuple[Article, Enrichment] | None:
    r = conn.execute(sa.select(t).where(t.c.id == article_id)).first()
    if r is None:
        return None
    return from_row(r._mapping), enrichment_from_json(r._mapping["enrichment"])


def duplicate_of(conn: sa.Connection, article_id: int) -> int | None:
    """The article this one repeats (its story's posted article), None if it is posted."""
    got = conn.execute(sa.select(t.c.duplicate_of).where(t.c.id == article_id)).scalar()
    return int(got) if got is not None else None


def by_identity(conn: sa.Connection, identity: str) -> sa.RowMapping | None:
    r = conn.execute(
        sa.select(
            t.c.id, t.c.content_hash, t.c.title, t.c.deleted_at, t.c.duplicate_of, t.c.story_id
        ).where(t.c.identity == identity)
    ).first()
    return r._mapping if r else None


def recent_publish_times(conn: sa.Connection, source: str, limit: int = 20) -> list[datetime]:
    """Publication times of a source's newest stored articles (for its adaptive interval)."""
    rows = conn.execute(
        sa.select(t.c.published_utc)
        .where(t.c.source == source, t.c.published_utc.is_not(None))
        .order_by(t.c.id.desc())
        .limit(limit)
    )
    return [d for d in map(aware, rows.scalars()) if d is not None]


def was_seen(conn: sa.Connection, identity: str) -> bool:
    """Marked seen on its source's first run (no article was stored for it)."""
    s = schema.seen_items
    return conn.execute(sa.select(s.c.identity).where(s.c.identity == identity)).first() is not None


def mark_seen(conn: sa.Connection, identity: str, source: str, url: str | None, title: str) -> None:
    s = schema.seen_items
    if not was_seen(conn, identity):
        conn.execute(
            s.insert().values(identity=identity, source=source, url=url, title=title, seen_at=now())
        )


def tombstone(conn: sa.Connection, article_id: int) -> None:
    conn.execute(t.update().where(t.c.id == article_id).values(deleted_at=now()))


def count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
