"""``nashra tag``: entities, hashtags and topic of Arabic text, as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from nashra.cli._app import CONFIG_HELP, app
from nashra.errors import NashraError
from nashra.settings import load_config


@app.command("tag")
def tag_cmd(
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", help="العنوان؛ ودون ذلك فالسطر الأول هو العنوان — the title"),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option("--category", help="تصنيف من الخلاصة (يتكرر) — a feed category (repeatable)"),
    ] = None,
    source_tag: Annotated[
        list[str] | None,
        typer.Option("--source-tag", help="وسم ثابت للمصدر (يتكرر) — a fixed source tag"),
    ] = None,
    max_hashtags: Annotated[
        int | None, typer.Option("--max", help="أقصى عدد للوسوم — most hashtags")
    ] = None,
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option("--gazetteer", "-g", help="ملف أسماء إضافي (TSV) — an extra gazetteer"),
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help=CONFIG_HELP)] = None,
) -> None:
    """استخرج الكيانات والوسوم والموضوع من نص على stdin — entities, hashtags, topic as JSON.

    Without --title the first line of stdin is the title. Offsets index the title, a newline,
    then the body (with no --title: stdin as given).
    """
    from nashra.enrich import Enricher

    text = sys.stdin.read()
    if title is None:
        head, _, body = text.partition("\n")
    else:
        head, body = title, text
    try:
        user: list[Path] = []
        default_max = 6
        if config is not None:
            cfg = load_config(config)
            extra: str = cfg["enrich.gazetteer"]
            user = [cfg.resolve(extra)] if extra else []
            default_max = cfg["enrich.max_hashtags"]
        enricher = Enricher(user_gazetteers=[*user, *(gazetteer or [])], max_hashtags=default_max)
    except NashraError as exc:
        typer.echo(f"خطأ — error: {exc}", err=True)
        raise typer.Exit(2) from exc
    result = enricher.enrich(
        head,
        body,
        categories=category or (),
        source_tags=source_tag or (),
        max_hashtags=max_hashtags,
    )
    out = {
        "entities": [
            {
                "text": e.text,
                "type": e.type,
                "start": e.start,
                "end": e.end,
                "canonical": e.canonical,
            }
            for e in result.entities
        ],
        "hashtags": list(result.hashtags),
        "topic": result.topic,
    }
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
