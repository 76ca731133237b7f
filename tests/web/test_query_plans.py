"""Every query the web pages and the API run is served by an index, on SQLite and PostgreSQL.

A real archive is served by uvicorn; every page and API route is requested, each SQL statement
is recorded and run again under ``EXPLAIN``. It fails on a full scan of a table that grows with
the archive (articles, posts, events, facets, deliveries, parts): on SQLite a ``SCAN`` without an
index, or an index walked without a ``LIMIT`` to stop it; on PostgreSQL (planned with sequential
scans disabled, so the small test tables do not hide a missing index) a ``Seq Scan``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from nashra.settings import load_config
from nashra.store import Store
from nashra.web import create_app
from tests.store.conftest import pg_url  # noqa: F401  (the fixture)
from tests.web.conftest import populate, serve_app, site_config

GROWING = ("articles", "posts", "events", "search_facets", "deliveries", "post_parts")
SQLITE_SCAN = re.compile(rf"^SCAN ({'|'.join(GROWING)})\b(.*)$")
PG_SCAN = re.compile(rf"Seq Scan on ({'|'.join(GROWING)})\b")
PAGES = [
    "/",
    "/?channel=posts",
    "/?page=2",
    "/article/{washington}",
    "/story/1",
    "/stories",
    "/search",
    "/search?q=واشنطن",
    "/search?q=واشنطن&sort=relevance",
    "/search?q=واشنطن&outlet=وكالة+أ",
    "/search?q=واشنطن&outlet=وكالة+أ&sort=relevance",
    "/search?q=واشنطن&from=2024-01-01&to=2024-12-31",
    "/search?topic=سياسة",
    "/search?q=واشنطن&entity=واشنطن&sort=relevance",
    "/trends",
    "/entities",
    "/healthz",
    "/metrics",
    "/feed.json",
    "/api/articles",
    "/api/articles/{washington}",
    "/api/search?q=واشنطن",
    "/api/stories",
    "/api/stories/1",
    "/api/posts",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Store, dict[str, int]]]:
    data = site_config(tmp_path)
    if request.param == "postgresql":
        data["database"]["url"] = request.getfixturevalue("pg_url")
    config = load_config(data=data, env={})
    store = Store(config.database_url)
    ids, _ = populate(store)
    app = create_app(config, store=store, password_hash=None)
    with serve_app(app) as base:
        yield base, store, ids
    store.close()


def _statements(base: str, ids: dict[str, int]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        seen.append((statement, params[0] if many and params else params))

    event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        with httpx.Client(base_url=base) as client:
            for path in PAGES:
                r = client.get(path.format(**ids))
                assert r.status_code == 200, (path, r.status_code)
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", record)
    return [
        (s, p)
        for s, p in seen
        if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH")
        and "sqlite_master" not in s
        and "pg_catalog" not in s
    ]


def test_every_web_query_is_served_by_an_index(served: tuple[str, Store, dict[str, int]]) -> None:
    base, store, ids = served
    statements = _statements(base, ids)
    assert len(statements) > 40  # the pages really ran their queries through here
    scans = []
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        sqlite = store.engine.dialect.name == "sqlite"
        if not sqlite:
            cur.execute("SET enable_seqscan = off")
        for statement, params in statements:
            cur.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, params or ())
            plan = [str(row[-1] if sqlite else row[0]) for row in cur.fetchall()]
            # A table or index walked in the statement's order is fine when a LIMIT stops it
            # after the page (no temporary B-tree sorting what was read).
            walk = "LIMIT" in statement and not any("TEMP B-TREE" in line for line in plan)
            for line in plan:
                found = SQLITE_SCAN.match(line) if sqlite else PG_SCAN.search(line)
                if found and not (sqlite and walk):
                    scans.append(f"{line.strip()}  ←  {' '.join(statement.split())[:600]}")
        cur.close()
    assert not scans, "\n".join(sorted(set(scans)))
