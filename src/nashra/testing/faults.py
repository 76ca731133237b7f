"""Random faults a fake server injects, before or after it accepts a request."""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


@dataclass
class Faults:
    """Probabilities per request. "after" faults happen once the request was accepted."""

    rate_limit: float = 0.0  # 429 with parameters.retry_after (Telegram) / Retry-After
    retry_after: int = 1
    error_before: float = 0.0  # 5xx, nothing accepted
    error_after: float = 0.0  # 5xx, but the message was accepted
    timeout_before: float = 0.0  # no reply until the client gives up; nothing accepted
    timeout_after: float = 0.0
    reset_before: float = 0.0  # TCP reset, nothing accepted
    reset_after: float = 0.0
    hang: float = 5.0  # seconds a "timeout" holds the connection
    seed: int = 0
    methods: frozenset[str] | None = None  # only requests to these methods (None: all)
    limit: int | None = None  # at most this many faults in all (None: no limit)
    rng: random.Random = field(init=False)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def draw(self, stage: str, method: str | None = None) -> str | None:
        """One fault for this request at ``stage`` ("before" or "after"), or None."""
        if self.methods is not None and method not in self.methods:
            return None
        if self.limit is not None and sum(self.counts.values()) >= self.limit:
            return None
        if stage == "before":
            options = [
                ("429", self.rate_limit),
                ("5xx", self.error_before),
                ("timeout", self.timeout_before),
                ("reset", self.reset_before),
            ]
        else:
            options = [
                ("5xx", self.error_after),
                ("timeout", self.timeout_after),
                ("reset", self.reset_after),
            ]
        with self._lock:
            roll = self.rng.random()
            for name, p in options:
                if roll < p:
                    key = f"{name}_{stage}"
                    self.counts[key] = self.counts.get(key, 0) + 1
                    return name
                roll -= p
        return None


def reset(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection with a TCP RST and send nothing."""
    sock = handler.connection
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass
    handler.close_connection = True


def hang(handler: BaseHTTPRequestHandler, seconds: float) -> None:
    time.sleep(seconds)
    reset(handler)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        return None  # resets and hangs are deliberate


class FakeServer:
    """A fake service on 127.0.0.1: ``start``/``stop``, a context manager, and ``url``.

    Subclasses answer every request in ``handle(handler, method)``."""

    url = ""
    _server: QuietServer | None = None

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    def start(self, port: int = 0) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                fake.handle(self, "GET")

            def do_POST(self) -> None:
                fake.handle(self, "POST")

            def do_DELETE(self) -> None:
                fake.handle(self, "DELETE")

        self._server = QuietServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
