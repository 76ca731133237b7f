"""Migration 61: per-host politeness across workers (``nashra.jobs.hosts``).

One row per host: the earliest time the next page fetch of that host may start. A poll job takes
a slot for each item in its own transaction, so every worker on every machine keeps the gap.
"""

from __future__ import annotations

import sqlalchemy as sa


def up(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "host_slots",
        md,
        sa.Column("host", sa.Text, primary_key=True),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
    )
    md.create_all(conn)
