"""Outbox → channels: claim, send, record. Zero duplicates, zero silent losses.

Each channel runs its own loop (channels in parallel; sends through one bot token one at a time,
so a 429 seen by one channel stops the next request of every channel on that bot). A step is:

    claim txn   pacing allows? (ledger: per-channel window, min gap, per-bot second, 429 pause)
                → head post pending → in_flight (→ its next part in_flight) + a ``sends`` row
    send        the channel's HTTP call, bounded by a hard deadline
    record txn  the outcome, in its own transaction right after the send:

    sent                         → sent (remote id kept, for edits); a part: the next part
    RetryLater (429, or nothing was accepted)
                                 → pending at now + retry_after; whole_bot: the bot waits too
    ConnectFailed                → pending at now + backoff (nothing went out)
    ContentRejected              → failed (a person looks; the reason is kept)
    ChannelPaused                → pending, and the channel is paused until a person resumes it
    OutcomeUnknown, a deadline, or anything unexpected after the request may have gone out
                                 → unknown: never resent automatically

Routing rules are applied when a post is claimed (``skipped`` with the reason). When nothing new
is due, posts whose article changed are edited in place (``needs_edit``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nashra.channels import Channel
from nashra.channels import ledger as ledger_
from nashra.channels.base import Enriched, Multipart, Paced
from nashra.digest import DIGEST_SOURCE
from nashra.errors import (
    ChannelPaused,
    ConnectFailed,
    ContentRejected,
    OutcomeUnknown,
    PublishError,
    RetryLater,
)
from nashra.models import Article, Enrichment, Post, PostState
from nashra.store import Store, articles, outbox
from nashra.store.outbox import Part

log = logging.getLogger("nashra.publish")

LEASE = timedelta(minutes=10)  # kept for callers; each channel has its own ``lease_seconds``
MAX_BACKOFF = timedelta(hours=1)
BUDGET = 25.0  # seconds one publish() call may spend waiting for pacing before it returns
THROTTLE_MARGIN = 0.2  # seconds added to a 429's retry_after


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: 30 s, 1 min, 2 min, ... capped at an hour."""
    base = min(30.0 * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


@dataclass
class PublishReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    paused: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.outcomes["failed"] or self.outcomes["unknown"])


@dataclass(frozen=True, slots=True)
class _Verdict:
    outcome: str  # sent, retry, failed, unknown, paused
    detail: str | None = None
    retry_at: datetime | None = None
    throttle: float | None = None
    pause: str | None = None
    remote_id: str | None = None


async def publish(
    store: Store,
    channels: Sequence[Channel],
    *,
    limit_per_channel: int | None = None,
    budget: float = BUDGET,
) -> PublishReport:
    """Send what is due on each channel, in order; wait for pacing up to ``budget`` seconds."""
    report = PublishReport()
    locks: dict[str, asyncio.Lock] = {}
    deadline = asyncio.get_running_loop().time() + budget
    active = [ch for ch in channels if ch.options.enabled]
    await asyncio.gather(
        *(_run_channel(store, ch, report, locks, deadline, limit_per_channel) for ch in active)
    )
    return report


def _pacing(ch: Channel) -> ledger_.Pacing | None:
    return ch.pacing if isinstance(ch, Paced) else None


async def _run_channel(
    store: Store,
    ch: Channel,
    report: PublishReport,
    locks: dict[str, asyncio.Lock],
    deadline: float,
    limit: int | None,
) -> None:
    with store.tx() as conn:
        state = ledger_.state(conn, ch.name)
    if state.paused_reason:
        report.paused[ch.name] = state.paused_reason
        return
    if isinstance(ch, Multipart) and state.target:
        ch.target = state.target
    pacing = _pacing(ch)
    lock = locks.setdefault((pacing.throttle_key if pacing else None) or ch.name, asyncio.Lock())
    loop = asyncio.get_running_loop()
    done = 0
    while limit is None or done < limit:
        async with lock:
            outcome, wait = await _step(store, ch, pacing, report)
        if wait is not None:
            if loop.time() + wait > deadline:
                return
            await asyncio.sleep(wait)
            continue
        if outcome is None:
            return
        report.outcomes[outcome] += 1
        if outcome == "paused":
            with store.read() as conn:
                report.paused[ch.name] = ledger_.state(conn, ch.name).paused_reason or "paused"
            return
        if outcome in ("sent", "part", "edited", "skipped", "failed", "unknown"):
            done += outcome != "skipped"


