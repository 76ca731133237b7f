"""Entities in the archive: rows per article (migration 20), search, trends, /api/entities.

A real SQLite file, articles enriched by the real enricher, the real web app under uvicorn on
127.0.0.1.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn

from nashra.enrich import default_enricher
from nashra.models import Enrichment
from nashra.settings import load_config
from nashra.store import Store, articles, schema
from nashra.store import entities as entity_store
from nashra.web import create_app
from tests.search.seed import make_article
from tests.web.conftest import free_port

DOCS = {
    "a": {
        "title": "ماكرون يستقبل ميركل في باريس",
        "body": "استقبل الرئيس الفرنسي إيمانويل ماكرون المستشارة الألمانية أنغيلا ميركل في باريس.\n"
        "وقال ماكرون إن الاتحاد الأوروبي يحتاج إلى إصلاح.",
        "published": "2018-06-01T10:00:00+00:00",
    },
    "b": {
        "title": "ميركل تعود إلى برلين",
        "body": "عادت المستشارة الألمانية أنغيلا ميركل إلى برلين بعد زيارة باريس.",
        "published": "2018-06-02T09:00:00+00:00",
    },
    "c": {
        "title": "الأمم المتحدة تدعو إلى التهدئة في اليمن",
        "body": "دعت الأمم المتحدة الأطراف في اليمن إلى وقف القتال في مدينة الحديدة.",
        "published": "2018-06-02T12:00:00+00:00",
    },
}


def _fill(store: Store) -> dict[str, int]:
    ids = {}
    with store.tx() as conn:
        for key, doc in DOCS.items():
            art, _ = make_article(key, doc)
            enr = default_enricher().enrich(art.title, art.text)
            ids[key] = articles.insert(conn, art, enr, story_id=1 if key in "ab" else None)
    return ids


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("entities")
    s = Store(f"sqlite:///{folder / 'e.db'}")
    _fill(s)
    return s


def test_rows_per_article(store: Store) -> None:
    with store.read() as conn:
        rows = conn.execute(sa.select(schema.article_entities)).mappings().all()
    by = {(r["canonical"], r["type"]) for r in rows}
    assert ("باريس", "place") in by
    assert any(t == "person" and "ميركل" in c for c, t in by)
    assert all(r["type"] in ("person", "organisation", "place") for r in rows)
    assert all(r["mentions"] >= 1 for r in rows)


def test_search_counts_articles_and_stories(store: Store) -> None:
    with store.read() as conn:
        hits = entity_store.search(conn, "ميركل", type="person")
        places = entity_store.search(conn, "باريس")
    assert hits and hits[0].articles == 2 and hits[0].stories == 1
    assert places[0].canonical == "باريس" and places[0].articles == 2


def test_trend_per_day(store: Store) -> None:
    with store.read() as conn:
        series = entity_store.trend(conn, "باريس", "place", days=3, today=date(2018, 6, 2))
    assert series == [(date(2018, 5, 31), 0), (date(2018, 6, 1), 1), (date(2018, 6, 2), 1)]


def test_update_replaces_rows(store: Store) -> None:
    with store.tx() as conn:
        art, _ = make_article("c", DOCS["c"])
        cid = conn.execute(
            sa.select(schema.articles.c.id).where(schema.articles.c.identity == "test:c")
        ).scalar_one()
        articles.update(conn, cid, art, Enrichment())
        assert entity_store.for_article(conn, cid) == []
        articles.update(conn, cid, art, default_enricher().enrich(art.title, art.text))
        assert entity_store.for_article(conn, cid)


def test_migration_fills_rows_of_stored_articles(tmp_path: Path) -> None:
    """An archive made before migration 20 gets its entity rows from the enrichment JSON."""
    from nashra.store.migrations import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    migrate(engine, upto=5)
    art, _ = make_article("a", DOCS["a"])
    enr = default_enricher().enrich(art.title, art.text)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO articles (identity, source, url, title, blocks, categories, method,"
                " match_title, match_text, content_hash, enrichment, created_at, updated_at)"
                " VALUES ('x', 's', 'u', :title, '[]', '[]', 'page', '', '', 'h', :enr, :now, :now)"
            ),
            {
                "title": art.title,
                "enr": json.dumps(articles.enrichment_json(enr), ensure_ascii=False),
                "now": datetime.now(UTC),
            },
        )
    assert 20 in migrate(engine)
    with engine.connect() as conn:
        names = set(conn.execute(sa.select(schema.article_entities.c.canonical)).scalars())
    assert "باريس" in names
    engine.dispose()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("entities-web")
    config = load_config(data={"database": {"url": f"sqlite:///{folder / 'w.db'}"}}, env={})
    s = Store(config.database_url)
    _fill(s)
    app = create_app(config, store=s, password_hash=None)
    sock = free_port()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    host, port = sock.getsockname()
    yield f"http://{host}:{port}"
    server.should_exit = True
    thread.join(5)
    sock.close()


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def test_api_entities_and_trend(base: str) -> None:
    people = _get(f"{base}/api/entities?type=person")
    assert people and all(p["type"] == "person" for p in people)
    assert any("ميركل" in p["canonical"] and p["articles"] == 2 for p in people)
    q = urllib.parse.quote("باريس")
    found = _get(f"{base}/api/entities?q={q}")
    assert found[0]["canonical"] == "باريس"
    trend = _get(f"{base}/api/entities/trend?name={q}&type=place&days=3650")
    assert sum(d["articles"] for d in trend["days"]) == 2
    with pytest.raises(urllib.error.HTTPError):
        _get(f"{base}/api/entities?type=verb")


def test_entities_page_lists_and_filters(base: str) -> None:
    with urllib.request.urlopen(f"{base}/entities?type=place", timeout=10) as resp:
        page = resp.read().decode("utf-8")
    assert 'href="/search?entity=' + urllib.parse.quote("باريس") in page
    assert "ميركل" not in page  # a person, filtered out of the places
    q = urllib.parse.quote("ميركل")
    with urllib.request.urlopen(f"{base}/entities?q={q}", timeout=10) as resp:
        page = resp.read().decode("utf-8")
    assert "ميركل" in page and "باريس" not in page
