"""The near-duplicate index: LSH bands of MinHash signatures, and story terms, in the database.

Each indexed article has one ``dedupe_articles`` row (source, priority, time, shingle count),
``BANDS`` rows in ``dedupe_bands`` (one key per band of ``ROWS`` signature values) and a few rows
in ``dedupe_terms`` (title words and entities, for story candidates). Two articles whose
signatures agree on all rows of any one band share a key; with 42 bands of 3 rows an article
with Jaccard similarity 0.5 to another becomes a candidate with probability 0.996, one with 0.1
with probability 0.04. Candidates are only candidates: ``nashra.dedupe.decide`` checks each
against the exact Jaccard of the shingle sets.

The index lives in the same database as the articles, so a restart loses nothing; articles
stored without it (before migration 2, or by other code paths) are indexed lazily by
``ensure``. ``prune`` drops entries older than the retention window.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa

from nashra.dedupe.shingles import NUM_PERM
from nashra.store import schema

BANDS = 42
ROWS = 3
assert BANDS * ROWS == NUM_PERM
PARAMS = f"minhash-mas64/{NUM_PERM}/{BANDS}x{ROWS}/w3"  # changing any of these rebuilds

_ROW_MIX = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB], dtype=np.uint64)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0xD6E8FEB86659FD93)

da = schema.dedupe_articles
db = schema.dedupe_bands
dt = schema.dedupe_terms
dm = schema.dedupe_meta


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band: the band's rows and its number, mixed."""
    rows = sig.reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (rows * _ROW_MIX).sum(axis=1, dtype=np.uint64) ^ _BAND_SALT
        mixed ^= mixed >> np.uint64(31)
    return [int(k) for k in mixed.view(np.int64)]


def term_key(kind: str, term: str) -> int:
    """A story term's key: ``kind`` is ``t`` (title word) or ``e`` (entity)."""
    return zlib.crc32(f"{kind}:{term}".encode())


def add(
    conn: sa.Connection,
    article_id: int,
    *,
    source: str,
    priority: int,
    at: datetime,
    shingle_count: int,
    keys: Sequence[int],
    terms: Iterable[int],
    reason: str | None = None,
) -> None:
    conn.execute(
        da.insert().values(
            article_id=article_id,
            source=source,
            priority=priority,
            at=at,
            shingles=shingle_count,
            reason=reason,
        )
    )
    if keys:
        conn.execute(db.insert(), [{"key": k, "article_id": article_id} for k in set(keys)])
    term_rows = [{"term": t, "at": at, "article_id": article_id} for t in set(terms)]
    if term_rows:
        conn.execute(dt.insert(), term_rows)


def remove(conn: sa.Connection, article_ids: Sequence[int]) -> None:
    ids = list(article_ids)
    for table in (db, dt, da):
        conn.execute(table.delete().where(table.c.article_id.in_(ids)))


# Built once: a statement with an expanding parameter compiles once and is cached, where
# ``in_(list)`` would build one bound parameter per key on every call (most of the cost).
_hits = sa.func.count().label("hits")
_BAND_Q = (
    sa.select(db.c.article_id, _hits)
    .join(da, da.c.article_id == db.c.article_id)
    .where(
        db.c.key.in_(sa.bindparam("keys", expanding=True)),
        da.c.at.between(sa.bindparam("since"), sa.bindparam("until")),
    )
    .group_by(db.c.article_id)
    .order_by(_hits.desc(), db.c.article_id)
    .limit(sa.bindparam("n"))
)
_TERM_Q = (
    sa.select(dt.c.article_id, _hits)
    .where(
        dt.c.term.in_(sa.bindparam("terms", expanding=True)),
        dt.c.at.between(sa.bindparam("since"), sa.bindparam("until")),
    )
    .group_by(dt.c.article_id)
    .having(_hits >= sa.bindparam("min_shared"))
    .order_by(_hits.desc(), dt.c.article_id)
    .limit(sa.bindparam("n"))
)


def band_candidates(
    conn: sa.Connection, keys: Sequence[int], since: datetime, until: datetime, limit: int
) -> list[tuple[int, int]]:
    """Indexed articles sharing a band key, within the time window: (id, bands shared), the
    most shared first."""
    if not keys:
        return []
    params = {"keys": list(keys), "since": since, "until": until, "n": limit}
    return [(int(r[0]), int(r[1])) for r in conn.execute(_BAND_Q, params)]


def term_candidates(
    conn: sa.Connection,
    terms: Sequence[int],
    since: datetime,
    until: datetime,
    *,
    min_shared: int,
    limit: int,
) -> list[tuple[int, int]]:
    """Indexed articles sharing at least ``min_shared`` story terms within the time window."""
    if not terms:
        return []
    params = {
        "terms": list(terms),
        "since": since,
        "until": until,
        "min_shared": min_shared,
        "n": limit,
    }
    return [(int(r[0]), int(r[1])) for r in conn.execute(_TERM_Q, params)]


_PRIORITY_Q = sa.select(da.c.priority).where(da.c.article_id == sa.bindparam("id"))


def priority_of(conn: sa.Connection, article_id: int) -> int:
    r = conn.execute(_PRIORITY_Q, {"id": article_id}).first()
    return int(r[0]) if r else 0


def prune(conn: sa.Connection, before: datetime) -> int:
    """Forget index entries of articles older than ``before`` (the articles stay)."""
    old = sa.select(da.c.article_id).where(da.c.at < before)
    conn.execute(db.delete().where(db.c.article_id.in_(old)))
    conn.execute(dt.delete().where(dt.c.at < before))
    return int(conn.execute(da.delete().where(da.c.at < before)).rowcount or 0)


def get_meta(conn: sa.Connection, name: str) -> str | None:
    r = conn.execute(sa.select(dm.c.value).where(dm.c.name == name)).first()
    return str(r[0]) if r else None


def set_meta(conn: sa.Connection, name: str, value: str) -> None:
    conn.execute(dm.delete().where(dm.c.name == name))
    conn.execute(dm.insert().values(name=name, value=value))


def clear(conn: sa.Connection) -> None:
    for table in (db, dt, da):
        conn.execute(table.delete())


def unindexed(
    conn: sa.Connection, since: datetime, limit: int, below: int | None = None
) -> tuple[list[int], int | None]:
    """Live articles of the window that have no index entry yet, walking down the primary key
    from ``below`` (a bounded range, never a scan of the archive): (ids, where to go on from;
    None once the walk is past the window)."""
    a = schema.articles
    q = sa.select(a.c.id, a.c.published_utc, a.c.created_at, a.c.deleted_at, da.c.article_id)
    q = q.outerjoin(da, da.c.article_id == a.c.id)
    if below is None:  # start at the top: max(id) is one step down the primary key
        top = conn.execute(sa.select(sa.func.max(a.c.id))).scalar()
        if top is None:
            return [], None
        below = int(top) + 1
    q = q.where(a.c.id < below)
    rows = conn.execute(q.order_by(a.c.id.desc()).limit(limit)).all()
    if not rows:
        return [], None
    bound = since if since.tzinfo else since.replace(tzinfo=UTC)
    out, old = [], 0
    for r in rows:
        when = r[1] or r[2]
        when = when if when is None or when.tzinfo else when.replace(tzinfo=UTC)
        if when is not None and when < bound:
            old += 1
            continue
        if r[4] is None and r[3] is None:
            out.append(int(r[0]))
    nxt = None if old == len(rows) else int(rows[-1][0])
    return sorted(out), nxt
