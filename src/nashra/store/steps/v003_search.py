"""Migration 3: the search index's bookkeeping tables; on SQLite also the FTS5 table.

FTS5 holds the matching form of title and text plus a "shadow" copy with proclitics removed
(nashra.search.index fills it). PostgreSQL has no FTS5: its search is the portable fallback in
nashra.search (LIKE over articles.match_text), so it needs only the two plain tables.
"""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text
UTC = sa.DateTime(timezone=True)


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "search_docs",
        md,
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("indexed_at", UTC, nullable=False),
    )
    sa.Table(
        "search_facets",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.Column("kind", Text, nullable=False),
        sa.Column("value", Text, nullable=False),
        sa.Column("match", Text, nullable=False),
        sa.Column("day", Text),
        sa.Index("ix_search_facets_kind_match_day", "kind", "match", "day"),
        sa.Index("ix_search_facets_article", "article_id"),
        sa.Index("ix_search_facets_day_kind", "day", "kind"),
    )
    md.create_all(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
            "title, body, stitle, sbody, tokenize='unicode61 remove_diacritics 0')"
        )
