"""Serve the bundled demo site on loopback with a real HTTP server.

The site's files carry the placeholder ``__BASE__`` wherever a URL is absolute; the server
replaces it with its own address (``http://127.0.0.1:PORT``) as it serves, so feeds, pages and
canonical links all point at the running server. Conditional requests are honoured (ETag /
If-None-Match, Last-Modified / If-Modified-Since → 304) so that Nashra's conditional GET has
something real to talk to. The windows-1256 page is sent as bare ``text/html``: only its
``<meta>`` declaration says how to decode it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"__BASE__"

# What makes a good demo on a fresh database: the three section feeds post their four newest
# stories each (12 posts: enough to see every format and the windows-1256 page, few enough to
# read) and mark the rest seen, as a real first run would; the aggregator posts all it has, so
# each of its reposts reaches the dedupe stage and is recognised rather than quietly marked seen.
SECTION_FIRST_RUN = "newest:4"
AGGREGATOR_FIRST_RUN = "post_all"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
}
_FEED_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json",
}


def demo_site_root() -> Path:
    """The folder of the bundled demo site (inside the installed package)."""
    root = Path(str(resources.files("nashra.demo") / "site"))
    if not (root / "manifest.json").is_file():
        raise FileNotFoundError(f"the demo site is missing its manifest: {root}")
    return root


def read_manifest(root: Path | None = None) -> dict[str, Any]:
    """The site's ``manifest.json`` (written by scripts/build_demo.py)."""
    path = (root or demo_site_root()) / "manifest.json"
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def demo_sources(base: str, root: Path | None = None) -> list[dict[str, str | int]]:
    """The demo config's ``[[sources]]`` entries for a server running at ``base``.

    The outlet's own sections outrank the aggregator (``priority``): when both carry a story,
    the outlet's article is the one posted, whichever feed was read first."""
    base = base.rstrip("/")
    return [
        {
            "name": source["name"],
            "url": base + source["path"],
            "kind": "feed",
            "first_run": AGGREGATOR_FIRST_RUN
            if source["role"] == "aggregator"
            else SECTION_FIRST_RUN,
            "priority": 0 if source["role"] == "aggregator" else 1,
        }
        for source in read_manifest(root)["sources"]
    ]


@contextlib.contextmanager
def serve_site(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` over HTTP in a background thread; yield the base URL; stop on exit."""
    root = root.resolve()
    manifest_path = root / "manifest.json"
    legacy: frozenset[str] = frozenset()
    if manifest_path.is_file():
        legacy = frozenset(read_manifest(root).get("legacy_charsets", {}))
    server = _SiteServer((host, port), partial(_Handler, root=root, legacy=legacy))
    bound_host, bound_port = server.server_address[:2]
    base = f"http://{bound_host!s}:{bound_port}"
    server.base_url = base.encode("ascii")
    thread = threading.Thread(target=server.serve_forever, name="nashra-demo-site", daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    base_url = b""


class _Handler(BaseHTTPRequestHandler):
    server_version = "NashraDemo/1"
    protocol_version = "HTTP/1.1"
    # Headers and body are written separately: without this, each keep-alive response waits
    # ~40 ms for the client's delayed ACK (measured: 44 ms → 1.2 ms per request).
    disable_nagle_algorithm = True

    def __init__(self, *args: Any, root: Path, legacy: frozenset[str], **kwargs: Any) -> None:
        self.root, self.legacy = root, legacy
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the demo prints Nashra's progress, not an access log."""

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def _resolve(self) -> tuple[str, Path] | None:
        path = unquote(urlsplit(self.path).path)
        if path.endswith("/"):
            path += "index.html"
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        return path, target

    def _respond(self, *, with_body: bool) -> None:
        found = self._resolve()
        if found is None:
            self._send(HTTPStatus.NOT_FOUND, "صفحة غير موجودة / not found\n".encode(), with_body)
            return
        path, target = found
        assert isinstance(self.server, _SiteServer)
        body = target.read_bytes().replace(PLACEHOLDER, self.server.base_url)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        mtime = int(target.stat().st_mtime)
        headers = {
            "Content-Type": self._content_type(path),
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(etag, mtime):
            self._send(HTTPStatus.NOT_MODIFIED, b"", False, headers)
            return
        self._send(HTTPStatus.OK, body, with_body, headers)

    def _content_type(self, path: str) -> str:
        if path in self.legacy:
            return "text/html"  # no charset: the page's <meta> must be honoured
        name = path.rsplit("/", 1)[-1]
        if name in _FEED_TYPES:
            return _FEED_TYPES[name]
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        return _TYPES.get(suffix, "application/octet-stream")

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return etag in tags or "*" in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return mtime <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        with_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status == HTTPStatus.NOT_FOUND:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)
