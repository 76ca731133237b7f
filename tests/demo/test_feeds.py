"""The demo feeds parse cleanly, carry the expected items, and point at pages that exist."""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import feedparser
import httpx
import lxml.html
import pytest

from nashra.demo import demo_sources

EXPECTED = {  # source path → (feedparser's version, number of items)
    "/ar/national/rss.xml": ("rss20", 12),
    "/ar/economy/atom.xml": ("atom10", 12),
    "/ar/culture/feed.json": ("json11", 12),
    "/mujammaa/rss.xml": ("rss20", 4),
}


def fetch_feed(url: str) -> Any:
    """feedparser's result for RSS and Atom; for JSON Feed, the same shape read by hand.

    feedparser 6.0.x (the newest release on PyPI) has no JSON Feed support: its JSON parser lives
    only on its unreleased development branch. The JSON Feed 1.1 fields are checked here instead.
    """
    response = httpx.get(url)
    assert response.status_code == 200
    if response.headers["content-type"] == "application/feed+json":
        return read_json_feed(response.content)
    headers = {"content-type": response.headers["content-type"]}
    return feedparser.parse(response.content, response_headers=headers)


def read_json_feed(raw: bytes) -> Any:
    feed = json.loads(raw)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] and feed["home_page_url"]
    entries = []
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item.get("content_html") or item.get("content_text")
        published = datetime.fromisoformat(item["date_published"])
        entries.append(
            SimpleNamespace(
                id=item["id"],
                link=item["url"],
                title=item["title"],
                summary=item["summary"],
                published=item["date_published"],
                published_parsed=published,
            )
        )
    return SimpleNamespace(bozo=False, version="json11", entries=entries)


def test_demo_sources_name_every_feed_with_a_first_run(base: str) -> None:
    sources = demo_sources(base)
    assert [s["url"] for s in sources] == [base + path for path in EXPECTED]
    assert {s["kind"] for s in sources} == {"feed"}
    assert [s["first_run"] for s in sources] == ["newest:4", "newest:4", "newest:4", "post_all"]
    assert sources[-1]["name"] == "مجمّع تجريبي"
    assert len({s["name"] for s in sources}) == len(sources)


@pytest.mark.parametrize("path", list(EXPECTED))
def test_feed_parses_without_bozo_and_links_to_served_pages(base: str, path: str) -> None:
    version, count = EXPECTED[path]
    parsed = fetch_feed(base + path)
    assert not parsed.bozo, getattr(parsed, "bozo_exception", None)
    assert parsed.version == version
    assert len(parsed.entries) == count
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == count
    assert all("127.0.0.1" not in i for i in ids)  # identities survive a change of port
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)  # newest first, as outlets publish
    for entry in parsed.entries:
        assert entry.title.strip()
        assert entry.summary.strip()
        assert entry.published.endswith(("+01:00", "+0100"))
        assert entry.link.startswith(base + "/")
        page = httpx.get(entry.link)
        assert page.status_code == 200, entry.link
        title = lxml.html.document_fromstring(page.content).xpath("//h1/text()")
        assert title == [entry.title]


def test_the_national_feed_carries_the_full_text(base: str, manifest: dict[str, Any]) -> None:
    parsed = fetch_feed(base + "/ar/national/rss.xml")
    by_path = {a["path"]: a for a in manifest["articles"]}
    for entry in parsed.entries:
        paragraphs = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
        path = entry.link.removeprefix(base)
        assert len(paragraphs.xpath("./p")) == by_path[path]["paragraphs"]


def test_the_aggregator_reposts_sections_articles_with_changed_titles_and_a_footer(
    base: str, manifest: dict[str, Any]
) -> None:
    titles = {a["path"]: a["title"] for a in manifest["articles"]}
    parsed = fetch_feed(base + "/mujammaa/rss.xml")
    reposts = {r["path"]: r for r in manifest["reposts"]}
    assert len(reposts) == len(parsed.entries) == 4
    for entry in parsed.entries:
        repost = reposts[entry.link.removeprefix(base)]
        original_title = titles[repost["original"]]
        assert entry.title != original_title
        assert original_title in entry.title  # "slightly different": the original, dressed up
        page = lxml.html.document_fromstring(httpx.get(entry.link).content)
        original = lxml.html.document_fromstring(httpx.get(base + repost["original"]).content)
        repost_body = page.xpath("//div[@class='post-body']/p/text()")
        original_body = original.xpath("//div[@class='post-body']/p/text()")
        assert repost_body[1 : 1 + len(original_body)] == original_body
        assert repost_body[0] == entry.title  # the repeated title line
        footer = "\n".join(repost_body[1 + len(original_body) :])
        assert f"🔍 اقرأ المزيد: {base}{repost['original']}" in footer
        assert "📌 المصدر الأصلي: جوهرة أف أم" in footer
        assert page.xpath("//meta[@property='og:site_name']/@content") == ["مجمّع تجريبي"]


def test_the_first_run_window_covers_the_reposted_and_legacy_pages(
    base: str, manifest: dict[str, Any]
) -> None:
    """The demo's "newest:4" must reach the pages the demo is meant to show off."""
    newest: set[str] = set()
    for source in demo_sources(base)[:3]:
        n = int(source["first_run"].split(":")[1])
        newest |= {e.link.removeprefix(base) for e in fetch_feed(source["url"]).entries[:n]}
    assert {r["original"] for r in manifest["reposts"]} <= newest
    assert set(manifest["legacy_charsets"]) <= newest
