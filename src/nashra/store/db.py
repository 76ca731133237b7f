"""Engine creation: SQLite in WAL mode (the default) or PostgreSQL, one URL apart."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from nashra.errors import StoreError

READ_ONLY = "nashra_read"  # execution option of Store.read() connections
BUSY_TIMEOUT_S = 10.0  # how long a writer waits for SQLite's lock


def _set_wal(cur: Any) -> None:
    # Switching a fresh file to WAL needs a lock that SQLite does not wait for through the busy
    # timeout: several processes opening one new database at once (four `nashra once`) got
    # "database is locked" at once. Retried for as long as the busy timeout would have waited.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Transactions are begun by hand (BEGIN IMMEDIATE) so that writers queue on the lock at once
    # instead of failing later on upgrade from a read lock.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    _set_wal(cur)
    cur.execute("PRAGMA synchronous=FULL")  # the outbox lives here: durable across power loss too
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache (the default is 2 MiB)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # A read (Store.read) begins deferred: it never takes the write lock, so a web page never
    # waits for an ingest transaction nor holds one up (WAL readers see their own snapshot).
    deferred = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def _connect_args(url: str) -> dict[str, Any]:
    # psycopg prepares a statement after 5 runs and PostgreSQL may then switch to a generic
    # plan, one that cannot see the search query's own tsquery: a phrase search went from 90 ms
    # to 1 s at 30k articles. Every statement is planned for its own values instead.
    if url.startswith("postgresql+psycopg"):
        return {"prepare_threshold": None}
    return {}


def create_engine(url: str) -> sa.Engine:
    try:
        engine = sa.create_engine(url, future=True, connect_args=_connect_args(url))
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"لا يمكن فتح قاعدة البيانات: {exc}", where=url) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine
