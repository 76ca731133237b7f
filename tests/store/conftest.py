"""Store fixtures: a fresh SQLite file, and a fresh PostgreSQL schema when a server is given.

CI starts a real PostgreSQL (scripts/pg-test-server.sh) and sets NASHRA_TEST_PG_URL. Without it
the PostgreSQL tests fail on CI and are skipped with a message on a developer's machine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("NASHRA_TEST_PG_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("NASHRA_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip('no PostgreSQL: run `eval "$(scripts/pg-test-server.sh start)"` first')
    name = "t_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url
