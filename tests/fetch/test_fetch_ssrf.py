"""The SSRF guard: checked on the resolved address at connect time, on every redirect hop.

A "sentinel" server on 127.0.0.1 counts connections: a refused fetch must not reach it at all.
The redirect cases use a second origin on 127.0.0.2 as the "public" site (only 127.0.0.2/32 is
let through), so a redirect to 127.0.0.1 is refused the way one to a real internal host would be.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from dataclasses import replace
from pathlib import Path

import pytest

from nashra.errors import BlockedURL, FetchError
from nashra.fetch import Fetcher, FetchPolicy, is_blocked
from nashra.fetch._guard import parse_networks
from tests.fetch.hostile_server import HostileServer

CASES = json.loads((Path(__file__).parent / "ssrf_addresses.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["address"] for c in CASES])
def test_address_verdicts(case: dict[str, object]) -> None:
    ip = ipaddress.ip_address(str(case["address"]))
    assert is_blocked(ip) is case["blocked"], case["why"]


def test_allow_networks_lets_listed_ranges_through_and_nothing_else() -> None:
    allow = parse_networks(["127.0.0.0/8", "10.0.0.0/8"])
    assert not is_blocked(ipaddress.ip_address("127.0.0.1"), allow)
    assert not is_blocked(ipaddress.ip_address("::ffff:10.2.3.4"), allow)
    assert is_blocked(ipaddress.ip_address("169.254.169.254"), allow)
    assert is_blocked(ipaddress.ip_address("::1"), allow)


def _refused(policy: FetchPolicy, url: str) -> FetchError:
    async def go() -> None:
        async with Fetcher(policy) as fetcher:
            await fetcher.get(url, kind="feed")

    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    return caught.value


@pytest.fixture
def sentinel():
    with HostileServer("127.0.0.1") as guard_me:
        yield guard_me


@pytest.fixture
def public():
    with HostileServer("127.0.0.2") as site:
        yield site


def only_public() -> FetchPolicy:
    return FetchPolicy(feed_deadline=3.0, allow_networks=("127.0.0.2/32",))


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.1", "2130706433", "localhost", "[::ffff:127.0.0.1]", "0"],
)
def test_direct_internal_targets_never_get_a_connection(sentinel, host) -> None:
    url = f"http://{host}:{sentinel.port}/ok"
    error = _refused(FetchPolicy(feed_deadline=3.0), url)
    assert isinstance(error, BlockedURL)
    assert error.where == url
    assert sentinel.connections == 0


def test_the_guard_is_what_stands_between(sentinel) -> None:
    """The same request with loopback allowed does reach the sentinel (the test can fail)."""

    async def go() -> int:
        async with Fetcher(FetchPolicy(allow_networks=("127.0.0.0/8",))) as fetcher:
            url = f"http://localhost:{sentinel.port}/ok"
            return (await fetcher.get(url, kind="feed")).status

    assert asyncio.run(go()) == 200
    assert sentinel.connections == 1


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/ok",
        "http://localhost:{port}/ok",
        "http://[::1]:{port}/ok",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.64.0.1/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://127.0.0.1:{port}/_",
        "ftp://example.org/feed",
        "data:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_redirects_are_checked_at_every_hop(public, sentinel, location) -> None:
    target = location.format(port=sentinel.port)
    url = public.url(f"/to?loc={target}")
    error = _refused(only_public(), url)
    assert isinstance(error, BlockedURL), error
    assert error.where == url
    assert len(public.seen("/to")) == 1
    assert sentinel.connections == 0


def test_a_redirect_chain_inside_the_public_site_is_fine(public) -> None:
    async def go() -> int:
        async with Fetcher(only_public()) as fetcher:
            return (await fetcher.get(public.url("/to?loc=/chain?n=2"))).status

    assert asyncio.run(go()) == 200


def test_environment_proxies_are_ignored(sentinel, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.2:{sentinel.port}")
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.2:{sentinel.port}")
    error = _refused(replace(only_public(), feed_deadline=2.0), "http://169.254.169.254/")
    assert isinstance(error, BlockedURL)
    assert sentinel.connections == 0
