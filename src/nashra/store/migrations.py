"""Migrations: ONE ordered list that SQLite and PostgreSQL both run.

Each step is frozen: its DDL lives in its own module under ``nashra.store.steps`` and never
changes once released (see that package's docstring). A schema change is a new step plus the
matching edit of ``schema.py``; ``tests/store/test_migrations.py`` checks that a fresh database,
one upgraded from every earlier version, and ``schema.metadata`` all describe the same tables.

Version numbers need not be contiguous (each line of work takes its own range); they are applied
in ascending order, each in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from nashra.store import schema
from nashra.store.steps import (
    v001_initial,
    v002_dedupe,
    v003_search,
    v004_publishing,
    v005_seen,
    v010_stories,
    v011_edit_after,
    v020_entities,
    v040_first_run,
    v050_images,
    v060_pg_search,
    v061_host_slots,
    v062_job_queue,
    v063_pg_outlet_index,
    v064_counts,
    v065_pg_search_tiers,
    v066_fts_tags,
    v067_story_key_index,
)

Step = Callable[[sa.Connection], None]

MIGRATIONS: list[tuple[int, str, Step]] = [
    (1, "initial: sources, articles, posts (outbox), deliveries, events", v001_initial.up),
    (2, "dedupe: near-duplicate LSH bands, story terms", v002_dedupe.up),
    (3, "search: FTS5 index over the matching form, facets for filters and trends", v003_search.up),
    (4, "publishing: post parts, channel state, throttles, send ledger", v004_publishing.up),
    (
        5,
        "seen items: a new source's existing items that carry no text, marked without a fetch",
        v005_seen.up,
    ),
    (
        10,
        "stories: sentence vectors, body sketches, document frequencies, thread links",
        v010_stories.up,
    ),
    (11, "posts.edit_after: paced edits of sent posts (attribution)", v011_edit_after.up),
    (
        20,
        "entities: one row per article and entity, for search, filters and trends",
        v020_entities.up,
    ),
    (40, "first run: empty polls of a new source are counted", v040_first_run.up),
    (50, "images: an article's pictures in order, on its posts and album parts", v050_images.up),
    (60, "search on PostgreSQL: a tsvector per article with a GIN index", v060_pg_search.up),
    (61, "host slots: per-host politeness across workers", v061_host_slots.up),
    (62, "job queue: procrastinate's tables (PostgreSQL)", v062_job_queue.up),
    (63, "search on PostgreSQL: outlet and source indexes", v063_pg_outlet_index.up),
    (
        64,
        "counts kept by triggers: articles, outlets, topics, posts, channels, events",
        v064_counts.up,
    ),
    (
        65,
        "search on PostgreSQL: filter and title lexemes in the document vectors (reindex)",
        v065_pg_search_tiers.up,
    ),
    (66, "search on SQLite: filter terms in the FTS5 table (a tags column)", v066_fts_tags.up),
    (67, "articles: a partial index on the story key", v067_story_key_index.up),
]


# Any 64-bit number of our own: PostgreSQL's advisory lock that serialises migrating processes.
_PG_MIGRATION_LOCK = 0x6E61736872610001


def _serialise(conn: sa.Connection) -> None:
    """Hold the one migration lock for this transaction: SQLite's write lock is already taken by
    BEGIN IMMEDIATE (``nashra.store.db``); PostgreSQL takes a transaction-level advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})


def _is_applied(conn: sa.Connection, version: int) -> bool:
    t = schema.schema_migrations
    return conn.execute(sa.select(t.c.version).where(t.c.version == version)).first() is not None


def migrate(engine: sa.Engine, *, upto: int | None = None) -> list[int]:
    """Apply the steps not yet applied (up to version ``upto``); returns their versions.

    Several processes may migrate one database at once (four ``nashra once`` on a fresh file):
    each step is applied under the migration lock and only after checking, under that lock,
    that no other process applied it since this one read the list."""
    versions = [v for v, _, _ in MIGRATIONS]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    with engine.begin() as conn:
        _serialise(conn)
        schema.metadata.create_all(conn, tables=[schema.schema_migrations])
        done = {r[0] for r in conn.execute(sa.select(schema.schema_migrations.c.version))}
    applied: list[int] = []
    for version, name, step in sorted(MIGRATIONS, key=lambda m: m[0]):
        if version in done:
            continue
        if upto is not None and version > upto:
            break
        with engine.begin() as conn:
            _serialise(conn)
            if _is_applied(conn, version):  # another process was first
                continue
            step(conn)
            conn.execute(
                schema.schema_migrations.insert().values(
                    version=version, name=name, applied_at=datetime.now(UTC)
                )
            )
        applied.append(version)
    return applied
