"""Migration 10: the story index (sentence vectors, body sketches, document frequencies), thread
links between stories, and the indexes that keep story lookups off a scan of ``articles``."""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text
UTC = sa.DateTime(timezone=True)


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "story_vectors",
        md,
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("story_id", sa.Integer, nullable=False),
        sa.Column("source", Text, nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("vec", sa.LargeBinary, nullable=False),
        sa.Column("terms", sa.LargeBinary, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Index("ix_story_vectors_story", "story_id", "at"),
    )
    sa.Table(
        "story_df",
        md,
        sa.Column("term", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("df", sa.Integer, nullable=False),
    )
    sa.Table(
        "story_links",
        md,
        sa.Column("story_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("related_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("score", sa.Double, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Index("ix_story_links_related", "related_id"),
    )
    md.create_all(conn)
    conn.execute(sa.text("CREATE INDEX ix_articles_story_id ON articles (story_id)"))
    conn.execute(sa.text("CREATE INDEX ix_articles_duplicate_of ON articles (duplicate_of)"))
    # a source's newest articles (its publishing rhythm, polled on every fetch)
    conn.execute(sa.text("CREATE INDEX ix_articles_source_id ON articles (source, id)"))
