"""robots.txt for page fetches (RFC 9309), parsed by protego and cached per origin.

Outcomes: 2xx → the rules; 4xx (the file is "unavailable") → everything allowed; 5xx, 429, a
network failure or a timeout (the file is "unreachable") → everything disallowed. Rules are kept
for ``ttl``; unreachable outcomes for ``ttl / 24`` so a passing outage does not block a host all
day. Only the first ``robots_max_body`` bytes are read (RFC 9309 asks for at least 500 KiB).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from nashra.errors import BlockedURL, FetchError, HTTPStatus, TooManyRedirects

RobotsFetch = Callable[[str], Awaitable[tuple[int, bytes]]]


@dataclass(frozen=True, slots=True)
class _Entry:
    expires: float
    rules: Protego | None  # None with allow_all deciding
    allow_all: bool

    def allows(self, url: str, agent: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return bool(self.rules.can_fetch(url, agent))

    def delay(self, agent: str) -> float | None:
        if self.rules is None:
            return None
        value = self.rules.crawl_delay(agent)
        return float(value) if value is not None else None


def origin_of(url: httpx.URL) -> str:
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


class RobotsCache:
    def __init__(self, fetch: RobotsFetch, *, agent: str, ttl: float) -> None:
        self._fetch = fetch
        self._agent = agent.split("/", 1)[0]  # product token: "Nashra"
        self._ttl = ttl
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: httpx.URL) -> tuple[bool, float | None]:
        """(allowed, crawl delay in seconds if the file names one)."""
        entry = await self._entry(origin_of(url))
        return entry.allows(str(url), self._agent), entry.delay(self._agent)

    async def _entry(self, origin: str) -> _Entry:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= time.monotonic():
                entry = await self._load(origin)
                self._entries[origin] = entry
            return entry

    async def _load(self, origin: str) -> _Entry:
        now = time.monotonic()
        unreachable = _Entry(now + self._ttl / 24, None, allow_all=False)
        try:
            status, body = await self._fetch(origin + "/robots.txt")
        except BlockedURL:
            raise
        except TooManyRedirects:
            return _Entry(now + self._ttl, None, allow_all=True)
        except HTTPStatus as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return _Entry(now + self._ttl, None, allow_all=True)
            return unreachable
        except FetchError:
            return unreachable
        if not 200 <= status < 300:
            return _Entry(now + self._ttl, None, allow_all=True)
        text = body.decode("utf-8", errors="replace")
        return _Entry(now + self._ttl, Protego.parse(text), allow_all=True)
