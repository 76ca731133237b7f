"""Migration 60: full-text search on PostgreSQL (``nashra.search.pg``).

A ``tsvector`` per article over the matching form, in a table of its own (as FTS5's table on
SQLite, it is not described in ``schema.py``), with a GIN index. The index bookkeeping is
cleared so that ``sync_index`` (run by the web app on start, and by ``nashra search reindex``)
fills the new table for the articles already stored. SQLite: nothing to do.
"""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS articles_fts_pg ("
        "article_id INTEGER PRIMARY KEY, doc TSVECTOR NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_articles_fts_pg_doc ON articles_fts_pg USING gin (doc)"
    )
    conn.exec_driver_sql("DELETE FROM search_docs")
