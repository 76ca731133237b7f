"""Migrations: ONE ordered list that SQLite and PostgreSQL both run.

Each step is a function of a SQLAlchemy connection and uses portable DDL (SQLAlchemy constructs
or SQL both databases accept). A step is never edited once released: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from nashra.store import schema

Step = Callable[[sa.Connection], None]


def _initial(conn: sa.Connection) -> None:
    tables = [schema.sources, schema.articles, schema.posts, schema.deliveries, schema.events]
    schema.metadata.create_all(conn, tables=tables)


def _search(conn: sa.Connection) -> None:
    """The search index's bookkeeping tables; on SQLite also the FTS5 table.

    FTS5 holds the matching form of title and text plus a "shadow" copy with proclitics removed
    (nashra.search.index fills it). PostgreSQL has no FTS5: its search is the portable fallback in
    nashra.search (LIKE over articles.match_text), so it needs only the two plain tables.
    """
    schema.metadata.create_all(conn, tables=[schema.search_docs, schema.search_facets])
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
            "title, body, stitle, sbody, tokenize='unicode61 remove_diacritics 0')"
        )


def _publishing(conn: sa.Connection) -> None:
    tables = [schema.post_parts, schema.channel_state, schema.throttles, schema.sends]
    schema.metadata.create_all(conn, tables=tables)


def _dedupe(conn: sa.Connection) -> None:
    """The near-duplicate index (LSH bands), story terms and their bookkeeping."""
    tables = [
        schema.dedupe_articles,
        schema.dedupe_bands,
        schema.dedupe_terms,
        schema.dedupe_meta,
    ]
    schema.metadata.create_all(conn, tables=tables)


def _seen(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.seen_items])


MIGRATIONS: list[tuple[int, str, Step]] = [
    (1, "initial: sources, articles, posts (outbox), deliveries, events", _initial),
    (2, "dedupe: near-duplicate LSH bands, story terms", _dedupe),
    (3, "search: FTS5 index over the matching form, facets for filters and trends", _search),
    (4, "publishing: post parts, channel state, throttles, send ledger", _publishing),
    (
        5,
        "seen items: a new source's existing items that carry no text, marked without a fetch",
        _seen,
    ),
]


def migrate(engine: sa.Engine) -> list[int]:
    """Apply the steps not yet applied, each in its own transaction; returns their versions."""
    schema.metadata.create_all(engine, tables=[schema.schema_migrations])
    applied: list[int] = []
    with engine.connect() as conn:
        done = {r[0] for r in conn.execute(sa.select(schema.schema_migrations.c.version))}
    versions = [v for v, _, _ in MIGRATIONS]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    for version, name, step in sorted(MIGRATIONS, key=lambda m: m[0]):
        if version in done:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.execute(
                schema.schema_migrations.insert().values(
                    version=version, name=name, applied_at=datetime.now(UTC)
                )
            )
        applied.append(version)
    return applied
