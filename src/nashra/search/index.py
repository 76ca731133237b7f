"""Keeping the search index in step with the articles table.

The index is built from the *stored* matching form (``articles.match_title`` / ``match_text``,
made by ``nashra.arabic.normalize`` in the pipeline), so there is exactly one normalizer. The
shadow columns hold the same tokens with proclitics removed (``strip_clitics``), which is how a
query for واشنطن finds وواشنطن and لواشنطن.

Two ways in, both idempotent:

``index_article(conn, id)``  (re)index one article: call it after storing or updating one.
``sync_index(conn)``         index every article newer than the highest indexed id (a catch-up
                             the web app runs on start and the runner may run after a cycle).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from nashra.arabic import normalize
from nashra.search import pg
from nashra.search.query import facet_lexemes, fts5_tag, stripped
from nashra.store import counts, schema

__all__ = ["facet_rows", "fts_row", "index_article", "reindex_all", "sync_index"]

docs = schema.search_docs
facets = schema.search_facets
art = schema.articles

FTS_INSERT = (
    "INSERT INTO articles_fts(rowid, title, body, stitle, sbody, tags) VALUES (?, ?, ?, ?, ?, ?)"
)


def shadow(text: str) -> str:
    """The matching form with proclitics removed from every token."""
    return " ".join(stripped(t) for t in text.split())


def fts_row(
    article_id: int, match_title: str, match_text: str, facets: Iterable[str] = ()
) -> tuple[int, str, str, str, str, str]:
    """The values one article puts into ``articles_fts``; ``facets`` from ``facet_lexemes``."""
    tags = " ".join(fts5_tag(lex) for lex in facets)
    return (article_id, match_title, match_text, shadow(match_title), shadow(match_text), tags)


def _lexemes(r: Any, facets: list[dict[str, Any]]) -> list[str]:
    return facet_lexemes(r.outlet, r.source, [(f["kind"], f["match"]) for f in facets])


def _day(published: datetime | None, created: datetime | None) -> str | None:
    when = published or created
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.date().isoformat()


def facet_rows(
    article_id: int, enrichment: Mapping[str, Any] | None, day: str | None
) -> list[dict[str, Any]]:
    """Entities (by their canonical form), hashtags and the topic of one article."""
    if not enrichment:
        return []
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []

    def add(kind: str, value: str | None) -> None:
        value = (value or "").strip().lstrip("#").replace("_", " ").strip()
        match = normalize(value)
        if not match or (kind, match) in seen:
            return
        seen.add((kind, match))
        rows.append(dict(article_id=article_id, kind=kind, value=value, match=match, day=day))

    for ent in enrichment.get("entities") or ():
        if isinstance(ent, Mapping):
            add("entity", ent.get("canonical") or ent.get("text"))
    for tag in enrichment.get("hashtags") or ():
        add("hashtag", str(tag))
    add("topic", enrichment.get("topic"))
    return rows


def _is_sqlite(conn: sa.Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _is_pg(conn: sa.Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _rows(conn: sa.Connection, where: sa.ColumnElement[bool], limit: int | None = None) -> Any:
    q = (
        sa.select(
            art.c.id,
            art.c.match_title,
            art.c.match_text,
            art.c.enrichment,
            art.c.outlet,
            art.c.source,
            art.c.published_utc,
            art.c.created_at,
            art.c.deleted_at,
        )
        .where(where)
        .order_by(art.c.id)
    )
    if limit is not None:
        q = q.limit(limit)
    return conn.execute(q).all()


def _write(conn: sa.Connection, rows: Sequence[Any], *, replace: bool) -> None:
    if not rows:
        return
    ids = [r.id for r in rows]
    if replace:
        conn.execute(sa.delete(facets).where(facets.c.article_id.in_(ids)))
        conn.execute(sa.delete(docs).where(docs.c.article_id.in_(ids)))
        if _is_sqlite(conn):
            conn.exec_driver_sql(
                f"DELETE FROM articles_fts WHERE rowid IN ({','.join('?' * len(ids))})", tuple(ids)
            )
        elif _is_pg(conn):
            conn.execute(sa.delete(pg.fts_pg).where(pg.fts_pg.c.article_id.in_(ids)))
    live = [r for r in rows if r.deleted_at is None]
    per_article = {
        r.id: facet_rows(r.id, r.enrichment, _day(r.published_utc, r.created_at)) for r in live
    }
    if _is_sqlite(conn) and live:
        values = [
            fts_row(r.id, r.match_title, r.match_text, _lexemes(r, per_article[r.id])) for r in live
        ]
        conn.exec_driver_sql(FTS_INSERT, values)
    elif _is_pg(conn) and live:
        conn.execute(
            sa.text(
                f"INSERT INTO {pg.TABLE} (article_id, doc) VALUES (:id, CAST(:doc AS tsvector))"
            ),
            [{"id": r.id, "doc": _pg_doc(r, per_article[r.id])} for r in live],
        )
    facet_values = [f for r in live for f in per_article[r.id]]
    if facet_values:
        conn.execute(facets.insert(), facet_values)
    stamp = datetime.now(UTC)
    conn.execute(docs.insert(), [dict(article_id=i, indexed_at=stamp) for i in ids])
    counts.maybe_compact(conn)  # PostgreSQL: fold the count deltas now and then


def _pg_doc(r: Any, facets: list[dict[str, Any]]) -> str:
    return pg.doc_vector(r.match_title, r.match_text, _lexemes(r, facets))


def index_article(conn: sa.Connection, article_id: int) -> bool:
    """(Re)index one article in the caller's transaction; False when there is no such article.

    A tombstoned article is taken out of the index (and stays marked as handled).
    """
    rows = _rows(conn, art.c.id == article_id)
    if not rows:
        return False
    _write(conn, rows, replace=True)
    return True


def last_indexed_id(conn: sa.Connection) -> int:
    top = conn.execute(sa.select(sa.func.max(docs.c.article_id))).scalar()
    return int(top or 0)


def sync_index(conn: sa.Connection, *, batch: int = 500, limit: int | None = None) -> int:
    """Index the articles with an id above the highest indexed one; returns how many."""
    done = 0
    start = last_indexed_id(conn)
    while limit is None or done < limit:
        rows = _rows(conn, art.c.id > start, batch if limit is None else min(batch, limit - done))
        if not rows:
            break
        _write(conn, rows, replace=True)
        done += len(rows)
        start = rows[-1].id
    return done


def reindex_all(conn: sa.Connection, ids: Iterable[int] | None = None) -> int:
    """Rebuild the index from scratch (or for the given ids)."""
    if ids is None:
        conn.execute(sa.delete(facets))
        conn.execute(sa.delete(docs))
        if _is_sqlite(conn):
            conn.exec_driver_sql("DELETE FROM articles_fts")
        elif _is_pg(conn):
            conn.execute(sa.delete(pg.fts_pg))
        return sync_index(conn)
    n = 0
    for i in ids:
        n += index_article(conn, i)
    return n
