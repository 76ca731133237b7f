"""The outbox: a rendered post is stored before it is sent.

    pending ─claim→ in_flight ─ok→ sent
                              ─retryable (nothing went out, or 429)→ pending (next_attempt_at)
                              ─content refused→ failed
                              ─outcome unknown (timeout after sending, crash)→ unknown
    held (review queue) ─approve→ pending;  ─reject→ rejected
    skipped: stored on a source's first run, never sent

``unknown`` is never resent automatically: an operator resolves it (``nashra outbox``). Order is
kept per channel: only the oldest open post of a channel may be claimed, and only when no other
post of that channel is in flight. A post left ``in_flight`` by a crash becomes ``unknown``.

A post a channel sends as several messages (a photo, then the rest of a long article as text) is
planned into ``post_parts`` once; each part is its own claim → send → record, so a crash between
parts never resends an accepted part. The post stays ``pending`` between parts and settles when
every part is done: ``sent`` if all were accepted, else ``unknown`` / ``failed`` (a person looks;
``resend`` sends only the parts that were not accepted).

Claiming is safe with several workers: SQLite serialises writers (BEGIN IMMEDIATE); on PostgreSQL
the head row is locked ``FOR UPDATE SKIP LOCKED`` and the state change is a conditional UPDATE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from nashra.models import Post, PostState
from nashra.store import schema
from nashra.store.util import aware, now

t = schema.posts
d = schema.deliveries
pp = schema.post_parts


def from_row(m: Any) -> Post:
    return Post(
        id=m["id"],
        article_id=m["article_id"],
        channel=m["channel"],
        text=m["text"],
        title=m["title"],
        url=m["url"],
        image=m["image"],
        hashtags=tuple(m["hashtags"]),
        html=m["html"],
        state=PostState(m["state"]),
        attempts=m["attempts"],
        remote_id=m["remote_id"],
    )


def add(conn: sa.Connection, post: Post, state: PostState = PostState.PENDING) -> int | None:
    """Insert the post unless this article already has one on this channel."""
    exists = conn.execute(
        sa.select(t.c.id).where(t.c.article_id == post.article_id, t.c.channel == post.channel)
    ).first()
    if exists:
        return None
    stamp = now()
    res = conn.execute(
        t.insert().values(
            article_id=post.article_id,
            channel=post.channel,
            state=state.value,
            text=post.text,
            title=post.title,
            url=post.url,
            image=post.image,
            hashtags=list(post.hashtags),
            html=post.html,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    pk = res.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def edit_held(conn: sa.Connection, post_id: int, text: str) -> bool:
    """An editor's new text for a post still held for review."""
    res = conn.execute(
        t.update()
        .where(t.c.id == post_id, t.c.state == PostState.HELD.value)
        .values(text=text, updated_at=now())
    )
    return bool(res.rowcount)


def rerender_unsent(conn: sa.Connection, post: Post) -> None:
    """New text for an article's post that has not left the outbox (pending or held)."""
    conn.execute(
        t.update()
        .where(
            t.c.article_id == post.article_id,
            t.c.channel == post.channel,
            t.c.state.in_((PostState.PENDING.value, PostState.HELD.value)),
        )
        .values(text=post.text, title=post.title, updated_at=now())
    )


def rerender(conn: sa.Connection, post: Post) -> None:
    """New text for an article's post; a post already sent is flagged for an edit."""
    conn.execute(
        t.update()
        .where(t.c.article_id == post.article_id, t.c.channel == post.channel)
        .values(
            text=post.text,
            title=post.title,
            hashtags=list(post.hashtags),
            needs_edit=t.c.state == PostState.SENT.value,
            updated_at=now(),
        )
    )


_OPEN = (PostState.PENDING.value, PostState.IN_FLIGHT.value)


