"""Migration 11: ``posts.edit_after``, the earliest time a sent post's pending edit may go out
(attribution edits are paced: at most one per post per ``stories.edit_minutes``)."""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    kind = "TIMESTAMP WITH TIME ZONE" if conn.engine.dialect.name == "postgresql" else "DATETIME"
    conn.execute(sa.text(f"ALTER TABLE posts ADD COLUMN edit_after {kind}"))
