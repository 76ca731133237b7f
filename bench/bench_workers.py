"""The worker fault campaign at size: the scheduler + 2 workers on PostgreSQL, a loopback outlet
whose pages answer after ``--page-delay`` seconds, the local Bot API, one worker SIGKILLed every
few seconds and restarted (``nashra.testing.workers``; a small copy runs in ``make test``).

    .venv/bin/python bench/bench_workers.py [--articles 200] [--kills 20] [--pg-url URL]

Prints the campaign's figures: articles stored (each once), messages accepted more than once,
posts not sent, jobs left queued/running/failed, jobs that ran more than once, amcheck errors.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

from nashra.testing.workers import run_worker_campaign


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--page-delay", type=float, default=1.0)
    ap.add_argument("--deadline", type=float, default=900.0)
    ap.add_argument("--pg-url", default=os.environ.get("NASHRA_TEST_PG_URL", ""))
    args = ap.parse_args()
    if not args.pg_url:
        raise SystemExit("needs --pg-url or NASHRA_TEST_PG_URL")
    name = f"nashra_bench_workers_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = str(sa.make_url(args.pg_url).set(database=name))
    try:
        with tempfile.TemporaryDirectory(prefix="nashra-workers-") as tmp:
            figures = run_worker_campaign(
                Path(tmp),
                url,
                articles=args.articles,
                kills=args.kills,
                every=(2.0, 5.0),
                deadline=args.deadline,
                page_delay=args.page_delay,
            )
        print("\n".join(figures.lines()))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
