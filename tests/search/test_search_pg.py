"""Search on a real PostgreSQL (``nashra.search.pg``): every JSON case that runs on FTS5 gives
the same articles, titles and snippets on the ``tsvector`` backend, in both orders; updates and
tombstones reach the index; hostile input never raises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from nashra.search import SearchFilters, index_article, search
from nashra.store import Store, articles
from tests.search.seed import make_article, seed
from tests.search.test_search import CASES, DOCS
from tests.store.conftest import pg_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The same docs in SQLite and in PostgreSQL."""
    import os
    import uuid

    import sqlalchemy as sa

    url = os.environ.get("NASHRA_TEST_PG_URL")
    if not url:
        pytest.skip("no PostgreSQL (NASHRA_TEST_PG_URL)")
    name = "s_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    pg = Store(url.rsplit("/", 1)[0] + "/" + name)
    lite = Store(f"sqlite:///{tmp_path_factory.mktemp('s') / 'a.db'}")
    try:
        yield {
            "pg": pg,
            "lite": lite,
            "pg_ids": {v: k for k, v in seed(pg, DOCS).items()},
            "lite_ids": {v: k for k, v in seed(lite, DOCS).items()},
        }
    finally:
        pg.close()
        lite.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _filters(f: dict[str, Any]) -> SearchFilters:
    return SearchFilters(
        outlet=f.get("outlet"),
        date_from=date.fromisoformat(f["date_from"]) if f.get("date_from") else None,
        date_to=date.fromisoformat(f["date_to"]) if f.get("date_to") else None,
        topic=f.get("topic"),
        entity=f.get("entity"),
    )


def _hits(
    db: dict[str, Any], side: str, q: str, f: SearchFilters, sort: str
) -> list[tuple[str, str, str]]:
    store, ids = db[side], db[f"{side}_ids"]
    with store.read() as conn:
        page = search(conn, q, f, per_page=100, sort=sort)  # type: ignore[arg-type]
    assert page.backend == ("tsvector" if side == "pg" else "fts5")
    return [(ids[h.article_id], h.title_html, h.snippet_html) for h in page.hits]


CASE_PARAMS = [
    pytest.param(c["query"], {}, set(c["expect"]), id=c["description"])
    for c in CASES["cases"]
    if "fts5" in c.get("backends", ["fts5"])
] + [
    pytest.param(c["query"], c["filters"], set(c["expect"]), id="filter: " + c["description"])
    for c in CASES["filter_cases"]
]


@pytest.mark.parametrize(("query", "filters", "expect"), CASE_PARAMS)
def test_postgresql_finds_what_sqlite_finds(
    both: dict[str, Any], query: str, filters: dict[str, Any], expect: set[str]
) -> None:
    f = _filters(filters)
    pg_date = _hits(both, "pg", query, f, "date")
    assert {k for k, _, _ in pg_date} == expect
    lite_date = _hits(both, "lite", query, f, "date")
    assert pg_date == lite_date  # same articles, same order, same marked titles and snippets
    pg_rel = _hits(both, "pg", query, f, "relevance")
    lite_rel = _hits(both, "lite", query, f, "relevance")
    assert sorted(pg_rel) == sorted(lite_rel)


@pytest.mark.parametrize(
    "text",
    ["((واشنطن", "'", "\\", "a:*", "!!! & |", '"', "<->", "واشنطن' | '", "*" * 50],
)
def test_hostile_queries_never_raise(both: dict[str, Any], text: str) -> None:
    with both["pg"].read() as conn:
        page = search(conn, text, per_page=5)
    assert page.page == 1


def test_update_and_tombstone_reach_the_index(both: dict[str, Any]) -> None:
    store, ids = both["pg"], {k: v for v, k in both["pg_ids"].items()}
    art, enr = make_article("fresh", {"title": "مهرجان الزيتون", "body": "افتتح مهرجان الزيتون."})
    with store.tx() as conn:
        new_id = articles.insert(conn, art, enr)
        index_article(conn, new_id)
    with store.read() as conn:
        assert [h.article_id for h in search(conn, "الزيتون").hits] == [new_id]
    with store.tx() as conn:
        articles.tombstone(conn, new_id)
        index_article(conn, new_id)
    with store.read() as conn:
        assert search(conn, "الزيتون").hits == ()
    assert ids  # the seeded docs are still there


