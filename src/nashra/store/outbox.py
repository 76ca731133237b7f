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
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from nashra.models import Post, PostState
from nashra.store import schema
from nashra.store.util import aware, now

t = schema.posts
d = schema.deliveries


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
    head = conn.execute(
        sa.select(t).where(t.c.channel == channel, t.c.state.in_(_OPEN)).order_by(t.c.id).limit(1)
    ).first()
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


def recover_stale(conn: sa.Connection, lease: timedelta) -> int:
    """Posts left in flight longer than the lease (a crash mid-send) become ``unknown``."""
    cutoff = now() - lease
    ids = [
        r[0]
        for r in conn.execute(
            sa.select(t.c.id).where(t.c.state == PostState.IN_FLIGHT.value, t.c.claimed_at < cutoff)
        )
    ]
    for pid in ids:
        mark_unknown(conn, pid, "انقطع الإرسال قبل تسجيل نتيجته — crashed between send and record")
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
