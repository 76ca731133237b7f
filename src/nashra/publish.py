"""Outbox → channels: claim, send, record. Zero duplicates, zero silent losses.

Each channel runs its own loop (channels in parallel; sends through one bot token one at a time,
so a 429 seen by one channel stops the next request of every channel on that bot). A step is:

    claim txn   pacing allows? (ledger: per-channel window, min gap, per-bot second, 429 pause)
                → head post pending → in_flight, its first unsent part claimed + a ``sends`` row
    send        ``channel.send(part)`` (or ``channel.reconcile`` for a part being checked),
                bounded by a hard deadline; a heartbeat renews the claim meanwhile
    record txn  ``outbox.record`` of the verdict, in its own transaction right after

``decide`` is the one map from what a send raised to what happens next:

    nothing                          → SENT (remote id kept, for edits); the next part may go
    RetryLater (429, ...)            → RETRY at now + retry_after; whole_bot: the bot waits too
    NotSent (nothing went out)       → RETRY at now + backoff
    ContentRejected                  → FAILED (a person looks; the reason is kept)
    ChannelPaused                    → PAUSED: the part waits until a person resumes the channel
    MaybeSent, the hard deadline, anything unexpected (the request may have gone out)
        idempotent channel           → RETRY (sending again cannot double it)
        channel that reconciles      → CHECK: next step asks the channel whether it landed
                                       (LANDED → SENT, ABSENT → sent again, CANNOT_TELL → UNKNOWN)
        otherwise                    → UNKNOWN: never resent automatically

Routing rules are applied when a post is claimed (``skipped`` with the reason). When nothing new
is due, posts whose article changed are edited in place (``needs_edit``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nashra.channels import Channel
from nashra.channels import ledger as ledger_
from nashra.channels.base import Check, Reconciled, Traits
from nashra.digest import DIGEST_SOURCE
from nashra.errors import (
    ChannelPaused,
    ContentRejected,
    NotSent,
    PublishError,
    RetryLater,
)
from nashra.models import Part, PartState, Post
from nashra.store import Store, articles, outbox
from nashra.store import parts as post_parts
from nashra.store.outbox import Outcome

log = logging.getLogger("nashra.publish")

MAX_BACKOFF = timedelta(hours=1)
BUDGET = 25.0  # seconds one publish() call may spend waiting for pacing before it returns
THROTTLE_MARGIN = 0.2  # seconds added to a 429's retry_after
CHECK_DELAY = 1.0  # seconds between a maybe-sent reply and the check
MAX_CHECK_ATTEMPTS = 20  # a part still not checkable after this many tries (in all) is unknown


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: 30 s, 1 min, 2 min, ... capped at an hour."""
    base = min(30.0 * 2 ** max(attempts - 1, 0), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def check_backoff(attempts: int) -> timedelta:
    """A check that could not be made is tried again soon: 1, 2, 4, ... ≤ 30 s."""
    return timedelta(seconds=min(2.0 ** max(attempts - 1, 0), 30.0))


@dataclass
class PublishReport:
    outcomes: Counter[str] = field(default_factory=Counter)  # Outcome values
    paused: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.outcomes[Outcome.FAILED.value] or self.outcomes[Outcome.UNKNOWN.value])


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    detail: str | None = None
    retry_at: datetime | None = None
    throttle: float | None = None
    pause: str | None = None
    remote_id: str | None = None


def on_crash(traits: Traits) -> PartState:
    """What a part cut by a crash becomes (see ``outbox.recover_stale``)."""
    if traits.idempotent:
        return PartState.PENDING
    return PartState.CHECKING if traits.reconciles else PartState.UNKNOWN


def decide(exc: BaseException, traits: Traits, part: Part) -> Verdict:
    """What a send (or a check, when ``part`` is checking) that raised ``exc`` leads to."""
    at = datetime.now(UTC)
    checking = part.state is PartState.CHECKING
    if isinstance(exc, RetryLater):
        pause = exc.retry_after + (THROTTLE_MARGIN if exc.whole_bot else 0.0)
        return Verdict(
            Outcome.RETRY,
            f"{exc.code}: {exc}",
            retry_at=at + timedelta(seconds=pause),
            throttle=pause if exc.whole_bot else None,
        )
    if isinstance(exc, ChannelPaused):
        return Verdict(Outcome.PAUSED, f"{exc.code}: {exc}", pause=exc.message)
    if checking:  # the check itself failed: ask again soon, then give it to a person
        if part.attempts >= MAX_CHECK_ATTEMPTS or isinstance(exc, ContentRejected):
            return Verdict(Outcome.UNKNOWN, f"تعذر التحقق — cannot check: {exc!r}")
        return Verdict(Outcome.RETRY, f"check: {exc!r}", retry_at=at + check_backoff(part.attempts))
    if isinstance(exc, NotSent):
        return Verdict(Outcome.RETRY, f"{exc.code}: {exc}", retry_at=at + backoff(part.attempts))
    if isinstance(exc, ContentRejected):
        return Verdict(Outcome.FAILED, f"{exc.code}: {exc}")
    detail = (
        f"{exc.code}: {exc}"
        if isinstance(exc, PublishError)
        else "انتهت المهلة أثناء الإرسال — hard deadline during the send"
        if isinstance(exc, TimeoutError)
        else f"unexpected: {exc!r}"
    )
    if traits.idempotent:
        return Verdict(Outcome.RETRY, detail, retry_at=at + backoff(part.attempts))
    if traits.reconciles:
        return Verdict(Outcome.CHECK, detail, retry_at=at + timedelta(seconds=CHECK_DELAY))
    return Verdict(Outcome.UNKNOWN, detail)


