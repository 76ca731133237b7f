"""Migration 62: procrastinate's job tables (PostgreSQL only), installed with ours.

Jobs are rows in the same database as the articles, so a stage's result and the job for the next
stage commit in one transaction (``nashra.jobs``). The DDL is procrastinate's own
``schema.sql`` (the version installed with Nashra); procrastinate's later upgrades ship their own
migration scripts (``procrastinate schema --migrations-path``). SQLite has no job queue: nothing
to do.
"""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    exists = conn.exec_driver_sql("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").scalar()
    if exists:
        return
    from procrastinate.schema import SchemaManager

    conn.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))  # no placeholders
