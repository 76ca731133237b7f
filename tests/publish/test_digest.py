"""The daily digest: top stories by outlets, once per day per channel, sent like any post."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from nashra.channels import Channel, build_channel
from nashra.digest import (
    DIGEST_SOURCE,
    local_day,
    queue_digests,
    render,
    renderer_for,
    top_stories,
)
from nashra.models import Article, Enrichment
from nashra.render import telegram as tg
from nashra.runner import Runner
from nashra.settings import Config, load_config
from nashra.store import Store, articles, outbox
from tests.publish.pubkit import article, make_store, run, states

ZONE = "Asia/Amman"


def config_for(store: Store, tmp_path: Path, **options: object) -> Config:
    channel = {
        "name": "daily",
        "kind": "directory",
        "path": str(tmp_path / "out"),
        "digest": True,
        "timezone": ZONE,
        **options,
    }
    return load_config(data={"database": {"url": store.url}, "channels": [channel]})


def channel_of(config: Config) -> Channel:
    return build_channel(config.channels[0], config)


def at_hour(hour: int) -> datetime:
    """Today (in the channel's zone) at ``hour``: the day the test's articles are stored on."""
    local = datetime.now(ZoneInfo(ZONE)).replace(hour=hour, minute=5, second=0, microsecond=0)
    return local.astimezone(UTC)


def store_story(store: Store, outlets: list[str], n: int, title: str | None = None) -> int:
    """One story told by ``outlets``: the first is posted, the others are its duplicates."""
    first = None
    with store.tx() as conn:
        for i, outlet in enumerate(outlets):
            a: Article = replace(
                article(n * 10 + i, source=outlet), outlet=outlet, title=title or f"قصة {n}"
            )
            aid = articles.insert(conn, a, Enrichment(), duplicate_of=first, story_id=first)
            first = first or aid
    assert first is not None
    return first


def digests(store: Store) -> list[tuple[int, str, str]]:
    with store.read() as conn:
        rows = outbox.listing(conn, limit=1000)
        out = []
        for post, _ in rows:
            found = articles.get(conn, post.article_id)
            if found and found[0].source == DIGEST_SOURCE:
                out.append((post.id or 0, post.channel, post.text))
    return out


def test_top_stories_by_outlets_then_newest(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    config = config_for(store, tmp_path)
    store_story(store, ["موقع أ"], 1, "خبر منفرد قديم")
    store_story(store, ["موقع أ", "موقع ب", "موقع ج"], 2, "خبر نقلته ثلاثة مواقع")
    store_story(store, ["موقع ب", "موقع ج"], 3, "خبر نقله موقعان")
    store_story(store, ["موقع ج"], 4, "خبر منفرد أحدث")
    ch = channel_of(config)
    with store.read() as conn:
        _day, start, end = local_day(at_hour(21), ZoneInfo(ZONE))
        stories = top_stories(conn, start, end, channel=ch)
    assert [s.title for s in stories] == [
        "خبر نقلته ثلاثة مواقع",
        "خبر نقله موقعان",
        "خبر منفرد أحدث",
        "خبر منفرد قديم",
    ]
    assert stories[0].outlets == ("موقع أ", "موقع ب", "موقع ج")


def test_queued_once_per_day_at_the_hour_and_sent(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    config = config_for(store, tmp_path)
    store_story(store, ["موقع أ", "موقع ب"], 1, "الخبر الأول")
    store_story(store, ["موقع ج"], 2, "الخبر الثاني")
    assert queue_digests(store, [channel_of(config)], config, at=at_hour(19)) == []
    made = queue_digests(store, [channel_of(config)], config, at=at_hour(20))
    assert len(made) == 1
    # later cycles, and a restarted process with a fresh store, create nothing more
    assert queue_digests(store, [channel_of(config)], config, at=at_hour(22)) == []
    again = Store(store.url)
    assert queue_digests(again, [channel_of(config)], config, at=at_hour(23)) == []
    again.close()
    found = digests(store)
    assert len(found) == 1
    text = found[0][2]
    lines = text.splitlines()
    assert lines[0].startswith("📰 أبرز أخبار اليوم")
    assert lines.index("1. الخبر الأول") < lines.index("2. الخبر الثاني")
    assert "🗞️ المواقع (2): موقع أ، موقع ب" in text
    run(store, [channel_of(config)])
    assert states(store)[made[0]] == "sent"
    sent = sorted((tmp_path / "out").glob("*.txt"))
    assert [p.read_text(encoding="utf-8") for p in sent] == [text]


def test_routing_applies_to_the_listed_stories_not_to_the_digest(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    config = config_for(store, tmp_path, include={"keywords": ["الاقتصاد"]}, digest_hour=0)
    store_story(store, ["موقع أ"], 1, "تراجع الاقتصاد في الربع الأول")
    store_story(store, ["موقع ب"], 2, "مباراة حاسمة الليلة")
    assert len(queue_digests(store, [channel_of(config)], config)) == 1
    text = digests(store)[0][2]
    assert "تراجع الاقتصاد" in text and "مباراة" not in text
    run(store, [channel_of(config)])  # the digest itself matches no keyword: still sent
    assert set(states(store).values()) == {"sent"}


def test_no_stories_no_digest_and_disabled_channels_get_none(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    config = config_for(store, tmp_path, digest_hour=0)
    assert queue_digests(store, [channel_of(config)], config) == []
    store_story(store, ["موقع أ"], 1)
    off = config_for(store, tmp_path, digest=False)
    assert queue_digests(store, [channel_of(off)], off) == []
    assert len(queue_digests(store, [channel_of(config)], config)) == 1


def test_html_channels_get_valid_telegram_html(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    config = config_for(store, tmp_path, template="telegram.html.j2")
    store_story(store, ["موقع أ", "موقع ب"], 1, "عنوان فيه <وسم> & رمز")
    ch = channel_of(config)
    with store.read() as conn:
        day, start, end = local_day(at_hour(21), ZoneInfo(ZONE))
        text = render(renderer_for(ch, config), ch.name, day, top_stories(conn, start, end))
    runs = tg.parse(text)  # raises BadHTML if Telegram would refuse it
    assert any(dict(r.tags).get("a", "").startswith('<a href="https://example.org/') for r in runs)
    assert "عنوان فيه <وسم> & رمز" in tg.plain(text)


def test_runner_cycle_queues_and_sends_the_digest(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store_story(store, ["موقع أ"], 1, "خبر اليوم")
    config = config_for(store, tmp_path, digest_hour=0)

    async def go() -> None:
        runner = Runner(config, store)
        try:
            await runner.cycle()
            await runner.cycle()
        finally:
            await runner.aclose()

    asyncio.run(go())
    again = Store(store.url)
    assert len(digests(again)) == 1
    assert list(states(again).values()) == ["sent"]
    again.close()
