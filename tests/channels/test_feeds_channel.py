"""Feeds channel: RSS 2.0, Atom and JSON Feed files from the database, read back by feedparser."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from nashra.channels import Channel, build_channel
from nashra.channels.feeds import FILES
from nashra.errors import ConfigError
from nashra.models import Enrichment, Fetched, Listing, SourceSpec
from nashra.pipeline import channel_views
from nashra.settings import ChannelConfig, load_config
from nashra.sources import adapter_for
from nashra.store import Store, articles, outbox
from tests.publish.pubkit import article, make_store, queue, run, states


def feed_channel(store: Store, folder: Path, **extra: object) -> Channel:
    options: dict[str, object] = {"path": str(folder), "title": "نشرة الأخبار"}
    options.update(extra)
    config = load_config(data={"database": {"url": store.url}})
    return build_channel(ChannelConfig("feeds", "feed", options), config)


def parsed(folder: Path) -> dict[str, feedparser.FeedParserDict]:
    """RSS and Atom as feedparser reads them (feedparser 6.0 does not read JSON Feed)."""
    return {kind: feedparser.parse(str(folder / FILES[kind])) for kind in ("rss", "atom")}


def listings(folder: Path) -> dict[str, Listing]:
    """All three files through Nashra's own feed source adapter (as a reader of them would)."""
    spec = SourceSpec(name="mirror", url="https://news.example.org/")
    return {
        kind: adapter_for("feed").parse(
            Fetched(url=spec.url, status=200, headers={}, body=(folder / name).read_bytes()),
            spec,
        )
        for kind, name in FILES.items()
    }


def test_three_formats_round_trip(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    out = tmp_path / "feeds"
    ch = feed_channel(store, out, link="https://news.example.org/")
    queue(store, ch, [article(1), article(2), article(3)], Enrichment(hashtags=("الأردن",)))
    run(store, [ch])
    assert set(states(store).values()) == {"sent"}
    titles = [f"عنوان الخبر رقم {n} <عاجل> & مهم" for n in (3, 2, 1)]  # newest first
    links = [f"https://example.org/news/{n}" for n in (3, 2, 1)]
    for kind, doc in parsed(out).items():
        assert not doc.bozo, (kind, doc.get("bozo_exception"))
        assert doc.feed.title == "نشرة الأخبار", kind
        assert doc.feed.get("language") == "ar", kind
        assert [e.title for e in doc.entries] == titles, kind
        assert [e.link for e in doc.entries] == links, kind
        first = doc.entries[0]
        body = first.content[0].value if "content" in first else first.summary
        assert "الفقرة 0 من الخبر رقم 3" in body, kind
        assert [t.term for t in first.get("tags", [])] == ["الأردن"], kind
    for kind, listing in listings(out).items():
        assert listing.title == "نشرة الأخبار", kind
        assert [i.title for i in listing.items] == titles, kind
        assert [i.url for i in listing.items] == links, kind
        assert listing.items[0].published == datetime(2024, 3, 12, 9, 30, tzinfo=UTC), kind
        assert listing.items[0].categories == ("الأردن",), kind
        assert "الفقرة 1 من الخبر رقم 3" in (listing.items[0].content_html or ""), kind
    assert "<language>ar</language>" in (out / FILES["rss"]).read_text(encoding="utf-8")
    data = json.loads((out / FILES["json"]).read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["language"] == "ar"
    assert all({"id", "url", "title", "content_html"} <= set(item) for item in data["items"])


def test_limit_keeps_the_newest_and_files_are_replaced_not_appended(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    out = tmp_path / "feeds"
    ch = feed_channel(store, out, limit=2)
    queue(store, ch, [article(n) for n in range(1, 5)])
    run(store, [ch])
    for kind, listing in listings(out).items():
        assert [(i.url or "").rsplit("/", 1)[-1] for i in listing.items] == ["4", "3"], kind
    assert not list(out.glob(".*.tmp"))  # no temporary file left behind


def test_resend_rewrites_identical_files(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    out = tmp_path / "feeds"
    ch = feed_channel(store, out)
    queue(store, ch, [article(1), article(2)])
    run(store, [ch])
    before = {name: (out / name).read_bytes() for name in FILES.values()}
    ch2 = feed_channel(store, out)
    with store.read() as conn:
        post = outbox.get(conn, 2)
    assert post is not None
    (part,) = ch2.plan(post)
    asyncio.run(ch2.send(replace(part, post=post)))  # the same post sent again (a resend)
    asyncio.run(ch2.aclose())
    after = {name: (out / name).read_bytes() for name in FILES.values()}
    assert after == before
    assert len(listings(out)["json"].items) == 2


def test_an_updated_article_is_rewritten_in_place(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    out = tmp_path / "feeds"
    ch = feed_channel(store, out)
    queue(store, ch, [article(1)])
    run(store, [ch])
    with store.tx() as conn:
        found = articles.get(conn, 1)
        assert found is not None
        changed = replace(found[0], title="عنوان مُحدَّث للخبر")
        articles.update(conn, 1, changed, found[1])
        view = channel_views([ch], load_config(data={}))[0]
        outbox.rerender(conn, view.renderer.render(replace(changed, id=1), found[1], ch.name))
    run(store, [feed_channel(store, out)])
    for kind, listing in listings(out).items():
        assert [i.title for i in listing.items] == ["عنوان مُحدَّث للخبر"], kind


def test_config_errors_are_clear() -> None:
    config = load_config(data={})
    with pytest.raises(ConfigError, match="path"):
        build_channel(ChannelConfig("f", "feed", {}), config)
    with pytest.raises(ConfigError, match="limit"):
        build_channel(ChannelConfig("f", "feed", {"path": "x", "limit": 0}), config)