def lease(ch: Channel) -> timedelta:
    """How long an in-flight send may last before it counts as cut by a crash."""
    return timedelta(seconds=max(ch.options.lease_seconds, _hard_deadline(ch) + 2.0))


async def _step(
    store: Store, ch: Channel, pacing: ledger_.Pacing | None, report: PublishReport
) -> tuple[str | None, float | None]:
    """One claim → send → record. Returns (outcome, None) or (None, seconds to wait)."""
    key = pacing.throttle_key if pacing else None
    part: Part | None = None
    edit: Post | None = None
    context: tuple[Article, Enrichment] | None = None
    with store.tx() as conn:
        report.outcomes["unknown"] += outbox.recover_stale(conn, lease(ch), channel=ch.name)
        if pacing is not None:
            wait = ledger_.wait_for(conn, ch.name, pacing)
            if wait > 0:
                return None, wait
        post = outbox.claim(conn, ch.name)
        if post is None:
            due = outbox.head_due(conn, ch.name, lease(ch))
            now = datetime.now(UTC)
            if due is not None and due > now:
                return None, (due - now).total_seconds() + 0.05
            edit = outbox.next_edit(conn, ch.name) if ch.can_edit else None
            if edit is None:
                return None, None
            send_id = ledger_.record_send(conn, ch.name, key, post_id=edit.id, action="edit")
        else:
            assert post.id is not None
            why = _route(conn, ch, post)
            if why is not None:
                outbox.mark_skipped(conn, post.id, why)
                return "skipped", None
            if isinstance(ch, Multipart):
                if not outbox.has_parts(conn, post.id):
                    outbox.add_parts(conn, post.id, ch.plan(post))
                part = outbox.claim_part(conn, post.id)
                if part is None:
                    return outbox.settle(conn, post.id, "settled"), None
            context = articles.get(conn, post.article_id) if isinstance(ch, Enriched) else None
            idx = part.idx if part else None
            send_id = ledger_.record_send(conn, ch.name, key, post_id=post.id, part=idx)
    if post is None:
        assert edit is not None
        return await _edit(store, ch, edit, send_id, key), None
    target = ch.target if isinstance(ch, Multipart) else None
    verdict = await _attempt(ch, post, part, context)
    with store.tx() as conn:
        ledger_.finished(conn, send_id)
        _record(conn, post, part, verdict)
        if verdict.throttle is not None and key:
            ledger_.throttle(conn, key, verdict.throttle, verdict.detail or "429")
        if verdict.pause:
            ledger_.pause(conn, ch.name, verdict.pause)
        if isinstance(ch, Multipart) and ch.target != target:
            ledger_.set_target(conn, ch.name, ch.target)
            log.warning("%s: chat moved %s → %s", ch.name, target, ch.target)
    return verdict.outcome, None


def _route(conn: sa.Connection, ch: Channel, post: Post) -> str | None:
    routes = ch.options.routes
    if routes.everything:
        return None
    found = articles.get(conn, post.article_id)
    if found is None or found[0].source == DIGEST_SOURCE:  # a digest lists routed stories only
        return None
    return routes.verdict(*found)


def _hard_deadline(ch: Channel) -> float:
    return float(getattr(ch, "timeout", 30.0)) * 2 + 2.0


