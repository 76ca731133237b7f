"""The demo server over a real socket: every file, placeholders, content types, 304s."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import lxml.html
import pytest

from nashra.demo import serve_site

FEED_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json",
}


def site_paths(root: Path) -> list[str]:
    return sorted("/" + p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_every_file_is_served_with_the_placeholder_replaced(
    site_root: Path, base: str, manifest: dict[str, Any]
) -> None:
    legacy = set(manifest["legacy_charsets"])
    paths = site_paths(site_root)
    assert len(paths) > 40
    with httpx.Client(base_url=base) as client:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert b"__BASE__" not in response.content, path
            assert response.content == (site_root / path.lstrip("/")).read_bytes().replace(
                b"__BASE__", base.encode()
            )
            name = path.rsplit("/", 1)[-1]
            content_type = response.headers["content-type"]
            if path in legacy:
                assert content_type == "text/html", path
            elif name in FEED_TYPES:
                assert content_type == FEED_TYPES[name], path
            elif name.endswith(".html"):
                assert content_type == "text/html; charset=utf-8", path
                assert base.encode() in response.content, path


def test_article_pages_point_at_the_running_server(base: str, manifest: dict[str, Any]) -> None:
    article = manifest["articles"][0]
    html = httpx.get(base + article["path"]).text
    assert '<html lang="ar" dir="rtl">' in html
    tree = lxml.html.document_fromstring(html)
    assert tree.xpath("//link[@rel='canonical']/@href") == [base + article["path"]]
    assert tree.xpath("//h1/text()") == [article["title"]]
    assert tree.xpath("//meta[@property='article:published_time']/@content") == [
        article["published"]
    ]
    assert article["published"].endswith("+01:00")
    assert tree.xpath("//meta[@property='og:site_name']/@content") == ["جوهرة أف أم"]
    assert len(tree.xpath("//div[@class='post-body']/p")) == article["paragraphs"]


def test_directory_urls_serve_their_index(base: str) -> None:
    for path in ("/", "/ar/national/", "/ar/economy/", "/ar/culture/", "/mujammaa/"):
        response = httpx.get(base + path)
        assert response.status_code == 200, path
        assert '<ul class="article-list">' in response.text


def test_if_none_match_gives_304_and_a_changed_tag_gives_200(base: str) -> None:
    url = base + "/ar/national/rss.xml"
    first = httpx.get(url)
    etag = first.headers["etag"]
    again = httpx.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert httpx.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert httpx.get(url, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304


def test_if_modified_since_gives_304_unless_older(base: str) -> None:
    url = base + "/ar/economy/atom.xml"
    last_modified = httpx.get(url).headers["last-modified"]
    assert httpx.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert httpx.get(url, headers={"If-Modified-Since": old}).status_code == 200
    assert httpx.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_head_sends_headers_without_a_body(base: str) -> None:
    head = httpx.head(base + "/ar/culture/feed.json")
    get = httpx.get(base + "/ar/culture/feed.json")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(get.content)


def test_missing_files_and_escapes_are_404(base: str) -> None:
    assert httpx.get(base + "/ar/national/0.html").status_code == 404
    netloc = urlsplit(base).netloc
    for raw in ("/../../pyproject.toml", "/%2e%2e/%2e%2e/pyproject.toml", "/ar/../../NOTICE.md"):
        conn = http.client.HTTPConnection(netloc, timeout=10)
        conn.request("GET", raw)
        response = conn.getresponse()
        assert response.status == 404, raw
        response.read()
        conn.close()


def test_two_servers_get_their_own_ports_and_stop_on_exit(site_root: Path) -> None:
    with serve_site(site_root) as one, serve_site(site_root) as two:
        assert one != two
        body_one = httpx.get(one + "/ar/national/rss.xml").content
        assert one.encode() in body_one
        assert two.encode() not in body_one
    with pytest.raises(httpx.ConnectError):
        httpx.get(one + "/", timeout=5)
