"""Migration 5: a new source's existing items that carry no text, marked without a fetch."""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text
UTC = sa.DateTime(timezone=True)


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "seen_items",
        md,
        sa.Column("identity", Text, primary_key=True),
        sa.Column("source", Text, nullable=False),
        sa.Column("url", Text),
        sa.Column("title", Text),
        sa.Column("seen_at", UTC, nullable=False),
    )
    md.create_all(conn)
