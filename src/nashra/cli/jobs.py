"""Distributed mode (PostgreSQL): ``nashra worker`` and ``nashra queue status``."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.table import Table

from nashra.cli._app import app
from nashra.cli._logging import configured_level
from nashra.cli.core import DEFAULT_CONFIG, ConfigOpt, _die, _load, console
from nashra.errors import NashraError


def _postgres_only(url: str) -> None:
    if not url.startswith("postgresql"):
        console.print(
            "[red]✗[/] العمّال يحتاجون PostgreSQL — workers need [database] url = "
            '"postgresql+psycopg://…" (SQLite runs everything in `nashra run`)'
        )
        raise typer.Exit(2)


@app.command()
def worker(
    config: ConfigOpt = DEFAULT_CONFIG,
    concurrency: Annotated[
        int, typer.Option(help="jobs run at once (default: jobs.concurrency)")
    ] = 0,
    queues: Annotated[
        str, typer.Option(help="comma-separated: schedule, poll, article, send (default: all)")
    ] = "",
) -> None:
    """عامل يشغّل المهام من الطابور — a worker: runs jobs until SIGINT/SIGTERM (PostgreSQL)."""
    cfg = _load(config)
    _postgres_only(cfg.database_url)
    configured_level("info")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    from nashra.jobs.worker import main_worker

    names = [q.strip() for q in queues.split(",") if q.strip()] or None
    try:
        main_worker(cfg, concurrency=concurrency or None, queues=names)
    except NashraError as exc:
        _die(exc)


queue_app = typer.Typer(help="طابور المهام — the job queue (PostgreSQL)", no_args_is_help=True)
app.add_typer(queue_app, name="queue")


@queue_app.command("status")
def queue_status_cmd(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """المهام حسب النوع والحالة — queued, running, failed and stalled jobs per task."""
    cfg = _load(config)
    _postgres_only(cfg.database_url)
    from nashra.jobs.status import queue_status
    from nashra.store import Store

    store = Store(cfg.database_url)
    try:
        with store.read() as conn:
            rows = queue_status(conn, stalled_seconds=float(cfg["jobs.stalled_seconds"]))
    finally:
        store.close()
    table = Table("task", "queued", "running", "stalled", "failed", "succeeded")
    for r in rows:
        table.add_row(
            r.task, str(r.queued), str(r.running), str(r.stalled), str(r.failed), str(r.succeeded)
        )
    console.print(table if rows else "الطابور فارغ — the queue is empty")


@app.command()
def migrate(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """طبّق ترحيلات قاعدة البيانات — apply the migrations (ours, and the job queue's on
    PostgreSQL); run once before starting workers."""
    cfg = _load(config)
    from nashra.store import Store
    from nashra.store.migrations import MIGRATIONS

    try:
        Store(cfg.database_url).close()
    except NashraError as exc:
        _die(exc)
    top = max(v for v, _, _ in MIGRATIONS)
    console.print(f"قاعدة البيانات محدّثة — the database is at version {top}")
