"""nashra.schedule: hints only lengthen, within the clamp; errors back off; N errors disable."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from nashra.schedule import (
    adaptive_interval,
    cache_lifetime,
    next_poll,
    parse_retry_after,
    should_disable,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BOUNDS = (timedelta(minutes=5), timedelta(hours=24))
MIN15 = timedelta(minutes=15)


def delay(**kw: object) -> timedelta:
    return next_poll(NOW, interval=kw.pop("interval", MIN15), bounds=BOUNDS, **kw) - NOW  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("why", "hints", "expected"),
    [
        ("no hints: the interval", {}, MIN15),
        ("ttl longer than the interval lengthens", {"ttl_minutes": 60}, timedelta(hours=1)),
        ("ttl shorter never shortens", {"ttl_minutes": 1}, MIN15),
        ("max-age lengthens", {"cache_control": "public, max-age=3600"}, timedelta(hours=1)),
        ("no-cache gives no hint", {"cache_control": "no-cache, max-age=7200"}, MIN15),
        ("Expires in two hours", {"expires": "Sun, 01 Mar 2026 14:00:00 GMT"}, timedelta(hours=2)),
        ("Expires in the past", {"expires": "Sun, 01 Mar 2026 10:00:00 GMT"}, MIN15),
        ("Expires garbage", {"expires": "0"}, MIN15),
        ("Retry-After seconds", {"retry_after": 1800.0}, timedelta(minutes=30)),
        ("Retry-After string", {"retry_after": "2700"}, timedelta(minutes=45)),
        ("Retry-After date", {"retry_after": "Sun, 01 Mar 2026 13:00:00 GMT"}, timedelta(hours=1)),
        ("Retry-After huge is clamped", {"retry_after": 99999999.0}, timedelta(hours=24)),
        ("Retry-After garbage", {"retry_after": "later"}, MIN15),
        (
            "the longest hint wins",
            {"ttl_minutes": 30, "cache_control": "max-age=5400"},
            timedelta(minutes=90),
        ),
    ],
)
def test_hints(why: str, hints: dict[str, object], expected: timedelta) -> None:
    assert delay(**hints) == expected, why


def test_interval_is_clamped_both_ways() -> None:
    assert delay(interval=timedelta(minutes=1)) == timedelta(minutes=5)
    assert delay(interval=timedelta(days=3)) == timedelta(hours=24)


@pytest.mark.parametrize("errors", [1, 2, 3, 4, 5])
def test_errors_back_off_exponentially_with_jitter(errors: int) -> None:
    rng = random.Random(errors)
    got = delay(consecutive_errors=errors, rng=rng)
    base = MIN15 * 2**errors
    assert min(base, BOUNDS[1]) <= got <= min(base * 1.2, BOUNDS[1])


def test_backoff_saturates_at_the_upper_bound() -> None:
    assert delay(consecutive_errors=40) == timedelta(hours=24)


def test_jitter_spreads_failing_sources() -> None:
    rng = random.Random(7)
    seen = {delay(consecutive_errors=2, rng=rng) for _ in range(20)}
    assert len(seen) > 10


def test_naive_datetimes_are_taken_as_utc() -> None:
    naive = datetime(2026, 3, 1, 12, 0)
    got = next_poll(naive.replace(tzinfo=UTC), interval=MIN15, expires=naive + timedelta(hours=3))
    assert got - NOW == timedelta(hours=3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("1.5", 1.5),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_cache_lifetime() -> None:
    assert cache_lifetime("max-age=60, must-revalidate") == timedelta(seconds=60)
    assert cache_lifetime("s-maxage=60") is None
    assert cache_lifetime("no-store") is None
    assert cache_lifetime(None) is None


def test_adaptive_interval_follows_publishing_rate() -> None:
    hourly = [NOW - timedelta(hours=h) for h in range(10)]
    assert adaptive_interval(hourly, MIN15, BOUNDS) == timedelta(minutes=30)
    daily = [NOW - timedelta(days=d) for d in range(10)]
    assert adaptive_interval(daily, MIN15, BOUNDS) == timedelta(hours=1)  # capped: 4 × 15 min
    assert adaptive_interval(daily, MIN15, BOUNDS, cap=timedelta(days=1)) == timedelta(hours=12)
    assert adaptive_interval(daily, MIN15, BOUNDS, cap=timedelta(hours=2)) == timedelta(hours=2)
    busy = [NOW - timedelta(minutes=m) for m in range(10)]
    assert adaptive_interval(busy, MIN15, BOUNDS) == MIN15  # never below the configured interval


def test_adaptive_interval_without_enough_dates_is_the_base() -> None:
    assert adaptive_interval([], MIN15, BOUNDS) == MIN15
    assert adaptive_interval([NOW, NOW, NOW - timedelta(days=1)], MIN15, BOUNDS) == MIN15
    assert adaptive_interval([], timedelta(minutes=1), BOUNDS) == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("errors", "limit", "disabled"),
    [(0, 3, False), (2, 3, False), (3, 3, True), (9, 3, True), (1, 1, True)],
)
def test_should_disable(errors: int, limit: int, disabled: bool) -> None:
    assert should_disable(errors, limit) is disabled
