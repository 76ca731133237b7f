"""Frozen migrations: every upgrade path ends in the same schema, and schema.py describes it.

A migration that created "today's" table from ``schema.metadata`` gave a fresh database columns
that a later step then added again (``duplicate column name``). These tests fail on that, on a
step that was edited after release, and on a ``schema.py`` that drifted from the migrations.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from nashra.store import schema
from nashra.store.migrations import MIGRATIONS, migrate

# Tables that are not described in schema.metadata: FTS5's own tables and their shadow tables,
# PostgreSQL's tsvector table (articles_fts_pg) and procrastinate's job tables.
_NOT_IN_METADATA = ("articles_fts", "procrastinate_")


def _type(type_: Any, dialect: sa.Dialect) -> str:
    if isinstance(type_, sa.types.NullType):  # FTS5's shadow tables declare no types
        return ""
    return str(type_.compile(dialect))


def _describe(engine: sa.Engine) -> dict[str, Any]:
    insp = sa.inspect(engine)
    out: dict[str, Any] = {}
    for name in sorted(insp.get_table_names()):
        if name == "schema_migrations":
            continue
        cols = [
            (c["name"], _type(c["type"], engine.dialect), c["nullable"], str(c.get("default")))
            for c in insp.get_columns(name)
        ]
        idx = sorted(
            (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(name)
        )
        uqs = sorted((tuple(u["column_names"])) for u in insp.get_unique_constraints(name))
        fks = sorted(
            (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
            for f in insp.get_foreign_keys(name)
        )
        pk = tuple(insp.get_pk_constraint(name)["constrained_columns"])
        out[name] = {"columns": cols, "indexes": idx, "unique": uqs, "fks": fks, "pk": pk}
    return out


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url)


VERSIONS = sorted(v for v, _, _ in MIGRATIONS)


def test_versions_are_unique_and_steps_are_frozen_modules() -> None:
    assert len(set(VERSIONS)) == len(VERSIONS)
    for _, _, step in MIGRATIONS:
        # a step lives in nashra.store.steps and never reads today's schema module
        assert step.__module__.startswith("nashra.store.steps."), step.__module__
        module = __import__(step.__module__, fromlist=["up"])
        assert not hasattr(module, "schema"), f"{step.__module__} imports nashra.store.schema"


@pytest.mark.parametrize("upto", [0, *VERSIONS[:-1]])
def test_upgrade_from_every_earlier_version_equals_a_fresh_database(
    db_url: str, upto: int, tmp_path: Any
) -> None:
    fresh = _engine(db_url)
    migrate(fresh)
    want = _describe(fresh)
    fresh.dispose()
    if db_url.startswith("sqlite"):
        old_url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        admin = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
        name = f"up_{upto}_{abs(hash(tmp_path)) % 10**8}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        old_url = db_url.rsplit("/", 1)[0] + "/" + name
    old = _engine(old_url)
    try:
        first = migrate(old, upto=upto)
        assert first == [v for v in VERSIONS if v <= upto]
        rest = migrate(old)
        assert rest == [v for v in VERSIONS if v > upto]
        assert migrate(old) == []
        assert _describe(old) == want
    finally:
        old.dispose()
        if not db_url.startswith("sqlite"):
            admin = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()


def test_schema_module_describes_the_migrated_database(db_url: str) -> None:
    engine = _engine(db_url)
    migrate(engine)
    got = _describe(engine)
    engine.dispose()
    got = {k: v for k, v in got.items() if not k.startswith(_NOT_IN_METADATA)}
    tables = {t.name: t for t in schema.metadata.sorted_tables if t.name != "schema_migrations"}
    missing = set(tables) - set(got)
    extra = set(got) - set(tables)
    assert not missing, f"in schema.py but no migration creates them: {sorted(missing)}"
    assert not extra, f"created by a migration but not in schema.py: {sorted(extra)}"
    dialect = engine.dialect
    for name, table in tables.items():
        want_cols = [(c.name, _type(c.type, dialect), bool(c.nullable)) for c in table.columns]
        got_cols = [(n, t, nullable) for n, t, nullable, _ in got[name]["columns"]]
        assert sorted(got_cols) == sorted(want_cols), name
        want_idx = sorted(
            (i.name, tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes
        )
        got_idx = [i for i in got[name]["indexes"] if not str(i[0]).startswith("sqlite_")]
        assert [i for i in got_idx if i[0] in {w[0] for w in want_idx}] == want_idx, name


def _migrate_together(url: str, n: int) -> list[list[int]]:
    """``n`` threads, each with its own engine (as separate processes have), migrate one fresh
    database at once; every step must be applied exactly once and no thread may fail."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from nashra.store.db import create_engine

    start = Barrier(n)
    engines = [create_engine(url) for _ in range(n)]

    def run(engine: sa.Engine) -> list[int]:
        start.wait()
        return migrate(engine)

    try:
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(run, engines))  # re-raises a thread's error here
    finally:
        for engine in engines:
            engine.dispose()


def test_concurrent_migrations_apply_each_step_once(db_url: str, tmp_path) -> None:
    # Four `nashra once` on a fresh file raced here: each read the applied versions, then a
    # second applied "ALTER TABLE sources ADD COLUMN empty_polls" again (duplicate column name).
    urls = [db_url]
    if db_url.startswith("sqlite"):
        urls += [f"sqlite:///{tmp_path / f'race{k}.db'}" for k in range(4)]
    for url in urls:
        results = _migrate_together(url, 4)
        applied = sorted(v for r in results for v in r)
        assert applied == VERSIONS, results  # each version once, by whichever thread
