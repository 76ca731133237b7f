"""Fault 11: two daemons on one database (no lock, no warning), and identity races between
processes that became ``IntegrityError`` tracebacks ("source crashed"): four concurrent ``once``
all exited 1. Real processes, a real SQLite file, a loopback site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.pipeline.test_lifecycle import feed_of
from tests.sitekit import serve
from tests.store.conftest import pg_url  # noqa: F401


def _config(tmp_path: Path, feed: str) -> Path:
    path = tmp_path / "nashra.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "nashra.db"}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\n'
        f'[[sources]]\nname = "مصدر"\nurl = "{feed}"\nfirst_run = "post_all"\n'
        f'[[channels]]\nname = "posts"\nkind = "directory"\npath = "{tmp_path / "posts"}"\n',
        encoding="utf-8",
    )
    return path


def _nashra(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nashra", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: a crash takes its workers with it
    )


def test_four_concurrent_once_share_one_database(tmp_path: Path) -> None:
    with serve() as site:
        feed_of(site, 6)
        cfg = _config(tmp_path, site.base + "/feed")
        procs = [_nashra("once", "-c", str(cfg), "--no-progress") for _ in range(4)]
        outs = [p.communicate(timeout=300)[0] for p in procs]
    for p, out in zip(procs, outs, strict=True):
        assert "Traceback" not in out and "IntegrityError" not in out, out
        assert p.returncode == 0, out
    posts = sorted((tmp_path / "posts").glob("*.txt"))
    assert len(posts) == 6, [p.name for p in posts]  # each story once, whoever stored it


def _wait_running(proc: subprocess.Popen[str], posts: Path) -> None:
    deadline = time.monotonic() + 180  # a loaded CI machine: start-up, a poll, the workers
    while time.monotonic() < deadline and not list(posts.glob("*.txt")):
        assert proc.poll() is None, proc.communicate()[0]
        time.sleep(0.2)
    assert list(posts.glob("*.txt")), "the first daemon published nothing within 180 s"


def test_a_second_daemon_on_the_same_database_is_refused(tmp_path: Path) -> None:
    with serve() as site:
        feed_of(site, 2)
        cfg = _config(tmp_path, site.base + "/feed")
        first = _nashra("run", "-c", str(cfg))
        try:
            _wait_running(first, tmp_path / "posts")
            second = _nashra("run", "-c", str(cfg))
            out, _ = second.communicate(timeout=120)
            assert second.returncode == 2, out
            lines = [line for line in out.splitlines() if line.strip()]
            assert len(lines) == 1 and "another `nashra run`" in lines[0], out
            assert f"pid {first.pid}" in lines[0]
            assert first.poll() is None, "the first daemon must keep running"
            # A crash leaves no stale lock: after SIGKILL a new daemon starts at once.
            os.killpg(first.pid, signal.SIGKILL)  # the daemon and its extraction workers
            first.wait(timeout=60)
            third = _nashra("run", "-c", str(cfg))
            head = []
            try:
                assert third.stdout is not None
                for line in third.stdout:  # until it runs (its signal handlers are set then)
                    head.append(line)
                    if "running with" in line:
                        break
                assert third.poll() is None, "".join(head)
            finally:
                third.send_signal(signal.SIGTERM)
                out3, _ = third.communicate(timeout=120)
            out3 = "".join(head) + out3
            assert third.returncode == 0 and "stopped cleanly" in out3, out3
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
            assert first.stdout is not None
            first.stdout.close()


def test_the_postgresql_lock_is_one_per_database(pg_url: str) -> None:  # noqa: F811
    from nashra.jobs.context import STORE_LOCK
    from nashra.store.lock import PG_LOCK_KEY, DaemonLock, DaemonRunning

    assert PG_LOCK_KEY != STORE_LOCK  # the store's transaction lock must never be the daemon's
    with DaemonLock(pg_url):
        second = DaemonLock(pg_url)
        try:
            second.acquire()
        except DaemonRunning as exc:
            assert "another `nashra run`" in str(exc)
        else:
            second.release()
            raise AssertionError("a second daemon got the PostgreSQL lock")
    with DaemonLock(pg_url):  # released with the first: the next one gets it
        pass