def claim(conn: sa.Connection, channel: str, at: datetime | None = None) -> Post | None:
    """Take the channel's oldest pending post if it is due and nothing else is in flight."""
    at = at or now()
    q = sa.select(t).where(t.c.channel == channel, t.c.state.in_(_OPEN)).order_by(t.c.id).limit(1)
    if conn.dialect.name == "postgresql":
        first = conn.execute(
            sa.select(sa.func.min(t.c.id)).where(t.c.channel == channel, t.c.state.in_(_OPEN))
        ).scalar()
        head = conn.execute(q.with_for_update(skip_locked=True)).first()
        if head is not None and head._mapping["id"] != first:
            return None  # another worker holds the head: order is kept, so wait
    else:
        head = conn.execute(q).first()
    if head is None or head._mapping["state"] != PostState.PENDING.value:
        return None
    due = aware(head._mapping["next_attempt_at"])
    if due is not None and due > at:
        return None
    res = conn.execute(
        t.update()
        .where(t.c.id == head._mapping["id"], t.c.state == PostState.PENDING.value)
        .values(
            state=PostState.IN_FLIGHT.value,
            claimed_at=at,
            attempts=t.c.attempts + 1,
            updated_at=at,
        )
    )
    if res.rowcount != 1:  # another worker took it (PostgreSQL without a table lock)
        return None
    post = from_row(head._mapping)
    conn.execute(
        d.insert().values(
            post_id=post.id, channel=channel, attempt=post.attempts + 1, started_at=at
        )
    )
    return post


def head_due(conn: sa.Connection, channel: str, lease: timedelta) -> datetime | None:
    """When the channel's head post may be tried again (None: there is no head).

    A head in flight (another process's send, or a crashed one) is due when its lease ends.
    """
    head = conn.execute(
        sa.select(t.c.state, t.c.next_attempt_at, t.c.claimed_at)
        .where(t.c.channel == channel, t.c.state.in_(_OPEN))
        .order_by(t.c.id)
        .limit(1)
    ).first()
    if head is None:
        return None
    if head[0] == PostState.IN_FLIGHT.value:
        claimed = aware(head[2])
        return None if claimed is None else claimed + lease
    return aware(head[1])


