"""Web commands: ``nashra serve`` and ``nashra web hash-password`` / ``nashra web reindex``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nashra.cli._app import CONFIG_HELP, app
from nashra.errors import NashraError
from nashra.settings import load_config

web_app = typer.Typer(help="الموقع — the web UI's helpers", no_args_is_help=True)
app.add_typer(web_app, name="web")
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)]


@app.command()
def serve(
    config: ConfigOpt = Path("nashra.toml"),
    host: Annotated[str, typer.Option(help="عنوان الاستماع — bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="المنفذ — port")] = 8000,
) -> None:
    """شغّل الموقع والواجهة البرمجية — serve the archive, search, admin and API."""
    import uvicorn

    from nashra.web import create_app
    from nashra.web.app import server_config

    try:
        cfg = load_config(config)
        application = create_app(cfg)
    except NashraError as exc:
        typer.echo(f"خطأ — error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"نشرة على — serving on http://{host}:{port}/", err=True)
    uvicorn.Server(server_config(application, host=host, port=port)).run()


@web_app.command("hash-password")
def hash_password_cmd(
    stdin: Annotated[bool, typer.Option(help="اقرأ كلمة المرور من stdin — from stdin")] = False,
) -> None:
    """اطبع تجزئة كلمة مرور المشرف — print a hash for NASHRA_ADMIN_PASSWORD_HASH."""
    from nashra.web.security import hash_password

    if stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("كلمة المرور — password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        typer.echo("كلمة المرور قصيرة (8 أحرف على الأقل) — at least 8 characters", err=True)
        raise typer.Exit(2)
    typer.echo(hash_password(password))


@web_app.command("reindex")
def reindex(config: ConfigOpt = Path("nashra.toml")) -> None:
    """أعد بناء فهرس البحث — rebuild the search index from the stored articles."""
    from nashra.search import reindex_all
    from nashra.store import Store

    store = Store(load_config(config).database_url)
    with store.tx() as conn:
        n = reindex_all(conn)
    typer.echo(f"فُهرس {n} مقالًا — indexed {n} articles")
