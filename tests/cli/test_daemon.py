"""`nashra run` as a real process: polls, publishes, and stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_core_commands import write_config
from tests.pipeline.conftest import SAMPLE_PAGE, rss
from tests.sitekit import serve


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_polls_then_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    with serve() as site:
        page = site.add("/a.html", SAMPLE_PAGE.read_bytes())
        site.add("/feed", rss([{"title": "خطر داعش", "link": page}]), content_type="text/xml")
        cfg = write_config(tmp_path, site.base + "/feed")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "nashra", "run", "--config", str(cfg)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            posts = tmp_path / "posts"
            while time.monotonic() < deadline and not list(posts.glob("*.txt")):
                assert proc.poll() is None, proc.communicate()[0]
                time.sleep(0.2)
            assert list(posts.glob("*.txt")), "the daemon published nothing within 60 s"
            proc.send_signal(sig)
            out, _ = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, out
    assert "stopped cleanly" in out
