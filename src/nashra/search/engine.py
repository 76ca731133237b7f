"""Running a search: FTS5 on SQLite, a portable ``LIKE`` scan elsewhere, behind one function.

``search(conn, text, filters, page=…, sort=…)`` parses the query (``nashra.search.query``), picks
the backend from the connection's dialect (or ``backend=``), applies the filters (outlet, date
range, topic, entity), pages with one extra row instead of a costly count, and cuts highlighted
snippets from the display text of the hits only.

Two orders, and why each stays fast on a large archive (see docs/web.md for the figures):

``sort="date"`` (the default: a news archive is read newest first, and the PostgreSQL fallback
    gives the same order) walks the FTS5 doclist by rowid, newest first, and stops after the page.
    The rowid is ``articles.id``: the order articles *entered the archive*, which follows
    publication except for backfilled items. Its cost is the page, not the number of matches.
``sort="relevance"`` ranks with bm25 the newest ``RELEVANCE_WINDOW`` matches only (the window is
    found by the same newest-first walk, filters included). A word in every article is then ranked
    among recent coverage rather than across the whole archive; a rarer word, with fewer matches
    than the window, is ranked over all of them exactly as before. ``window=None`` ranks every
    match (slow for common words at scale: bm25 is computed per matching row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from nashra.arabic import normalize
from nashra.search import pg
from nashra.search.query import Node, Or, Query, Term, filter_lexemes, fts5_match, parse_query
from nashra.search.snippet import highlight, snippet_html
from nashra.store import counts, schema

__all__ = ["SORTS", "Backend", "Hit", "SearchFilters", "SearchPage", "Sort", "search"]

Backend = Literal["fts5", "tsvector", "like"]
Sort = Literal["date", "relevance"]
SORTS: tuple[Sort, ...] = ("date", "relevance")
art = schema.articles
facets = schema.search_facets
fts = sa.table("articles_fts", sa.column("rowid"))
# Title matches weigh ten times the body; the clitic-free shadow counts half its exact column.
# The filter terms' column (tags) weighs nothing.
RANK: sa.ColumnElement[Any] = sa.literal_column("bm25(articles_fts, 10.0, 1.0, 5.0, 0.5, 0.0)")
MAX_PAGE = 500
RELEVANCE_WINDOW = 5000  # bm25 ranks at most this many of the newest matches
# A filter held by at most this many articles: PostgreSQL collects its matches from the GIN index
# and sorts them instead of walking the newest articles.
RARE_FILTER = 5000
# A date range holding at most this many articles narrows the walk to its id bounds.
DATE_BOUNDS_MAX = 50_000


@dataclass(frozen=True, slots=True)
class SearchFilters:
    outlet: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    topic: str | None = None
    entity: str | None = None

    @property
    def any(self) -> bool:
        return any(
            v is not None and v != ""
            for v in (self.outlet, self.date_from, self.date_to, self.topic, self.entity)
        )


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    title: str
    title_html: str  # escaped, matches marked
    snippet_html: str  # escaped, matches marked
    url: str
    outlet: str | None
    source: str
    published: str | None  # ISO as the outlet gave it
    story_id: int | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: Query
    filters: SearchFilters
    hits: tuple[Hit, ...] = ()
    page: int = 1
    per_page: int = 20
    has_next: bool = False
    backend: Backend = "fts5"
    sort: Sort = "date"
    notes: tuple[str, ...] = field(default=())

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def _like(node: Node) -> sa.ColumnElement[bool]:
    if isinstance(node, Term):
        # Substring of the matching form: a document's clitics and prefixes match by construction;
        # the query's own clitics are removed for the second test (ودمشق finds دمشق).
        exact, bare = " ".join(node.tokens), " ".join(node.shadow)
        cond = art.c.match_text.contains(exact, autoescape=True)
        if bare != exact:
            cond = sa.or_(cond, art.c.match_text.contains(bare, autoescape=True))
        return cond
    if isinstance(node, Or):
        return sa.or_(*(_like(n) for n in node.items))
    cond = sa.and_(*(_like(n) for n in node.items))
    if node.exclude:
        cond = sa.and_(cond, *(sa.not_(_like(n)) for n in node.exclude))
    return cond


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _dates(q: sa.Select[Any], f: SearchFilters) -> sa.Select[Any]:
    if f.date_from:
        q = q.where(art.c.published_utc >= _start(f.date_from))
    if f.date_to and f.date_to < date.max:  # "to 9999-12-31" bounds nothing (and has no next day)
        q = q.where(art.c.published_utc < _start(f.date_to + timedelta(days=1)))
    return q


def _facet_values(f: SearchFilters) -> list[tuple[str, str]]:
    out = []
    for kind, value in (("topic", f.topic), ("entity", f.entity)):
        match = normalize(value or "")
        if match:
            out.append((kind, match))
    return out


def _facet_ids(kind: str, match: str) -> sa.Select[Any]:
    return sa.select(facets.c.article_id).where(facets.c.kind == kind, facets.c.match == match)


def _filtered(q: sa.Select[Any], f: SearchFilters) -> sa.Select[Any]:
    """The filters as plain predicates (the LIKE backend and the query-less listing)."""
    q = _dates(q.where(art.c.deleted_at.is_(None)), f)
    if f.outlet:
        q = q.where(sa.or_(art.c.outlet == f.outlet, art.c.source == f.outlet))
    for kind, match in _facet_values(f):
        q = q.where(art.c.id.in_(_facet_ids(kind, match)))
    return q


def _fts_filtered(conn: sa.Connection, q: sa.Select[Any], f: SearchFilters) -> sa.Select[Any]:
    """The filters of a newest-first walk of the FTS5 doclist.

    Outlet, topic and entity are terms of the ``MATCH`` (``fts5_match``'s ``required``): FTS5
    intersects their doclists with the words', so no article row is read for them and, without
    a date range, the walk reads the index alone (tombstoned articles are not in it). A date
    range is tested on ``articles``; one that holds few articles also bounds the walk by rowid,
    so FTS5 seeks past newer matches instead of reading them.
    """
    if not (f.date_from or f.date_to):
        return q
    q = _dates(q.join(art, art.c.id == fts.c.rowid).where(art.c.deleted_at.is_(None)), f)
    bounds = _date_bounds(conn, f)
    if bounds is not None:
        q = q.where(fts.c.rowid.between(*bounds))
    return q


def _date_bounds(conn: sa.Connection, f: SearchFilters) -> tuple[int, int] | None:
    """The id range of a date range that holds at most ``DATE_BOUNDS_MAX`` articles (ids follow
    arrival, so the walk can seek past the newer matches); None when there is no such range."""
    if not (f.date_from or f.date_to):
        return None
    inside = _dates(sa.select(art.c.id), f).limit(DATE_BOUNDS_MAX + 1).subquery()
    n, lo, hi = conn.execute(
        sa.select(sa.func.count(), sa.func.min(inside.c.id), sa.func.max(inside.c.id))
    ).one()
    return (lo or 0, hi or 0) if n <= DATE_BOUNDS_MAX else None


def _display(blocks: Sequence[Any]) -> str:
    return "\n".join(str(b[1]) for b in blocks if isinstance(b, list | tuple) and len(b) == 2)


COLUMNS = (
    art.c.id,
    art.c.title,
    art.c.url,
    art.c.outlet,
    art.c.source,
    art.c.published,
    art.c.story_id,
    art.c.blocks,
)


def _fts_query(
    conn: sa.Connection, query: Query, filters: SearchFilters, sort: Sort, window: int | None
) -> tuple[sa.Select[Any], tuple[str, ...]]:
    """The FTS5 select of one page's rowids (limit and offset still to add; ``search`` reads
    those articles) and notes for the reader."""
    required = filter_lexemes(filters.outlet, _facet_values(filters))
    match = sa.text("articles_fts MATCH :match").bindparams(match=fts5_match(query, required))
    base = _fts_filtered(conn, sa.select(fts.c.rowid).select_from(fts).where(match), filters)
    if sort == "date":
        return base.order_by(fts.c.rowid.desc()), ()
    notes: tuple[str, ...] = ()
    if window:
        # The window's oldest rowid: the same newest-first walk, stopped at the window's end.
        cut = conn.execute(base.order_by(fts.c.rowid.desc()).limit(1).offset(window - 1)).scalar()
        if cut is not None:
            base = base.where(fts.c.rowid >= cut)
            notes = (f"رُتّبت أحدث {window:,} نتيجة حسب الصلة (ranked: the newest {window:,})",)
    # Rank rowids only, then read the page's articles: the sorter never carries article bodies.
    return base.order_by(RANK, fts.c.rowid.desc()), notes


def _pg_ids(
    conn: sa.Connection,
    query: Query,
    filters: SearchFilters,
    sort: Sort,
    window: int | None,
    offset: int,
    limit: int,
) -> list[int]:
    """The article ids of one page on PostgreSQL (see ``nashra.search.pg``).

    The filters are lexemes of the document vector (outlet, topic, entity), so the GIN index
    intersects them with the words and no article row is read to test them; a date range is
    tested on ``articles`` (and a short one also bounds the ids, as on SQLite).

    ``relevance`` is two tiers, each newest first: the matches with every word of the query in
    the title, then the others. Both tiers are answered by the GIN index and a newest-first
    walk, so no document vector is read to rank (``ts_rank`` over the newest 5,000 matches read
    5,000 vectors out of TOAST: 80–130 ms at 100k articles). ``window=None`` ranks every match
    with ``ts_rank`` (the benchmark's baseline).
    """
    fts = pg.fts_pg
    required = filter_lexemes(filters.outlet, _facet_values(filters))
    dated = bool(filters.date_from or filters.date_to)
    bounds = _date_bounds(conn, filters)
    newest: sa.ColumnElement[Any] = sa.literal_column("article_id").desc()

    rare = _rare_filter(conn, filters)

    # A short date range: walk its id bounds and test the dates of the ids found, a chunk at a
    # time (the planner joined every match in the bounds to its article first: each match's
    # vector read, 50 ms for one month at 100k articles).
    later = dated and bounds is not None and not rare

    def ids(title: bool | None, *, join: bool = not later, collect: bool = rare) -> sa.Select[Any]:
        q = sa.select(fts.c.article_id).where(pg.matches(query, required, title))
        if dated and join:
            q = _dates(q.select_from(fts.join(art, art.c.id == fts.c.article_id)), filters)
        if bounds is not None:
            q = q.where(fts.c.article_id.between(*bounds))
        if collect:  # all matches from the GIN index first, then sorted (see _rare_filter)
            found = q.cte("found").prefix_with("MATERIALIZED")
            return sa.select(found.c.article_id.label("article_id"))
        return q

    def run(q: sa.Select[Any], n: int, skip: int) -> list[int]:
        if not later:
            return [int(i) for i in conn.execute(q.limit(n).offset(skip)).scalars()]
        kept: list[int] = []
        chunk, seen = max(2 * (n + skip), 50), 0
        while len(kept) < n + skip:
            found = [int(i) for i in conn.execute(q.limit(chunk).offset(seen)).scalars()]
            if found:
                inside = _dates(sa.select(art.c.id).where(art.c.id.in_(found)), filters)
                ok = set(conn.execute(inside).scalars())
                kept += [i for i in found if i in ok]
            if len(found) < chunk:
                break
            seen += chunk
        return kept[skip : skip + n]

    if sort == "date":
        return run(ids(None).order_by(newest), limit, offset)
    if window is None:
        return run(ids(None, collect=False).order_by(pg.rank(query).desc(), newest), limit, offset)
    first = run(ids(True).order_by(newest), limit, offset)
    if len(first) >= limit:
        return first
    in_title = offset + len(first)
    if not first and offset:  # the page starts past the title tier: how long is it?
        tier = ids(True, join=True).limit(offset).subquery()
        in_title = int(conn.execute(sa.select(sa.func.count()).select_from(tier)).scalar() or 0)
    return first + run(ids(False).order_by(newest), limit - len(first), max(0, offset - in_title))


def _rare_filter(conn: sa.Connection, f: SearchFilters) -> bool:
    """Whether a filter holds at most ``RARE_FILTER`` articles (a topic or entity, counted in
    ``search_facets``; an outlet, in the kept counts). PostgreSQL cannot tell: a lexeme outside
    its most-common list is guessed at 0.5% of the rows, so it walked the newest articles testing
    each one's vector (3.1 s for a common word and an entity of 10 articles at 100k)."""
    if f.outlet and 0 < counts.totals(conn, "outlet").get(f.outlet, RARE_FILTER + 1) <= RARE_FILTER:
        return True
    for kind, match in _facet_values(f):
        few = _facet_ids(kind, match).limit(RARE_FILTER + 1).subquery()
        if (conn.execute(sa.select(sa.func.count()).select_from(few)).scalar() or 0) <= RARE_FILTER:
            return True
    return False


def _by_ids(conn: sa.Connection, order: list[int]) -> list[Any]:
    """The page's articles in the given order (a tombstoned one is left out)."""
    q = sa.select(*COLUMNS).where(art.c.id.in_(order), art.c.deleted_at.is_(None))
    found = {r.id: r for r in conn.execute(q)}
    return [found[i] for i in order if i in found]


def default_backend(conn: sa.Connection) -> Backend:
    if conn.dialect.name == "sqlite":
        return "fts5"
    if conn.dialect.name == "postgresql":
        return "tsvector"
    return "like"


def search(
    conn: sa.Connection,
    text: str,
    filters: SearchFilters | None = None,
    *,
    page: int = 1,
    per_page: int = 20,
    backend: Backend | None = None,
    sort: Sort = "date",
    window: int | None = RELEVANCE_WINDOW,
) -> SearchPage:
    """One page of results for what a reader typed; never raises on odd input.

    ``sort`` is "date" (newest first) or "relevance" (bm25 over the newest ``window`` matches;
    ``None`` ranks every match). The LIKE backend always answers newest first.
    """
    filters = filters or SearchFilters()
    page = min(max(page, 1), MAX_PAGE)
    per_page = min(max(per_page, 1), 100)
    sort = sort if sort in SORTS else "date"
    chosen: Backend = backend or default_backend(conn)
    query = parse_query(text)
    empty = SearchPage(query, filters, page=page, per_page=per_page, backend=chosen, sort=sort)
    if query.empty and not filters.any:
        return empty
    newest = (art.c.published_utc.desc(), art.c.id.desc())
    notes: tuple[str, ...] = ()
    skip = (page - 1) * per_page
    rows: Sequence[Any]
    # Filters without words are listed from the index too (their terms, newest first): the
    # articles table walked by date, testing each one, read the whole archive for a rare entity.
    tagged = bool(filter_lexemes(filters.outlet, _facet_values(filters)))
    indexed = chosen != "like" and (query.root is not None or tagged)
    order: Sort = sort if query.root is not None else "date"
    if indexed and chosen == "tsvector":
        rows = _by_ids(conn, _pg_ids(conn, query, filters, order, window, skip, per_page + 1))
    else:
        if indexed:
            q, notes = _fts_query(conn, query, filters, order, window)
        elif query.root is None:
            q = _filtered(sa.select(*COLUMNS).order_by(*newest), filters)
        else:
            q = _filtered(sa.select(*COLUMNS).where(_like(query.root)).order_by(*newest), filters)
        rows = conn.execute(q.limit(per_page + 1).offset(skip)).all()
        if indexed:
            rows = _by_ids(conn, [r[0] for r in rows])  # the page's rowids, in their order
    hits = tuple(
        Hit(
            article_id=r.id,
            title=r.title,
            title_html=highlight(r.title, query.terms),
            snippet_html=snippet_html(_display(r.blocks), query.terms),
            url=r.url,
            outlet=r.outlet,
            source=r.source,
            published=r.published,
            story_id=r.story_id,
        )
        for r in rows[:per_page]
    )
    return SearchPage(
        query,
        filters,
        hits,
        page=page,
        per_page=per_page,
        has_next=len(rows) > per_page,
        backend=chosen,
        sort=sort,
        notes=notes,
    )
