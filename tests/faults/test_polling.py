"""Fault 8: adaptive polling had no bound: ``interval_minutes = 15`` became 10–24 h for a source
that publishes daily. Now it is capped by ``poll.max_interval_minutes`` (default 4 × the source's
interval) and ``poll.adaptive = false`` turns it off. Through real cycles on a loopback feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nashra.settings import load_config
from nashra.store import Store, sources
from tests.pipeline.conftest import run_cycle
from tests.pipeline.test_lifecycle import feed_of
from tests.sitekit import Site, serve


def _next_poll_minutes(tmp_path: Path, site: Site, poll: dict[str, object]) -> float:
    config = load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
            "poll": poll,
            "sources": [{"name": "يومي", "url": site.base + "/feed", "interval_minutes": 15}],
            "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "p")}],
        },
        env={},
    )
    before = datetime.now(UTC)
    run_cycle(config)  # the feed's six items are one day apart
    store = Store(config.database_url)
    with store.read() as conn:
        state = sources.get(conn, "يومي")
    store.close()
    assert state is not None and state.next_poll_at is not None
    return (state.next_poll_at - before) / timedelta(minutes=1)


@pytest.mark.parametrize(
    ("poll", "low", "high"),
    [
        ({}, 59.0, 61.0),  # default: 4 × 15 min, not 12 h
        ({"max_interval_minutes": 120}, 119.0, 121.0),
        ({"max_interval_minutes": 24 * 60}, 12 * 60 - 1, 12 * 60 + 1),  # the old behaviour
        ({"adaptive": False}, 14.0, 16.0),
    ],
)
def test_adaptive_polling_is_bounded_and_switchable(
    tmp_path: Path, poll: dict[str, object], low: float, high: float
) -> None:
    with serve() as site:
        feed_of(site, 6)
        minutes = _next_poll_minutes(tmp_path, site, poll)
    assert low <= minutes <= high, minutes
