"""The publishing campaign: N articles through ``nashra run`` while the Bot API misbehaves and
the daemon is SIGKILLed at random moments; every figure computed from recorded ground truth.

Used by ``tests/publish/test_campaign.py`` (small) and ``bench/bench_publish.py`` (larger).
Pacing is configurable per channel (``pace``); the campaign uses a short window so it ends in
seconds, and the fake enforces the same window, so "max sends per window" is measured against
the limit the channel was given.
"""

from __future__ import annotations

import contextlib
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
from typing import Self

import sqlalchemy as sa

from nashra.render import telegram as tg
from nashra.store import Store, outbox, schema
from nashra.store import parts as post_parts
from nashra.store.util import aware
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

    def respond(self, path: str) -> tuple[int, str, bytes]:
        """What a GET of ``path`` answers: status, content type, body (runs in the server's
        thread; a subclass serves more than the feed)."""
        if path == "/feed.xml":
            return 200, "application/rss+xml", self.body
        return 404, "text/plain", b"not here"

    def start(self) -> Self:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                status, kind, data = origin.respond(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
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
    accepted: int = 0  # messages readers of the channel see
    kills: int = 0
    kills_while_open: int = 0  # kills while posts were still waiting to go out
    kills_mid_send: int = 0  # kills while the killed process had a part in flight
    duplicates: int = 0  # messages readers see more than once
    exactly_once: int = 0  # posts whose every part readers see exactly once
    out_of_order: int = 0  # posts whose parts readers see in another order
    headless: int = 0  # parts readers see without the part before them right above
    silent_losses: int = 0  # parts never seen whose post is not failed/unknown
    unknown: int = 0
    failed: int = 0
    unfinished: int = 0  # posts still pending/in flight when the campaign ended
    checks: int = 0  # reconcile checks made (maybe-sent parts asked about)
    early_sends: int = 0  # requests through the bot before a 429's retry_after ran out
    max_per_window: int = 0
    window: float = 60.0
    limit: int = 20
    max_u16: int = 0
    restarts_sending: int = 0  # restarts whose process sent before it was killed
    restart_to_send: list[float] = field(default_factory=list)  # seconds, per such restart
    silent_restarts: int = 0  # processes that lived ≥ SILENT s with posts open and never sent
    long_lived: int = 0  # processes that lived ≥ SILENT s
    orphans: int = 0  # processes a SIGKILLed daemon left running (killed by the campaign)
    injected: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def unknown_share(self) -> float:
        return self.unknown / max(self.posts, 1)

    def lines(self) -> list[str]:
        waits = sorted(self.restart_to_send)
        worst = f"{waits[-1]:.1f}" if waits else "-"
        p95 = f"{waits[int(0.95 * (len(waits) - 1))]:.1f}" if waits else "-"
        return [
            f"articles {self.articles}, posts {self.posts},"
            f" messages planned {self.messages_planned}, seen in the channel {self.accepted},"
            f" SIGKILLs {self.kills} ({self.kills_while_open} with posts open,"
            f" {self.kills_mid_send} with a part in flight),"
            f" {self.seconds:.1f} s",
            f"faults injected: {dict(sorted(self.injected.items()))}",
            f"posts delivered exactly once: {self.exactly_once} of {self.posts};"
            f" messages seen twice: {self.duplicates} (goal 0)",
            f"parts out of order: {self.out_of_order}; headless parts: {self.headless} (goal 0)",
            f"neither delivered nor failed/unknown: {self.silent_losses} (goal 0);"
            f" unfinished {self.unfinished}",
            f"unknown (left to a person): {self.unknown} = {100 * self.unknown_share:.2f}% of posts"
            f" (goal ≤ 1%); failed: {self.failed}; reconcile checks: {self.checks}",
            f"restart → first send, over {self.restarts_sending} restarts that sent: p95 {p95} s,"
            f" worst {worst} s (goal ≤ 30 s); of {self.long_lived} processes alive ≥ {SILENT:g} s,"
            f" {self.silent_restarts} never sent",
            f"sends before retry_after ran out: {self.early_sends} (goal 0);"
            f" processes left running by a SIGKILLed daemon: {self.orphans}",
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


CHAT, CHECKS = "@campaign", "-100424242"
SILENT = 15.0  # a restarted process alive this long must have sent (the goal is ≤ 30 s)


def default_faults(seed: int) -> Faults:
    return Faults(
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


def _open_posts(store: Store) -> int:
    with store.read() as conn:
        counts = outbox.counts(conn)
    return counts.get("pending", 0) + counts.get("in_flight", 0)


def _in_flight_since(store: Store, since: datetime) -> bool:
    """A part claimed by the process started at ``since`` is in flight (read before and after the
    kill: both true means the kill cut a send or a check)."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(schema.posts.c.claimed_at).where(schema.posts.c.state == "in_flight")
        ).all()
    stamps = [aware(r[0]) for r in rows]
    return any(s is not None and s >= since for s in stamps)


def _posts(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(schema.posts)).scalar() or 0)


def run_campaign(
    workdir: Path,
    *,
    articles: int = 12,
    kills: int = 3,
    window: float = 3.0,
    faults: Faults | None = None,
    seed: int = 7,
    deadline: float = 120.0,
    life: tuple[float, float] = (2.0, 5.0),
    long_life: float = 0.05,
    aimed: float = 0.5,
    lease: float = 3.0,
    reconcile: bool = True,
) -> Figures:
    """``kills`` SIGKILLs of ``nashra run``: the first process runs until every article is
    queued; each later one is killed after ``life`` seconds (uniform), or, for an ``aimed`` share,
    at the first moment it has a part in flight (a send or a check cut mid-way); a ``long_life``
    share lives 10–20 s, so "sending again after a restart" is seen on processes not killed at
    once."""
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    faults = faults if faults is not None else default_faults(seed)
    fake = FakeTelegram({TOKEN}, faults=faults, chat_limit=20, chat_window=window).start()
    fake.add_chat(CHAT)
    fake.add_chat(CHECKS)
    origin = Origin().start()
    origin.body = feed(articles, seed, origin.url)
    db = workdir / "nashra.db"
    config = workdir / "nashra.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n'
        '[fetch]\nallow_networks = ["127.0.0.0/8"]\nper_host_delay = 0.0\nworkers = 1\n'
        f"[poll]\nmax_items = {max(articles, 1)}\n"
        f'[[sources]]\nname = "campaign"\nurl = "{origin.url}/feed.xml"\nfirst_run = "post_all"\n'
        f'[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = "{CHAT}"\n'
        f'token_env = "CAMPAIGN_BOT_TOKEN"\napi_base = "{fake.url}"\ntimeout = 1.0\n'
        f"lease_seconds = {lease}\n"
        + (f'reconcile_chat = "{CHECKS}"\n' if reconcile else "")
        + f"pace = {{ per_window = 20, window_seconds = {window}, min_gap = 0.02 }}\n",
        encoding="utf-8",
    )
    env = dict(os.environ, CAMPAIGN_BOT_TOKEN=TOKEN)
    cmd = [sys.executable, "-c", "from nashra.cli import main; main()", "run", "-c", str(config)]
    log = open(workdir / "run.log", "ab")  # noqa: SIM115 (closed in finally)
    started = time.monotonic()
    figures = Figures(articles=articles, window=window, limit=20)
    store = Store(f"sqlite:///{db}")  # migrates the file before the first daemon opens it
    lives: list[tuple[float, float]] = []  # (start, end) of each process, monotonic
    try:
        for k in range(kills + 1):
            begin, begin_wall = time.monotonic(), datetime.now(UTC)
            proc = subprocess.Popen(
                cmd, env=env, stdout=log, stderr=log, cwd=workdir, start_new_session=True
            )
            if k == 0:  # until every article is queued (ingest), then a random moment more
                while _posts(store) < articles and time.monotonic() - started < deadline:
                    time.sleep(0.2)
                time.sleep(rng.uniform(*life))
            elif k < kills:
                long = rng.random() < long_life
                wait = rng.uniform(10.0, 20.0) if long else rng.uniform(*life)
                if not long and rng.random() < aimed:  # the first moment it has a part in flight
                    until = time.monotonic() + wait + 10.0
                    while time.monotonic() < until and not _in_flight_since(store, begin_wall):
                        time.sleep(0.005)
                else:
                    time.sleep(wait)
            if k < kills:
                figures.kills_while_open += _open_posts(store) > 0
                mid_send = _in_flight_since(store, begin_wall)
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                figures.orphans += _reap(proc.pid)
                figures.kills_mid_send += mid_send and _in_flight_since(store, begin_wall)
                lives.append((begin, time.monotonic()))
                figures.kills += 1
                continue
            while time.monotonic() - started < deadline:
                time.sleep(1.0)
                if _posts(store) and not _open_posts(store):
                    break
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            _reap(proc.pid)
            lives.append((begin, time.monotonic()))
        figures.seconds = time.monotonic() - started
        _measure(store, fake, figures)
        _restarts(fake, lives[1:], figures)
    finally:
        log.close()
        fake.stop()
        origin.stop()
        store.close()
    return figures


def _group(pgid: int) -> list[int]:
    """The live processes of a process group (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry.name))
    return out


def _reap(pgid: int) -> int:
    """Kill what a SIGKILLed daemon left behind in its session (its extraction workers); return
    how many processes that was."""
    left = _group(pgid)
    if left:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    return len(left)


def _restarts(fake: FakeTelegram, lives: list[tuple[float, float]], f: Figures) -> None:
    """Per restart: seconds from the process's start to its first request that posts."""
    posting = sorted(
        at for at, _tok, method, _chat in fake.requests if method.startswith(("send", "forward"))
    )
    last_post = posting[-1] if posting else 0.0
    for begin, end in lives:
        first = next((t for t in posting if begin <= t < end), None)
        if first is not None:
            f.restarts_sending += 1
            f.restart_to_send.append(first - begin)
        if end - begin >= SILENT and begin < last_post:
            f.long_lived += 1
            f.silent_restarts += first is None


def _measure(store: Store, fake: FakeTelegram, f: Figures) -> None:
    shown = sorted(fake.messages(CHAT), key=lambda m: m.message_id)
    f.accepted = len(shown)
    f.max_u16 = max((tg.u16(m.text) for m in shown), default=0)
    where: dict[str, tuple[int, int]] = {}  # text → (post id, part idx)
    planned: dict[int, int] = {}
    with store.read() as conn:
        f.posts = _posts(store)
        counts = outbox.counts(conn)
        posts = conn.execute(sa.select(schema.posts.c.id, schema.posts.c.state)).all()
        state = dict((int(pid), str(st)) for pid, st in posts)
        for pid in state:
            parts = post_parts.parts(conn, pid)
            planned[pid] = len(parts)
            f.messages_planned += len(parts)
            for p in parts:
                for text in {tg.plain(p.body).strip(), tg.to_plain_fallback(p.body).strip()}:
                    where[text] = (pid, p.idx)
        f.checks = int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(schema.sends)
                .where(schema.sends.c.action == "check")
            ).scalar()
            or 0
        )
    seen: dict[tuple[int, int], int] = {}
    order: dict[int, list[int]] = {}
    previous: tuple[int, int] | None = None
    for m in shown:
        key = where.get(m.text)
        if key is None:
            previous = None
            continue
        seen[key] = seen.get(key, 0) + 1
        order.setdefault(key[0], []).append(key[1])
        if key[1] > 0 and previous != (key[0], key[1] - 1):
            f.headless += 1
        previous = key
    f.duplicates = sum(c - 1 for c in seen.values() if c > 1)
    for pid, n in planned.items():
        got = order.get(pid, [])
        if got != sorted(got):
            f.out_of_order += 1
        if n and got == list(range(n)):
            f.exactly_once += 1
        missing = [i for i in range(n) if (pid, i) not in seen]
        if missing and state[pid] not in ("failed", "unknown", "skipped", "rejected"):
            if state[pid] in ("pending", "in_flight"):
                f.unfinished += 1
            else:
                f.silent_losses += 1
    f.unknown = counts.get("unknown", 0)
    f.failed = counts.get("failed", 0)
    f.early_sends = len(fake.early)
    sends = [t for t, _tok, m, chat in fake.requests if m.startswith("send") and chat == CHAT]
    f.max_per_window = _max_window(sends, f.window)
    f.injected = dict(fake.faults.counts)
