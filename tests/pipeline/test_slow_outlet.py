"""Issue 14, fault 2: one slow outlet must not stop all publishing.

A source whose article pages drip a byte every half second (each page runs to its deadline) sits
beside an unrelated, healthy source. Before the fix a cycle published only after every source
had ended, and one source's items were fetched one after another: the healthy source's posts
waited for the slow one. Now publishing runs beside ingest, so the healthy posts go out while the
slow source is still being read. The test checks the order of events (every healthy post is on
disk before the slow source's poll ends), not a speed.

Also: an item cap per poll (``poll.max_items``), newest first.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import sqlalchemy as sa

from nashra.pipeline import SourceReport
from nashra.runner import Runner
from nashra.settings import load_config
from nashra.store import Store, schema
from tests.fetch.hostile_server import HostileServer
from tests.pipeline.conftest import rss
from tests.pipeline.test_lifecycle import DETAILS, TITLES, TOPICS, feed_of
from tests.sitekit import Site

SLOW_PAGES = 4


def slow_feed(server: HostileServer) -> None:
    """An outlet (on another loopback address) whose feed is fine and whose pages drip."""
    items = [
        {
            "title": f"خبر بطيء رقم {i}",
            "link": server.url(f"/drip?n={i}"),
            "guid": f"slow-{i}",
            "pubDate": f"Mon, {10 + i} Mar 2025 09:00:00 +0200",
        }
        for i in range(SLOW_PAGES)
    ]
    body = rss(items, title="منفذ بطيء").replace("__BASE__", server.url(""))

    async def feed(req: object, w: asyncio.StreamWriter) -> None:
        from tests.fetch.hostile_server import send

        await send(w, 200, body.encode(), {"Content-Type": "application/rss+xml"})

    server.route("/slow-feed", feed)


def test_a_dripping_outlet_does_not_hold_an_unrelated_sources_posts(
    site: Site, tmp_path: Path
) -> None:
    feed_of(site, 6)
    with HostileServer(host="127.0.0.2") as slow:
        slow_feed(slow)
        config = load_config(
            data={
                "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
                "fetch": {
                    "allow_networks": ["127.0.0.0/8"],
                    "per_host_delay": 0.0,
                    "page_deadline": 2.0,
                },
                "sources": [
                    {"name": "بطيء", "url": slow.url("/slow-feed"), "first_run": "post_all"},
                    {"name": "سريع", "url": site.base + "/feed", "first_run": "post_all"},
                ],
                "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "p")}],
            }
        )
        ended: dict[str, float] = {}

        def on_source(rep: SourceReport) -> None:
            ended[rep.source] = time.time()

        async def go() -> None:
            runner = Runner(config)
            try:
                await runner.cycle(on_source=on_source, beside=True)
            finally:
                await runner.aclose()

        asyncio.run(go())
        assert len(slow.seen("/drip")) == SLOW_PAGES  # every slow page was tried

    posts = sorted((tmp_path / "p").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in posts]
    fast = [p for p, t in zip(posts, texts, strict=True) if "بطيء" not in t]
    assert len(fast) == 6
    # The healthy source's posts were written while the slow source was still being read.
    assert max(p.stat().st_mtime for p in fast) < ended["بطيء"]
    # The slow items were not lost: each fell to its deadline and is recorded as an error.
    with Store(config.database_url).read() as conn:
        codes = conn.execute(
            sa.select(schema.events.c.code).where(schema.events.c.source == "بطيء")
        ).all()
    assert len(codes) >= SLOW_PAGES


def test_items_per_poll_are_capped_newest_first(site: Site, tmp_path: Path) -> None:
    items = []
    for i in range(6):
        page = site.add(
            f"/c{i}.html",
            f"<html><body><article><h1>{TITLES[i]}</h1><p>{TOPICS[i]}.</p>"
            f"<p>{DETAILS[i]}.</p></article></body></html>",
        )
        items.append(
            {
                "title": TITLES[i],
                "link": page,
                "guid": page,
                "pubDate": f"Mon, {10 + i} Mar 2025 09:00:00 +0200",
                "description": f"<p>{TOPICS[i]}.</p>",
            }
        )
    # listed oldest first, so "the first N listed" and "the newest N" differ
    site.add("/feed", rss(items), content_type="application/rss+xml")
    config = load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
            "poll": {"max_items": 2},
            "sources": [{"name": "s", "url": site.base + "/feed", "first_run": "post_all"}],
            "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "p")}],
        }
    )

    async def go() -> list[SourceReport]:
        runner = Runner(config)
        try:
            return (await runner.cycle()).sources
        finally:
            await runner.aclose()

    (rep,) = asyncio.run(go())
    assert (rep.items, rep.accepted, rep.capped) == (6, 2, 4)
    with Store(config.database_url).read() as conn:
        titles = set(conn.execute(sa.select(schema.articles.c.title)).scalars())
    assert titles == {TITLES[4], TITLES[5]}
    assert not any(f"/c{i}.html" in site.hits for i in range(4))
