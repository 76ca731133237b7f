"""Running a search: FTS5 on SQLite, a portable ``LIKE`` scan elsewhere, behind one function.

``search(conn, text, filters, page=…)`` parses the query (``nashra.search.query``), picks the
backend from the connection's dialect (or ``backend=``), applies the filters (outlet, date range,
topic, entity), pages with one extra row instead of a costly count, and cuts highlighted snippets
from the display text of the hits only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from nashra.arabic import normalize
from nashra.search.query import Node, Or, Query, Term, fts5_match, parse_query
from nashra.search.snippet import highlight, snippet_html
from nashra.store import schema

__all__ = ["Backend", "Hit", "SearchFilters", "SearchPage", "search"]

Backend = Literal["fts5", "like"]
art = schema.articles
facets = schema.search_facets
fts = sa.table("articles_fts", sa.column("rowid"))
# Title matches weigh ten times the body; the clitic-free shadow counts half its exact column.
RANK: sa.ColumnElement[Any] = sa.literal_column("bm25(articles_fts, 10.0, 1.0, 5.0, 0.5)")
MAX_PAGE = 500


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


def _filtered(q: sa.Select[Any], f: SearchFilters) -> sa.Select[Any]:
    q = q.where(art.c.deleted_at.is_(None))
    if f.outlet:
        q = q.where(sa.or_(art.c.outlet == f.outlet, art.c.source == f.outlet))
    if f.date_from:
        q = q.where(art.c.published_utc >= _start(f.date_from))
    if f.date_to:
        q = q.where(art.c.published_utc < _start(f.date_to + timedelta(days=1)))
    for kind, value in (("topic", f.topic), ("entity", f.entity)):
        match = normalize(value or "")
        if match:
            sub = sa.select(facets.c.article_id).where(
                facets.c.kind == kind, facets.c.match == match
            )
            q = q.where(art.c.id.in_(sub))
    return q


def _display(blocks: Sequence[Any]) -> str:
    return "\n".join(str(b[1]) for b in blocks if isinstance(b, list | tuple) and len(b) == 2)


def search(
    conn: sa.Connection,
    text: str,
    filters: SearchFilters | None = None,
    *,
    page: int = 1,
    per_page: int = 20,
    backend: Backend | None = None,
) -> SearchPage:
    """One page of results for what a reader typed; never raises on odd input."""
    filters = filters or SearchFilters()
    page = min(max(page, 1), MAX_PAGE)
    per_page = min(max(per_page, 1), 100)
    chosen: Backend = backend or ("fts5" if conn.dialect.name == "sqlite" else "like")
    query = parse_query(text)
    if query.empty and not filters.any:
        return SearchPage(query, filters, page=page, per_page=per_page, backend=chosen)
    cols = (
        art.c.id,
        art.c.title,
        art.c.url,
        art.c.outlet,
        art.c.source,
        art.c.published,
        art.c.story_id,
        art.c.blocks,
    )
    newest = (art.c.published_utc.desc(), art.c.id.desc())
    if query.root is None:
        q = sa.select(*cols).order_by(*newest)
    elif chosen == "fts5":
        match = sa.text("articles_fts MATCH :match").bindparams(match=fts5_match(query))
        q = (
            sa.select(*cols)
            .select_from(fts.join(art, art.c.id == fts.c.rowid))
            .where(match)
            .order_by(RANK, art.c.id.desc())
        )
    else:
        q = sa.select(*cols).where(_like(query.root)).order_by(*newest)
    q = _filtered(q, filters).limit(per_page + 1).offset((page - 1) * per_page)
    rows = conn.execute(q).all()
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
    )
