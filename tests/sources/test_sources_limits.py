"""Hostile bodies at the source stage: gzip bombs, unknown content, broken selectors."""

from __future__ import annotations

import gzip

import pytest

from nashra.errors import ConfigError, ParseError
from nashra.models import Fetched, SourceSpec
from nashra.sources import adapter_for, detect_kind
from nashra.sources._xml import MAX_INFLATED, gunzip_bounded


def _fetched(body: bytes, ctype: str = "") -> Fetched:
    headers = {"content-type": ctype} if ctype else {}
    return Fetched(url="https://example.com/x", status=200, headers=headers, body=body)


def test_gzip_bomb_stops_at_the_cap() -> None:
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    bomb = gzip.compress(head + b" " * (MAX_INFLATED + 1024), compresslevel=9)
    assert len(bomb) < MAX_INFLATED // 100  # small on the wire
    fetched = _fetched(bomb, "application/x-gzip")
    assert detect_kind(fetched) == "sitemap"  # sniffing inflates only a bounded prefix
    with pytest.raises(ParseError, match="gzip"):
        adapter_for("sitemap").parse(fetched, SourceSpec("s", fetched.url))


def test_gunzip_bounded_inflates_within_the_limit_and_refuses_corruption() -> None:
    data = "خريطة".encode() * 1000
    assert gunzip_bounded(gzip.compress(data), limit=len(data)) == data
    with pytest.raises(ParseError):
        gunzip_bounded(gzip.compress(data), limit=len(data) - 1)
    with pytest.raises(ParseError):
        gunzip_bounded(b"\x1f\x8b\x08\x00garbage-not-deflate")


@pytest.mark.parametrize(
    ("body", "ctype"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"), (b"", ""), (b"{}", "application/json")],
)
def test_unknown_content_is_a_parse_error(body: bytes, ctype: str) -> None:
    with pytest.raises(ParseError):
        detect_kind(_fetched(body, ctype))


def test_invalid_link_selector_is_a_config_error() -> None:
    page = _fetched(b"<html><body><a href='/a/12345'>x</a></body></html>", "text/html")
    with pytest.raises(ConfigError):
        adapter_for("page").parse(page, SourceSpec("p", page.url, link_selector="ul[[["))


def test_empty_page_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        adapter_for("page").parse(_fetched(b"   ", "text/html"), SourceSpec("p", "u"))


def test_html_served_as_a_feed_is_a_parse_error() -> None:
    page = _fetched(b"<html><body><p>Service unavailable</p></body></html>", "text/html")
    with pytest.raises(ParseError):
        adapter_for("feed").parse(page, SourceSpec("f", page.url))
