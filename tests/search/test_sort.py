"""Search order and the fast paths: newest first by default, bm25 over a window, both shapes of
each filter (a short rowid list or a per-row probe; date bounds or none) giving the same answer."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nashra.search import SearchFilters, engine, search
from nashra.store import Store
from tests.search.seed import seed

CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text("utf-8"))

# Inserted in this order, so ids (and FTS5 rowids) follow it. "old_title" carries the word in its
# title (bm25 weighs titles ten times) but is the oldest; the others carry it once in the body.
RANKED = {
    "old_title": {"title": "الانتخابات البلدية تبدأ", "body": "نص قصير عن يوم الاقتراع."},
    "mid": {"title": "خبر محلي", "body": "تحدث المرشحون عن الانتخابات في المدينة مساء أمس."},
    "new": {"title": "خبر آخر", "body": "قال المسؤول إن الانتخابات ستجرى في موعدها المحدد."},
    "newest": {"title": "خبر أخير", "body": "اللجنة تستعد لفرز أصوات الانتخابات هذا الأسبوع."},
}


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[int, str]]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('sort') / 'r.db'}")
    ids = seed(store, RANKED)
    return store, {v: k for k, v in ids.items()}


def _order(store: Store, by_id: dict[int, str], **kw: Any) -> list[str]:
    with store.read() as conn:
        return [by_id[h.article_id] for h in search(conn, "الانتخابات", **kw).hits]


def test_default_is_newest_first(ranked: Any) -> None:
    store, by_id = ranked
    assert _order(store, by_id) == ["newest", "new", "mid", "old_title"]
    assert _order(store, by_id, backend="like")[0] == "newest"  # the fallback agrees


def test_relevance_over_every_match_puts_the_title_first(ranked: Any) -> None:
    store, by_id = ranked
    assert _order(store, by_id, sort="relevance", window=None)[0] == "old_title"
    assert _order(store, by_id, sort="relevance")[0] == "old_title"  # 4 matches < the window


def test_relevance_window_ranks_only_the_newest_matches(ranked: Any) -> None:
    store, by_id = ranked
    got = _order(store, by_id, sort="relevance", window=3)
    assert set(got) == {"newest", "new", "mid"}  # the old title match is outside the window
    with store.read() as conn:
        page = search(conn, "الانتخابات", sort="relevance", window=3)
        whole = search(conn, "الانتخابات", sort="relevance", window=10)
    assert page.sort == "relevance" and page.notes and "3" in page.notes[0]
    assert whole.notes == ()  # every match was ranked: nothing to say


def test_unknown_sort_falls_back_to_date(ranked: Any) -> None:
    store, by_id = ranked
    with store.read() as conn:
        page = search(conn, "الانتخابات", sort="best")  # type: ignore[arg-type]
    assert page.sort == "date" and by_id[page.hits[0].article_id] == "newest"


def test_date_order_pages_do_not_overlap(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    docs = {f"d{i}": {"title": f"خبر رقم {i}", "body": "نص عن الانتخابات"} for i in range(25)}
    ids = seed(store, docs)
    with store.read() as conn:
        pages = [search(conn, "الانتخابات", per_page=10, page=p).hits for p in (1, 2, 3)]
    got = [h.article_id for hits in pages for h in hits]
    assert got == sorted(ids.values(), reverse=True)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[int, str]]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('paths') / 'a.db'}")
    ids = seed(store, CASES["docs"])
    return store, {v: k for k, v in ids.items()}


@pytest.mark.parametrize("sort", ["date", "relevance"])
@pytest.mark.parametrize("date_bounds_max", [50_000, 0], ids=["id-bounds", "dates-only"])
@pytest.mark.parametrize("case", CASES["filter_cases"], ids=lambda c: c["description"])
def test_filter_paths_agree(
    archive: Any,
    monkeypatch: pytest.MonkeyPatch,
    case: dict[str, Any],
    sort: str,
    date_bounds_max: int,
) -> None:
    """A query with filters gives the same articles whichever way the filters are applied: as
    terms of the FTS5 entry (outlet, topic, entity), with or without id bounds for the dates,
    and as plain predicates on ``articles`` and ``search_facets`` (the LIKE backend)."""
    monkeypatch.setattr(engine, "DATE_BOUNDS_MAX", date_bounds_max)
    store, by_id = archive
    f = case["filters"]
    filters = SearchFilters(
        outlet=f.get("outlet"),
        date_from=date.fromisoformat(f["date_from"]) if f.get("date_from") else None,
        date_to=date.fromisoformat(f["date_to"]) if f.get("date_to") else None,
        topic=f.get("topic"),
        entity=f.get("entity"),
    )
    # A query-less case also runs with a query that every doc matches, so FTS5 walks the filters.
    for q in (case["query"], case["query"] or "ال*"):  # every doc has a word in ال
        with store.read() as conn:
            hits = search(conn, q, filters, sort=sort, per_page=100).hits  # type: ignore[arg-type]
            plain = search(conn, q, filters, per_page=100, backend="like").hits
        assert {by_id[h.article_id] for h in hits} == set(case["expect"]), q
        assert {h.article_id for h in plain} == {h.article_id for h in hits}, q
