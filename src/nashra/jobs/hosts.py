"""Per-host politeness across workers: a slot table updated in the poll job's transaction
(SCALEOUT.md §5). Each page fetch of a host is given the host's next slot, ``gap`` after the one
before, and its job is scheduled then; no coordinator, whatever the number of workers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

TAKE = sa.text(
    "INSERT INTO host_slots (host, next_at) VALUES (:host, now() + :gap) "
    "ON CONFLICT (host) DO UPDATE SET next_at = greatest(host_slots.next_at, now()) + :gap "
    "RETURNING next_at - :gap"
)


def take(conn: sa.Connection, host: str, gap: timedelta) -> datetime:
    """The start of the host's next free slot (now, or later), and the slot is taken."""
    if gap <= timedelta(0):
        return datetime.now(UTC)
    at: datetime = conn.execute(TAKE, {"host": host, "gap": gap}).scalar_one()
    return at if at.tzinfo else at.replace(tzinfo=UTC)
