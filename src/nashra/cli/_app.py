"""The one Typer application every command module registers on, and its global options.

Command modules import only what ``--help`` needs at the top (typer, pathlib, the settings
table); the pipeline, the store and the channels are imported inside the commands, so that
``nashra --help`` starts in a fraction of a second (``bench/bench_cli.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from nashra import __version__

app = typer.Typer(
    name="nashra",
    help="نشرة — Nashra: Arabic news in, channel posts out, once per story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CONFIG_HELP = "ملف الإعدادات (TOML) — the config file"


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nashra {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="اطبع الإصدار — print the version"
        ),
    ] = False,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(
            "--log-level",
            envvar="NASHRA_LOG_LEVEL",
            help="مستوى السجل — log level (default: info for run, warning otherwise)",
        ),
    ] = None,
    log_format: Annotated[
        LogFormat,
        typer.Option(
            "--log-format", envvar="NASHRA_LOG_FORMAT", help="سطر نصي أو JSON — text or json"
        ),
    ] = LogFormat.text,
) -> None:
    """نشرة — Nashra: Arabic news in, channel posts out, once per story."""
    from nashra.cli._logging import configure

    configure(log_level.value if log_level else None, log_format.value)
