"""The outbox: a rendered post is stored, planned into parts, and each part sent on its own.

One state machine, on parts (``PartState``); a post's state follows from its parts'
(``record`` is the only place either changes after a claim):

    part  pending ─claim→ in_flight ─SENT→ sent            (the next part may go now)
                                    ─RETRY (not sent, 429)→ pending at retry_at
                                    ─CHECK (maybe sent)→ checking ─LANDED→ sent
                                                                  ─ABSENT→ pending (sent again)
                                                                  ─CANNOT_TELL→ unknown
                                    ─FAILED (refused)→ failed
                                    ─UNKNOWN→ unknown
    post  pending while a part waits; in_flight while one is sent or checked; sent when every
          part is; unknown / failed as soon as a part is (the later parts wait for a person:
          a part never goes out before the one before it is confirmed, so a post is never
          headless). held (review) ─approve→ pending; skipped / rejected are never sent.

Order is kept per channel: only the oldest open post of a channel may be claimed, and only when
no other post of that channel is in flight. A claim's ``claimed_at`` is renewed by the sender's
heartbeat; a post in flight whose heartbeat is older than the channel's lease was cut by a crash
(``recover_stale``): its part is sent again (idempotent channel), checked (a channel that
reconciles) or ``unknown``. ``resolve … resend`` of a post cut mid-way starts it again from its
first part (the publisher removes the parts already out when the channel can delete).

Claiming is safe with several workers: SQLite serialises writers (BEGIN IMMEDIATE); on PostgreSQL
the head row is locked ``FOR UPDATE SKIP LOCKED`` and the state change is a conditional UPDATE.
The rows of the parts themselves are read and written by ``nashra.store.parts``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from nashra.models import PartState, Post, PostState
from nashra.store import schema
from nashra.store.parts import parts
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
        images=tuple(m["images"] or ()),
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
            images=list(post.images),
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
    # parts planned from the old text and not one of them out yet: planned again at the claim
    ids = conn.execute(
        sa.select(t.c.id).where(
            t.c.article_id == post.article_id,
            t.c.channel == post.channel,
            t.c.state.in_((PostState.PENDING.value, PostState.HELD.value)),
        )
    ).scalars()
    for pid in list(ids):
        if all(p.state is PartState.PENDING and not p.remote_id for p in parts(conn, pid)):
            conn.execute(pp.delete().where(pp.c.post_id == pid))


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


def attribution_edit(conn: sa.Connection, post: Post, every: timedelta) -> bool:
    """A sent post gets new text naming one more outlet (نقلته أيضًا): flag it for an edit. The
    first such edit goes out at once; each later one no sooner than ``every`` after the one
    before (outlets that arrive meanwhile ride on the pending edit). True if a sent post was
    flagged."""
    row = conn.execute(
        sa.select(t.c.id, t.c.sent_at, t.c.edit_after, t.c.needs_edit).where(
            t.c.article_id == post.article_id,
            t.c.channel == post.channel,
            t.c.state == PostState.SENT.value,
        )
    ).first()
    if row is None:
        return False
    stamp = now()
    pending = aware(row.edit_after) if row.needs_edit else None
    if pending is not None and pending > stamp:
        due = pending  # an edit is already waiting: it will carry this outlet too
    else:
        last = aware(row.edit_after)  # when the previous attribution edit was allowed out
        due = stamp if last is None else max(stamp, last + every)
    conn.execute(
        t.update()
        .where(t.c.id == row.id)
        .values(text=post.text, title=post.title, needs_edit=True, edit_after=due, updated_at=stamp)
    )
    return True


_OPEN = (PostState.PENDING.value, PostState.IN_FLIGHT.value)


class Outcome(StrEnum):
    """What one step did (the publisher's verdict on a send, a check or an edit)."""

    SENT = "sent"  # the part landed; the post is sent when it was the last part
    PART = "part"  # (result only) a part landed and more remain
    RETRY = "retry"  # nothing went out (or a 429): the same part again at retry_at
    CHECK = "check"  # maybe sent: the channel is asked whether it landed
    ABSENT = "absent"  # a check found it missing: sent again now
    FAILED = "failed"  # refused: a person looks
    UNKNOWN = "unknown"  # cannot be known: a person looks
    PAUSED = "paused"  # the channel pauses; the part waits
    SKIPPED = "skipped"  # routing: never sent
    EDITED = "edited"


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


def heartbeat(conn: sa.Connection, post_id: int) -> None:
    """The sender is alive: renew the claim so no other process takes it for a crash."""
    conn.execute(
        t.update()
        .where(t.c.id == post_id, t.c.state == PostState.IN_FLIGHT.value)
        .values(claimed_at=now())
    )


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


# -- the one state machine ---------------------------------------------------------------------

_UNSENT = (PartState.PENDING, PartState.IN_FLIGHT, PartState.CHECKING)


def _part_after(outcome: Outcome, current: PartState) -> PartState | None:
    """A part's next state (None: unchanged)."""
    resting = PartState.CHECKING if current is PartState.CHECKING else PartState.PENDING
    return {
        Outcome.SENT: PartState.SENT,
        Outcome.RETRY: resting,
        Outcome.PAUSED: resting,
        Outcome.CHECK: PartState.CHECKING,
        Outcome.ABSENT: PartState.PENDING,
        Outcome.FAILED: PartState.FAILED,
        Outcome.UNKNOWN: PartState.UNKNOWN,
    }.get(outcome)


def record(
    conn: sa.Connection,
    post_id: int,
    idx: int | None,
    outcome: Outcome,
    *,
    remote_id: str | None = None,
    detail: str | None = None,
    retry_at: datetime | None = None,
) -> Outcome:
    """Record one step's outcome on part ``idx`` (None: on every part not yet sent, or on a post
    that has no parts) and derive the post's state. Returns PART when the post has parts left."""
    stamp = now()
    rows = parts(conn, post_id)
    touched = [p for p in rows if (p.idx == idx if idx is not None else p.state in _UNSENT)]
    for p in touched:
        new = _part_after(outcome, p.state)
        if new is None:
            continue
        values: dict[str, Any] = dict(state=new.value, last_error=detail)
        if new is PartState.SENT:
            only = idx is not None or len(rows) == 1
            values.update(remote_id=remote_id if only else p.remote_id, sent_at=stamp)
            values["last_error"] = None
        conn.execute(pp.update().where(pp.c.post_id == post_id, pp.c.idx == p.idx).values(values))
    post_state, result = _post_after(conn, post_id, outcome)
    values = dict(state=post_state.value, updated_at=stamp, last_error=detail)
    if post_state in (PostState.PENDING, PostState.SENT):
        values["next_attempt_at"] = retry_at if post_state is PostState.PENDING else None
    if post_state is PostState.SENT:
        first = conn.execute(
            sa.select(pp.c.remote_id).where(pp.c.post_id == post_id).order_by(pp.c.idx).limit(1)
        ).scalar()
        values.update(
            remote_id=first or remote_id, sent_at=stamp, last_error=None, needs_edit=False
        )
    conn.execute(t.update().where(t.c.id == post_id).values(values))
    last = conn.execute(
        sa.select(sa.func.max(d.c.id)).where(d.c.post_id == post_id, d.c.finished_at.is_(None))
    ).scalar()
    if last is not None:
        conn.execute(
            d.update()
            .where(d.c.id == last)
            .values(finished_at=stamp, outcome=result.value, detail=detail, remote_id=remote_id)
        )
    return result


def _post_after(conn: sa.Connection, post_id: int, outcome: Outcome) -> tuple[PostState, Outcome]:
    states = [p.state for p in parts(conn, post_id)]
    if outcome is Outcome.SKIPPED:
        return PostState.SKIPPED, outcome
    if not states:  # a post without parts (stored before parts existed, or an operator's call)
        post_state = {
            Outcome.SENT: PostState.SENT,
            Outcome.FAILED: PostState.FAILED,
            Outcome.UNKNOWN: PostState.UNKNOWN,
        }.get(outcome, PostState.PENDING)
        return post_state, outcome
    if PartState.UNKNOWN in states:
        return PostState.UNKNOWN, Outcome.UNKNOWN
    if PartState.FAILED in states:
        return PostState.FAILED, Outcome.FAILED
    if all(s is PartState.SENT for s in states):
        return PostState.SENT, Outcome.SENT
    return PostState.PENDING, Outcome.PART if outcome is Outcome.SENT else outcome


def settle(conn: sa.Connection, post_id: int) -> Outcome:
    """A claimed post with no part left to send: its state from its parts'."""
    post_state, result = _post_after(conn, post_id, Outcome.SENT)
    if post_state is PostState.PENDING:  # nothing claimable yet every part unsent: stop
        return record(conn, post_id, None, Outcome.UNKNOWN, detail="no part can be sent")
    return record(conn, post_id, None, result)


def mark_sent(conn: sa.Connection, post_id: int, remote_id: str | None) -> None:
    """The whole post landed (a post sent in one piece, or an operator's word)."""
    record(conn, post_id, None, Outcome.SENT, remote_id=remote_id)


def mark_retry(conn: sa.Connection, post_id: int, at: datetime, detail: str) -> None:
    record(conn, post_id, None, Outcome.RETRY, detail=detail, retry_at=at)


def mark_failed(conn: sa.Connection, post_id: int, detail: str) -> None:
    record(conn, post_id, None, Outcome.FAILED, detail=detail)


def mark_unknown(conn: sa.Connection, post_id: int, detail: str) -> None:
    record(conn, post_id, None, Outcome.UNKNOWN, detail=detail)


def mark_skipped(conn: sa.Connection, post_id: int, detail: str) -> None:
    """Not for this channel (its routing rules): kept, with the reason, never sent."""
    record(conn, post_id, None, Outcome.SKIPPED, detail=detail)


_CRASHED = "انقطع الإرسال قبل تسجيل نتيجته — crashed between send and record"


def recover_stale(
    conn: sa.Connection,
    lease: timedelta,
    channel: str | None = None,
    *,
    crashed: PartState = PartState.UNKNOWN,
) -> int:
    """Posts in flight whose heartbeat is older than the lease (a crash mid-send).

    The part that was being sent becomes ``crashed``: PENDING for an idempotent channel (sent
    again), CHECKING for one that reconciles (asked), UNKNOWN otherwise; a check that was cut
    is simply asked again. The post goes back to pending unless a part became unknown; nothing
    after the cut part is sent before it is settled. Returns how many posts became unknown.
    """
    cutoff = now() - lease
    q = sa.select(t.c.id).where(t.c.state == PostState.IN_FLIGHT.value, t.c.claimed_at < cutoff)
    if channel is not None:
        q = q.where(t.c.channel == channel)
    unknown = 0
    for pid in [r[0] for r in conn.execute(q)]:
        cut = [p for p in parts(conn, pid) if p.state is PartState.IN_FLIGHT]
        if not parts(conn, pid):
            outcome = Outcome.RETRY if crashed is PartState.PENDING else Outcome.UNKNOWN
            record(conn, pid, None, outcome, detail=_CRASHED)
        elif cut:
            outcome = {PartState.PENDING: Outcome.RETRY, PartState.CHECKING: Outcome.CHECK}.get(
                crashed, Outcome.UNKNOWN
            )
            outcome = record(conn, pid, cut[0].idx, outcome, detail=_CRASHED)
        else:  # a check (or the step between two parts) was cut: ask / go on
            outcome = record(conn, pid, None, Outcome.RETRY, detail=_CRASHED)
        unknown += outcome is Outcome.UNKNOWN
    return unknown


def resolve(conn: sa.Connection, post_id: int, decision: str) -> bool:
    """An operator's decision on an ``unknown``/``failed``/``held`` post.

    ``sent``: it did arrive (the parts after it are sent next); ``resend``: it did not, send it
    again (a post cut mid-way starts again from its first part, never mid-post); ``drop``: give
    it up; ``approve`` / ``reject``: for a held post (review queue).
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
    if not res.rowcount:
        return False
    rows = parts(conn, post_id)
    stuck = [PartState.UNKNOWN.value, PartState.FAILED.value]
    if decision == "sent" and rows:
        conn.execute(
            pp.update()
            .where(pp.c.post_id == post_id, pp.c.state.in_(stuck))
            .values(state=PartState.SENT.value, sent_at=now())
        )
        if any(p.state is PartState.PENDING for p in rows):  # the rest of the post goes next
            conn.execute(t.update().where(t.c.id == post_id).values(state=PostState.PENDING.value))
    elif decision == "resend" and rows:
        mid_post = any(p.state is PartState.SENT for p in rows)
        again = [*stuck, PartState.CHECKING.value] + ([PartState.SENT.value] if mid_post else [])
        # a part already out keeps its remote id: the publisher deletes it before sending again
        conn.execute(
            pp.update()
            .where(pp.c.post_id == post_id, pp.c.state.in_(again))
            .values(state=PartState.PENDING.value, last_error=None)
        )
    return True


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


# -- edits ------------------------------------------------------------------------------------


def next_edit(conn: sa.Connection, channel: str, at: datetime | None = None) -> Post | None:
    """The sent post whose edit is due next (a paced edit waits for its ``edit_after``)."""
    when = at or now()
    row = conn.execute(
        sa.select(t)
        .where(
            t.c.channel == channel,
            t.c.state == PostState.SENT.value,
            t.c.needs_edit,
            sa.or_(t.c.edit_after.is_(None), t.c.edit_after <= when),
        )
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
