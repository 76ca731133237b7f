"""Source rows: configuration mirrored from the config file plus fetch state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from nashra.schedule import should_disable
from nashra.store import schema
from nashra.store.util import aware, now


@dataclass(frozen=True, slots=True)
class SourceState:
    name: str
    url: str
    kind: str | None
    etag: str | None
    last_modified: str | None
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime | None
    consecutive_errors: int
    last_error: str | None
    last_error_code: str | None
    disabled: bool
    first_run_done: bool

    def due(self, at: datetime | None = None) -> bool:
        at = at or datetime.now(UTC)
        return not self.disabled and (self.next_poll_at is None or self.next_poll_at <= at)


def _row(r: sa.Row[tuple[object, ...]]) -> SourceState:
    m = r._mapping
    return SourceState(
        name=m["name"],
        url=m["url"],
        kind=m["kind"],
        etag=m["etag"],
        last_modified=m["last_modified"],
        last_fetch_at=aware(m["last_fetch_at"]),
        last_success_at=aware(m["last_success_at"]),
        next_poll_at=aware(m["next_poll_at"]),
        consecutive_errors=m["consecutive_errors"],
        last_error=m["last_error"],
        last_error_code=m["last_error_code"],
        disabled=bool(m["disabled"]),
        first_run_done=bool(m["first_run_done"]),
    )


def upsert(conn: sa.Connection, name: str, url: str, kind: str | None) -> None:
    t = schema.sources
    row = conn.execute(sa.select(t.c.url, t.c.kind).where(t.c.name == name)).first()
    if row is None:
        conn.execute(t.insert().values(name=name, url=url, kind=kind, created_at=now()))
    elif row.url != url:
        # A new URL is a new feed: forget the validators, keep the name.
        conn.execute(
            t.update()
            .where(t.c.name == name)
            .values(url=url, kind=kind, etag=None, last_modified=None, next_poll_at=None)
        )
    elif kind and row.kind != kind:
        conn.execute(t.update().where(t.c.name == name).values(kind=kind))


def get(conn: sa.Connection, name: str) -> SourceState | None:
    r = conn.execute(sa.select(schema.sources).where(schema.sources.c.name == name)).first()
    return _row(r) if r else None


def all_states(conn: sa.Connection) -> list[SourceState]:
    rows = conn.execute(sa.select(schema.sources).order_by(schema.sources.c.name))
    return [_row(r) for r in rows]


def record_success(
    conn: sa.Connection,
    name: str,
    *,
    etag: str | None,
    last_modified: str | None,
    next_poll_at: datetime,
    kind: str | None = None,
) -> None:
    t = schema.sources
    values: dict[str, object] = dict(
        etag=etag,
        last_modified=last_modified,
        last_fetch_at=now(),
        last_success_at=now(),
        next_poll_at=next_poll_at,
        consecutive_errors=0,
        last_error=None,
        last_error_code=None,
    )
    if kind:
        values["kind"] = kind
    conn.execute(t.update().where(t.c.name == name).values(**values))


def record_error(
    conn: sa.Connection,
    name: str,
    *,
    code: str,
    message: str,
    next_poll_at: datetime,
    error_limit: int,
) -> int:
    """Count one more consecutive error; disable the source at the limit. Returns the count."""
    t = schema.sources
    count = conn.execute(sa.select(t.c.consecutive_errors).where(t.c.name == name)).scalar_one()
    count = int(count) + 1
    conn.execute(
        t.update()
        .where(t.c.name == name)
        .values(
            consecutive_errors=count,
            last_error=message,
            last_error_code=code,
            last_fetch_at=now(),
            next_poll_at=next_poll_at,
            disabled=should_disable(count, error_limit),
        )
    )
    return count


EMPTY_POLLS_TO_FINISH = 2


def set_first_run_done(conn: sa.Connection, name: str) -> None:
    t = schema.sources
    conn.execute(t.update().where(t.c.name == name).values(first_run_done=True))


def first_run_polled(conn: sa.Connection, name: str, *, items: int) -> bool:
    """One successful poll of a source still on its first run; True when the run is now done.

    Done after a poll that returned items (they are the ones marked seen), or after the second
    poll of a valid feed that says it is empty. A first poll that failed, or a single empty
    answer (a feed being rebuilt, a CMS between deploys), leaves it open: otherwise every item
    of the recovered feed would be published as new."""
    t = schema.sources
    if items:
        conn.execute(t.update().where(t.c.name == name).values(first_run_done=True))
        return True
    conn.execute(t.update().where(t.c.name == name).values(empty_polls=t.c.empty_polls + 1))
    count = conn.execute(sa.select(t.c.empty_polls).where(t.c.name == name)).scalar_one()
    if int(count) >= EMPTY_POLLS_TO_FINISH:
        conn.execute(t.update().where(t.c.name == name).values(first_run_done=True))
        return True
    return False


def set_enabled(conn: sa.Connection, name: str, enabled: bool) -> bool:
    t = schema.sources
    values: dict[str, object] = {"disabled": not enabled}
    if enabled:
        values.update(consecutive_errors=0, next_poll_at=None)
    res = conn.execute(t.update().where(t.c.name == name).values(**values))
    return bool(res.rowcount)