def checked(found: Reconciled) -> Verdict:
    if found.check is Check.LANDED:
        return Verdict(Outcome.SENT, remote_id=found.remote_id)
    if found.check is Check.ABSENT:
        return Verdict(Outcome.ABSENT, f"لم يصل، يُرسل ثانية — not there, sent again {found.detail}")
    return Verdict(Outcome.UNKNOWN, f"لا يمكن التحقق — cannot tell: {found.detail}")


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


_COUNTED = {Outcome.SENT, Outcome.PART, Outcome.EDITED, Outcome.FAILED, Outcome.UNKNOWN}


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
    if state.target and ch.target is not None:
        ch.target = state.target
    pacing = ch.traits.pacing
    lock = locks.setdefault((pacing.throttle_key if pacing else None) or ch.name, asyncio.Lock())
    loop = asyncio.get_running_loop()
    done = 0
    while limit is None or done < limit:
        async with lock:
            outcome, wait = await _step(store, ch, report)
        if wait is not None:
            if loop.time() + wait > deadline:
                return
            await asyncio.sleep(wait)
            continue
        if outcome is None:
            return
        report.outcomes[outcome.value] += 1
        if outcome is Outcome.PAUSED:
            with store.read() as conn:
                report.paused[ch.name] = ledger_.state(conn, ch.name).paused_reason or "paused"
            return
        done += outcome in _COUNTED


def lease(ch: Channel) -> timedelta:
    """How old an in-flight claim's heartbeat may be before it counts as cut by a crash."""
    return timedelta(seconds=max(ch.options.lease_seconds, 0.5))


async def _step(
    store: Store, ch: Channel, report: PublishReport
) -> tuple[Outcome | None, float | None]:
    """One claim → send → record. Returns (outcome, None) or (None, seconds to wait)."""
    pacing = ch.traits.pacing
    key = pacing.throttle_key if pacing else None
    edit: Post | None = None
    with store.tx() as conn:
        cut = outbox.recover_stale(conn, lease(ch), channel=ch.name, crashed=on_crash(ch.traits))
        if cut:
            report.outcomes[Outcome.UNKNOWN.value] += cut
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
            edit = outbox.next_edit(conn, ch.name) if ch.traits.can_edit else None
            if edit is None:
                return None, None
            send_id = ledger_.record_send(conn, ch.name, key, post_id=edit.id, action="edit")
        else:
            assert post.id is not None
            why = _route(conn, ch, post)
            if why is not None:
                outbox.mark_skipped(conn, post.id, why)
                return Outcome.SKIPPED, None
            if not post_parts.has_parts(conn, post.id):
                post_parts.add_parts(conn, post.id, ch.plan(post))
            claimed = post_parts.claim_part(conn, post.id)
            if claimed is None:
                return outbox.settle(conn, post.id), None
            enrichment = None
            if ch.traits.needs_enrichment:
                found = articles.get(conn, post.article_id)
                enrichment = found[1] if found else None
            part = replace(claimed, post=post, enrichment=enrichment)
            checking = part.state is PartState.CHECKING
            after = post_parts.last_remote(conn, ch.name) if checking else None
            # a check posts nothing to the channel: it is kept out of the channel's window
            send_ids = [
                ledger_.record_send(
                    conn,
                    f"{ch.name}#check" if checking else ch.name,
                    key,
                    post_id=post.id,
                    part=part.idx,
                    action="check" if checking else "send",
                )
                # an album posts one message per photo: pacing counts each of them
                for _ in range(1 if checking else part.messages)
            ]
            send_id = send_ids[0]
    if post is None:
        assert edit is not None
        return await _edit(store, ch, edit, send_id, key), None
    target = ch.target
    verdict = await _attempt(store, ch, part, after)
    with store.tx() as conn:
        for one in send_ids:
            ledger_.finished(conn, one)
        result = outbox.record(
            conn,
            part.post_id,
            part.idx,
            verdict.outcome,
            remote_id=verdict.remote_id,
            detail=verdict.detail,
            retry_at=verdict.retry_at,
        )
        if verdict.throttle is not None and key:
            ledger_.throttle(conn, key, verdict.throttle, verdict.detail or "429")
        if verdict.pause:
            ledger_.pause(conn, ch.name, verdict.pause)
        if ch.target != target and ch.target is not None:
            ledger_.set_target(conn, ch.name, ch.target)
            log.warning("%s: chat moved %s → %s", ch.name, target, ch.target)
    if verdict.outcome in (Outcome.FAILED, Outcome.UNKNOWN):
        log.error("%s: post %s part %s: %s", ch.name, post.id, part.idx, verdict.detail)
    return result, None


