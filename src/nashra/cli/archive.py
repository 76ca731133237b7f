"""``nashra export`` and ``nashra import``: the archive as JSON Lines or CSV, and back."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nashra.cli._app import CONFIG_HELP, app
from nashra.errors import NashraError
from nashra.settings import load_config

console = Console(stderr=True)
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)]


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]خطأ[/] — error: {message}")
    return typer.Exit(code)


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not console.is_terminal:
        yield lambda _kind: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _kind: bar.advance(task)


@app.command("export")
def export_cmd(
    config: ConfigOpt = Path("nashra.toml"),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="jsonl أو csv")] = Format.jsonl,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="ملف (jsonl) أو مجلد (csv)؛ دونه: stdout — file/folder"
        ),
    ] = None,
) -> None:
    """صدّر الأرشيف: المقالات والقصص والمنشورات — export articles, stories and posts."""
    from nashra import archive
    from nashra.i18n import plural
    from nashra.store import Store

    try:
        store = Store(load_config(config).database_url)
    except NashraError as exc:
        raise _fail(str(exc)) from exc
    try:
        with store.read() as conn:
            total = archive.count_rows(conn)
            with _progress("تصدير — exporting", total) as tick:
                if fmt is Format.csv:
                    if output is None:
                        raise _fail("‏--format csv يحتاج مجلدًا: -o DIR — csv needs -o DIR")
                    n = archive.export_csv(conn, output, tick)
                elif output is None:
                    n = archive.export_jsonl(conn, sys.stdout, tick)
                else:
                    with output.open("w", encoding="utf-8") as f:
                        n = archive.export_jsonl(conn, f, tick)
    finally:
        store.close()
    where = output or "stdout"
    console.print(f"صُدِّر {plural('ar', n, 'record')} إلى {where} — exported {n} records")


@app.command("import")
def import_cmd(
    path: Annotated[
        Path, typer.Argument(help="ملف jsonl أو مجلد csv من nashra export؛ ‎- لـ stdin")
    ],
    config: ConfigOpt = Path("nashra.toml"),
) -> None:
    """استورد أرشيفًا صدّرته نشرة — import an archive written by ``nashra export``.

    Articles already in the database (same identity) are skipped; all or nothing (one
    transaction). The search index is rebuilt for the new articles."""
    from nashra import archive
    from nashra.i18n import plural
    from nashra.search import sync_index
    from nashra.store import Store

    try:
        store = Store(load_config(config).database_url)
    except NashraError as exc:
        raise _fail(str(exc)) from exc
    try:
        with store.tx() as conn, _progress("استيراد — importing", None) as tick:
            if path.is_dir():
                report = archive.import_csv(conn, path, tick)
            elif str(path) == "-":
                report = archive.import_jsonl(conn, sys.stdin, tick)
            elif path.exists():
                with path.open(encoding="utf-8") as f:
                    report = archive.import_jsonl(conn, f, tick)
            else:
                raise _fail(f"غير موجود — not found: {path}")
            sync_index(conn)
    except NashraError as exc:
        raise _fail(f"لم يُستورد شيء — nothing imported: {exc}", 1) from exc
    finally:
        store.close()
    skipped = report.skipped["article"] + report.skipped["post"]
    console.print(
        f"استُورد {plural('ar', report.articles, 'article')} و{plural('ar', report.posts, 'post')}"
        f"، وتُرك {skipped} موجودًا — imported {report.articles} articles, {report.posts} posts,"
        f" {skipped} already there"
    )