def _finish(
    conn: sa.Connection,
    post_id: int,
    state: PostState,
    outcome: str,
    *,
    detail: str | None = None,
    remote_id: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    stamp = now()
    values: dict[str, Any] = dict(state=state.value, updated_at=stamp, last_error=detail)
    if state is PostState.SENT:
        values.update(remote_id=remote_id, sent_at=stamp, last_error=None, needs_edit=False)
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    conn.execute(t.update().where(t.c.id == post_id).values(**values))
    last = conn.execute(
        sa.select(sa.func.max(d.c.id)).where(d.c.post_id == post_id, d.c.finished_at.is_(None))
    ).scalar()
    if last is not None:
        conn.execute(
            d.update()
            .where(d.c.id == last)
            .values(finished_at=stamp, outcome=outcome, detail=detail, remote_id=remote_id)
        )


def mark_sent(conn: sa.Connection, post_id: int, remote_id: str | None) -> None:
    _finish(conn, post_id, PostState.SENT, "sent", remote_id=remote_id)


def mark_retry(conn: sa.Connection, post_id: int, at: datetime, detail: str) -> None:
    _finish(conn, post_id, PostState.PENDING, "retry", detail=detail, next_attempt_at=at)


def mark_failed(conn: sa.Connection, post_id: int, detail: str) -> None:
    _finish(conn, post_id, PostState.FAILED, "failed", detail=detail)


def mark_unknown(conn: sa.Connection, post_id: int, detail: str) -> None:
    _finish(conn, post_id, PostState.UNKNOWN, "unknown", detail=detail)


_CRASHED = "انقطع الإرسال قبل تسجيل نتيجته — crashed between send and record"


def recover_stale(conn: sa.Connection, lease: timedelta, channel: str | None = None) -> int:
    """Posts left in flight longer than the lease (a crash mid-send) become ``unknown``.

    For a post sent in parts only the part that was in flight is unknown; the post goes back to
    ``pending`` so its remaining parts continue (and settles as ``unknown`` at the end).
    """
    cutoff = now() - lease
    q = sa.select(t.c.id).where(t.c.state == PostState.IN_FLIGHT.value, t.c.claimed_at < cutoff)
    if channel is not None:
        q = q.where(t.c.channel == channel)
    ids = [r[0] for r in conn.execute(q)]
    for pid in ids:
        if has_parts(conn, pid):
            conn.execute(
                pp.update()
                .where(pp.c.post_id == pid, pp.c.state == PostState.IN_FLIGHT.value)
                .values(state=PostState.UNKNOWN.value, last_error=_CRASHED)
            )
            settle(conn, pid, "unknown", _CRASHED)
        else:
            mark_unknown(conn, pid, _CRASHED)
    return len(ids)


def resolve(conn: sa.Connection, post_id: int, decision: str) -> bool:
    """An operator's decision on an ``unknown``/``failed``/``held`` post.

    ``sent``: it did arrive; ``resend``: it did not, send again; ``drop``: give it up;
    ``approve`` / ``reject``: for a held post (review queue).
    """
    allowed = {
        "sent": ((PostState.UNKNOWN,), PostState.SENT),
        "resend": ((PostState.UNKNOWN, PostState.FAILED), PostState.PENDING),
        "drop": ((PostState.UNKNOWN, PostState.FAILED), PostState.REJECTED),
        "approve": ((PostState.HELD,), PostState.PENDING),
        "reject": ((PostState.HELD,), PostState.REJECTED),
    }
    if decision not in allowed:
        raise ValueError(decision)
    sources, target = allowed[decision]
    res = conn.execute(
        t.update()
        .where(t.c.id == post_id, t.c.state.in_([s.value for s in sources]))
        .values(state=target.value, updated_at=now(), next_attempt_at=None)
    )
    if res.rowcount and decision in ("sent", "resend"):
        # parts follow the post: "sent" accepts the ambiguous ones, "resend" retries only them
        new = PostState.SENT if decision == "sent" else PostState.PENDING
        conn.execute(
            pp.update()
            .where(
                pp.c.post_id == post_id,
                pp.c.state.in_([PostState.UNKNOWN.value, PostState.FAILED.value]),
            )
            .values(state=new.value)
        )
    return bool(res.rowcount)


def get(conn: sa.Connection, post_id: int) -> Post | None:
    r = conn.execute(sa.select(t).where(t.c.id == post_id)).first()
    return from_row(r._mapping) if r else None


def listing(
    conn: sa.Connection, *, state: str | None = None, channel: str | None = None, limit: int = 100
) -> list[tuple[Post, str | None]]:
    q = sa.select(t)
    if state:
        q = q.where(t.c.state == state)
    if channel:
        q = q.where(t.c.channel == channel)
    rows = conn.execute(q.order_by(t.c.id.desc()).limit(limit))
    return [(from_row(r._mapping), r._mapping["last_error"]) for r in rows]


def counts(conn: sa.Connection) -> dict[str, int]:
    rows = conn.execute(sa.select(t.c.state, sa.func.count()).group_by(t.c.state))
    return {r[0]: int(r[1]) for r in rows}


def mark_skipped(conn: sa.Connection, post_id: int, detail: str) -> None:
    """Not for this channel (its routing rules): kept, with the reason, never sent."""
    _finish(conn, post_id, PostState.SKIPPED, "skipped", detail=detail)


# -- parts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a post: what to send, and where it stands."""

    idx: int
    kind: str  # text | photo
    body: str
    image: str | None = None
    state: PostState = PostState.PENDING
    remote_id: str | None = None
    attempts: int = 0
    post_id: int = 0


def _part(m: Any) -> Part:
    return Part(
        idx=m["idx"],
        kind=m["kind"],
        body=m["body"],
        image=m["image"],
        state=PostState(m["state"]),
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
                kind=part.kind,
                body=part.body,
                image=part.image,
                state=PostState.PENDING.value,
            )
        )


