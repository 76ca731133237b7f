"""Counts the web reads without counting the archive: kept by triggers (migration 64).

``/healthz``, ``/metrics``, the search form's outlet and topic lists and the home page's channel
list read these rows instead of a ``COUNT`` or ``DISTINCT`` over every article, post, event or
facet (at 100k articles those scans cost 66–109 ms per request). The triggers update them in the
writer's own transaction, so a count is exactly what a full count would give at the same moment
(``recount`` is that full count; the tests compare the two after inserts, updates, deletes and
imports).

    totals(conn, "outlet")   {"العربية": 1234, …} every key with a count that is not 0, by key
    total(conn, "articles")  one number (kinds keyed by '')
    compact(conn)            PostgreSQL: fold the statement deltas into ``counts``

Kinds: ``articles`` and ``duplicates`` (key ''), ``outlet``, ``topic`` (the facet's displayed
value), ``posts`` (by state), ``channel`` and ``events`` (``kind/code``).
"""

from __future__ import annotations

import sqlalchemy as sa

from nashra.store import schema

__all__ = ["compact", "maybe_compact", "rebuild", "recount", "snapshot", "total", "totals"]

c = schema.counts
d = schema.count_deltas
COMPACT_LOCK = 0x6E617368_0064  # 'nash' + 64: one compaction at a time (advisory, per transaction)
COMPACT_AFTER = 500  # deltas waiting before an article's transaction folds them


def totals(conn: sa.Connection, kind: str) -> dict[str, int]:
    """Every key of ``kind`` with its count (deltas not yet folded included), ordered by key."""
    both = sa.union_all(
        sa.select(c.c.key, c.c.n).where(c.c.kind == kind),
        sa.select(d.c.key, d.c.n).where(d.c.kind == kind),
    ).subquery()
    n = sa.func.sum(both.c.n)
    q = sa.select(both.c.key, n).group_by(both.c.key).having(n != 0).order_by(both.c.key)
    return {str(k): int(v) for k, v in conn.execute(q)}


def total(conn: sa.Connection, kind: str) -> int:
    return totals(conn, kind).get("", 0)


def compact(conn: sa.Connection) -> int:
    """Fold the waiting deltas into ``counts`` (PostgreSQL; SQLite's triggers write ``counts``
    directly). One compaction at a time: another caller returns 0 at once. Returns the number of
    keys touched. Writers only ever insert deltas, so they never wait on this."""
    if conn.dialect.name != "postgresql":
        return 0
    got = conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": COMPACT_LOCK})
    if not got.scalar():
        return 0
    moved = conn.execute(
        sa.text(
            "WITH moved AS (DELETE FROM count_deltas RETURNING kind, key, n)"
            " INSERT INTO counts (kind, key, n)"
            " SELECT kind, key, sum(n) FROM moved GROUP BY kind, key ORDER BY kind, key"
            " ON CONFLICT (kind, key) DO UPDATE SET n = counts.n + EXCLUDED.n"
        )
    )
    return int(moved.rowcount or 0)


def maybe_compact(conn: sa.Connection, after: int = COMPACT_AFTER) -> int:
    """``compact`` when about ``after`` deltas wait (two index probes to find out)."""
    if conn.dialect.name != "postgresql":
        return 0
    span = conn.execute(sa.select(sa.func.max(d.c.id) - sa.func.min(d.c.id))).scalar()
    return compact(conn) if span is not None and span >= after else 0


def recount(conn: sa.Connection) -> dict[tuple[str, str], int]:
    """The same counts from full scans of the tables (slow on a large archive: for the tests,
    ``rebuild`` and a check by hand)."""
    art, posts, ev, fac = schema.articles, schema.posts, schema.events, schema.search_facets
    out: dict[tuple[str, str], int] = {}

    def put(kind: str, q: sa.Executable) -> None:
        for key, n in conn.execute(q):
            if n:
                out[(kind, str(key))] = int(n)

    n = sa.func.count()
    put("articles", sa.select(sa.literal(""), n).select_from(art))
    put("duplicates", sa.select(sa.literal(""), n).where(art.c.duplicate_of.is_not(None)))
    outlet = sa.select(art.c.outlet, n).where(art.c.outlet.is_not(None))
    put("outlet", outlet.group_by(art.c.outlet))
    put("topic", sa.select(fac.c.value, n).where(fac.c.kind == "topic").group_by(fac.c.value))
    put("posts", sa.select(posts.c.state, n).group_by(posts.c.state))
    put("channel", sa.select(posts.c.channel, n).group_by(posts.c.channel))
    put("events", sa.select(ev.c.kind + "/" + ev.c.code, n).group_by(ev.c.kind, ev.c.code))
    return out


def snapshot(conn: sa.Connection) -> dict[tuple[str, str], int]:
    """Every kept count (deltas included): what ``recount`` must equal."""
    kinds = [r[0] for r in conn.execute(sa.select(c.c.kind).distinct())]
    kinds += [r[0] for r in conn.execute(sa.select(d.c.kind).distinct()) if r[0] not in kinds]
    return {(k, key): n for k in kinds for key, n in totals(conn, k).items()}


def rebuild(conn: sa.Connection) -> None:
    """Replace the kept counts with a full count (a repair; the triggers keep them otherwise)."""
    conn.execute(sa.delete(d))
    conn.execute(sa.delete(c))
    rows = [dict(kind=k, key=key, n=n) for (k, key), n in recount(conn).items()]
    if rows:
        conn.execute(sa.insert(c), rows)
