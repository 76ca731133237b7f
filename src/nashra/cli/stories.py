"""``nashra stories``: stories with their articles, outlets and times."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from nashra.cli._app import CONFIG_HELP, app
from nashra.errors import NashraError
from nashra.settings import load_config

if TYPE_CHECKING:
    from nashra.dedupe.stories import Story

console = Console(stderr=True)


def _json(s: Story) -> dict[str, Any]:
    d = asdict(s)
    d["first_seen"] = s.first_seen.isoformat()
    d["last_seen"] = s.last_seen.isoformat()
    d["outlets"] = list(s.outlets)
    d["articles"] = [asdict(x) for x in s.articles]
    return d


@app.command("stories")
def stories_cmd(
    config: Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)] = Path("nashra.toml"),
    limit: Annotated[int, typer.Option(help="كم قصة — how many stories")] = 50,
    min_articles: Annotated[
        int, typer.Option("--min-articles", help="قصص بهذا العدد من المقالات فأكثر")
    ] = 1,
    hours: Annotated[
        float | None, typer.Option(help="آخر كم ساعة — only stories active in the last N hours")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON على المخرج القياسي")] = False,
) -> None:
    """القصص ومقالاتها ومنافذها — stories with their articles, outlets and times."""
    from rich.table import Table

    from nashra.dedupe.stories import list_stories
    from nashra.store import Store

    try:
        cfg = load_config(config)
        store = Store(cfg.database_url)
    except NashraError as exc:
        console.print(f"[bold red]خطأ[/] — error: {exc}")
        raise typer.Exit(2) from exc
    since = datetime.now(UTC) - timedelta(hours=hours) if hours is not None else None
    with store.read() as conn:
        found = list_stories(conn, limit=limit, min_articles=min_articles, since=since)
    store.close()
    if as_json:
        out = {"stories": [_json(s) for s in found]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="القصص — stories")
    for col in ("#", "العنوان title", "مقالات articles", "المنافذ outlets", "آخر last seen"):
        table.add_column(col)
    for s in found:
        table.add_row(
            str(s.id),
            s.title,
            str(len(s.articles)),
            "، ".join(s.outlets),
            s.last_seen.isoformat(timespec="minutes"),
        )
    console.print(table)
