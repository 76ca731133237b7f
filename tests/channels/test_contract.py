"""The one channel contract: every registered kind plans parts, declares its traits, and reads
transport errors through ``nashra.channels.transport``; the publisher's one decision table."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from nashra.channels import BaseChannel, Traits, build_channel, registry, transport
from nashra.errors import (
    ChannelPaused,
    ContentRejected,
    MaybeSent,
    NotSent,
    PublishError,
    RetryLater,
)
from nashra.models import Part, PartKind, PartState, Post
from nashra.publish import decide, on_crash
from nashra.settings import ChannelConfig, load_config
from nashra.store.outbox import Outcome

OPTIONS = {
    "directory": {"path": "out"},
    "stdout": {},
    "telegram": {"chat_id": "@c", "token_env": "T"},
    "wordpress": {"url": "https://example.org", "user": "u", "password_env": "P"},
    "feed": {"path": "feeds"},
    "webhook": {"url": "https://example.org/hook", "secret_env": "S"},
}
IDEMPOTENT = {"directory", "wordpress", "feed", "webhook"}
POST = Post(article_id=1, channel="c", text="نص المنشور\nسطر ثان", title="عنوان", url="https://e/1")


def test_every_kind_is_registered_and_keeps_the_contract() -> None:
    kinds = registry()
    assert set(OPTIONS) <= set(kinds)
    config = load_config(data={})
    for kind, options in OPTIONS.items():
        ch = build_channel(ChannelConfig(f"c-{kind}", kind, dict(options)), config)
        assert ch.kind == kind and isinstance(ch, BaseChannel)
        assert isinstance(ch.traits, Traits) and ch.traits.timeout > 0
        assert ch.traits.idempotent is (kind in IDEMPOTENT), kind
        parts = list(ch.plan(POST))
        assert parts and [p.idx for p in parts] == list(range(len(parts)))
        assert all(isinstance(p.kind, PartKind) and p.state is PartState.PENDING for p in parts)
        assert "نص المنشور" in " ".join(p.body for p in parts)  # display text as written


def test_a_reconcile_chat_makes_telegram_reconcilable() -> None:
    config = load_config(data={})
    opts = {**OPTIONS["telegram"], "reconcile_chat": "-100123"}
    ch = build_channel(ChannelConfig("t", "telegram", opts), config)
    assert ch.traits.reconciles and not ch.traits.idempotent
    assert on_crash(ch.traits) is PartState.CHECKING
    plain = build_channel(ChannelConfig("t", "telegram", dict(OPTIONS["telegram"])), config)
    assert on_crash(plain.traits) is PartState.UNKNOWN


PART = Part(idx=0, kind=PartKind.TEXT, body="x", attempts=1)
CHECKING = Part(idx=0, kind=PartKind.TEXT, body="x", state=PartState.CHECKING, attempts=1)
PLAIN, IDEM, RECON = Traits(), Traits(idempotent=True), Traits(reconciles=True)


@pytest.mark.parametrize(
    ("exc", "traits", "part", "outcome"),
    [
        (RetryLater("429", retry_after=3, whole_bot=True), PLAIN, PART, Outcome.RETRY),
        (NotSent("refused"), PLAIN, PART, Outcome.RETRY),
        (ContentRejected("400"), PLAIN, PART, Outcome.FAILED),
        (ChannelPaused("403"), PLAIN, PART, Outcome.PAUSED),
        (MaybeSent("502"), PLAIN, PART, Outcome.UNKNOWN),
        (MaybeSent("502"), IDEM, PART, Outcome.RETRY),  # never unknown
        (MaybeSent("502"), RECON, PART, Outcome.CHECK),
        (TimeoutError(), IDEM, PART, Outcome.RETRY),
        (TimeoutError(), RECON, PART, Outcome.CHECK),
        (KeyError("bug"), PLAIN, PART, Outcome.UNKNOWN),
        (KeyError("bug"), IDEM, PART, Outcome.RETRY),
        (MaybeSent("reset"), RECON, CHECKING, Outcome.RETRY),  # the check is asked again
        (ContentRejected("no chat"), RECON, CHECKING, Outcome.UNKNOWN),
    ],
)
def test_the_one_decision_table(
    exc: BaseException, traits: Traits, part: Part, outcome: Outcome
) -> None:
    verdict = decide(exc, traits, part)
    assert verdict.outcome is outcome
    if outcome is Outcome.RETRY:
        assert verdict.retry_at is not None
    if isinstance(exc, RetryLater):
        assert verdict.throttle is not None and verdict.throttle >= 3


def test_checks_give_up_after_a_bound() -> None:
    tired = Part(idx=0, kind=PartKind.TEXT, body="x", state=PartState.CHECKING, attempts=20)
    assert decide(MaybeSent("reset"), RECON, tired).outcome is Outcome.UNKNOWN


@contextmanager
def server(behaviour: str) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if behaviour == "reset":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                self.connection.close()
                return
            if behaviour == "hang":
                threading.Event().wait(1.5)
                return
            status = int(behaviour)
            self.send_response(status)
            if status in (429, 503):
                self.send_header("Retry-After", "7")
            self.send_header("Content-Length", "0")
            self.end_headers()

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _post(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=0.5) as client:
        return await transport.request(client, "POST", url, channel="c", content=b"{}")


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [("reset", MaybeSent), ("hang", MaybeSent), ("refused", NotSent)],
)
def test_transport_errors_map_to_not_sent_or_maybe_sent(behaviour: str, expected: type) -> None:
    if behaviour == "refused":
        url = f"http://127.0.0.1:{_free_port()}/"
        with pytest.raises(expected) as info:
            asyncio.run(_post(url))
    else:
        with server(behaviour) as url, pytest.raises(expected) as info:
            asyncio.run(_post(url))
    assert isinstance(info.value.__cause__, httpx.HTTPError)  # raise … from exc


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, RetryLater), (503, RetryLater), (408, NotSent), (500, MaybeSent), (502, MaybeSent)],
)
def test_statuses_that_say_nothing_about_the_content(status: int, expected: type) -> None:
    with server(str(status)) as url:
        resp = asyncio.run(_post(url))
    error = transport.status_error(resp, channel="c")
    assert type(error) is expected
    if isinstance(error, RetryLater):
        assert error.retry_after == 7
    assert transport.status_error(httpx.Response(404), channel="c") is None
    assert isinstance(error, PublishError)


@pytest.mark.parametrize("lease", [0, -1, "nan", "inf"])
def test_a_lease_is_a_positive_number_of_seconds(lease: object) -> None:
    from nashra.errors import ConfigError

    opts = {
        **OPTIONS["directory"],
        "lease_seconds": float(lease) if isinstance(lease, str) else lease,
    }
    with pytest.raises(ConfigError, match="lease_seconds"):
        build_channel(ChannelConfig("d", "directory", opts), load_config(data={}))
