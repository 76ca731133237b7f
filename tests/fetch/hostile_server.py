"""A hostile origin server on 127.0.0.1 for fetch tests (and anyone else who needs one).

Raw asyncio streams on a thread of its own, bound to port 0, so a test can misbehave at the byte
level: drip a byte every half second, send an endless body, a gzip bomb, stacked encodings, reset
the connection, redirect anywhere. Every request is recorded (path, headers, arrival time) and
the number of requests in flight is tracked, so tests assert on what the server saw.

    with HostileServer() as server:
        url = server.url("/drip")

Routes are looked up by path; ``server.route(path, handler)`` adds one. A handler is
``async def handler(request, writer) -> None`` and writes the whole response itself.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["Request", asyncio.StreamWriter], Awaitable[None]]

ARABIC = "أعلنت وزارة الصحة افتتاح مستشفى جديد في العاصمة، وقال الوزير إنه سيخدم آلاف المرضى."


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.target).query).items()}


def head(status: int, headers: dict[str, str] | None = None, reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    all_headers = {"Content-Length": str(len(body)), **(headers or {})}
    writer.write(head(status, all_headers) + body)
    await writer.drain()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN (SO_LINGER with a zero timeout)."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def gzip_bomb(decoded_size: int) -> bytes:
    """A gzip member of ``decoded_size`` zero bytes, compressed about 1000:1."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(decoded_size // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


# ---------------------------------------------------------------------------- default routes


async def ok(req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, 200, b"<html><body>ok</body></html>", {"Content-Type": "text/html"})


async def etag_feed(req: Request, w: asyncio.StreamWriter) -> None:
    tag, stamp = '"v1-abc"', "Wed, 07 Oct 2025 11:53:41 GMT"
    if req.headers.get("if-none-match") == tag or req.headers.get("if-modified-since") == stamp:
        await send(w, 304, b"", {"ETag": tag})
        return
    body = f"<rss><channel><title>{ARABIC}</title></channel></rss>".encode()
    await send(
        w, 200, body, {"Content-Type": "application/rss+xml", "ETag": tag, "Last-Modified": stamp}
    )


async def drip(req: Request, w: asyncio.StreamWriter) -> None:
    w.write(head(200, {"Content-Type": "text/html", "Content-Length": "100000"}))
    await w.drain()
    for _ in range(100000):
        w.write(b"a")
        await w.drain()
        await asyncio.sleep(0.5)


async def drip_headers(req: Request, w: asyncio.StreamWriter) -> None:
    for byte in head(200, {"Content-Length": "2"}):
        w.write(bytes([byte]))
        await w.drain()
        await asyncio.sleep(0.5)


async def silence(req: Request, w: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)


