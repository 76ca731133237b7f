"""Webhook channel against a real receiver on 127.0.0.1 that verifies the HMAC signature."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from nashra.channels import Channel, build_channel, ledger
from nashra.channels.webhook import DELIVERY, EVENT, SIGNATURE, verify
from nashra.errors import ConfigError
from nashra.models import Enrichment
from nashra.runner import next_send_at
from nashra.settings import ChannelConfig, load_config
from nashra.store import Store, outbox, schema
from tests.publish.pubkit import article, make_store, queue, run, states

SECRET = "s3cr3t-مفتاح"
LOOPBACK = {"fetch": {"allow_networks": ["127.0.0.0/8"]}}


@dataclass
class Receiver:
    """Accepts a delivery only when its signature verifies; scripted replies come first."""

    url: str = ""
    script: list[tuple[int, dict[str, str]] | str] = field(default_factory=list)
    requests: list[dict[str, object]] = field(default_factory=list)  # every request that arrived
    accepted: list[dict[str, object]] = field(default_factory=list)  # bodies answered 2xx
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def receiver(*script: tuple[int, dict[str, str]] | str) -> Iterator[Receiver]:
    rec = Receiver(script=list(script))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with rec.lock:
                rec.requests.append(
                    {
                        "delivery": self.headers.get(DELIVERY),
                        "event": self.headers.get(EVENT),
                        "extra": self.headers.get("X-Team"),
                    }
                )
                step = rec.script.pop(0) if rec.script else (200, {})
            if step == "hang":  # read the request, never answer in time
                time.sleep(2.5)
                return
            if step == "reset":  # read the request, then drop the connection with an RST
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                self.connection.close()
                return
            assert isinstance(step, tuple)
            status, headers = step
            if not verify(SECRET.encode(), body, self.headers.get(SIGNATURE)):
                status, headers = 401, {}
            elif 200 <= status < 300:
                with rec.lock:
                    rec.accepted.append(json.loads(body))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def webhook(url: str, data: dict[str, object] | None = None, **extra: object) -> Channel:
    options: dict[str, object] = {"url": url, "secret_env": "NASHRA_TEST_HOOK", "timeout": 1.0}
    options.update(extra)
    config = load_config(data=LOOPBACK if data is None else data)
    return build_channel(ChannelConfig("hook", "webhook", options), config)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASHRA_TEST_HOOK", SECRET)


def _last_error(store: Store, post_id: int) -> str:
    with store.read() as conn:
        for post, err in outbox.listing(conn, limit=100):
            if post.id == post_id:
                return err or ""
    return ""


def test_signed_json_posts_arrive_in_order(tmp_path: Path) -> None:
    with receiver() as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url, headers={"X-Team": "news-desk"})
        enrichment = Enrichment(hashtags=("الأردن",))
        queue(store, ch, [article(1), article(2), article(3)], enrichment)
        run(store, [ch])
    assert states(store) == {1: "sent", 2: "sent", 3: "sent"}
    assert [b["id"] for b in rec.accepted] == [1, 2, 3]
    first = rec.accepted[0]
    assert first["title"] == "عنوان الخبر رقم 1 <عاجل> & مهم"
    assert first["url"] == "https://example.org/news/1" and first["hashtags"] == ["الأردن"]
    assert (
        first["channel"] == "hook" and first["article_id"] == 1 and first["event"] == "post.created"
    )
    assert "الفقرة 0 من الخبر رقم 1" in str(first["text"])
    assert {"html", "idempotency_key"} <= set(first)
    assert rec.requests[0]["delivery"] == first["idempotency_key"]
    assert rec.requests[0]["extra"] == "news-desk"


def test_wrong_secret_is_refused_by_the_receiver_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NASHRA_TEST_HOOK", "not-the-secret")
    with receiver() as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url)
        queue(store, ch, [article(1)])
        run(store, [ch])
    assert rec.accepted == [] and len(rec.requests) == 1
    assert states(store) == {1: "failed"}
    assert "401" in _last_error(store, 1)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_with_the_same_delivery_key(tmp_path: Path, status: int) -> None:
    with receiver((status, {"Retry-After": "1"})) as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url)
        queue(store, ch, [article(1)])
        run(store, [ch], budget=6.0)  # the publisher waits for the post to fall due again
    assert states(store) == {1: "sent"}
    assert len(rec.requests) == 2 and len(rec.accepted) == 1
    assert rec.requests[0]["delivery"] == rec.requests[1]["delivery"]


def test_server_error_without_retry_after_backs_off(tmp_path: Path) -> None:
    with receiver((500, {})) as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url)
        queue(store, ch, [article(1)])
        run(store, [ch], budget=0.5)
    assert states(store) == {1: "pending"} and len(rec.requests) == 1
    with store.read() as conn:
        post = outbox.get(conn, 1)
    assert post is not None and post.attempts == 1
    assert "500" in _last_error(store, 1)


@pytest.mark.parametrize("status", [400, 404, 410, 422])
def test_client_errors_are_content_rejected(tmp_path: Path, status: int) -> None:
    with receiver((status, {})) as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url)
        queue(store, ch, [article(1), article(2)])
        run(store, [ch])
    assert states(store) == {1: "failed", 2: "sent"}
    assert [b["id"] for b in rec.accepted] == [2]


@pytest.mark.parametrize("fault", ["hang", "reset"])
def test_lost_reply_is_sent_again_with_the_same_key_never_unknown(
    tmp_path: Path, fault: str
) -> None:
    """A webhook is idempotent (the receiver dedupes on X-Nashra-Delivery): a lost reply is
    retried with the same key after the backoff, never left to a person."""
    with receiver(fault) as rec:
        store = make_store(tmp_path)
        queue(store, webhook(rec.url), [article(1)])
        run(store, [webhook(rec.url)], budget=0.5)
        assert states(store) == {1: "pending"}  # waiting for its retry, not "unknown"
        assert "maybe_sent" in _last_error(store, 1)
        with store.tx() as conn:  # the backoff ran out
            conn.execute(schema.posts.update().values(next_attempt_at=None))
        run(store, [webhook(rec.url)])
    assert states(store) == {1: "sent"}
    assert len(rec.requests) == 2 and rec.requests[0]["delivery"] == rec.requests[1]["delivery"]


def test_private_address_needs_allow_networks(tmp_path: Path) -> None:
    with receiver() as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url, data={})  # no fetch.allow_networks: loopback is refused
        queue(store, ch, [article(1)])
        report = run(store, [ch])
        assert rec.requests == []
        assert states(store) == {1: "pending"}
        assert "allow_networks" in report.paused["hook"]
        with store.tx() as conn:
            assert ledger.resume(conn, "hook")
        run(store, [webhook(rec.url)])
    assert states(store) == {1: "sent"} and len(rec.accepted) == 1


def test_missing_secret_pauses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASHRA_TEST_HOOK")
    with receiver() as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url)
        queue(store, ch, [article(1)])
        report = run(store, [ch])
    assert rec.requests == [] and "NASHRA_TEST_HOOK" in report.paused["hook"]


def test_config_errors() -> None:
    with pytest.raises(ConfigError, match="secret_env"):
        webhook("https://example.org/hook", secret_env="")
    with pytest.raises(ConfigError, match="reserved"):
        webhook("https://example.org/hook", headers={"X-Nashra-Signature": "forged"})
    with pytest.raises(ConfigError, match="ASCII"):
        webhook("https://example.org/hook", headers={"X-Team": "الأخبار"})
    with pytest.raises(ConfigError):
        webhook("ftp://example.org/hook")


def test_daemon_wakes_when_the_retried_send_is_due(tmp_path: Path) -> None:
    with receiver((429, {"Retry-After": "120"})) as rec:
        store = make_store(tmp_path)
        ch = webhook(rec.url)
        assert next_send_at(store, [ch]) is None  # nothing queued
        queue(store, ch, [article(1)])
        run(store, [ch], budget=0.5)
    with store.read() as conn:
        due = conn.execute(
            sa.select(schema.posts.c.next_attempt_at).where(schema.posts.c.id == 1)
        ).scalar()
    assert states(store) == {1: "pending"} and due is not None
    woken = next_send_at(store, [webhook(rec.url)])
    assert woken is not None and woken.replace(tzinfo=None) == due.replace(tzinfo=None)
    with store.tx() as conn:
        ledger.pause(conn, "hook", "test")
    assert next_send_at(store, [webhook(rec.url)]) is None  # a paused channel never wakes it
