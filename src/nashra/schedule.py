"""When to poll a source next. Pure functions: the clock and the randomness come in as arguments.

The next poll is ``now + delay`` where ``delay`` starts from the source's interval and is only ever
*lengthened* by what the server says (RSS ``<ttl>``, ``Cache-Control: max-age``, ``Expires``,
``Retry-After``) and by exponential backoff after errors, then clamped to ``bounds``; the upper
bound wins over a hint so that ``Retry-After: 99999999`` cannot park a source for years. After
``limit`` consecutive errors a source is disabled until someone re-enables it (miniflux's rule).
"""

from __future__ import annotations

import itertools
import random
import re
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

Bounds = tuple[timedelta, timedelta]
DEFAULT_BOUNDS: Bounds = (timedelta(minutes=5), timedelta(hours=24))
JITTER = 0.2  # backoff delays are stretched by up to 20 % so failing sources spread out
_MAX_AGE_RE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE_RE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)\b", re.IGNORECASE)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def http_date(value: str) -> datetime | None:
    try:
        return _aware(parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError):
        return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date.

    Negative values count as 0; garbage and absence give None.
    """
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return max(0.0, float(text))
    when = http_date(text)
    if when is None:
        return None
    now = _aware(now) if now is not None else datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def cache_lifetime(cache_control: str | None) -> timedelta | None:
    """``max-age`` from a ``Cache-Control`` header (``no-cache``/``no-store`` give no hint)."""
    if not cache_control or _NO_CACHE_RE.search(cache_control):
        return None
    match = _MAX_AGE_RE.search(cache_control)
    return timedelta(seconds=int(match.group(1))) if match else None


def _clamp(delay: timedelta, bounds: Bounds) -> timedelta:
    low, high = bounds
    return max(low, min(high, delay))


def next_poll(
    now: datetime,
    *,
    interval: timedelta,
    ttl_minutes: float | None = None,
    cache_control: str | None = None,
    expires: str | datetime | None = None,
    retry_after: float | str | None = None,
    consecutive_errors: int = 0,
    bounds: Bounds = DEFAULT_BOUNDS,
    rng: random.Random | None = None,
) -> datetime:
    """The time of the next poll (see the module docstring for the rule)."""
    delay = interval
    hints: list[timedelta] = []
    if ttl_minutes is not None and ttl_minutes > 0:
        hints.append(timedelta(minutes=ttl_minutes))
    lifetime = cache_lifetime(cache_control)
    if lifetime is not None:
        hints.append(lifetime)
    if expires is not None:
        when = http_date(expires) if isinstance(expires, str) else _aware(expires)
        if when is not None:
            hints.append(when - _aware(now))
    if retry_after is not None:
        seconds = (
            parse_retry_after(retry_after, now) if isinstance(retry_after, str) else retry_after
        )
        if seconds is not None:
            hints.append(timedelta(seconds=max(0.0, seconds)))
    delay = max([delay, *hints])
    if consecutive_errors > 0:
        backoff = interval * (2 ** min(consecutive_errors, 20))
        stretch = 1.0 + JITTER * (rng or random).random()
        delay = max(delay, backoff * stretch)
    return now + _clamp(delay, bounds)


ADAPTIVE_FACTOR = 4  # the default cap of adaptive polling: 4 × the configured interval


def adaptive_interval(
    publish_times: Sequence[datetime],
    base: timedelta,
    bounds: Bounds = DEFAULT_BOUNDS,
    *,
    cap: timedelta | None = None,
) -> timedelta:
    """An interval from how often a source publishes: half the median gap of its last 20 items.

    Never shorter than ``base`` (the configured interval is the most a user asked for), never
    longer than ``cap`` (default ``ADAPTIVE_FACTOR × base``: a source configured for 15 minutes
    is polled at least hourly, however rarely it publishes), and ``base`` itself when fewer than
    three items have dates. Error backoff and the server's own hints (TTL, Cache-Control,
    Retry-After) are applied after this, by ``next_poll``, within ``bounds``.
    """
    limit = cap if cap is not None and cap > timedelta(0) else base * ADAPTIVE_FACTOR
    times = sorted({_aware(t) for t in publish_times})[-20:]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    if len(gaps) < 2:
        return _clamp(base, bounds)
    typical = timedelta(seconds=statistics.median(g.total_seconds() for g in gaps) / 2)
    return _clamp(max(base, min(typical, max(limit, base))), bounds)


def should_disable(consecutive_errors: int, limit: int = 3) -> bool:
    """True once a source has failed ``limit`` times in a row."""
    return consecutive_errors >= limit
