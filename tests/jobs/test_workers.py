"""Distributed mode on a real PostgreSQL: jobs commit with the data that caused them, per-host
slots hold across transactions, and the fault run: the scheduler + 2 workers, one SIGKILLed
every few seconds and restarted, every article stored once, every story posted once, no job
lost or stuck (``nashra.testing.workers``; a larger run in ``bench/bench_workers.py``)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from nashra.jobs import deferrer, queue_status
from nashra.jobs.hosts import take
from nashra.store import Store
from nashra.testing.workers import run_worker_campaign
from tests.store.conftest import pg_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgres


def _jobs(store: Store) -> int:
    with store.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM procrastinate_jobs").scalar() or 0)


def test_a_job_commits_or_rolls_back_with_the_transaction_that_deferred_it(pg_url: str) -> None:  # noqa: F811
    store = Store(pg_url)
    d = deferrer(pg_url)
    try:
        with pytest.raises(RuntimeError), store.tx() as conn:
            d.defer(conn, "poll_source", source="a")
            raise RuntimeError("the stage failed after deferring")
        assert _jobs(store) == 0
        with store.tx() as conn:
            assert d.defer(conn, "poll_source", queueing_lock="poll:a", source="a")
            # the same queueing lock while the first waits: ignored, the transaction goes on
            assert d.defer(conn, "poll_source", queueing_lock="poll:a", source="a") is None
            assert d.defer_once(conn, "send", "channel", lock="chat:x", channel="x")
            assert d.defer_once(conn, "send", "channel", lock="chat:x", channel="x") is None
            assert d.defer_once(conn, "send", "channel", lock="chat:y", channel="y")
        assert _jobs(store) == 3
        with store.read() as conn:
            rows = {r.task: r.queued for r in queue_status(conn)}
        assert rows == {"nashra:poll_source": 1, "nashra:send": 2}
    finally:
        store.close()


def test_host_slots_space_fetches_across_transactions(pg_url: str) -> None:  # noqa: F811
    store = Store(pg_url)
    gap = timedelta(seconds=2)
    try:
        slots = []
        for _ in range(3):  # three polls, three transactions (as three workers would)
            with store.tx() as conn:
                slots.append(take(conn, "example.org", gap))
        with store.tx() as conn:
            other = take(conn, "example.net", gap)
        assert [b - a for a, b in itertools.pairwise(slots)] == [gap, gap]
        assert other < slots[-1]  # another host has its own slots
        with store.read() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM host_slots")).scalar()
        assert n == 2
    finally:
        store.close()


def test_workers_killed_and_restarted_lose_nothing_and_repeat_nothing(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    f = run_worker_campaign(tmp_path, pg_url, articles=16, kills=2, deadline=120.0)
    report = "\n".join(f.lines())
    assert f.kills == 2, report
    assert f.doing_at_kills > 0, report  # the kills hit running jobs
    assert (f.stored, f.distinct_stored) == (16, 16), report
    assert f.duplicates == 0, report
    assert f.posts == 16 and not f.not_sent, report
    assert not f.jobs_open, report
    assert not f.index_errors, report
