"""Migrations 65 (PostgreSQL) and 66 (SQLite) add the filter and title terms to an index built
before them, in SQL: the result is exactly what the indexer writes for a new article today."""

from __future__ import annotations

from typing import Any

import pytest

from nashra.search import SearchFilters, search
from nashra.store import Store
from nashra.store.steps import v065_pg_search_tiers, v066_fts_tags
from tests.search.seed import seed
from tests.search.test_search import DOCS
from tests.store.conftest import db_url, pg_url  # noqa: F401  (the fixtures)

FILTERS = [
    SearchFilters(outlet="وكالة أ"),
    SearchFilters(topic="سياسة"),
    SearchFilters(entity="واشنطن"),
]


def _hits(store: Store) -> list[list[int]]:
    with store.read() as conn:
        return [
            [h.article_id for h in search(conn, "ال*", f, per_page=100, sort=s).hits]  # type: ignore[arg-type]
            for f in FILTERS
            for s in ("date", "relevance")
        ]


def _fts_rows(conn: Any) -> list[tuple[Any, ...]]:
    rows = conn.exec_driver_sql(
        "SELECT rowid, title, body, stitle, sbody, tags FROM articles_fts ORDER BY rowid"
    ).all()
    return [(*r[:5], sorted(r[5].split())) for r in rows]


def test_an_index_built_before_gets_the_same_terms(db_url: str) -> None:  # noqa: F811
    store = Store(db_url)
    try:
        seed(store, DOCS)
        want_hits = _hits(store)
        assert any(want_hits) and all(len(h) < len(DOCS) for h in want_hits)
        with store.tx() as conn:
            if conn.dialect.name == "sqlite":
                want = _fts_rows(conn)
                assert any(r[5] for r in want)
                # the table as migration 3 made it, with the same entries and no tags
                conn.exec_driver_sql("ALTER TABLE articles_fts RENAME TO articles_fts_now")
                conn.exec_driver_sql(
                    "CREATE VIRTUAL TABLE articles_fts USING fts5("
                    "title, body, stitle, sbody, tokenize='unicode61 remove_diacritics 0')"
                )
                conn.exec_driver_sql(
                    "INSERT INTO articles_fts (rowid, title, body, stitle, sbody)"
                    " SELECT rowid, title, body, stitle, sbody FROM articles_fts_now"
                )
                conn.exec_driver_sql("DROP TABLE articles_fts_now")
                v066_fts_tags.up(conn)
                assert _fts_rows(conn) == want
            else:
                q = "SELECT article_id, doc::text FROM articles_fts_pg ORDER BY article_id"
                want = conn.exec_driver_sql(q).all()
                # the vectors as migration 60 wrote them: no lexeme without a position
                conn.exec_driver_sql(
                    "UPDATE articles_fts_pg SET doc = ts_delete(doc, ARRAY("
                    "SELECT lexeme FROM unnest(doc) WHERE positions IS NULL))"
                )
                assert conn.exec_driver_sql(q).all() != want
                v065_pg_search_tiers.up(conn)
                assert conn.exec_driver_sql(q).all() == want
        assert _hits(store) == want_hits
    finally:
        store.close()


@pytest.mark.parametrize("text", ["في", '"مجلس الوزراء"', "تصري*", "الرياض OR جده -ايران"])
def test_no_query_word_reaches_the_filter_terms(db_url: str, text: str) -> None:  # noqa: F811
    """A reader's words are never matched against the filter terms (another column on SQLite,
    lexemes no normalized word can spell on PostgreSQL)."""
    store = Store(db_url)
    try:
        seed(store, {"a": {"title": "عنوان", "body": "نص", "outlet": "في", "topic": "في"}})
        with store.read() as conn:
            assert search(conn, text).hits == ()
            assert len(search(conn, "عنوان", SearchFilters(outlet="في", topic="في")).hits) == 1
    finally:
        store.close()
