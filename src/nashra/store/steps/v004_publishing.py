"""Migration 4: parts of multi-message posts, channel state, throttles, the send ledger."""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text
UTC = sa.DateTime(timezone=True)


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True))  # exists: for the FK
    parts = sa.Table(
        "post_parts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("kind", Text, nullable=False),
        sa.Column("body", Text, nullable=False),
        sa.Column("image", Text),
        sa.Column("state", Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("remote_id", Text),
        sa.Column("last_error", Text),
        sa.Column("claimed_at", UTC),
        sa.Column("sent_at", UTC),
        sa.UniqueConstraint("post_id", "idx", name="uq_post_parts_post_idx"),
    )
    channel_state = sa.Table(
        "channel_state",
        md,
        sa.Column("channel", Text, primary_key=True),
        sa.Column("paused_reason", Text),
        sa.Column("paused_at", UTC),
        sa.Column("target", Text),
        sa.Column("updated_at", UTC),
    )
    throttles = sa.Table(
        "throttles",
        md,
        sa.Column("key", Text, primary_key=True),
        sa.Column("until", UTC, nullable=False),
        sa.Column("reason", Text),
    )
    sends = sa.Table(
        "sends",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", Text, nullable=False),
        sa.Column("throttle_key", Text),
        sa.Column("at", UTC, nullable=False),
        sa.Column("post_id", sa.Integer),
        sa.Column("part", sa.Integer),
        sa.Column("action", Text, nullable=False),
        sa.Index("ix_sends_channel_at", "channel", "at"),
        sa.Index("ix_sends_key_at", "throttle_key", "at"),
    )
    md.create_all(conn, tables=[parts, channel_state, throttles, sends])
