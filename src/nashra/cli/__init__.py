"""The command line. Each area registers its commands on ``app`` in its own module."""

from __future__ import annotations

import importlib

from nashra.cli._app import app

# Command modules, in --help order. Each imports ``app`` from ``nashra.cli._app`` and decorates.
COMMAND_MODULES = [
    "nashra.cli.core",
    "nashra.cli.jobs",
    "nashra.cli.arabic",
    "nashra.cli.sources_io",
    "nashra.cli.web",
    "nashra.cli.enrich",
    "nashra.cli.stories",
    "nashra.cli.publish",
    "nashra.cli.archive",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name)


def main() -> None:
    from nashra import logs

    logs.install()  # before any command configures logging: no secret in any log line
    app()


__all__ = ["app", "main"]