async def endless(req: Request, w: asyncio.StreamWriter) -> None:
    w.write(head(200, {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"}))
    chunk = b"<item>" + b"x" * 65536 + b"</item>"
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        w.write(frame)
        await w.drain()


async def honest_big(req: Request, w: asyncio.StreamWriter) -> None:
    size = int(req.query.get("size", str(200 * 1024 * 1024)))
    w.write(head(200, {"Content-Type": "text/html", "Content-Length": str(size)}))
    await w.drain()
    block = b"b" * 65536
    for _ in range(size // len(block)):
        w.write(block)
        await w.drain()


_BOMB: dict[int, bytes] = {}


async def bomb(req: Request, w: asyncio.StreamWriter) -> None:
    size = int(req.query.get("mib", "64")) * 1024 * 1024
    if size not in _BOMB:
        _BOMB[size] = gzip_bomb(size)
    await send(
        w, 200, _BOMB[size], {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
    )


async def gzipped(req: Request, w: asyncio.StreamWriter) -> None:
    body = gzip.compress(f"<rss><channel><title>{ARABIC}</title></channel></rss>".encode())
    await send(w, 200, body, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})


async def stacked(req: Request, w: asyncio.StreamWriter) -> None:
    body = gzip.compress(gzip.compress(b"<rss/>"))
    await send(w, 200, body, {"Content-Encoding": "gzip, gzip"})


async def brotli(req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, 200, b"\x0b\x02\x80<rss/>\x03", {"Content-Encoding": "br"})


async def corrupt_gzip(req: Request, w: asyncio.StreamWriter) -> None:
    body = gzip.compress(b"<rss>" + b"y" * 5000 + b"</rss>")
    await send(w, 200, body[: len(body) // 2], {"Content-Encoding": "gzip"})


async def redirect(req: Request, w: asyncio.StreamWriter) -> None:
    """``/to?loc=<Location>&code=302``: a redirect to anything at all."""
    code = int(req.query.get("code", "302"))
    await send(w, code, b"", {"Location": req.query["loc"]})


async def loop_a(req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, 302, b"", {"Location": "/loop-b"})


async def loop_b(req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, 301, b"", {"Location": "/loop-a"})


async def chain(req: Request, w: asyncio.StreamWriter) -> None:
    """``/chain?n=K``: K redirects, then 200."""
    n = int(req.query.get("n", "0"))
    if n <= 0:
        await ok(req, w)
    else:
        await send(w, 307, b"", {"Location": f"/chain?n={n - 1}"})


async def status(req: Request, w: asyncio.StreamWriter) -> None:
    """``/status?code=503&retry=120``."""
    extra = {"Retry-After": req.query["retry"]} if "retry" in req.query else {}
    await send(w, int(req.query.get("code", "500")), b"error page", extra)


async def reset(req: Request, w: asyncio.StreamWriter) -> None:
    _reset(w)


async def reset_mid_body(req: Request, w: asyncio.StreamWriter) -> None:
    w.write(head(200, {"Content-Length": "100000"}) + b"<rss>partial")
    await w.drain()
    await asyncio.sleep(0.05)
    _reset(w)


async def short_body(req: Request, w: asyncio.StreamWriter) -> None:
    w.write(head(200, {"Content-Length": "1000"}) + b"<rss>only a little")
    await w.drain()


async def png(req: Request, w: asyncio.StreamWriter) -> None:
    await send(w, 200, b"\x89PNG\r\n\x1a\n" + bytes(5000), {"Content-Type": "image/png"})


async def text_1256(req: Request, w: asyncio.StreamWriter) -> None:
    body = f'<?xml version="1.0" encoding="windows-1256"?><rss><title>{ARABIC}</title></rss>'
    await send(w, 200, body.encode("cp1256"), {"Content-Type": "text/plain; charset=windows-1256"})


async def iso_8859_6(req: Request, w: asyncio.StreamWriter) -> None:
    body = f"<html><head><title>{ARABIC}</title></head><body><p>{ARABIC}</p></body></html>"
    await send(w, 200, body.encode("iso8859_6"), {"Content-Type": "text/html; charset=ISO-8859-6"})


async def lying_charset(req: Request, w: asyncio.StreamWriter) -> None:
    """Says UTF-8 twice (header and meta); the bytes are windows-1256."""
    body = f'<html><head><meta charset="utf-8"></head><body><p>{ARABIC}</p></body></html>'
    await send(w, 200, body.encode("cp1256"), {"Content-Type": "text/html; charset=utf-8"})


async def slow(req: Request, w: asyncio.StreamWriter) -> None:
    await asyncio.sleep(float(req.query.get("s", "0.3")))
    await ok(req, w)


class HostileServer:
    """See the module docstring. ``robots`` is what ``/robots.txt`` answers: (status, body)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.requests: list[Request] = []
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.robots: tuple[int, bytes] = (404, b"")
        self.routes: dict[str, Handler] = {
            "/ok": ok,
            "/feed": etag_feed,
            "/drip": drip,
            "/drip-headers": drip_headers,
            "/silence": silence,
            "/endless": endless,
            "/big": honest_big,
            "/bomb": bomb,
            "/gzip": gzipped,
            "/stacked": stacked,
            "/br": brotli,
            "/corrupt-gzip": corrupt_gzip,
            "/to": redirect,
            "/loop-a": loop_a,
            "/loop-b": loop_b,
            "/chain": chain,
            "/status": status,
            "/reset": reset,
            "/reset-mid-body": reset_mid_body,
            "/short-body": short_body,
            "/png": png,
            "/text-1256": text_1256,
            "/iso-8859-6": iso_8859_6,
            "/lying-charset": lying_charset,
            "/slow": slow,
            "/robots.txt": self._robots,
        }
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def seen(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    async def _robots(self, req: Request, w: asyncio.StreamWriter) -> None:
        code, body = self.robots
        await send(w, code, body, {"Content-Type": "text/plain"})

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self.connections += 1
        try:
            line = (await reader.readline()).decode("latin-1").strip()
            if not line:
                return
            method, target, _version = line.split(" ", 2)
            headers: dict[str, str] = {}
            while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = raw.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            request = Request(method, target, headers)
            with self._lock:
                self.requests.append(request)
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                handler = self.routes.get(request.path)
                if handler is None:
                    await send(writer, 404, b"not found")
                else:
                    await handler(request, writer)
            finally:
                with self._lock:
                    self.in_flight -= 1
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
