"""Migration 50: an article's pictures, in order (``articles.images``), carried by its posts
(``posts.images``) and by an album part (``post_parts.images``): a JSON array of URLs, the lead
image first. NULL on rows written before it: read as ``()`` (the lone ``image`` still holds the
lead picture)."""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    for table in ("articles", "posts", "post_parts"):
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN images JSON"))
