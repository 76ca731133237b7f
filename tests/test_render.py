"""Rendering: the default template gives the sample's shape; unknown parts are left out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from nashra.models import Article, Block, BlockKind, Enrichment
from nashra.render import TEMPLATE_VARIABLES, Renderer

TZ = timezone(timedelta(hours=3))


def article(**kw: object) -> Article:
    base: dict[str, object] = dict(
        id=7,
        identity="url:https://e.org/a",
        source="مصدر",
        url="https://e.org/a",
        title="عنوان الخبر",
        blocks=(Block(BlockKind.HEADING, "عنوان فرعي"), Block(BlockKind.PARAGRAPH, "فقرة أولى.")),
        author="كاتب",
        outlet="الموقع",
        published=datetime(2025, 10, 7, 11, 53, 41, tzinfo=TZ),
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_default_shape() -> None:
    post = Renderer().render(article(), Enrichment(hashtags=("داعش", "فؤاد_حسين")), "c")
    assert post.text.splitlines() == [
        "#داعش #فؤاد_حسين",
        "عنوان الخبر",
        "📅 2025-10-07 11:53:41 | ✍️ كاتب | 🌐 الموقع",
        "عنوان فرعي",
        "فقرة أولى.",
        "🔍 اقرأ المزيد: https://e.org/a",
        "📌 المصدر الأصلي: الموقع",
    ]
    assert post.article_id == 7 and post.hashtags == ("داعش", "فؤاد_حسين")


def test_unknown_parts_are_left_out_cleanly() -> None:
    post = Renderer().render(article(author=None, published=None, outlet=None), Enrichment(), "c")
    lines = post.text.splitlines()
    assert lines[0] == "عنوان الخبر"  # no empty hashtag line
    assert "📅" not in post.text and "✍️" not in post.text and "📌" not in post.text
    assert lines[-1] == "🔍 اقرأ المزيد: https://e.org/a"


def test_channel_timezone_converts_the_outlet_time() -> None:
    post = Renderer(timezone="UTC").render(article(), Enrichment(), "c")
    assert "📅 2025-10-07 08:53:41" in post.text


def test_every_context_variable_is_documented() -> None:
    ctx = Renderer().context(article(), Enrichment())
    assert set(ctx) - {"BlockKind"} == set(TEMPLATE_VARIABLES)
