"""The Fetcher: every request Nashra sends to a source goes through here.

One ``asyncio.timeout`` wraps the whole exchange (connect, every redirect hop, the last body
byte), so a server dripping a byte at a time cannot outlive the deadline. Redirects are followed
by hand, each hop re-checked; the SSRF guard sits in the connection path
(:mod:`nashra.fetch._guard`). Library exceptions become :mod:`nashra.errors` here and nowhere
else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Literal, Self

import httpcore
import httpx

from nashra.errors import (
    BlockedURL,
    BodyTooLarge,
    ConnectFailed,
    FetchError,
    FetchTimeout,
    HTTPStatus,
    RobotsDisallowed,
    TooManyRedirects,
    UnexpectedContent,
)
from nashra.fetch._body import BoundedBody, content_codings
from nashra.fetch._guard import ALLOWED_SCHEMES, parse_networks
from nashra.fetch._policy import FetchPolicy
from nashra.fetch._robots import RobotsCache
from nashra.fetch.charset import header_charset
from nashra.models import Fetched
from nashra.schedule import parse_retry_after

Kind = Literal["feed", "page", "robots", "image"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
    "robots": "text/plain, */*;q=0.8",
    "image": "image/avif, image/webp, image/png, image/jpeg, image/*;q=0.9",
}
# A page fetch that announces one of these is not an article page: refused before the body.
_NOT_A_PAGE = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


def _target(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise BlockedURL(f"رابط غير صالح (invalid URL: {exc})") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"بروتوكول غير مسموح به (scheme not allowed: {parsed.scheme or '∅'}:)")
    if not parsed.host:
        raise BlockedURL("رابط بلا خادم (URL without a host)")
    return parsed


class Fetcher:
    """``async with Fetcher(policy) as f: fetched = await f.get(url, kind="feed")``."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._client: httpx.AsyncClient | None = None
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._next_turn: dict[str, float] = {}
        self._slots = asyncio.Semaphore(self.policy.max_connections)
        self._robots = RobotsCache(
            self._fetch_robots, agent=self.policy.user_agent, ttl=self.policy.robots_ttl
        )

    async def __aenter__(self) -> Self:
        from nashra.fetch._transport import GuardedTransport

        p = self.policy
        no_cookies = CookieJar(DefaultCookiePolicy(allowed_domains=[]))
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(
                allow=parse_networks(p.allow_networks), max_connections=p.max_connections
            ),
            headers={
                "User-Agent": p.user_agent,
                "Accept-Encoding": "gzip",
                "Accept-Language": "ar, en;q=0.5",
            },
            timeout=httpx.Timeout(connect=p.connect_timeout, read=None, write=None, pool=None),
            follow_redirects=False,
            trust_env=False,
            cookies=no_cookies,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(
        self,
        url: str,
        *,
        kind: Kind = "page",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """Fetch ``url``; raises only :class:`nashra.errors.FetchError` and its subclasses."""
        try:
            target = _target(url)
            delay: float | None = None
            if kind == "page" and self.policy.obey_robots:
                allowed, delay = await self._robots.check(target)
                if not allowed:
                    raise RobotsDisallowed("ممنوع بحسب robots.txt (disallowed by robots.txt)")
            if kind == "page":
                await self._wait_turn(target.host, delay)
            async with self._host_slot(target.host):
                return await self._exchange(target, kind, etag, last_modified)
        except FetchError as exc:
            if exc.where is None:
                exc.where = url
            raise

    async def _fetch_robots(self, url: str) -> tuple[int, bytes]:
        fetched = await self.get(url, kind="robots")
        return fetched.status, fetched.body

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self.policy.per_host_concurrency)
        async with slot, self._slots:
            yield

    async def _wait_turn(self, host: str, crawl_delay: float | None) -> None:
        """Reserve this page fetch's start time on ``host``; turns are handed out in order."""
        gap = max(self.policy.per_host_delay, min(crawl_delay or 0.0, 60.0))
        now = time.monotonic()
        turn = max(now, self._next_turn.get(host, 0.0))
        self._next_turn[host] = turn + gap
        if turn > now:
            await asyncio.sleep(turn - now)

    async def _exchange(
        self, url: httpx.URL, kind: Kind, etag: str | None, last_modified: str | None
    ) -> Fetched:
        started = time.monotonic()
        deadline = self.policy.deadline("page" if kind == "image" else kind)
        try:
            async with asyncio.timeout(deadline):
                return await self._follow(url, kind, etag, last_modified, started)
        except TimeoutError as exc:
            raise FetchTimeout(f"انتهت المهلة (deadline of {deadline:g} s passed)") from exc
        except (httpx.TimeoutException, httpcore.TimeoutException) as exc:
            raise FetchTimeout(f"انتهت مهلة الاتصال (timed out: {exc!r})") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpcore.UnsupportedProtocol) as exc:
            raise BlockedURL(f"رابط مرفوض (refused URL: {exc})") from exc
        except (httpx.HTTPError, httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:
            raise ConnectFailed(f"انقطع الاتصال (connection failed: {exc!r})") from exc

    async def _follow(
        self,
        url: httpx.URL,
        kind: Kind,
        etag: str | None,
        last_modified: str | None,
        started: float,
    ) -> Fetched:
        assert self._client is not None, "use `async with Fetcher(...)`"
        conditional = {"Accept": _ACCEPT[kind]}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            request = self._client.build_request("GET", current, headers=conditional)
            response = await self._client.send(request, stream=True)
            try:
                if response.status_code in _REDIRECTS:
                    current = self._redirect(current, response.headers.get("location"))
                    continue
                return await self._finish(response, kind, bool(etag or last_modified), started)
            finally:
                await response.aclose()
        raise TooManyRedirects(
            f"تحويلات كثيرة (more than {self.policy.max_redirects} redirects, last {current})"
        )

    @staticmethod
    def _redirect(current: httpx.URL, location: str | None) -> httpx.URL:
        if not location:
            raise HTTPStatus("تحويل بلا وجهة (redirect without Location)", status=302)
        nxt = _target(current.join(location.strip()))
        if nxt.userinfo and nxt.host != current.host:
            nxt = nxt.copy_with(username=None, password=None)
        return nxt

    async def _finish(
        self, response: httpx.Response, kind: Kind, sent_validators: bool, started: float
    ) -> Fetched:
        status = response.status_code
        headers: Mapping[str, str] = {k.lower(): v for k, v in response.headers.items()}
        if status == 304 and sent_validators:
            return self._fetched(response, headers, b"", started)
        if not 200 <= status < 300:
            raise HTTPStatus(
                f"ردّ الخادم بالرمز {status} (HTTP {status})",
                status=status,
                retry_after=parse_retry_after(headers.get("retry-after")),
            )
        content_type = headers.get("content-type", "").lower()
        if kind == "page" and content_type.startswith(_NOT_A_PAGE):
            raise UnexpectedContent(f"ليست صفحة (not a page: {content_type})")
        if kind == "image" and not content_type.startswith("image/"):
            raise UnexpectedContent(f"ليست صورة (not an image: {content_type or '∅'})")
        robots = kind == "robots"
        limit = self.policy.robots_max_body if robots else self.policy.max_body
        coding = headers.get("content-encoding")
        length = headers.get("content-length", "")
        if not robots and not content_codings(coding) and length.isdigit() and int(length) > limit:
            raise BodyTooLarge(f"المحتوى أكبر من الحد (Content-Length {length} > {limit})")
        body = BoundedBody(coding, limit, truncate=robots)
        async for chunk in response.aiter_raw():
            body.feed(chunk)
            if body.full:
                break
        return self._fetched(response, headers, body.finish(), started)

    @staticmethod
    def _fetched(
        response: httpx.Response, headers: Mapping[str, str], body: bytes, started: float
    ) -> Fetched:
        return Fetched(
            url=str(response.url),
            status=response.status_code,
            headers=headers,
            body=body,
            encoding=header_charset(headers.get("content-type")),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            elapsed=time.monotonic() - started,
        )
