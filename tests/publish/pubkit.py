"""Helpers for the publishing tests: a real SQLite store with articles queued on a channel."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from nashra.channels import Channel, build_channel
from nashra.models import Article, Block, BlockKind, Enrichment, PostState
from nashra.pipeline import channel_views
from nashra.publish import PublishReport, publish
from nashra.settings import ChannelConfig, load_config
from nashra.store import Store, articles, outbox

TOKEN = "123456:TEST-token"


def make_store(tmp: Path) -> Store:
    return Store(f"sqlite:///{tmp / 'nashra.db'}")


def telegram(api: str, name: str = "tg", **extra: object) -> Channel:
    options = {
        "chat_id": "@nashra_test",
        "token_env": "NASHRA_TEST_BOT_TOKEN",
        "api_base": api,
        "timeout": 2.0,
        "pace": {"per_window": 1000, "window_seconds": 1.0, "min_gap": 0.0},
        "lease_seconds": 1.0,
    }
    options.update(extra)
    config = load_config(data={})
    return build_channel(ChannelConfig(name, "telegram", options), config)


def article(n: int, *, paragraphs: int = 2, image: str | None = None, source: str = "s") -> Article:
    body = tuple(
        Block(BlockKind.PARAGRAPH, f"الفقرة {i} من الخبر رقم {n}: " + "نص عربي للاختبار. " * 12)
        for i in range(paragraphs)
    )
    return Article(
        identity=f"id-{n}",
        source=source,
        url=f"https://example.org/news/{n}",
        title=f"عنوان الخبر رقم {n} <عاجل> & مهم",
        blocks=body,
        outlet="موقع المثال",
        published=datetime(2024, 3, 12, 9, 30, tzinfo=UTC),
        image=image,
        match_title=f"عنوان {n}",
        match_text=" ".join(b.text for b in body),
        content_hash=f"h{n}",
    )


def queue(
    store: Store, channel: Channel, arts: list[Article], enrichment: Enrichment | None = None
) -> list[int]:
    """Store the articles and queue each on the channel, as the pipeline does."""
    view = channel_views([channel], load_config(data={}))[0]
    ids = []
    with store.tx() as conn:
        for a in arts:
            aid = articles.insert(conn, a, enrichment or Enrichment())
            post = view.renderer.render(
                replace(a, id=aid), enrichment or Enrichment(), channel.name
            )
            pid = outbox.add(conn, post, PostState.PENDING)
            assert pid is not None
            ids.append(pid)
    return ids


def run(
    store: Store, channels: list[Channel], budget: float = 5.0, limit: int | None = None
) -> PublishReport:
    async def go() -> PublishReport:
        try:
            return await publish(store, channels, budget=budget, limit_per_channel=limit)
        finally:
            for ch in channels:
                await ch.aclose()

    return asyncio.run(go())


def states(store: Store) -> dict[int, str]:
    with store.read() as conn:
        return {p.id or 0: p.state.value for p, _ in outbox.listing(conn, limit=10_000)}
