"""``nashra queue status``: jobs per task and state, read from procrastinate's tables.

Stalled: ``doing`` jobs whose worker sent no heartbeat for ``jobs.stalled_seconds`` (or has no
worker row any more); the periodic tick puts them back in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

STATUS_SQL = sa.text(
    """
    SELECT j.task_name,
           count(*) FILTER (WHERE j.status = 'todo') AS queued,
           count(*) FILTER (WHERE j.status = 'doing') AS running,
           count(*) FILTER (WHERE j.status = 'failed') AS failed,
           count(*) FILTER (WHERE j.status = 'succeeded') AS succeeded,
           count(*) FILTER (
             WHERE j.status = 'doing' AND (
               w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => :stalled))
           ) AS stalled
      FROM procrastinate_jobs j
      LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
     GROUP BY j.task_name
     ORDER BY j.task_name
    """
)


@dataclass(frozen=True, slots=True)
class QueueRow:
    task: str
    queued: int
    running: int
    failed: int
    succeeded: int
    stalled: int


def queue_status(conn: sa.Connection, *, stalled_seconds: float = 30.0) -> list[QueueRow]:
    rows = conn.execute(STATUS_SQL, {"stalled": stalled_seconds}).all()
    return [
        QueueRow(str(r.task_name), r.queued, r.running, r.failed, r.succeeded, r.stalled)
        for r in rows
    ]
