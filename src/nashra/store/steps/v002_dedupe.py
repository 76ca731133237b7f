"""Migration 2: the near-duplicate index (LSH bands), story terms and their bookkeeping."""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text
UTC = sa.DateTime(timezone=True)


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "dedupe_articles",
        md,
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("source", Text, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
        sa.Column("at", UTC, nullable=False),
        sa.Column("shingles", sa.Integer, nullable=False),
        sa.Column("reason", Text),
        sa.Index("ix_dedupe_articles_at", "at"),
    )
    sa.Table(
        "dedupe_bands",
        md,
        sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    sa.Table(
        "dedupe_terms",
        md,
        sa.Column("term", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", UTC, primary_key=True),
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    sa.Table(
        "dedupe_meta",
        md,
        sa.Column("name", Text, primary_key=True),
        sa.Column("value", Text, nullable=False),
    )
    md.create_all(conn)
