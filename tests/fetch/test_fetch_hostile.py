"""Fetcher.get against a hostile origin on 127.0.0.1: every case ends as a classified error.

Deadlines here are 1.5 s (see conftest); the drip cases check that the *total* deadline fires
although the server sends a byte every 0.5 s (below any per-read timeout). The elapsed-time bound
is a behaviour check with a wide margin, not a speed figure.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from nashra.errors import (
    BodyTooLarge,
    ConnectFailed,
    FetchError,
    FetchTimeout,
    HTTPStatus,
    TooManyRedirects,
    UnexpectedContent,
)
from nashra.fetch import Fetcher, FetchPolicy, Kind, charset
from nashra.models import Fetched
from tests.fetch.hostile_server import ARABIC, HostileServer

MARGIN = 3.0  # seconds allowed past the deadline on a busy 2-core machine


async def _get(policy: FetchPolicy, url: str, kind: Kind = "feed", **kw: str) -> Fetched:
    async with Fetcher(policy) as fetcher:
        return await fetcher.get(url, kind=kind, **kw)


def fetch(policy: FetchPolicy, url: str, kind: Kind = "feed", **kw: str) -> Fetched:
    return asyncio.run(_get(policy, url, kind, **kw))


def fails(policy: FetchPolicy, url: str, kind: Kind = "feed") -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(policy, url, kind)
    assert caught.value.where == url
    return caught.value, time.monotonic() - started


def test_plain_fetch_returns_body_headers_and_user_agent(server: HostileServer, policy) -> None:
    got = fetch(policy, server.url("/gzip"))
    assert got.status == 200
    assert ARABIC.encode() in got.body  # inflated by Nashra, not by httpx
    assert got.headers["content-encoding"] == "gzip"
    sent = server.seen("/gzip")[0].headers
    assert sent["user-agent"].startswith("Nashra/")
    assert sent["accept-encoding"] == "gzip"


@pytest.mark.parametrize("path", ["/drip", "/drip-headers", "/silence"])
def test_slow_server_cannot_outlive_the_total_deadline(server, policy, path) -> None:
    error, elapsed = fails(policy, server.url(path))
    assert isinstance(error, FetchTimeout)
    assert error.code == "fetch.timeout"
    assert elapsed < policy.feed_deadline + MARGIN


def test_page_deadline_is_used_for_pages(server, policy) -> None:
    pages = replace(policy, page_deadline=0.6, feed_deadline=30.0, obey_robots=False)
    error, elapsed = fails(pages, server.url("/drip"), "page")
    assert isinstance(error, FetchTimeout)
    assert "0.6" in error.message
    assert elapsed < 0.6 + MARGIN


def test_endless_body_stops_at_the_cap(server, policy) -> None:
    error, _ = fails(policy, server.url("/endless"))
    assert isinstance(error, BodyTooLarge)


def test_honest_content_length_over_the_cap_is_refused_before_reading(server, policy) -> None:
    error, _ = fails(policy, server.url("/big"))
    assert isinstance(error, BodyTooLarge)
    assert "Content-Length" in error.message


def test_gzip_bomb_stops_at_the_cap_of_decoded_bytes(server, policy) -> None:
    # 64 MiB of zeros compress to about 64 KiB: far under the 1 MiB cap before decoding. The
    # deadlines are roomy here: on a loaded machine inflating 64 MiB can outlast the fixture's
    # 1.5 s, and this test is about the cap, not the clock.
    roomy = replace(policy, feed_deadline=60.0, page_deadline=60.0)
    error, _ = fails(roomy, server.url("/bomb?mib=64"))
    assert isinstance(error, BodyTooLarge)
    bigger = replace(roomy, max_body=80 * 1024 * 1024)
    assert len(fetch(bigger, server.url("/bomb?mib=64")).body) == 64 * 1024 * 1024


@pytest.mark.parametrize(
    ("path", "words"),
    [("/stacked", "stacked"), ("/br", "unsupported"), ("/corrupt-gzip", "truncated")],
)
def test_encodings_we_do_not_inflate_are_refused(server, policy, path, words) -> None:
    error, _ = fails(policy, server.url(path))
    assert type(error) is UnexpectedContent
    assert words in error.message


def test_redirect_loop_ends_at_the_cap(server, policy) -> None:
    error, _ = fails(policy, server.url("/loop-a"))
    assert isinstance(error, TooManyRedirects)
    assert len(server.seen("/loop-a")) + len(server.seen("/loop-b")) == policy.max_redirects + 1


def test_five_redirects_are_followed_six_are_not(server, policy) -> None:
    got = fetch(policy, server.url("/chain?n=5"))
    assert got.status == 200
    assert got.url.endswith("/chain?n=0")
    error, _ = fails(policy, server.url("/chain?n=6"))
    assert isinstance(error, TooManyRedirects)


@pytest.mark.parametrize("code", [500, 502, 504, 404, 410, 401])
def test_error_statuses_are_classified(server, policy, code) -> None:
    error, _ = fails(policy, server.url(f"/status?code={code}"))
    assert isinstance(error, HTTPStatus)
    assert error.status == code
    assert error.retry_after is None


@pytest.mark.parametrize(
    ("code", "header", "expected"),
    [(429, "120", 120.0), (503, "7", 7.0), (429, "-5", 0.0), (503, "soon", None)],
)
def test_retry_after_is_surfaced(server, policy, code, header, expected) -> None:
    error, _ = fails(policy, server.url(f"/status?code={code}&retry={header}"))
    assert isinstance(error, HTTPStatus)
    assert (error.status, error.retry_after) == (code, expected)


def test_retry_after_as_http_date(server, policy) -> None:
    error, _ = fails(
        policy, server.url("/status?code=503&retry=Wed,%2021%20Oct%202099%2007:28:00%20GMT")
    )
    assert isinstance(error, HTTPStatus)
    assert error.retry_after is not None and error.retry_after > 365 * 24 * 3600


@pytest.mark.parametrize("path", ["/reset", "/reset-mid-body", "/short-body"])
def test_broken_connections_are_connect_failures(server, policy, path) -> None:
    error, _ = fails(policy, server.url(path))
    assert isinstance(error, ConnectFailed)


def test_connection_refused(policy) -> None:
    with HostileServer() as gone:
        url = gone.url("/ok")
    error, _ = fails(policy, url)
    assert isinstance(error, ConnectFailed)


def test_conditional_get_gives_304_and_round_trips_the_etag(server, policy) -> None:
    first = fetch(policy, server.url("/feed"))
    assert (first.status, first.etag) == (200, '"v1-abc"')
    again = fetch(policy, server.url("/feed"), etag=first.etag or "")
    assert again.not_modified and again.body == b""
    assert server.seen("/feed")[1].headers["if-none-match"] == '"v1-abc"'
    by_date = fetch(policy, server.url("/feed"), last_modified=first.last_modified or "")
    assert by_date.status == 304
    assert server.seen("/feed")[2].headers["if-modified-since"] == first.last_modified


def test_304_without_validators_is_an_error(server, policy) -> None:
    error, _ = fails(policy, server.url("/status?code=304"))
    assert isinstance(error, HTTPStatus) and error.status == 304


def test_wrong_content_type_for_a_feed_still_arrives_and_decodes(server, policy) -> None:
    got = fetch(policy, server.url("/text-1256"))
    assert got.encoding == "windows-1256"
    text, used = charset.decode(got.body, got.headers["content-type"], "xml")
    assert (ARABIC in text, used) == (True, "cp1256")


def test_an_image_is_not_an_article_page(server, policy) -> None:
    no_robots = replace(policy, obey_robots=False)
    error, _ = fails(no_robots, server.url("/png"), "page")
    assert "image/png" in error.message


def test_the_image_kind_takes_images_and_refuses_pages(server, policy) -> None:
    got = fetch(policy, server.url("/png"), "image")
    assert got.body.startswith(b"\x89PNG") and got.headers["content-type"] == "image/png"
    error, _ = fails(policy, server.url("/iso-8859-6"), "image")
    assert isinstance(error, UnexpectedContent) and "text/html" in error.message
    assert not server.seen("/robots.txt")  # an image fetch never asks robots.txt


def test_iso_8859_6_page_decodes(server, policy) -> None:
    got = fetch(replace(policy, obey_robots=False), server.url("/iso-8859-6"), "page")
    text, used = charset.decode(got.body, got.headers["content-type"], "html")
    assert used == "iso8859-6"
    assert text.count(ARABIC) == 2


def test_a_lying_charset_declaration_is_overruled(server, policy) -> None:
    got = fetch(replace(policy, obey_robots=False), server.url("/lying-charset"), "page")
    assert got.encoding == "utf-8"
    text, used = charset.decode(got.body, got.headers["content-type"], "html")
    assert used == "cp1256"
    assert ARABIC in text


def test_one_hostile_source_does_not_hold_up_the_others(server, policy) -> None:
    async def cycle() -> list[object]:
        async with Fetcher(replace(policy, per_host_concurrency=8)) as fetcher:
            urls = [server.url(p) for p in ("/drip", "/endless", "/ok", "/feed", "/reset")]
            jobs = [fetcher.get(u, kind="feed") for u in urls]
            return await asyncio.gather(*jobs, return_exceptions=True)

    drip, endless, ok, feed, reset = asyncio.run(cycle())
    assert isinstance(drip, FetchTimeout)
    assert isinstance(endless, BodyTooLarge)
    assert isinstance(ok, Fetched) and ok.status == 200
    assert isinstance(feed, Fetched) and feed.status == 200
    assert isinstance(reset, ConnectFailed)
