"""Keep the index in step with the articles: built lazily, once per process and database.

The index is stored, so a restart normally finds it complete. Articles stored before the index
existed (a database from before migration 2) or while its parameters were different are indexed
here, the first time ``decide`` runs against that database; entries older than ``RETENTION`` are
pruned at the same time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nashra.dedupe import index
from nashra.dedupe.features import of_article, utc
from nashra.store import articles, schema

RETENTION = timedelta(days=30)
_BATCH = 500
_done: set[tuple[int, str]] = set()


def ensure(conn: sa.Connection, *, now: datetime | None = None) -> int:
    """Index what is missing (once per engine); returns how many articles were indexed."""
    key = (id(conn.engine), str(conn.engine.url))
    if key in _done:
        return 0
    _done.add(key)
    if index.get_meta(conn, "params") != index.PARAMS:
        index.clear(conn)
        index.set_meta(conn, "params", index.PARAMS)
    since = (now or datetime.now(UTC)) - RETENTION
    index.prune(conn, since)
    total = 0
    below: int | None = None
    while True:
        ids, below = index.unindexed(conn, since, _BATCH, below)
        if not ids and below is None:
            break
        rows = conn.execute(sa.select(schema.articles).where(schema.articles.c.id.in_(ids)))
        for r in rows:
            m = r._mapping
            art = articles.from_row(m)
            f = of_article(art, articles.enrichment_from_json(m["enrichment"]))
            at = utc(art.published) if art.published else utc(m["created_at"])
            index.add(
                conn,
                int(m["id"]),
                source=art.source,
                priority=0,
                at=at,
                shingle_count=len(f.hashes) if f.long_enough else 0,
                keys=f.keys,
                terms=f.terms,
            )
            total += 1
        if below is None:
            break
    return total


def forget_process_state() -> None:
    """Make the next ``decide`` look again (tests; a process that swapped databases)."""
    _done.clear()