async def _attempt(
    ch: Channel, post: Post, part: Part | None, context: tuple[Article, Enrichment] | None = None
) -> _Verdict:
    now = datetime.now(UTC)
    remote: str | None
    try:
        async with asyncio.timeout(_hard_deadline(ch)):
            if part is not None and isinstance(ch, Multipart):
                remote = await ch.send_part(post, part)
            elif context is not None and isinstance(ch, Enriched):
                remote = (await ch.send_with(post, *context)).remote_id
            else:
                remote = (await ch.send(post)).remote_id
    except RetryLater as exc:
        pause = exc.retry_after + (THROTTLE_MARGIN if exc.whole_bot else 0.0)
        return _Verdict(
            "retry",
            f"{exc.code}: {exc}",
            retry_at=now + timedelta(seconds=pause),
            throttle=pause if exc.whole_bot else None,
        )
    except ConnectFailed as exc:  # nothing went out
        return _Verdict("retry", str(exc), retry_at=now + backoff(post.attempts))
    except ContentRejected as exc:
        log.error("%s: %s", ch.name, exc)
        return _Verdict("failed", f"{exc.code}: {exc}")
    except ChannelPaused as exc:
        log.error("%s: %s", ch.name, exc)
        return _Verdict("paused", f"{exc.code}: {exc}", pause=exc.message)
    except OutcomeUnknown as exc:
        return _Verdict("unknown", f"{exc.code}: {exc}")
    except PublishError as exc:
        return _Verdict("retry", str(exc), retry_at=now + backoff(post.attempts))
    except TimeoutError:
        return _Verdict("unknown", "انتهت المهلة أثناء الإرسال — hard deadline during the send")
    except Exception as exc:  # a bug or an unmapped library error: the send may have happened
        log.exception("%s: unexpected error while sending post %s", ch.name, post.id)
        return _Verdict("unknown", f"unexpected: {exc!r}")
    return _Verdict("sent", remote_id=remote)


def _record(c: sa.Connection, post: Post, part: Part | None, v: _Verdict) -> None:
    assert post.id is not None
    if part is None:
        if v.outcome == "sent":
            outbox.mark_sent(c, post.id, v.remote_id)
        elif v.outcome in ("retry", "paused"):
            at = v.retry_at or datetime.now(UTC)
            outbox.mark_retry(c, post.id, at, v.detail or "")
        elif v.outcome == "failed":
            outbox.mark_failed(c, post.id, v.detail or "")
        else:
            outbox.mark_unknown(c, post.id, v.detail or "")
        return
    state = {
        "sent": PostState.SENT,
        "failed": PostState.FAILED,
        "unknown": PostState.UNKNOWN,
    }.get(v.outcome, PostState.PENDING)
    outbox.finish_part(c, post.id, part.idx, state, remote_id=v.remote_id, detail=v.detail)
    if state is PostState.PENDING:
        at = v.retry_at or datetime.now(UTC)
        outbox.mark_retry(c, post.id, at, v.detail or "")
    else:
        outbox.settle(c, post.id, v.outcome, v.detail)


async def _edit(store: Store, ch: Channel, post: Post, send_id: int, key: str | None) -> str:
    """Bring one sent post up to date with its article (one API call per step)."""
    assert post.id is not None
    try:
        async with asyncio.timeout(_hard_deadline(ch)):
            if isinstance(ch, Multipart):
                finished = await _edit_parts(store, ch, post)
            else:
                await ch.edit(post)
                finished = True
    except RetryLater as exc:
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            outbox.edit_later(conn, post.id, f"{exc.code}: {exc}")
            if exc.whole_bot and key:
                ledger_.throttle(conn, key, exc.retry_after + THROTTLE_MARGIN, str(exc))
        return "retry"
    except ContentRejected as exc:
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            outbox.edited(conn, post, f"تعذر التعديل — edit refused: {exc}")
        return "failed"
    except ChannelPaused as exc:
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            ledger_.pause(conn, ch.name, exc.message)
        return "paused"
    except (PublishError, TimeoutError) as exc:  # an edit is idempotent: try again later
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            outbox.edit_later(conn, post.id, f"edit: {exc!r}")
        return "retry"
    with store.tx() as conn:
        ledger_.finished(conn, send_id)
        if finished:
            outbox.edited(conn, post)
    return "edited"


async def _edit_parts(store: Store, ch: Multipart, post: Post) -> bool:
    """Edit the first part whose text changed; True when every part matches the new plan."""
    assert post.id is not None
    new = list(ch.plan(post))
    with store.read() as conn:
        old = outbox.parts(conn, post.id)
    for o, n in zip(old, new, strict=False):
        if o.body != n.body and o.state is PostState.SENT:
            await ch.edit_part(post, o, replace(n, kind=o.kind))
            with store.tx() as conn:
                outbox.set_part_body(conn, post.id, o.idx, n.body)
            return False
    if len(new) > len(old):  # the article grew: its extra parts are sent as new messages
        with store.tx() as conn:
            outbox.add_parts(conn, post.id, new[len(old) :], first=len(old))
            outbox.reopen(conn, post.id)
    return True