def test_relevance_puts_title_matches_first_and_pages_through_both_tiers(
    both: dict[str, Any],
) -> None:
    """PostgreSQL's relevance: every match whose title holds the query's words, newest first,
    then the rest, newest first; pages cut across the two tiers without losing or repeating one."""
    store = both["pg"]
    made: list[tuple[int, bool]] = []
    with store.tx() as conn:
        for i in range(11):
            in_title = i % 3 == 0
            doc = {
                "title": f"مهرجان القمح رقم {i}" if in_title else f"خبر عادي رقم {i}",
                "body": f"نص عن مهرجان القمح {i}." if not in_title else f"نص الخبر {i}.",
                "outlet": "منفذ القمح",
            }
            art, enr = make_article(f"wheat{i}", doc)
            new_id = articles.insert(conn, art, enr)
            index_article(conn, new_id)
            made.append((new_id, in_title))
    want = [i for i, t in sorted(made, reverse=True) if t] + [
        i for i, t in sorted(made, reverse=True) if not t
    ]
    for f in (SearchFilters(), SearchFilters(outlet="منفذ القمح")):
        with store.read() as conn:
            got = []
            for page in range(1, 6):
                result = search(conn, "مهرجان القمح", f, page=page, per_page=3, sort="relevance")
                got += [h.article_id for h in result.hits]
                assert result.has_next == (page * 3 < len(want))
        assert got == want
    with store.read() as conn:  # another outlet's filter finds none of them
        assert search(conn, "القمح", SearchFilters(outlet="منفذ آخر"), sort="relevance").hits == ()


def test_a_date_range_pages_through_every_match_in_it(both: dict[str, Any]) -> None:
    """A short date range on PostgreSQL walks its id bounds and checks the dates of the ids it
    finds a chunk at a time: pages of both orders hold every match inside, none outside, once."""
    store = both["pg"]
    inside: list[int] = []
    with store.tx() as conn:
        for i in range(130):
            day = "2019-03" if i % 4 == 0 else "2019-05"  # three in four are outside the range
            doc = {
                "title": f"موسم الحصاد {i}",
                "body": f"نص عن الحصاد رقم {i}.",
                "published": f"{day}-{1 + i % 28:02d}T08:00:00+00:00",
            }
            art, enr = make_article(f"harvest{i}", doc)
            new_id = articles.insert(conn, art, enr)
            index_article(conn, new_id)
            if i % 4 == 0:
                inside.append(new_id)
    f = SearchFilters(date_from=date(2019, 3, 1), date_to=date(2019, 3, 31))
    for sort in ("date", "relevance"):
        got: list[int] = []
        with store.read() as conn:
            for page in range(1, 30):
                result = search(conn, "الحصاد", f, page=page, per_page=7, sort=sort)  # type: ignore[arg-type]
                got += [h.article_id for h in result.hits]
                if not result.has_next:
                    break
        assert got == sorted(inside, reverse=True), sort


@pytest.mark.parametrize(
    "case", [c for c in CASES["filter_cases"] if c["query"]], ids=lambda c: c["description"]
)
def test_ts_rank_over_every_match_finds_the_same_articles(
    both: dict[str, Any], case: dict[str, Any]
) -> None:
    """``window=None`` (ts_rank over every match: the benchmark's baseline) with each filter,
    rare ones included, finds what the date order finds."""
    f = _filters(case["filters"])
    with both["pg"].read() as conn:
        ranked = search(conn, case["query"], f, per_page=100, sort="relevance", window=None)
        dated = search(conn, case["query"], f, per_page=100)
    assert {h.article_id for h in ranked.hits} == {h.article_id for h in dated.hits}
    assert ranked.hits


@pytest.mark.parametrize(
    "text", ['"قوات سوريا الديمقراطية"', "النفط OR معرض", "معرض -النفط", "النفط", "الرقة"]
)
def test_our_parser_reads_websearch_syntax_as_postgresql_does(
    both: dict[str, Any], text: str
) -> None:
    """PostgreSQL's ``websearch_to_tsquery`` (quotes, OR, -word) over the folded words finds a
    subset of what our query finds (ours also matches each word without its proclitics), and a
    ``-word`` excludes on both sides."""
    import sqlalchemy as sa

    from nashra.arabic import normalize

    def fold(word: str) -> str:  # our folding of the word, its operator marks kept
        core = word.strip('"').lstrip("-")
        head = word[: len(word) - len(word.lstrip('"-'))]
        tail = word[len(word.rstrip('"')) :]
        return word if word == "OR" else head + normalize(core) + tail

    folded = " ".join(fold(w) for w in text.split())
    with both["pg"].read() as conn:
        theirs = set(
            conn.execute(
                sa.text(
                    "SELECT article_id FROM articles_fts_pg"
                    " WHERE doc @@ websearch_to_tsquery('simple', :q)"
                ),
                {"q": folded},
            ).scalars()
        )
        ours = {h.article_id for h in search(conn, text, per_page=100).hits}
    assert theirs and theirs <= ours, (folded, theirs, ours)
    for word in (w[1:] for w in text.split() if w.startswith("-")):
        with both["pg"].read() as conn:
            excluded = {h.article_id for h in search(conn, word, per_page=100).hits}
        assert excluded and not excluded & ours
