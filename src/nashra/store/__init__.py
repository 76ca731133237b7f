"""Storage: one schema, one ordered list of migrations, SQLite by default, PostgreSQL by URL.

``Store`` owns the engine; the per-table modules (``sources``, ``articles``, ``outbox``) are
functions of a connection so that a stage's writes commit in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa

from nashra.store import articles, outbox, schema, sources
from nashra.store.db import READ_ONLY, create_engine
from nashra.store.migrations import migrate
from nashra.store.util import now


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        migrate(self.engine)

    @contextmanager
    def tx(self) -> Iterator[sa.Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite)."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection for reading (SQLite: a deferred transaction, no write lock)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            yield conn

    def record_event(
        self,
        *,
        stage: str,
        kind: str,
        code: str,
        source: str | None = None,
        url: str | None = None,
        detail: str | None = None,
        at: datetime | None = None,
    ) -> None:
        with self.tx() as conn:
            conn.execute(
                schema.events.insert().values(
                    at=at or now(),
                    stage=stage,
                    kind=kind,
                    code=code,
                    source=source,
                    url=url,
                    detail=detail,
                )
            )

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["Store", "articles", "outbox", "schema", "sources"]
