"""Migration 63 (PostgreSQL only): the outlet filter of a search walks an index, newest first.

Without them, "a common word + an outlet" read every article row and every document vector
(the planner hash-joined a sequential scan: 1.1 s at 30k articles). SQLite's search walks the
FTS5 doclist instead and does not want them. Not in ``schema.py`` (the schema test ignores
indexes it does not describe; a fresh and an upgraded database both have them).
"""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_articles_pg_outlet ON articles (outlet, id)"
    )
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_articles_pg_source ON articles (source, id)"
    )
