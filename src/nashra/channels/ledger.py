"""What publishing remembers across restarts: pacing, 429 pauses, paused channels, moved chats.

Pacing is computed from the ``sends`` ledger (one row per request that may reach the service), so
a restart or a second worker never resets it. Each row is written when the send is claimed and
moved to the time the reply arrived, so "the request reached the service within [claimed,
finished]" holds and a sliding window over ``at`` is never under-counted. Times are wall-clock
UTC (they must survive a restart); a clock jumping back only makes pacing wait longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from nashra.store import schema
from nashra.store.util import aware, now

s = schema.sends
th = schema.throttles
cs = schema.channel_state


@dataclass(frozen=True, slots=True)
class Pacing:
    """How fast one channel may send (Telegram: 20 per 60 s, 1 s apart, 30/s per bot)."""

    per_window: int = 20
    window: float = 60.0
    min_gap: float = 1.0
    throttle_key: str | None = None  # sends sharing credentials share the per-second cap
    per_second: int = 30


def wait_for(
    conn: sa.Connection, channel: str, pacing: Pacing, at: datetime | None = None
) -> float:
    """Seconds until this channel may send again (0: now)."""
    at = at or now()
    waits = [0.0]
    if pacing.throttle_key:
        until = aware(
            conn.execute(sa.select(th.c.until).where(th.c.key == pacing.throttle_key)).scalar()
        )
        if until is not None and until > at:
            waits.append((until - at).total_seconds())
    recent = [
        aware(r[0])
        for r in conn.execute(
            sa.select(s.c.at)
            .where(s.c.channel == channel, s.c.at > at - timedelta(seconds=pacing.window))
            .order_by(s.c.at.desc())
            .limit(max(pacing.per_window, 1))
        )
    ]
    stamps = [r for r in recent if r is not None]
    if stamps:
        waits.append(pacing.min_gap - (at - stamps[0]).total_seconds())
    if len(stamps) >= pacing.per_window:
        waits.append(pacing.window - (at - stamps[-1]).total_seconds())
    if pacing.throttle_key:
        second = [
            aware(r[0])
            for r in conn.execute(
                sa.select(s.c.at)
                .where(s.c.throttle_key == pacing.throttle_key, s.c.at > at - timedelta(seconds=1))
                .order_by(s.c.at)
            )
        ]
        if len(second) >= pacing.per_second and second[0] is not None:
            waits.append(1.0 - (at - second[0]).total_seconds())
    return max(waits)


def record_send(
    conn: sa.Connection,
    channel: str,
    throttle_key: str | None,
    *,
    post_id: int | None,
    part: int | None = None,
    action: str = "send",
) -> int:
    res = conn.execute(
        s.insert().values(
            channel=channel,
            throttle_key=throttle_key,
            at=now(),
            post_id=post_id,
            part=part,
            action=action,
        )
    )
    pk = res.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def finished(conn: sa.Connection, send_id: int) -> None:
    """The reply came back (or the request failed): the request reached the service before now."""
    conn.execute(s.update().where(s.c.id == send_id).values(at=now()))


def throttle(conn: sa.Connection, key: str, seconds: float, reason: str) -> None:
    """Every send through ``key`` waits until now + seconds (a 429's retry_after)."""
    until = now() + timedelta(seconds=seconds)
    current = aware(conn.execute(sa.select(th.c.until).where(th.c.key == key)).scalar())
    if current is None:
        conn.execute(th.insert().values(key=key, until=until, reason=reason))
    elif until > current:
        conn.execute(th.update().where(th.c.key == key).values(until=until, reason=reason))


@dataclass(frozen=True, slots=True)
class ChannelState:
    channel: str
    paused_reason: str | None = None
    paused_at: datetime | None = None
    target: str | None = None


def state(conn: sa.Connection, channel: str) -> ChannelState:
    row = conn.execute(sa.select(cs).where(cs.c.channel == channel)).first()
    if row is None:
        return ChannelState(channel)
    m = row._mapping
    return ChannelState(channel, m["paused_reason"], aware(m["paused_at"]), m["target"])


def _upsert(conn: sa.Connection, channel: str, **values: object) -> None:
    values["updated_at"] = now()
    res = conn.execute(cs.update().where(cs.c.channel == channel).values(**values))
    if not res.rowcount:
        conn.execute(cs.insert().values(channel=channel, **values))


def pause(conn: sa.Connection, channel: str, reason: str) -> None:
    _upsert(conn, channel, paused_reason=reason, paused_at=now())


def resume(conn: sa.Connection, channel: str) -> bool:
    res = conn.execute(
        cs.update()
        .where(cs.c.channel == channel, cs.c.paused_reason.is_not(None))
        .values(paused_reason=None, paused_at=None, updated_at=now())
    )
    return bool(res.rowcount)


def set_target(conn: sa.Connection, channel: str, target: str) -> None:
    _upsert(conn, channel, target=target)


def all_states(conn: sa.Connection) -> list[ChannelState]:
    return [
        ChannelState(
            r._mapping["channel"],
            r._mapping["paused_reason"],
            aware(r._mapping["paused_at"]),
            r._mapping["target"],
        )
        for r in conn.execute(sa.select(cs).order_by(cs.c.channel))
    ]
