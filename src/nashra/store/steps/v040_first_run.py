"""Migration 40: a new source's first run ends only after a poll with items, or after two polls
of a valid feed that says it is empty (issue 14, fault 1: one empty or broken first poll marked
the run done, and the feed's 20 existing items were published when it recovered)."""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE sources ADD COLUMN empty_polls INTEGER NOT NULL DEFAULT 0"))
