"""``nashra stories``: stories with their articles, outlets, times and threads;
``nashra stories explain A B``: the scores that joined or split two articles."""

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
    from nashra.dedupe.signals import Signals
    from nashra.dedupe.stories import Story

console = Console(stderr=True)


def _json(s: Story) -> dict[str, Any]:
    d = asdict(s)
    d["first_seen"] = s.first_seen.isoformat()
    d["last_seen"] = s.last_seen.isoformat()
    d["outlets"] = list(s.outlets)
    d["articles"] = [asdict(x) for x in s.articles]
    return d


stories_app = typer.Typer(help="القصص — stories", invoke_without_command=True)
app.add_typer(stories_app, name="stories")


@stories_app.callback()
def stories_cmd(
    ctx: typer.Context,
    config: Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)] = Path("nashra.toml"),
    limit: Annotated[int, typer.Option(help="كم قصة — how many stories")] = 50,
    min_articles: Annotated[
        int, typer.Option("--min-articles", help="قصص بهذا العدد من المقالات فأكثر")
    ] = 2,
    hours: Annotated[
        float | None, typer.Option(help="آخر كم ساعة — only stories active in the last N hours")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON على المخرج القياسي")] = False,
) -> None:
    """القصص ومقالاتها ومنافذها — stories with their articles, outlets and times."""
    if ctx.invoked_subcommand is not None:
        return
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
    cols = ("#", "العنوان title", "مقالات articles", "المنافذ outlets", "آخر last seen")
    for col in (*cols, "مرتبطة related"):
        table.add_column(col)
    for s in found:
        table.add_row(
            str(s.id),
            s.title,
            str(len(s.articles)),
            "، ".join(s.outlets),
            s.last_seen.isoformat(timespec="minutes"),
            "، ".join(str(r) for r in s.related),
        )
    console.print(table)


def _verdict(sig: Signals) -> str:
    if sig.same_story:
        return "قصة واحدة — the same story (joined)"
    if sig.related:
        return "قصتان من سلسلة واحدة — two stories of one thread (linked, posted apart)"
    return "قصتان مختلفتان — two different stories (split)"


@stories_app.command("explain")
def explain_cmd(
    first: Annotated[int, typer.Argument(help="رقم المقال الأول — first article id")],
    second: Annotated[int, typer.Argument(help="رقم المقال الثاني — second article id")],
    config: Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)] = Path("nashra.toml"),
    as_json: Annotated[bool, typer.Option("--json", help="JSON على المخرج القياسي")] = False,
) -> None:
    """لماذا جُمع مقالان أو فُرّقا — the scores that joined or split two articles."""
    from rich.table import Table

    from nashra.dedupe import signals
    from nashra.dedupe.stories import explain
    from nashra.store import Store

    try:
        cfg = load_config(config)
        store = Store(cfg.database_url)
        with store.read() as conn:
            sig, one, two = explain(conn, first, second)
        store.close()
    except NashraError as exc:
        console.print(f"[bold red]خطأ[/] — error: {exc}")
        raise typer.Exit(2) from exc
    shared = sorted(one.entities & two.entities)
    if as_json:
        out = {
            "first": first,
            "second": second,
            "signals": {
                "use": sig.use,
                "centroid": sig.centroid,
                "body": sig.body,
                "entities": sig.entities,
                "places": sig.places,
                "numbers": sig.numbers,
                "hours": sig.hours,
            },
            "value": sig.value,
            "same_story_at": signals.SAME_STORY,
            "related_use_at": signals.RELATED_USE,
            "same_story": sig.same_story,
            "related": sig.related,
            "shared_entities": shared,
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    rows = [
        ("المعنى (USE) — meaning, cosine", f"{sig.use:.3f}", f"× {signals.W_USE}"),
        ("النص (TF-IDF) — body words, cosine", f"{sig.body:.3f}", f"× {signals.W_BODY}"),
        ("الكيانات النادرة — entities by rarity", f"{sig.entities:.3f}", f"× {signals.W_ENTITIES}"),
        ("الأماكن — places (+1 agree, −1 conflict)", str(sig.places), "veto" * (sig.places < 0)),
        ("الأرقام — numbers (+1 agree, −1 conflict)", str(sig.numbers), "shown only"),
        ("الفارق الزمني بالساعات — hours apart", f"{sig.hours:.1f}", f"× {signals.W_HOURS}/24"),
    ]
    table = Table(title=f"{first} ↔ {second}")
    for col in ("الإشارة signal", "القيمة value", "الوزن weight"):
        table.add_column(col)
    for r in rows:
        table.add_row(*r)
    out_console = Console()
    out_console.print(table)
    out_console.print(f"الكيانات المشتركة — shared entities: {'، '.join(shared) or '—'}")
    out_console.print(
        f"المجموع — total {sig.value:.2f} (قصة واحدة عند ≥ {signals.SAME_STORY}، "
        f"سلسلة عند معنى ≥ {signals.RELATED_USE}): {_verdict(sig)}"
    )