def _route(conn: sa.Connection, ch: Channel, post: Post) -> str | None:
    routes = ch.options.routes
    if routes.everything:
        return None
    found = articles.get(conn, post.article_id)
    if found is None or found[0].source == DIGEST_SOURCE:  # a digest lists routed stories only
        return None
    return routes.verdict(*found)


async def _heartbeat(store: Store, post_id: int, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            with store.tx() as conn:
                outbox.heartbeat(conn, post_id)
        except Exception:  # a missed beat only risks an early reclaim, never the send
            log.warning("heartbeat for post %s failed", post_id, exc_info=True)


async def _attempt(store: Store, ch: Channel, part: Part, after: str | None) -> Verdict:
    """Send (or check) one part under the hard deadline, the claim renewed meanwhile."""
    assert part.post is not None and part.post.id is not None
    beat = asyncio.create_task(
        _heartbeat(store, part.post.id, max(ch.options.lease_seconds / 4, 0.1))
    )
    try:
        async with asyncio.timeout(ch.traits.deadline):
            if part.state is PartState.CHECKING:
                return checked(await ch.reconcile(part, after))
            if part.remote_id and ch.traits.can_delete:  # resent from its first part
                await _remove(ch, part.remote_id)
                with store.tx() as conn:
                    post_parts.forget_remote(conn, part.post.id, part.idx)
            remote = await ch.send(part)
    except Exception as exc:  # every error is decided, none escapes the outbox
        if not isinstance(exc, PublishError | TimeoutError):
            log.exception("%s: unexpected error while sending post %s", ch.name, part.post.id)
        return decide(exc, ch.traits, part)
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
    return Verdict(Outcome.SENT, remote_id=remote)


async def _remove(ch: Channel, remote_id: str) -> None:
    try:
        await ch.delete(remote_id)
    except ContentRejected as exc:  # already gone (or too old to delete): send the new copy
        log.warning("%s: could not delete %s before resending: %s", ch.name, remote_id, exc)


async def _edit(store: Store, ch: Channel, post: Post, send_id: int, key: str | None) -> Outcome:
    """Bring one sent post up to date with its article (one API call per step)."""
    assert post.id is not None
    try:
        async with asyncio.timeout(ch.traits.deadline):
            finished = await _edit_parts(store, ch, post)
    except RetryLater as exc:
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            outbox.edit_later(conn, post.id, f"{exc.code}: {exc}")
            if exc.whole_bot and key:
                ledger_.throttle(conn, key, exc.retry_after + THROTTLE_MARGIN, str(exc))
        return Outcome.RETRY
    except ContentRejected as exc:
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            outbox.edited(conn, post, f"تعذر التعديل — edit refused: {exc}")
        return Outcome.FAILED
    except ChannelPaused as exc:
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            ledger_.pause(conn, ch.name, exc.message)
        return Outcome.PAUSED
    except (PublishError, TimeoutError) as exc:  # an edit is idempotent: try again later
        with store.tx() as conn:
            ledger_.finished(conn, send_id)
            outbox.edit_later(conn, post.id, f"edit: {exc!r}")
        return Outcome.RETRY
    with store.tx() as conn:
        ledger_.finished(conn, send_id)
        if finished:
            outbox.edited(conn, post)
    return Outcome.EDITED


async def _edit_parts(store: Store, ch: Channel, post: Post) -> bool:
    """Edit the first part whose text changed; True when every part matches the new plan."""
    assert post.id is not None
    new = [replace(p, post=post) for p in ch.plan(post)]
    with store.read() as conn:
        old = post_parts.parts(conn, post.id)
        enrichment = None
        if ch.traits.needs_enrichment:
            found = articles.get(conn, post.article_id)
            enrichment = found[1] if found else None
    new = [replace(p, enrichment=enrichment) for p in new]
    if not old:  # sent before posts had parts: its one remote id is the first part's
        if post.remote_id and new:
            await ch.edit(new[0], post.remote_id)
        return True
    for o, n in zip(old, new, strict=False):
        if o.body != n.body and o.state is PartState.SENT:
            if o.remote_id:
                await ch.edit(
                    replace(n, kind=o.kind, image=o.image, images=o.images, idx=o.idx),
                    o.remote_id,
                )
            with store.tx() as conn:
                post_parts.set_part_body(conn, post.id, o.idx, n.body)
            return False
    if len(new) > len(old):  # the article grew: its extra parts are sent as new messages
        with store.tx() as conn:
            post_parts.add_parts(conn, post.id, new[len(old) :], first=len(old))
            outbox.reopen(conn, post.id)
    return True
