"""The tables, as SQLAlchemy Core objects: portable between SQLite and PostgreSQL.

Times are stored as UTC ``DateTime`` for ordering; an article's dates are also kept as the ISO
text the outlet gave (with its own offset), so display never loses the outlet's time zone.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

Text = sa.Text
UTC = sa.DateTime(timezone=True)

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", Text, nullable=False),
    sa.Column("applied_at", UTC, nullable=False),
)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", Text, nullable=False, unique=True),
    sa.Column("url", Text, nullable=False),
    sa.Column("kind", Text),  # detected or configured: feed, sitemap, page
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
    # polls of a new source that found a valid, empty feed (its first run ends at 2; migration 40)
    sa.Column("empty_polls", sa.Integer, nullable=False, server_default="0"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("identity", Text, nullable=False, unique=True),
    sa.Column("source", Text, nullable=False),
    sa.Column("url", Text, nullable=False),
    sa.Column("canonical_url", Text),
    sa.Column("title", Text, nullable=False),
    sa.Column("author", Text),
    sa.Column("outlet", Text),
    sa.Column("published", Text),  # ISO 8601 as the outlet gave it (with its offset)
    sa.Column("published_utc", UTC),
    sa.Column("modified", Text),
    sa.Column("image", Text),
    sa.Column("blocks", sa.JSON, nullable=False),  # [[kind, text], ...]
    sa.Column("categories", sa.JSON, nullable=False),
    sa.Column("method", Text, nullable=False),  # page | feed
    sa.Column("fallback_reason", Text),
    sa.Column("match_title", Text, nullable=False),
    sa.Column("match_text", Text, nullable=False),
    sa.Column("content_hash", Text, nullable=False),
    sa.Column("enrichment", sa.JSON),  # hashtags, entities, topic, dates
    sa.Column("story_id", sa.Integer),
    sa.Column("duplicate_of", sa.Integer),  # the article this one repeats (never posted itself)
    sa.Column("deleted_at", UTC),  # tombstone: kept so the identity never returns
    sa.Column("created_at", UTC, nullable=False),
    sa.Column("updated_at", UTC, nullable=False),
    sa.Index("ix_articles_published_utc", "published_utc"),
    sa.Index("ix_articles_content_hash", "content_hash"),
    sa.Index("ix_articles_canonical_url", "canonical_url"),
    sa.Index("ix_articles_match_title", "match_title"),
    sa.Index("ix_articles_story_id", "story_id"),  # migration 10: story members, attribution
    sa.Index("ix_articles_duplicate_of", "duplicate_of"),
    sa.Index("ix_articles_source_id", "source", "id"),
    sa.Column("images", sa.JSON),  # migration 50: every usable picture, the lead first
)

posts = sa.Table(
    "posts",
    metadata,
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
    sa.Column("edit_after", UTC),  # migration 11: a pending edit waits until then (pacing)
    sa.Column("images", sa.JSON),  # migration 50: the article's pictures (a Telegram album)
    sa.UniqueConstraint("article_id", "channel", name="uq_posts_article_channel"),
    sa.Index("ix_posts_channel_state", "channel", "state", "id"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
    sa.Column("channel", Text, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("started_at", UTC, nullable=False),
    sa.Column("finished_at", UTC),
    sa.Column("outcome", Text),  # sent, retry, failed, unknown, paused
    sa.Column("remote_id", Text),
    sa.Column("detail", Text),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTC, nullable=False),
    sa.Column("source", Text),
    sa.Column("stage", Text, nullable=False),  # fetch, parse, extract, dedupe, publish, ...
    sa.Column("kind", Text, nullable=False),  # drop | error
    sa.Column("code", Text, nullable=False),  # drop.duplicate, fetch.timeout, ...
    sa.Column("url", Text),
    sa.Column("detail", Text),
    sa.Index("ix_events_at", "at"),
)

# -- search (migration 3, nashra.search) ---------------------------------------------------------
# Which articles the search index holds and when each was indexed (sync_index reads the top id).
search_docs = sa.Table(
    "search_docs",
    metadata,
    sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("indexed_at", UTC, nullable=False),
)

# -- counts (migration 64, nashra.store.counts): kept by triggers in the writer's transaction ----
counts = sa.Table(
    "counts",
    metadata,
    sa.Column("kind", Text, primary_key=True),  # articles, duplicates, outlet, topic, posts, ...
    sa.Column("key", Text, primary_key=True),  # '' for a total
    sa.Column("n", sa.BigInteger, nullable=False),
)

# PostgreSQL: each statement's net change per key, folded into counts by counts.compact().
count_deltas = sa.Table(
    "count_deltas",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("kind", Text, nullable=False),
    sa.Column("key", Text, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
)

# One row per entity, hashtag and topic of an article: search filters and the trends page.
search_facets = sa.Table(
    "search_facets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, nullable=False),
    sa.Column("kind", Text, nullable=False),  # entity | hashtag | topic
    sa.Column("value", Text, nullable=False),  # as displayed
    sa.Column("match", Text, nullable=False),  # matching form (nashra.arabic.normalize)
    sa.Column("day", Text),  # YYYY-MM-DD (UTC) of the article's date, for trends
    sa.Index("ix_search_facets_kind_match_day", "kind", "match", "day"),
    sa.Index("ix_search_facets_article", "article_id"),
    sa.Index("ix_search_facets_day_kind", "day", "kind"),
)

# -- publishing (migration 4): parts of multi-message posts, pacing ledger, pauses, throttles --

post_parts = sa.Table(
    "post_parts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),  # 0, 1, ...: the order the reader sees
    sa.Column("kind", Text, nullable=False),  # text | photo
    sa.Column("body", Text, nullable=False),  # what the channel sends (HTML for Telegram)
    sa.Column("image", Text),
    sa.Column("state", Text, nullable=False),  # pending, in_flight, sent, unknown, failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("remote_id", Text),
    sa.Column("last_error", Text),
    sa.Column("claimed_at", UTC),
    sa.Column("sent_at", UTC),
    sa.Column("images", sa.JSON),  # migration 50: an album's photos, in order
    sa.UniqueConstraint("post_id", "idx", name="uq_post_parts_post_idx"),
)

channel_state = sa.Table(
    "channel_state",
    metadata,
    sa.Column("channel", Text, primary_key=True),
    sa.Column("paused_reason", Text),  # set: nothing is sent until a person resumes the channel
    sa.Column("paused_at", UTC),
    sa.Column("target", Text),  # the chat id after a migration (overrides the config's chat_id)
    sa.Column("updated_at", UTC),
)

throttles = sa.Table(
    "throttles",
    metadata,
    sa.Column("key", Text, primary_key=True),  # "telegram:<hash of the token>", ...
    sa.Column("until", UTC, nullable=False),
    sa.Column("reason", Text),
)

sends = sa.Table(
    "sends",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("channel", Text, nullable=False),
    sa.Column("throttle_key", Text),
    sa.Column("at", UTC, nullable=False),  # claim time, moved to the finish time once known
    sa.Column("post_id", sa.Integer),
    sa.Column("part", sa.Integer),
    sa.Column("action", Text, nullable=False),  # send | edit
    sa.Index("ix_sends_channel_at", "channel", "at"),
    sa.Index("ix_sends_key_at", "throttle_key", "at"),
)

# -- dedupe (migration 2): the near-duplicate index and story terms, kept next to the articles so
# that it survives restarts; see nashra.dedupe.index. Keys are signed 64-bit integers.
dedupe_articles = sa.Table(
    "dedupe_articles",
    metadata,
    sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("source", Text, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False, server_default="0"),
    sa.Column("at", UTC, nullable=False),  # published (or first seen) time, UTC
    sa.Column("shingles", sa.Integer, nullable=False),  # 0: too short for the body layer
    sa.Column("reason", Text),  # the layer that joined it to its story: url, title, body, ...
    sa.Index("ix_dedupe_articles_at", "at"),
)

dedupe_bands = sa.Table(
    "dedupe_bands",
    metadata,
    sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

dedupe_terms = sa.Table(
    "dedupe_terms",
    metadata,
    sa.Column("term", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UTC, primary_key=True),
    sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

dedupe_meta = sa.Table(
    "dedupe_meta",
    metadata,
    sa.Column("name", Text, primary_key=True),
    sa.Column("value", Text, nullable=False),
)

# A new source's existing items marked seen on its first run without fetching their pages (a
# sitemap or a section page lists URLs only): the identity is enough to never post them.
seen_items = sa.Table(
    "seen_items",
    metadata,
    sa.Column("identity", Text, primary_key=True),
    sa.Column("source", Text, nullable=False),
    sa.Column("url", Text),
    sa.Column("title", Text),
    sa.Column("seen_at", UTC, nullable=False),
)

# The entities of each article (migration 20): search, filters and trends per entity.
article_entities = sa.Table(
    "article_entities",
    metadata,
    sa.Column("article_id", sa.Integer, primary_key=True),
    sa.Column("key", Text, primary_key=True),  # nashra.arabic.normalize(canonical)
    sa.Column("type", Text, primary_key=True),
    sa.Column("canonical", Text, nullable=False),
    sa.Column("story_id", sa.Integer),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("in_title", sa.Boolean, nullable=False),
    sa.Index("ix_article_entities_key", "key", "type"),
    sa.Index("ix_article_entities_story", "story_id"),
)

# -- distributed mode (migration 61): per-host politeness across workers ------------------------
host_slots = sa.Table(
    "host_slots",
    metadata,
    sa.Column("host", Text, primary_key=True),
    sa.Column("next_at", UTC, nullable=False),  # the next page fetch of this host starts then
)

# -- stories (migration 10, nashra.dedupe.stories): one row per indexed article with its sentence
# vector (int8), body sketch and facts; document frequencies for TF-IDF and entity rarity; links
# between two stories of one running story (a thread).
story_vectors = sa.Table(
    "story_vectors",
    metadata,
    sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("story_id", sa.Integer, nullable=False),  # the story's key (its first article)
    sa.Column("source", Text, nullable=False),
    sa.Column("at", UTC, nullable=False),
    sa.Column("vec", sa.LargeBinary, nullable=False),
    sa.Column("terms", sa.LargeBinary, nullable=False),
    sa.Column("facts", sa.JSON, nullable=False),  # entities, places, numbers of title and lead
    sa.Index("ix_story_vectors_story", "story_id", "at"),
)

story_df = sa.Table(
    "story_df",
    metadata,
    sa.Column("term", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("df", sa.Integer, nullable=False),
)

story_links = sa.Table(
    "story_links",
    metadata,
    sa.Column("story_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("related_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("score", sa.Double, nullable=False),
    sa.Column("created_at", UTC, nullable=False),
    sa.Index("ix_story_links_related", "related_id"),
)
