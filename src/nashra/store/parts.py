"""The parts of a post in the outbox: planned once, claimed one at a time in order, each with
the channel's remote id once it is out. ``nashra.store.outbox`` holds the state machine that
moves them (``record``); these are the reads and writes it and the publisher share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from nashra.models import Part, PartKind, PartState
from nashra.store import schema
from nashra.store.util import now

t = schema.posts
pp = schema.post_parts


def _part(m: Any) -> Part:
    return Part(
        idx=m["idx"],
        kind=PartKind(m["kind"]),
        body=m["body"],
        image=m["image"],
        images=tuple(m["images"] or ()),
        state=PartState(m["state"]),
        remote_id=m["remote_id"],
        attempts=m["attempts"],
        post_id=m["post_id"],
    )


def has_parts(conn: sa.Connection, post_id: int) -> bool:
    return (
        conn.execute(sa.select(pp.c.id).where(pp.c.post_id == post_id).limit(1)).first() is not None
    )


def parts(conn: sa.Connection, post_id: int) -> list[Part]:
    rows = conn.execute(sa.select(pp).where(pp.c.post_id == post_id).order_by(pp.c.idx))
    return [_part(r._mapping) for r in rows]


def add_parts(conn: sa.Connection, post_id: int, planned: Sequence[Part], first: int = 0) -> None:
    for i, part in enumerate(planned, start=first):
        conn.execute(
            pp.insert().values(
                post_id=post_id,
                idx=i,
                kind=part.kind.value,
                body=part.body,
                image=part.image,
                images=list(part.images) if part.images else None,
                state=PartState.PENDING.value,
            )
        )


def claim_part(conn: sa.Connection, post_id: int) -> Part | None:
    """The post's first part not yet sent, now in flight (a ``checking`` one stays checking: the
    publisher asks the channel instead of sending). None when that part waits for a person."""
    row = conn.execute(
        sa.select(pp)
        .where(pp.c.post_id == post_id, pp.c.state != PartState.SENT.value)
        .order_by(pp.c.idx)
        .limit(1)
    ).first()
    if row is None:
        return None
    state = PartState(row._mapping["state"])
    if state not in (PartState.PENDING, PartState.CHECKING):
        return None
    new = PartState.IN_FLIGHT if state is PartState.PENDING else state
    res = conn.execute(
        pp.update()
        .where(pp.c.id == row._mapping["id"], pp.c.state == state.value)
        .values(state=new.value, attempts=pp.c.attempts + 1, claimed_at=now())
    )
    if res.rowcount != 1:
        return None
    part = _part(row._mapping)
    return replace(part, state=new, attempts=part.attempts + 1)


def last_remote(conn: sa.Connection, channel: str) -> str | None:
    """The remote id of the channel's last confirmed part (a reconcile's lower bound)."""
    return conn.execute(
        sa.select(pp.c.remote_id)
        .select_from(pp.join(t, t.c.id == pp.c.post_id))
        .where(
            t.c.channel == channel, pp.c.state == PartState.SENT.value, pp.c.remote_id.is_not(None)
        )
        .order_by(pp.c.sent_at.desc(), pp.c.id.desc())
        .limit(1)
    ).scalar()


def forget_remote(conn: sa.Connection, post_id: int, idx: int) -> None:
    """A part's earlier copy was removed from the channel (before it is sent again)."""
    conn.execute(pp.update().where(pp.c.post_id == post_id, pp.c.idx == idx).values(remote_id=None))


def set_part_body(conn: sa.Connection, post_id: int, idx: int, body: str) -> None:
    conn.execute(pp.update().where(pp.c.post_id == post_id, pp.c.idx == idx).values(body=body))
