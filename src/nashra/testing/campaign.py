"""The publishing campaign: N articles through ``nashra run`` while the Bot API misbehaves and
the daemon is SIGKILLed at random moments; every figure computed from recorded ground truth.

Used by ``tests/publish/test_campaign.py`` (small) and ``bench/bench_publish.py`` (larger).
Pacing is configurable per channel (``pace``); the campaign uses a short window so it ends in
seconds, and the fake enforces the same window, so "max sends per window" is measured against
the limit the channel was given.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import sqlalchemy as sa

from nashra.render import telegram as tg
from nashra.store import Store, outbox, schema
from nashra.testing.faults import Faults, QuietServer
from nashra.testing.telegram import FakeTelegram

TOKEN = "424242:CAMPAIGN"
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _words(rng: random.Random, n: int) -> str:
    out = []
    for i in range(n):
        out.append("".join(rng.choice(_LETTERS) for _ in range(rng.randint(2, 7))))
        if i % 11 == 10:
            out[-1] += rng.choice(["،", ".", "؟", "؛"])
    return " ".join(out) + "."


def feed(n: int, seed: int, base: str) -> bytes:
    """An RSS feed of n distinct Arabic articles; some long enough to be split, some with images."""
    rng = random.Random(seed)
    items = []
    start = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    for i in range(n):
        paragraphs = rng.choice([2, 3, 5, 40]) if i % 4 else 60
        body = "".join(f"<p>{_words(rng, rng.randint(30, 60))}</p>" for _ in range(paragraphs))
        image = (
            f'<enclosure url="{base}/img/{i}.jpg" type="image/jpeg" length="1"/>'
            if i % 3 == 0
            else ""
        )
        items.append(
            f"<item><title>خبر {i}: {_words(rng, 6)}</title><link>{base}/a/{i}</link>"
            f"<guid>{base}/a/{i}</guid>"
            f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate>"
            f"<description>{escape(body)}</description>{image}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>مصدر الحملة</title>"
        f"<link>{base}/</link><description>c</description>{''.join(items)}</channel></rss>"
    ).encode()


class Origin:
    """The outlet: one feed; article pages are 404 so the feed text is used."""

    def __init__(self) -> None:
        self.body = b""
        self.server: QuietServer | None = None
        self.url = ""

    def start(self) -> Origin:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                ok = self.path == "/feed.xml"
                data = origin.body if ok else b"not here"
                self.send_response(200 if ok else 404)
                self.send_header("Content-Type", "application/rss+xml" if ok else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@dataclass
class Figures:
    articles: int = 0
    posts: int = 0
    messages_planned: int = 0
    accepted: int = 0
    kills: int = 0
    duplicates: int = 0  # accepted messages whose part was accepted more than once
    silent_losses: int = 0  # parts never accepted whose post is not failed/unknown
    unknown: int = 0
    failed: int = 0
    unfinished: int = 0  # posts still pending/in flight when the campaign ended
    early_sends: int = 0  # requests through the bot before a 429's retry_after ran out
    max_per_window: int = 0
    window: float = 60.0
    limit: int = 20
    max_u16: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"articles {self.articles}, posts {self.posts},"
            f" messages planned {self.messages_planned}, accepted {self.accepted},"
            f" SIGKILLs {self.kills}, {self.seconds:.1f} s",
            f"faults injected: {dict(sorted(self.injected.items()))}",
            f"accepted more than once: {self.duplicates} (goal 0)",
            f"neither accepted nor failed/unknown: {self.silent_losses} (goal 0);"
            f" unfinished {self.unfinished}",
            f"unknown (flagged for a person): {self.unknown}; failed: {self.failed}",
            f"sends before retry_after ran out: {self.early_sends} (goal 0)",
            f"most sends to one chat in any {self.window:g} s window: {self.max_per_window}"
            f" (limit {self.limit})",
            f"longest accepted message: {self.max_u16} UTF-16 units (limit 4096)",
        ]


def _max_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def run_campaign(
    workdir: Path,
    *,
    articles: int = 12,
    kills: int = 3,
    window: float = 3.0,
    faults: Faults | None = None,
    seed: int = 7,
    deadline: float = 120.0,
) -> Figures:
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    faults = faults or Faults(
        rate_limit=0.06,
        error_before=0.03,
        error_after=0.03,
        timeout_before=0.02,
        timeout_after=0.02,
        reset_before=0.02,
        reset_after=0.02,
        hang=1.5,
        seed=seed,
    )
    fake = FakeTelegram({TOKEN}, faults=faults, chat_limit=20, chat_window=window).start()
    fake.add_chat("@campaign")
    origin = Origin().start()
    origin.body = feed(articles, seed, origin.url)
    db = workdir / "nashra.db"
    config = workdir / "nashra.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\n'
        f'[[sources]]\nname = "campaign"\nurl = "{origin.url}/feed.xml"\nfirst_run = "post_all"\n'
        f'[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = "@campaign"\n'
        f'token_env = "CAMPAIGN_BOT_TOKEN"\napi_base = "{fake.url}"\ntimeout = 1.0\n'
        "lease_seconds = 1.0\n"
        f"pace = {{ per_window = 20, window_seconds = {window}, min_gap = 0.02 }}\n",
        encoding="utf-8",
    )
    env = dict(os.environ, CAMPAIGN_BOT_TOKEN=TOKEN)
    cmd = [sys.executable, "-c", "from nashra.cli import main; main()", "run", "-c", str(config)]
    log = open(workdir / "run.log", "ab")  # noqa: SIM115 (closed in finally)
    started = time.monotonic()
    figures = Figures(articles=articles, window=window, limit=20)
    store: Store | None = None
    try:
        for k in range(kills + 1):
            proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd=workdir)
            if k < kills:
                time.sleep(rng.uniform(2.5, 6.0))  # startup ≈ 2 s, then mid-publishing
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                figures.kills += 1
                continue
            store = store or Store(f"sqlite:///{db}")
            while time.monotonic() - started < deadline:
                time.sleep(1.0)
                with store.read() as conn:
                    counts = outbox.counts(conn)
                open_ = counts.get("pending", 0) + counts.get("in_flight", 0)
                if sum(counts.values()) and not open_:
                    break
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        figures.seconds = time.monotonic() - started
        store = store or Store(f"sqlite:///{db}")
        _measure(store, fake, figures)
    finally:
        log.close()
        fake.stop()
        origin.stop()
        if store is not None:
            store.close()
    return figures


def _measure(store: Store, fake: FakeTelegram, f: Figures) -> None:
    seen: dict[str, int] = {}
    for m in fake.accepted:
        seen[m.text] = seen.get(m.text, 0) + 1
        f.max_u16 = max(f.max_u16, tg.u16(m.text))
    f.accepted = len(fake.accepted)
    f.duplicates = sum(c - 1 for c in seen.values() if c > 1)
    with store.read() as conn:
        f.posts = int(
            conn.execute(sa.select(sa.func.count()).select_from(schema.posts)).scalar() or 0
        )
        counts = outbox.counts(conn)
        posts = conn.execute(sa.select(schema.posts.c.id, schema.posts.c.state)).all()
        for pid, state in posts:
            parts = outbox.parts(conn, pid)
            f.messages_planned += len(parts)
            for p in parts:
                texts = {tg.plain(p.body).strip(), tg.to_plain_fallback(p.body).strip()}
                if not any(t in seen for t in texts) and state not in ("failed", "unknown"):
                    if state in ("pending", "in_flight"):
                        f.unfinished += 1
                    else:
                        f.silent_losses += 1
    f.unknown = counts.get("unknown", 0)
    f.failed = counts.get("failed", 0)
    f.early_sends = len(fake.early)
    sends = [t for t, _tok, method, chat in fake.requests if method.startswith("send")]
    f.max_per_window = _max_window(sends, f.window)
    f.injected = dict(fake.faults.counts)
