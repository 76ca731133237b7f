"""Sources in and out, and a look at one page: import-opml, export-opml, preview."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from nashra.cli._app import CONFIG_HELP, app
from nashra.cli.core import sources_app
from nashra.errors import NashraError
from nashra.settings import Config, load_config

if TYPE_CHECKING:  # imported inside the commands: ``--help`` must not load them
    from nashra.extract import SiteRules
    from nashra.opml import OpmlSource

console = Console(stderr=True)
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)]
DEFAULT_CONFIG = Path("nashra.toml")


def _die(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]خطأ[/] — error: {message}")
    return typer.Exit(code)


def _config(path: Path, *, required: bool = True) -> Config:
    if not required and not path.exists():
        return load_config(data={})
    try:
        return load_config(path)
    except NashraError as exc:
        raise _die(str(exc)) from exc


def toml_string(value: str) -> str:
    """A TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append(ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def source_tables(found: list[OpmlSource]) -> str:
    """``[[sources]]`` tables in TOML for the imported subscriptions."""
    lines: list[str] = []
    for src in found:
        lines.append("")
        if src.folder:
            lines.append(f"# {src.folder}")
        lines.append("[[sources]]")
        for key, value in src.table().items():
            if isinstance(value, list):
                shown = "[" + ", ".join(toml_string(str(v)) for v in value) + "]"
            else:
                shown = toml_string(str(value))
            lines.append(f"{key} = {shown}")
    return "\n".join(lines) + "\n"


@sources_app.command("import-opml")
def import_opml(
    file: Annotated[Path, typer.Argument(help="ملف OPML — an OPML file", exists=True)],
    config: ConfigOpt = DEFAULT_CONFIG,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="اعرض الجداول ولا تكتب — print, do not write")
    ] = False,
) -> None:
    """استورد المصادر من ملف OPML إلى ملف الإعدادات — import sources from an OPML file."""
    from nashra.i18n import plural
    from nashra.opml import read_opml

    cfg = _config(config)
    try:
        found = read_opml(file.read_bytes(), existing=cfg.sources)
    except NashraError as exc:
        raise _die(str(exc)) from exc
    if not found:
        console.print("لا مصادر جديدة في الملف — no new sources in the file")
        return
    tables = source_tables(found)
    if dry_run:
        sys.stdout.write(tables)
        return
    before = config.read_text(encoding="utf-8")
    config.write_text(before.rstrip("\n") + "\n" + tables, encoding="utf-8")
    try:
        load_config(config)
    except NashraError as exc:  # never leave a config behind that does not load
        config.write_text(before, encoding="utf-8")
        raise _die(f"لم يُكتب شيء — nothing written: {exc}") from exc
    added = plural("ar", len(found), "source")
    console.print(f"أُضيف {added} — added {len(found)} sources to {config}")


@sources_app.command("export-opml")
def export_opml(
    config: ConfigOpt = DEFAULT_CONFIG,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="الملف الناتج — output file")
    ] = None,
) -> None:
    """صدّر المصادر إلى OPML — export the configured sources as OPML."""
    from nashra.opml import write_opml

    data = write_opml(_config(config).sources)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        console.print(f"كُتب {output} — wrote {output}")


def _rules(cfg: Config, source: str | None, keep: list[str], drop: list[str]) -> SiteRules:
    from nashra.extract import SiteRules

    table: dict[str, list[str]] = {"keep": [], "drop": []}
    spec = next((s for s in cfg.sources if s.name == source), None)
    if source is not None and spec is None:
        raise _die(f"لا يوجد مصدر بهذا الاسم — no source named {source!r}")
    for key in ("keep", "drop"):
        if spec is not None:
            table[key].extend(spec.rules.get(key, ()))
    table["keep"].extend(keep)
    table["drop"].extend(drop)
    try:
        return SiteRules.from_dict(table)
    except NashraError as exc:
        raise _die(str(exc)) from exc


@app.command("preview")
def preview_command(
    url: Annotated[
        str, typer.Argument(help="رابط المقال، أو رقم مقال مخزّن مع --channel — URL, or article id")
    ],
    config: ConfigOpt = DEFAULT_CONFIG,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel", help="اعرض المقال المخزّن بقالب هذه القناة — render for a channel"
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="طبّق قواعد هذا المصدر — its site rules")
    ] = None,
    keep: Annotated[
        list[str] | None, typer.Option("--keep", help="محدِّد CSS للإبقاء — CSS to keep")
    ] = None,
    drop: Annotated[
        list[str] | None, typer.Option("--drop", help="محدِّد CSS للحذف — CSS to drop")
    ] = None,
) -> None:
    """اعرض المقال المستخرج وأثر قواعد الموقع — the extracted article and a rule's effect.

    With ``--channel``, the argument is a stored article's id: it is rendered with that channel's
    template (Telegram parts with their lengths) and nothing is sent."""
    import asyncio

    if channel is not None:
        from nashra.cli.publish import preview as channel_preview

        if not url.isdigit():
            raise _die("مع --channel يكون الوسيط رقم مقال — with --channel, give an article id")
        channel_preview(int(url), channel, config)
        return
    from nashra.extract import preview
    from nashra.fetch import Fetcher
    from nashra.runner import fetch_policy

    cfg = _config(config, required=False)
    rules = _rules(cfg, source, keep or [], drop or [])

    async def fetch() -> tuple[bytes, str]:
        async with Fetcher(fetch_policy(cfg)) as fetcher:
            page = await fetcher.get(url, kind="page")
        return page.body, page.url

    try:
        body, final_url = asyncio.run(fetch())
    except NashraError as exc:
        raise _die(f"{exc.code}: {exc}", 1) from exc
    sys.stdout.write(preview(body, final_url, rules or None))
