"""The deployment files, checked by what can be checked here: compose.yaml parses and each of its
Nashra services runs a command our CLI accepts (parsed by the CLI itself, options included); the
systemd units parse and their ExecStart lines are commands the CLI accepts; the Dockerfile's
entry point is ``nashra``. The services themselves (scheduler + workers on PostgreSQL) run
without Docker in tests/jobs, with the same commands; `nashra run` on PostgreSQL (the scheduler
and N workers as child processes) is run here, end to end."""

from __future__ import annotations

import configparser
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from nashra.cli import app
from tests.conftest import ROOT
from tests.store.conftest import pg_url  # noqa: F401  (the fixture)

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def accepts(args: list[str]) -> None:
    """Parse ``nashra ARGS`` with the real CLI (raises on an unknown command or option)."""
    cmd: Any = typer.main.get_command(app)
    ctx = cmd.context_class(cmd, info_name="nashra")
    rest = list(args)
    while hasattr(cmd, "get_command"):  # a group: nashra, nashra queue, ...
        name, rest = rest[0], rest[1:]
        sub = cmd.get_command(ctx, name)
        assert sub is not None, f"no command {name!r}"
        cmd, ctx = sub, sub.context_class(sub, info_name=name, parent=ctx)
    cmd.make_context(ctx.info_name, rest, parent=ctx.parent)


def test_compose_has_the_database_the_scheduler_workers_and_the_web() -> None:
    services: dict[str, Any] = COMPOSE["services"]
    assert set(services) == {"db", "migrate", "scheduler", "worker", "web"}
    assert services["db"]["image"].startswith("postgres:")
    assert "C.UTF-8" in services["db"]["environment"]["POSTGRES_INITDB_ARGS"]
    for name in ("migrate", "scheduler", "worker", "web"):
        svc = services[name]
        assert svc["image"] == "nashra:latest" and svc["build"] == "."
        assert svc["environment"]["NASHRA_DATABASE_URL"].startswith("postgresql+psycopg://")
        accepts(svc["command"])
    assert "schedule" in services["scheduler"]["command"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    for name in ("scheduler", "worker", "web"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_a_bad_command_would_be_caught() -> None:
    with pytest.raises(Exception) as caught:
        accepts(["worker", "--no-such-option"])
    assert "no such option" in str(caught.value).lower()


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_units_parse_and_run_commands_the_cli_accepts(unit: Path) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(unit.read_text(encoding="utf-8"))
    assert {"Unit", "Service"} <= set(parser.sections())
    exec_start = shlex.split(parser["Service"]["ExecStart"])
    assert exec_start[0].endswith("/nashra")
    accepts(exec_start[1:])
    if parser["Service"].get("Type") != "oneshot":
        assert parser["Service"]["Restart"] == "always"
        assert "Install" in parser


def test_dockerfile_runs_nashra_with_the_postgres_extra() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["nashra"]' in text
    assert "'.[postgres]'" in text
    for line in text.splitlines():
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src


def test_nashra_run_on_postgresql_starts_the_scheduler_and_workers(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from nashra.testing.campaign import feed
    from nashra.testing.workers import SlowOrigin

    origin = SlowOrigin(0.0).start()
    origin.serve(feed(3, 5, origin.url))
    config = tmp_path / "nashra.toml"
    config.write_text(
        f'[database]\nurl = "{pg_url}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\n'
        f'[[sources]]\nname = "o"\nurl = "{origin.url}/feed.xml"\nfirst_run = "post_all"\n'
        f'[[channels]]\nname = "d"\nkind = "directory"\npath = "{tmp_path / "posts"}"\n',
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "nashra", "run", "-c", str(config), "--workers", "1"]
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=dict(os.environ))
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(list(tmp_path.glob("posts/*.txt"))) < 3:
            time.sleep(0.5)
        assert len(list(tmp_path.glob("posts/*.txt"))) == 3, (tmp_path / "run.log").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        log.close()
        origin.stop()
    assert code == 0, (tmp_path / "run.log").read_text()
