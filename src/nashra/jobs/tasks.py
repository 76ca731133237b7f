"""The tasks (flow: ``nashra.jobs``). Each is idempotent: a stalled job runs again."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from procrastinate import Blueprint, JobContext, RetryStrategy

from nashra.jobs.context import current, from_json, store_lock
from nashra.pipeline import SourceReport
from nashra.publish import publish
from nashra.store import articles, schema

log = logging.getLogger("nashra.jobs")
bp = Blueprint()

# Our own failures are recorded as outcomes inside the stages; what reaches procrastinate is a
# bug or a lost database: try again a few times, further apart each time.
RETRY = RetryStrategy(max_attempts=5, exponential_wait=2)
TICK_CRON = "* * * * * */5"  # every 5 seconds (croniter: the 6th field is the seconds)


@bp.task(name="poll_source", queue="poll", retry=RETRY)
async def poll_source(source: str) -> None:
    """Poll one source; its new items become article jobs in the poll's own transaction."""
    st = current()
    spec = st.spec(source)
    if spec is None:
        return  # removed from the config since the job was deferred
    with st.store.read() as conn:
        state = next((s for s in _states(conn) if s.name == source), None)
    if state is not None and state.url == spec.url and not state.due():
        return  # polled by a job that ran just before this one
    report = await st.ingest.poll(spec)
    for err in report.errors:
        log.warning("%s: %s", source, err)


@bp.task(name="article", queue="article", retry=RETRY)
async def article(source: str, item: dict[str, Any], publish: bool) -> None:
    """Fetch, extract, dedupe, enrich and store one item; its posts and a send job per channel
    commit with it."""
    st = current()
    spec = st.spec(source)
    if spec is None:
        return
    found = from_json(item)
    report = SourceReport(source)
    ready = await st.ingest.prepare_item(spec, found, publish, report)
    if ready is None:
        return  # unchanged, marked seen, dropped or failed: recorded as such
    with st.store.tx() as conn:
        store_lock(conn)  # one store transaction at a time: dedupe sees every stored article
        if ready.known_id is None and articles.by_identity(conn, ready.article.identity):
            return  # stored meanwhile (this job ran twice, or another worker had the item)
        st.ingest.store_ready(conn, spec, ready)
        for ch in st.runner.channels:
            st.defer.defer_once(conn, "send", "channel", lock=f"chat:{ch.name}", channel=ch.name)


@bp.task(name="send", queue="send", retry=RETRY)
async def send(channel: str) -> None:
    """Publish what is due on one channel (one such job at a time per channel: its lock)."""
    st = current()
    ch = st.channel(channel)
    if ch is None:
        return
    report = await publish(st.store, [ch])
    if report.outcomes:
        log.info("%s: %s", channel, dict(report.outcomes))


@bp.periodic(cron=TICK_CRON, periodic_id="tick")
@bp.task(name="tick", queue="schedule", queueing_lock="tick", pass_context=True)
async def tick(context: JobContext, timestamp: int) -> None:
    """Deferred once per period whatever the number of workers: poll jobs for the due sources,
    send jobs for channels with posts waiting, and stalled jobs put back in the queue."""
    st = current()
    due = st.runner.due(all_sources=False)
    with st.store.tx() as conn:
        for spec in due:
            st.defer.defer_once(
                conn, "poll_source", "source", lock=f"poll:{spec.name}", source=spec.name
            )
        for name in _channels_waiting(conn):
            if st.channel(name) is not None:
                st.defer.defer_once(conn, "send", "channel", lock=f"chat:{name}", channel=name)
    stalled = await context.app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=float(st.config["jobs.stalled_seconds"])
    )
    for job in stalled:
        log.warning("retrying stalled job %s (%s)", job.id, job.task_name)
        await context.app.job_manager.retry_job(job)


def _channels_waiting(conn: sa.Connection) -> list[str]:
    posts = schema.posts
    now = datetime.now(UTC)
    q = (
        sa.select(posts.c.channel)
        .where(
            sa.or_(
                sa.and_(
                    posts.c.state == "pending",
                    sa.or_(posts.c.next_attempt_at.is_(None), posts.c.next_attempt_at <= now),
                ),
                sa.and_(posts.c.state == "sent", posts.c.needs_edit.is_(True)),
            )
        )
        .distinct()
    )
    return [str(r) for r in conn.execute(q).scalars()]


def _states(conn: sa.Connection) -> list[Any]:
    from nashra.store import sources

    return sources.all_states(conn)
