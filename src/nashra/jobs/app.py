"""The procrastinate app of a worker process, and deferring inside one of our transactions.

``worker_app(config)``: an ``App`` on procrastinate's async psycopg connector, with Nashra's
tasks (``nashra.jobs.tasks``, namespace ``nashra``). One per process.

``deferrer(config).defer(conn, task, **kwargs)``: insert a job on the SQLAlchemy connection
``conn`` (its psycopg connection, inside the transaction the caller holds), through
procrastinate's own ``procrastinate_defer_jobs`` function; it commits or rolls back with the
caller's transaction. A queueing-lock conflict (``AlreadyEnqueued``: that job is already waiting)
is rolled back to a savepoint and ignored, so it never aborts the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import sqlalchemy as sa
from procrastinate import App, PsycopgConnector, SyncPsycopgConnector, exceptions, manager, tasks

from nashra.settings import Config

NAMESPACE = "nashra"
# Queues: "schedule" (the periodic task), "poll" (feeds: light), "article" (fetch + extraction:
# CPU), "send" (channels). A worker serves all of them unless told otherwise.
QUEUES = ("schedule", "poll", "article", "send")
TASK_QUEUES = {"poll_source": "poll", "article": "article", "send": "send", "tick": "schedule"}


def conninfo(url: str) -> str:
    """A libpq connection string from our SQLAlchemy URL (``postgresql+psycopg://…``)."""
    parsed = sa.make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise ValueError(f"the job queue needs PostgreSQL, not {parsed.drivername}")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def worker_app(config: Config, *, max_size: int = 10) -> App:
    from nashra.jobs.tasks import bp

    app = App(
        connector=PsycopgConnector(
            conninfo=conninfo(config.database_url), min_size=1, max_size=max_size
        )
    )
    app.add_tasks_from(bp, namespace=NAMESPACE)
    return app


class Deferrer:
    """Jobs inserted on our own connection (see the module docstring)."""

    def __init__(self, url: str) -> None:
        # Never opened: every query runs on the connection it is given.
        self.jobs = manager.JobManager(SyncPsycopgConnector(conninfo=conninfo(url)))

    def defer(
        self,
        conn: sa.Connection,
        task: str,
        *,
        lock: str | None = None,
        queueing_lock: str | None = None,
        schedule_at: dt.datetime | None = None,
        priority: int | None = None,
        **kwargs: Any,
    ) -> int | None:
        """The new job's id, or None when its queueing lock says it is already waiting.

        Prefer ``defer_once``: a queueing-lock insert *waits* while another transaction is
        fetching the waiting job, and if that fetch belongs to this process's event loop (which
        this synchronous call blocks), the two wait for each other for ever."""
        raw = conn.connection.driver_connection
        deferrer = tasks.configure_task(
            name=f"{NAMESPACE}:{task}",
            job_manager=self.jobs,
            queue=TASK_QUEUES[task],
            lock=lock,
            queueing_lock=queueing_lock,
            schedule_at=schedule_at,
            priority=priority,
            connection=raw,
        )
        if queueing_lock is None:
            return deferrer.defer(**kwargs)
        savepoint = conn.begin_nested()
        try:
            job_id = deferrer.defer(**kwargs)
        except exceptions.AlreadyEnqueued:
            savepoint.rollback()
            return None
        savepoint.commit()
        return job_id

    def defer_once(self, conn: sa.Connection, task: str, key: str, **kwargs: Any) -> int | None:
        """Defer unless a job of ``task`` with the same ``kwargs[key]`` is already waiting.

        A plain read, never a lock wait (see ``defer``); two workers may both defer one, which
        is harmless: the jobs share a procrastinate ``lock`` and the second finds nothing to do.
        """
        found = conn.execute(
            sa.text(
                "SELECT 1 FROM procrastinate_jobs WHERE task_name = :task AND status = 'todo'"
                " AND args ->> :key = :value LIMIT 1"
            ),
            {"task": f"{NAMESPACE}:{task}", "key": key, "value": str(kwargs[key])},
        ).first()
        if found is not None:
            return None
        return self.defer(conn, task, **kwargs)


@functools.lru_cache(maxsize=4)
def deferrer(url: str) -> Deferrer:
    return Deferrer(url)