def claim_part(conn: sa.Connection, post_id: int) -> Part | None:
    """The post's next part that was never sent (its lowest pending index), now in flight."""
    row = conn.execute(
        sa.select(pp)
        .where(pp.c.post_id == post_id, pp.c.state == PostState.PENDING.value)
        .order_by(pp.c.idx)
        .limit(1)
    ).first()
    if row is None:
        return None
    res = conn.execute(
        pp.update()
        .where(pp.c.id == row._mapping["id"], pp.c.state == PostState.PENDING.value)
        .values(state=PostState.IN_FLIGHT.value, attempts=pp.c.attempts + 1, claimed_at=now())
    )
    return _part(row._mapping) if res.rowcount == 1 else None


def finish_part(
    conn: sa.Connection,
    post_id: int,
    idx: int,
    state: PostState,
    *,
    remote_id: str | None = None,
    detail: str | None = None,
    body: str | None = None,
) -> None:
    values: dict[str, Any] = dict(state=state.value, last_error=detail)
    if state is PostState.SENT:
        values.update(remote_id=remote_id, sent_at=now())
    if body is not None:
        values["body"] = body
    conn.execute(pp.update().where(pp.c.post_id == post_id, pp.c.idx == idx).values(**values))


def set_part_body(conn: sa.Connection, post_id: int, idx: int, body: str) -> None:
    conn.execute(pp.update().where(pp.c.post_id == post_id, pp.c.idx == idx).values(body=body))


def settle(conn: sa.Connection, post_id: int, outcome: str, detail: str | None = None) -> str:
    """After a part: the post is pending while parts remain, else sent / unknown / failed."""
    states = [p.state for p in parts(conn, post_id)]
    if PostState.PENDING in states or PostState.IN_FLIGHT in states:
        _finish(conn, post_id, PostState.PENDING, outcome, detail=detail)
        conn.execute(t.update().where(t.c.id == post_id).values(next_attempt_at=None))
        return "part"
    first = conn.execute(
        sa.select(pp.c.remote_id).where(pp.c.post_id == post_id).order_by(pp.c.idx).limit(1)
    ).scalar()
    if PostState.UNKNOWN in states:
        _finish(conn, post_id, PostState.UNKNOWN, "unknown", detail=detail or "a part is unknown")
        return "unknown"
    if PostState.FAILED in states:
        _finish(conn, post_id, PostState.FAILED, "failed", detail=detail or "a part failed")
        return "failed"
    _finish(conn, post_id, PostState.SENT, "sent", remote_id=first)
    return "sent"


# -- edits ------------------------------------------------------------------------------------


def next_edit(conn: sa.Connection, channel: str) -> Post | None:
    row = conn.execute(
        sa.select(t)
        .where(t.c.channel == channel, t.c.state == PostState.SENT.value, t.c.needs_edit)
        .order_by(t.c.updated_at, t.c.id)
        .limit(1)
    ).first()
    return from_row(row._mapping) if row else None


def edited(conn: sa.Connection, post: Post, detail: str | None = None) -> None:
    """The edit landed (or cannot be made): clear the flag unless the text changed meanwhile."""
    conn.execute(
        t.update()
        .where(t.c.id == post.id, t.c.text == post.text)
        .values(needs_edit=False, last_error=detail, updated_at=now())
    )


def reopen(conn: sa.Connection, post_id: int) -> None:
    """A sent post got new parts (its article grew): pending again, so they are sent."""
    conn.execute(
        t.update()
        .where(t.c.id == post_id)
        .values(state=PostState.PENDING.value, needs_edit=False, next_attempt_at=None)
    )


def edit_later(conn: sa.Connection, post_id: int, detail: str) -> None:
    conn.execute(t.update().where(t.c.id == post_id).values(last_error=detail, updated_at=now()))
