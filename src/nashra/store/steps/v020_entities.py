"""Migration 20: the entities of each article (and its story), for search, filters and trends.

One row per (article, entity): the canonical form as displayed, its folded key (what search
matches), the type, how often the article names it and whether the title does. Rows of the
articles already stored are filled from their enrichment JSON.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from nashra.arabic import normalize

Text = sa.Text


def _table(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "article_entities",
        md,
        sa.Column("article_id", sa.Integer, primary_key=True),
        sa.Column("key", Text, primary_key=True),  # normalize(canonical)
        sa.Column("type", Text, primary_key=True),
        sa.Column("canonical", Text, nullable=False),
        sa.Column("story_id", sa.Integer),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("in_title", sa.Boolean, nullable=False),
        sa.Index("ix_article_entities_key", "key", "type"),
        sa.Index("ix_article_entities_story", "story_id"),
    )


def rows_of(
    article_id: int, story_id: int | None, title_len: int, entities: Any
) -> list[dict[str, Any]]:
    """Entity rows of one article from its stored enrichment's ``entities`` list."""
    mentions: Counter[tuple[str, str]] = Counter()
    canonical: dict[tuple[str, str], str] = {}
    titled: set[tuple[str, str]] = set()
    for e in entities or ():
        name = e.get("canonical") or e.get("text") or ""
        key = (normalize(name), str(e.get("type", "")))
        if not key[0] or not key[1]:
            continue
        mentions[key] += 1
        canonical.setdefault(key, name)
        if int(e.get("start", title_len)) < title_len:
            titled.add(key)
    return [
        dict(
            article_id=article_id,
            key=k,
            type=t,
            canonical=canonical[(k, t)],
            story_id=story_id,
            mentions=n,
            in_title=(k, t) in titled,
        )
        for (k, t), n in mentions.items()
    ]


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    table = _table(md)
    md.create_all(conn)
    arts = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("title", Text),
        sa.column("story_id", sa.Integer),
        sa.column("enrichment", sa.JSON),
    )
    rows: list[dict[str, Any]] = []
    for r in conn.execute(sa.select(arts.c.id, arts.c.title, arts.c.story_id, arts.c.enrichment)):
        data = r.enrichment or {}
        rows.extend(rows_of(r.id, r.story_id, len(r.title or ""), data.get("entities")))
        if len(rows) >= 5000:
            conn.execute(table.insert(), rows)
            rows = []
    if rows:
        conn.execute(table.insert(), rows)
