"""Fault 6: the bot token was written to the daemon's log on every send (httpx's INFO line prints
``…/bot123456:TEST/sendPhoto``). Every log line, at every level, of ours and of the libraries,
must be free of secrets."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nashra import logs
from nashra.runner import Runner
from nashra.settings import load_config
from nashra.testing.telegram import FakeTelegram
from tests.pipeline.test_lifecycle import feed_of
from tests.sitekit import Site, serve

# A token shaped like a real one, and a second secret of no recognisable shape (a WordPress
# application password), which only the registration by the settings loader can catch.
TOKEN = "7412369850:AAHk3vQx-9ZtLwP2mN8sR4uY6cB1dE5fG7h"
WP_PASSWORD = "plain words secret"

CASES = [
    ("https://api.telegram.org/bot123456:TEST/sendPhoto", "123456:TEST"),
    (f"POST http://127.0.0.1:5/bot{TOKEN}/sendMessage", TOKEN),
    (f"token {TOKEN} in a message", TOKEN),
    ("https://bot-user:hunter2secret@example.org/wp-json", "hunter2secret"),
    ("Authorization: Bearer abcdefghijklmnop123", "abcdefghijklmnop123"),
    ("headers={'authorization': 'Basic dXNlcjpwYXNzd29yZA=='}", "dXNlcjpwYXNzd29yZA=="),
    ("https://example.org/hook?token=s3cr3tvalue&x=1", "s3cr3tvalue"),
    ('{"password": "correct horse"}', "correct horse"),
]


@pytest.mark.parametrize(("line", "secret"), CASES)
def test_redact_masks_each_shape(line: str, secret: str) -> None:
    out = logs.redact(line)
    assert secret not in out
    assert logs.MASK in out


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "نشرة: 12 منشورًا، المصدر https://example.org/feed?page=2 (ok)"
    assert logs.redact(text) == text


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        yield s


def _config_text(tmp_path: Path, site: Site, api: str) -> str:
    return (
        f'[database]\nurl = "sqlite:///{tmp_path / "nashra.db"}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\n'
        f'[[sources]]\nname = "مصدر"\nurl = "{site.base}/feed"\nfirst_run = "post_all"\n'
        f'[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = "@nashra_test"\n'
        f'token_env = "NASHRA_TEST_TOKEN"\napi_base = "{api}"\ntimeout = 5.0\n'
        "pace = { per_window = 1000, window_seconds = 1.0, min_gap = 0.0 }\n"
        f'[[channels]]\nname = "wp"\nkind = "wordpress"\nurl = "http://127.0.0.1:9"\n'
        'user = "bot"\npassword_env = "NASHRA_TEST_WP"\nenabled = false\n'
    )


def test_every_log_line_at_every_level_is_free_of_secrets(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    feed_of(site, 3)
    monkeypatch.setenv("NASHRA_TEST_TOKEN", TOKEN)
    monkeypatch.setenv("NASHRA_TEST_WP", WP_PASSWORD)
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        with FakeTelegram({TOKEN}) as fake:
            fake.add_chat("@nashra_test")
            path = tmp_path / "nashra.toml"
            path.write_text(_config_text(tmp_path, site, fake.url), encoding="utf-8")
            config = load_config(path)

            async def go() -> None:
                runner = Runner(config)
                try:
                    await runner.cycle()
                finally:
                    await runner.aclose()

            asyncio.run(go())
            assert len(fake.accepted) >= 3, "the cycle sent nothing: the test proves nothing"
            # Our own code logging a secret, and an exception whose message carries one.
            log = logging.getLogger("nashra.test")
            log.debug("calling %s/bot%s/getMe", fake.url, TOKEN)
            log.info("wordpress password is %s", WP_PASSWORD)
            try:
                raise RuntimeError(f"failed: {fake.url}/bot{TOKEN}/sendMessage")
            except RuntimeError:
                log.exception("send failed")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    text = sink.getvalue()
    assert "sendMessage" in text and "/bot***/" in text, "httpx's request lines are missing"
    assert "Traceback" in text and "send failed" in text
    for where, captured in (("handler", text), ("caplog", caplog.text)):
        assert TOKEN not in captured, where
        assert TOKEN.split(":", 1)[1] not in captured, where
        assert WP_PASSWORD not in captured, where
    levels = {r.levelname for r in caplog.records}
    assert {"DEBUG", "INFO", "ERROR"} <= levels


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_daemon_log_has_no_token(site: Site, tmp_path: Path, fmt: str) -> None:
    """``nashra run`` as a real process at DEBUG, sending with a token: its whole output (text
    or JSON lines) is grepped."""
    feed_of(site, 2)
    with FakeTelegram({TOKEN}) as fake:
        fake.add_chat("@nashra_test")
        path = tmp_path / "nashra.toml"
        path.write_text(_config_text(tmp_path, site, fake.url), encoding="utf-8")
        env = {
            **os.environ,
            "NASHRA_TEST_TOKEN": TOKEN,
            "NASHRA_TEST_WP": WP_PASSWORD,
            "PYTHONUNBUFFERED": "1",
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nashra",
                "--log-level",
                "debug",
                "--log-format",
                fmt,
                "run",
                "-c",
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(fake.accepted) < 2:
                assert proc.poll() is None, proc.communicate()[0]
                time.sleep(0.2)
            assert len(fake.accepted) >= 2, "the daemon sent nothing within 60 s"
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "/bot***/send" in out, out  # httpx's INFO line is there, redacted
    assert TOKEN not in out and TOKEN.split(":", 1)[1] not in out
