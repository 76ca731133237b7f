"""Operations: --version, --log-level, --log-format json, the per-cycle and per-batch lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nashra import __version__
from nashra.cli import app
from tests.cli.test_core_commands import write_config
from tests.pipeline.conftest import SAMPLE_PAGE, rss
from tests.sitekit import serve

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"nashra {__version__}"


def test_help_does_not_import_the_pipeline() -> None:
    """What keeps ``--help`` fast (bench/bench_cli.py measures it): no heavy module loaded."""
    code = (
        "import sys\n"
        "from nashra.cli import app\n"
        "from typer.main import get_command\n"
        "get_command(app)\n"
        "heavy = [m for m in ('nashra.runner', 'nashra.pipeline', 'sqlalchemy', 'trafilatura',"
        " 'httpx', 'fastapi', 'nashra.channels', 'asyncio') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_logs_carry_the_cycle_and_publish_counts(tmp_path: Path) -> None:
    with serve() as site:
        page = site.add("/article.html", SAMPLE_PAGE.read_bytes())
        site.add(
            "/feed",
            rss([{"title": "خطر داعش", "link": page, "guid": page}]),
            content_type="application/rss+xml",
        )
        cfg = write_config(tmp_path, site.base + "/feed")
        args = ["--log-level", "info", "--log-format", "json"]
        result = runner.invoke(app, [*args, "once", "-c", str(cfg), "--no-progress"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stderr.splitlines() if x.startswith("{")]
    cycle = [x for x in lines if x.get("event") == "cycle"]
    batch = [x for x in lines if x.get("event") == "publish"]
    assert len(cycle) == 1 and len(batch) == 1, result.stderr
    assert cycle[0]["level"] == "info" and cycle[0]["logger"] == "nashra.runner"
    assert cycle[0]["sources"] == 1 and cycle[0]["accepted"] == 1 and cycle[0]["errors"] == 0
    assert cycle[0]["msg"].startswith("cycle: 1 sources")
    assert batch[0]["sent"] == 1 and batch[0]["failed"] == 0
    assert "T" in cycle[0]["ts"]


def test_default_level_hides_info_and_text_format(tmp_path: Path) -> None:
    with serve() as site:
        site.add("/feed", rss([]), content_type="application/rss+xml")
        cfg = write_config(tmp_path, site.base + "/feed")
        quiet = runner.invoke(app, ["once", "-c", str(cfg), "--no-progress"])
        loud = runner.invoke(app, ["--log-level", "info", "once", "-c", str(cfg), "--no-progress"])
    assert quiet.exit_code == 0 and "cycle:" not in quiet.stderr
    assert loud.exit_code == 0
    line = next(x for x in loud.stderr.splitlines() if "nashra.runner: cycle:" in x)
    assert " INFO " in line


def test_unknown_log_level_is_refused() -> None:
    result = runner.invoke(app, ["--log-level", "loud", "settings"])
    assert result.exit_code == 2
    assert "loud" in result.output


def test_json_lines_never_carry_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from nashra.cli._logging import configure

    configure("info", "json")
    try:
        logging.getLogger("nashra.test").info(
            "POST https://api.telegram.org/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
        )
    finally:
        configure(None, "text")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert "AAHdqTcv" not in line["msg"] and "/bot***/sendMessage" in line["msg"]
