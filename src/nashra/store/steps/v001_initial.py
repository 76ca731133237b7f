"""Migration 1: sources, articles, posts (the outbox), deliveries, events."""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text
UTC = sa.DateTime(timezone=True)


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "sources",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", Text, nullable=False, unique=True),
        sa.Column("url", Text, nullable=False),
        sa.Column("kind", Text),
        sa.Column("etag", Text),
        sa.Column("last_modified", Text),
        sa.Column("last_fetch_at", UTC),
        sa.Column("last_success_at", UTC),
        sa.Column("next_poll_at", UTC),
        sa.Column("consecutive_errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", Text),
        sa.Column("last_error_code", Text),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("first_run_done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTC, nullable=False),
    )
    sa.Table(
        "articles",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("identity", Text, nullable=False, unique=True),
        sa.Column("source", Text, nullable=False),
        sa.Column("url", Text, nullable=False),
        sa.Column("canonical_url", Text),
        sa.Column("title", Text, nullable=False),
        sa.Column("author", Text),
        sa.Column("outlet", Text),
        sa.Column("published", Text),
        sa.Column("published_utc", UTC),
        sa.Column("modified", Text),
        sa.Column("image", Text),
        sa.Column("blocks", sa.JSON, nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("method", Text, nullable=False),
        sa.Column("fallback_reason", Text),
        sa.Column("match_title", Text, nullable=False),
        sa.Column("match_text", Text, nullable=False),
        sa.Column("content_hash", Text, nullable=False),
        sa.Column("enrichment", sa.JSON),
        sa.Column("story_id", sa.Integer),
        sa.Column("duplicate_of", sa.Integer),
        sa.Column("deleted_at", UTC),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Index("ix_articles_published_utc", "published_utc"),
        sa.Index("ix_articles_content_hash", "content_hash"),
        sa.Index("ix_articles_canonical_url", "canonical_url"),
        sa.Index("ix_articles_match_title", "match_title"),
    )
    sa.Table(
        "posts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("channel", Text, nullable=False),
        sa.Column("state", Text, nullable=False),
        sa.Column("text", Text, nullable=False),
        sa.Column("title", Text, nullable=False),
        sa.Column("url", Text, nullable=False),
        sa.Column("image", Text),
        sa.Column("hashtags", sa.JSON, nullable=False),
        sa.Column("html", Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTC),
        sa.Column("claimed_at", UTC),
        sa.Column("remote_id", Text),
        sa.Column("last_error", Text),
        sa.Column("needs_edit", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("sent_at", UTC),
        sa.UniqueConstraint("article_id", "channel", name="uq_posts_article_channel"),
        sa.Index("ix_posts_channel_state", "channel", "state", "id"),
    )
    sa.Table(
        "deliveries",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("channel", Text, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("finished_at", UTC),
        sa.Column("outcome", Text),
        sa.Column("remote_id", Text),
        sa.Column("detail", Text),
    )
    sa.Table(
        "events",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("source", Text),
        sa.Column("stage", Text, nullable=False),
        sa.Column("kind", Text, nullable=False),
        sa.Column("code", Text, nullable=False),
        sa.Column("url", Text),
        sa.Column("detail", Text),
        sa.Index("ix_events_at", "at"),
    )
    md.create_all(conn)
