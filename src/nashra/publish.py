"""One channel: claim from the outbox → send → record. Zero duplicates, zero silent losses.

The result of every attempt is recorded in its own transaction right after the send:

    sent                         → sent (remote id kept, for edits)
    RetryLater (429, 5xx before anything was accepted, connection refused)
                                 → pending again at now + retry_after / backoff
    ContentRejected              → failed (a person looks; the reason is kept)
    ChannelPaused                → pending, and the channel is skipped for this cycle
    OutcomeUnknown, or anything unexpected after the request may have gone out
                                 → unknown: never resent automatically
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from nashra.channels import Channel
from nashra.errors import (
    ChannelPaused,
    ConnectFailed,
    ContentRejected,
    OutcomeUnknown,
    PublishError,
    RetryLater,
)
from nashra.models import Post
from nashra.store import Store, outbox

log = logging.getLogger("nashra.publish")

LEASE = timedelta(minutes=10)  # an in-flight post older than this was interrupted by a crash
MAX_BACKOFF = timedelta(hours=1)


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


async def publish(
    store: Store,
    channels: Sequence[Channel],
    *,
    limit_per_channel: int | None = None,
) -> PublishReport:
    """Send what is due on each channel, in order, one post at a time per channel."""
    report = PublishReport()
    with store.tx() as conn:
        stale = outbox.recover_stale(conn, LEASE)
    report.outcomes["unknown"] += stale
    for ch in channels:
        if not ch.options.enabled:
            continue
        sent = 0
        while limit_per_channel is None or sent < limit_per_channel:
            with store.tx() as conn:
                post = outbox.claim(conn, ch.name)
            if post is None:
                break
            assert post.id is not None
            outcome = await _send_one(store, ch, post.id, post)
            report.outcomes[outcome] += 1
            if outcome == "paused":
                report.paused[ch.name] = "paused"
                break
            if outcome == "retry":
                break  # order is kept: the channel waits for its head post
            sent += 1
    return report


async def _send_one(store: Store, ch: Channel, post_id: int, post: Post) -> str:
    try:
        delivery = await ch.send(post)
    except RetryLater as exc:
        with store.tx() as conn:
            at = datetime.now(UTC) + timedelta(seconds=exc.retry_after)
            outbox.mark_retry(conn, post_id, at, f"{exc.code}: {exc}")
        return "retry"
    except ConnectFailed as exc:  # nothing went out
        with store.tx() as conn:
            outbox.mark_retry(
                conn, post_id, datetime.now(UTC) + backoff(post.attempts + 1), str(exc)
            )
        return "retry"
    except ContentRejected as exc:
        with store.tx() as conn:
            outbox.mark_failed(conn, post_id, f"{exc.code}: {exc}")
        log.error("%s: %s", ch.name, exc)
        return "failed"
    except ChannelPaused as exc:
        with store.tx() as conn:
            outbox.mark_retry(conn, post_id, datetime.now(UTC) + MAX_BACKOFF, f"{exc.code}: {exc}")
        log.error("%s: %s", ch.name, exc)
        return "paused"
    except OutcomeUnknown as exc:
        with store.tx() as conn:
            outbox.mark_unknown(conn, post_id, f"{exc.code}: {exc}")
        return "unknown"
    except PublishError as exc:
        with store.tx() as conn:
            outbox.mark_retry(
                conn, post_id, datetime.now(UTC) + backoff(post.attempts + 1), str(exc)
            )
        return "retry"
    except Exception as exc:  # a bug or an unmapped library error: the send may have happened
        log.exception("%s: unexpected error while sending post %s", ch.name, post_id)
        with store.tx() as conn:
            outbox.mark_unknown(conn, post_id, f"unexpected: {exc!r}")
        return "unknown"
    with store.tx() as conn:
        outbox.mark_sent(conn, post_id, delivery.remote_id)
    return "sent"
