"""Arabic search against a real SQLite file: the JSON cases on FTS5 and on the LIKE fallback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from nashra.search import (
    SearchFilters,
    highlight,
    index_article,
    parse_query,
    search,
    snippet_html,
    sync_index,
)
from nashra.store import Store, articles
from tests.search.seed import make_article, seed

CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text("utf-8"))
DOCS: dict[str, dict[str, Any]] = CASES["docs"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[int, str]]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('search') / 'a.db'}")
    ids = seed(store, DOCS)
    return store, {v: k for k, v in ids.items()}


def _keys(store: Store, by_id: dict[int, str], q: str, backend: str, **f: Any) -> set[str]:
    filters = SearchFilters(
        outlet=f.get("outlet"),
        date_from=date.fromisoformat(f["date_from"]) if f.get("date_from") else None,
        date_to=date.fromisoformat(f["date_to"]) if f.get("date_to") else None,
        topic=f.get("topic"),
        entity=f.get("entity"),
    )
    with store.read() as conn:
        page = search(conn, q, filters, backend=backend, per_page=100)  # type: ignore[arg-type]
    return {by_id[h.article_id] for h in page.hits}


QUERY_PARAMS = [
    pytest.param(case, backend, id=f"{case['description']}-{backend}")
    for case in CASES["cases"]
    for backend in case.get("backends", ["fts5", "like"])
]


@pytest.mark.parametrize(("case", "backend"), QUERY_PARAMS)
def test_query_cases(archive: Any, case: dict[str, Any], backend: str) -> None:
    store, by_id = archive
    assert _keys(store, by_id, case["query"], backend) == set(case["expect"])


@pytest.mark.parametrize("backend", ["fts5", "like"])
@pytest.mark.parametrize("case", CASES["filter_cases"], ids=lambda c: c["description"])
def test_filter_cases(archive: Any, case: dict[str, Any], backend: str) -> None:
    store, by_id = archive
    got = _keys(store, by_id, case["query"], backend, **case["filters"])
    assert got == set(case["expect"])


def test_unnormalized_index_misses_what_ours_finds(tmp_path: Path) -> None:
    """The reason for all this: unicode61 on display text misses وواشنطن and ينفّذ."""
    import sqlite3

    db = sqlite3.connect(tmp_path / "raw.db")
    db.execute("CREATE VIRTUAL TABLE raw USING fts5(body, tokenize='unicode61')")
    for doc in DOCS.values():
        db.execute("INSERT INTO raw VALUES (?)", (doc["title"] + " " + doc["body"],))
    assert db.execute("SELECT count(*) FROM raw WHERE raw MATCH 'واشنطن'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM raw WHERE raw MATCH 'ينفذ'").fetchone() == (0,)


def test_snippet_marks_display_words_and_escapes(archive: Any) -> None:
    store, _ = archive
    with store.read() as conn:
        page = search(conn, "ينفذ واشنطن")
        page2 = search(conn, "ينفذ")
    assert page.hits == ()  # no doc has both
    (hit,) = page2.hits
    assert "<mark>ينفّذ</mark>" in hit.snippet_html  # the word as published, shadda kept
    terms = parse_query("script").terms
    assert highlight("a <b> & <script>", terms) == "a &lt;b&gt; &amp; &lt;<mark>script</mark>&gt;"
    assert snippet_html("<i>x</i> script", terms) == "i&gt;x&lt;/i&gt; <mark>script</mark>"


def test_clitic_highlight_and_title(archive: Any) -> None:
    store, _ = archive
    with store.read() as conn:
        (hit,) = search(conn, "واشنطن").hits
    assert "<mark>وواشنطن</mark>" in hit.snippet_html


def test_paging_has_next(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    docs = {
        f"d{i}": {"title": f"خبر رقم {i}", "body": "نص عن الانتخابات البلدية", "outlet": "و"}
        for i in range(25)
    }
    seed(store, docs)
    with store.read() as conn:
        p1 = search(conn, "الانتخابات", per_page=10)
        p3 = search(conn, "الانتخابات", per_page=10, page=3)
    assert len(p1.hits) == 10 and p1.has_next and not p1.has_prev
    assert len(p3.hits) == 5 and not p3.has_next and p3.has_prev


def test_update_and_tombstone_reindex(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'u.db'}")
    ids = seed(store, {"a": DOCS["oil"]})
    changed, enr = make_article("a", {**DOCS["oil"], "title": "الذهب يرتفع"})
    with store.tx() as conn:
        articles.update(conn, ids["a"], changed, enr)
        assert index_article(conn, ids["a"])
    with store.read() as conn:
        assert [h.article_id for h in search(conn, "الذهب").hits] == [ids["a"]]
        assert search(conn, "ترتفع").hits == ()
    with store.tx() as conn:
        articles.tombstone(conn, ids["a"])
        index_article(conn, ids["a"])
        assert not index_article(conn, 999_999)
    with store.read() as conn:
        assert search(conn, "الذهب").hits == ()


def test_sync_index_picks_up_only_new_rows(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    seed(store, {"a": DOCS["oil"]})
    seed(store, {"b": DOCS["trade"]}, index=False)
    with store.read() as conn:
        assert search(conn, "معرض").hits == ()
    with store.tx() as conn:
        assert sync_index(conn) == 1
        assert sync_index(conn) == 0
        n = conn.execute(sa.text("SELECT count(*) FROM articles_fts")).scalar()
    assert n == 2
    with store.read() as conn:
        assert len(search(conn, "معرض").hits) == 1
