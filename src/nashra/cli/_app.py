"""The one Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="nashra",
    help="نشرة — Nashra: Arabic news in, channel posts out, once per story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CONFIG_HELP = "ملف الإعدادات (TOML) — the config file"


@app.callback()
def _root() -> None:
    """نشرة — Nashra: Arabic news in, channel posts out, once per story."""
