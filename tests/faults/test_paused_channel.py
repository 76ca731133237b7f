"""Fault 13 (CLI): ``once`` exited 0 when nothing could be published (a paused channel), and the
pause ("the bot token is not set") stayed after the token was set. ``nashra once`` as a real
process, the local Bot API stand-in, a loopback feed, a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nashra.channels import ledger
from nashra.store import Store
from nashra.testing.telegram import FakeTelegram
from tests.pipeline.test_lifecycle import feed_of
from tests.sitekit import serve

TOKEN = "555001:paused-channel-test-token-AAAAAAAAAAAA"


def _once(cfg: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "NASHRA_PAUSE_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "nashra", "once", "-c", str(cfg), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
    )


def test_a_paused_channel_fails_once_and_resumes_when_the_token_is_set(tmp_path: Path) -> None:
    with serve() as site, FakeTelegram({TOKEN}) as fake:
        fake.add_chat("@paused")
        feed_of(site, 2)
        cfg = tmp_path / "nashra.toml"
        cfg.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "nashra.db"}"\n'
            '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\n'
            f'[[sources]]\nname = "مصدر"\nurl = "{site.base}/feed"\nfirst_run = "post_all"\n'
            '[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = "@paused"\n'
            f'token_env = "NASHRA_PAUSE_TOKEN"\napi_base = "{fake.url}"\ntimeout = 5.0\n'
            "pace = { per_window = 1000, window_seconds = 1.0, min_gap = 0.0 }\n",
            encoding="utf-8",
        )
        first = _once(cfg)
        assert first.returncode == 1, first.stderr  # nothing could be published: not a success
        assert "NASHRA_PAUSE_TOKEN" in first.stderr and "⏸" in first.stderr
        assert fake.accepted == []
        second = _once(cfg, NASHRA_PAUSE_TOKEN=TOKEN)
        assert second.returncode == 0, second.stderr
        assert len(fake.accepted) >= 2, "the queued posts did not go out once the token was set"
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    with store.read() as conn:
        assert ledger.state(conn, "tg").paused_reason is None
    store.close()
