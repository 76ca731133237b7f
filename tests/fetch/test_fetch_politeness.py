"""robots.txt for page fetches, the per-host concurrency cap and the per-host delay.

The concurrency cap is counted at the server (requests in flight at once). The delay check is a
lower bound on gaps between arrivals (sleeping never ends early), not a speed figure.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace

import pytest

from nashra.errors import FetchError, RobotsDisallowed
from nashra.fetch import Fetcher, FetchPolicy
from tests.fetch.hostile_server import HostileServer

ROBOTS = b"User-agent: *\nDisallow: /private\n"
# RFC 9309: a group naming our product token replaces the * group for us.
OWN_GROUP = b"User-agent: *\nDisallow: /private\n\nUser-agent: nashra\nDisallow: /no-nashra\n"


def run_pages(policy: FetchPolicy, urls: list[str], kind: str = "page") -> list[object]:
    async def go() -> list[object]:
        async with Fetcher(policy) as fetcher:
            jobs = [fetcher.get(u, kind=kind) for u in urls]  # type: ignore[arg-type]
            return await asyncio.gather(*jobs, return_exceptions=True)

    return asyncio.run(go())


def test_robots_disallow_is_obeyed_and_cached(server: HostileServer, policy) -> None:
    server.robots = (200, ROBOTS)
    server.route("/private", server.routes["/ok"])
    server.route("/public", server.routes["/ok"])
    blocked, allowed, again = run_pages(
        policy, [server.url("/private"), server.url("/public"), server.url("/public")]
    )
    assert isinstance(blocked, RobotsDisallowed)
    assert blocked.where == server.url("/private")
    assert getattr(allowed, "status", None) == 200
    assert getattr(again, "status", None) == 200
    assert server.seen("/private") == []
    assert len(server.seen("/robots.txt")) == 1


def test_robots_group_for_our_product_token(server: HostileServer, policy) -> None:
    server.robots = (200, OWN_GROUP)
    server.route("/no-nashra", server.routes["/ok"])
    server.route("/private", server.routes["/ok"])
    ours, star = run_pages(policy, [server.url("/no-nashra"), server.url("/private")])
    assert isinstance(ours, RobotsDisallowed)
    assert getattr(star, "status", None) == 200


def test_feeds_do_not_consult_robots(server: HostileServer, policy) -> None:
    server.robots = (200, b"User-agent: *\nDisallow: /\n")
    (result,) = run_pages(policy, [server.url("/feed")], kind="feed")
    assert getattr(result, "status", None) == 200
    assert server.seen("/robots.txt") == []


@pytest.mark.parametrize(
    ("robots", "allowed"),
    [
        ((500, b"oops"), False),  # unreachable: disallow all
        ((503, b""), False),
        ((429, b""), False),
        ((404, b""), True),  # unavailable: allow all
        ((403, b""), True),
        ((200, b""), True),  # empty file
        ((200, b"\x00\xff garbage {{{ not robots"), True),
    ],
)
def test_robots_status_rules(server: HostileServer, policy, robots, allowed) -> None:
    server.robots = robots
    (result,) = run_pages(policy, [server.url("/ok")])
    if allowed:
        assert getattr(result, "status", None) == 200
    else:
        assert isinstance(result, RobotsDisallowed)
        assert server.seen("/ok") == []


def test_robots_that_never_answers_means_disallow(server: HostileServer, policy) -> None:
    server.route("/robots.txt", server.routes["/drip"])
    (result,) = run_pages(replace(policy, feed_deadline=0.5), [server.url("/ok")])
    assert isinstance(result, RobotsDisallowed)


def test_big_robots_is_read_up_to_the_cap(server: HostileServer, policy) -> None:
    filler = b"# " + b"x" * 1000 + b"\n"
    server.robots = (200, b"User-agent: *\nDisallow: /private\n" + filler * 2000)  # ~2 MB
    server.route("/private", server.routes["/ok"])
    (result,) = run_pages(policy, [server.url("/private")])
    assert isinstance(result, RobotsDisallowed)


def test_obey_robots_false(server: HostileServer, policy) -> None:
    server.robots = (200, b"User-agent: *\nDisallow: /\n")
    (result,) = run_pages(replace(policy, obey_robots=False), [server.url("/ok")])
    assert getattr(result, "status", None) == 200


@pytest.mark.parametrize(("cap", "kind"), [(2, "page"), (2, "feed"), (4, "feed")])
def test_per_host_concurrency_cap_is_observed_at_the_server(server, policy, cap, kind) -> None:
    capped = replace(policy, per_host_concurrency=cap, obey_robots=False)
    results = run_pages(capped, [server.url(f"/slow?s=0.3&i={i}") for i in range(8)], kind)
    assert all(getattr(r, "status", None) == 200 for r in results), results
    assert server.max_in_flight == cap


def test_per_host_delay_spaces_page_fetches(server: HostileServer, policy) -> None:
    spaced = replace(policy, per_host_delay=0.3, obey_robots=False, page_deadline=5.0)
    run_pages(spaced, [server.url(f"/ok?i={i}") for i in range(4)])
    arrivals = sorted(r.at for r in server.seen("/ok"))
    assert len(arrivals) == 4
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.25


def test_robots_crawl_delay_lengthens_the_gap(server: HostileServer, policy) -> None:
    server.robots = (200, b"User-agent: *\nCrawl-delay: 0.4\n")
    run_pages(
        replace(policy, per_host_delay=0.0, page_deadline=5.0),
        [server.url("/ok?a"), server.url("/ok?b")],
    )
    first, second = sorted(r.at for r in server.seen("/ok"))
    assert second - first >= 0.35


def test_errors_carry_the_url_asked_for(server: HostileServer, policy) -> None:
    (result,) = run_pages(policy, ["ftp://example.org/x"])
    assert isinstance(result, FetchError)
    assert result.where == "ftp://example.org/x"
