"""Routing rules: include / exclude by source, keyword, entity and topic; and end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nashra.channels.routing import Routes
from nashra.errors import ConfigError
from nashra.models import Article, Block, BlockKind, Enrichment, Entity
from nashra.settings import load_config
from nashra.store import Store, outbox
from tests.pipeline.conftest import rss, run_cycle
from tests.sitekit import Site, serve


def art(title: str, body: str = "نص قصير.", source: str = "موقع") -> Article:
    return Article(
        identity=title,
        source=source,
        url="https://example.org/a",
        title=title,
        blocks=(Block(BlockKind.PARAGRAPH, body),),
    )


def routes(**tables: Any) -> Routes:
    return Routes.from_mapping(tables, "test")


NONE = Enrichment()


def test_no_rules_take_everything() -> None:
    r = routes()
    assert r.everything and r.verdict(art("أي خبر"), NONE) is None


@pytest.mark.parametrize(
    ("keyword", "title", "taken"),
    [
        ("الأردن", "وبالأردن أمطار غزيرة", True),  # proclitics و + ب + ال tolerated
        ("الأردن", "زيارة إلى الاردن اليوم", True),  # hamza folded: matching form only
        ("الأردن", "زيارة إلى الأُرْدُنّ اليوم", True),  # harakat ignored
        ("عمان", "سلطنة عمانية جديدة", False),  # whole words only, not a prefix
        ("الأردن", "دعم للأردن والمنطقة", True),  # ل + ال
        ("كرة القدم", "منتخب كرة القدم يتأهل", True),  # a phrase
        ("كرة القدم", "بطولة والكرة القدم", True),  # a phrase whose word carries و + ال
        ("كرة القدم", "كرة السلة والقدم", False),  # a phrase's words must be adjacent
        ("a.*b", "a.*b نص", True),  # no regular expressions: the literal text
        ("a.*b", "axxb نص", False),
    ],
)
def test_include_keyword(keyword: str, title: str, taken: bool) -> None:
    verdict = routes(include={"keywords": [keyword]}).verdict(art(title), NONE)
    assert (verdict is None) is taken, verdict


def test_keyword_in_the_body_counts() -> None:
    r = routes(include={"keywords": ["الانتخابات"]})
    assert r.verdict(art("عنوان عام", "بدأت الانتخابات البلدية صباح اليوم."), NONE) is None


def test_include_by_source_and_exclude_wins() -> None:
    r = routes(include={"sources": ["الرياضي"]}, exclude={"keywords": ["إعلان"]})
    assert r.verdict(art("مباراة", source="الرياضي"), NONE) is None
    assert "include" in (r.verdict(art("مباراة", source="آخر"), NONE) or "")
    why = r.verdict(art("إعلان مباراة", source="الرياضي"), NONE)
    assert why is not None and "excluded" in why


def test_entity_on_canonical_or_written_form() -> None:
    r = routes(include={"entities": ["الأمم المتحدة"]})
    un = Entity("المنظمة الدولية", "organisation", 0, 15, canonical="الامم المتحدة")
    assert r.verdict(art("خبر"), Enrichment(entities=(un,))) is None
    other = Entity("البنك الدولي", "organisation", 0, 12)
    assert r.verdict(art("خبر"), Enrichment(entities=(other,))) is not None


def test_topic_include_and_exclude() -> None:
    assert (
        routes(include={"topics": ["اقتصاد"]}).verdict(art("x"), Enrichment(topic="اقتصاد")) is None
    )
    assert routes(include={"topics": ["اقتصاد"]}).verdict(art("x"), Enrichment(topic="رياضة"))
    assert routes(exclude={"topics": ["رياضة"]}).verdict(art("x"), Enrichment(topic="رياضة"))
    assert routes(exclude={"topics": ["رياضة"]}).verdict(art("x"), Enrichment()) is None


@pytest.mark.parametrize(
    "table",
    [{"regex": ["a+"]}, {"keywords": "الأردن"}, {"keywords": [1]}, "الأردن"],
)
def test_bad_rules_are_config_errors(table: Any) -> None:
    with pytest.raises(ConfigError):
        routes(include=table)


# -- end to end: one cycle, two channels with different routes ---------------------------------

SPORT = {
    "title": "المنتخب يفوز في نهائي كرة القدم",
    "content": "<p>فاز المنتخب الوطني لكرة القدم باللقب بعد مباراة مثيرة في الملعب الكبير.</p>"
    "<p>وسجل المهاجم هدفين في الشوط الثاني أمام جمهور غفير.</p>",
}
RATES = {
    "title": "البنك المركزي يرفع أسعار الفائدة",
    "content": "<p>قرر البنك المركزي رفع سعر الفائدة ربع نقطة مئوية لمواجهة التضخم.</p>"
    "<p>وقال المحافظ إن القرار يهدف إلى حماية قيمة العملة المحلية.</p>",
}
VISIT = {
    "title": "وزير الخارجية يستقبل نظيره الفرنسي في عمّان",
    "content": "<p>استقبل وزير الخارجية نظيره الفرنسي وبحثا العلاقات الثنائية.</p>"
    "<p>وتناول اللقاء تطورات الأوضاع الإقليمية وسبل التعاون المشترك.</p>",
}


def _feed(site: Site, path: str, items: list[dict[str, str]]) -> str:
    rows = []
    for n, item in enumerate(items):
        link = f"{site.base}{path}/{n}"  # no page there: the feed's content is used
        rows.append(
            {**item, "link": link, "guid": link, "pubDate": "Tue, 07 Oct 2025 11:53:41 +0300"}
        )
    return site.add(path, rss(rows), content_type="application/rss+xml; charset=utf-8")


def test_two_channels_with_different_routes_get_different_posts(tmp_path: Path) -> None:
    with serve() as site:
        _two_channels(site, tmp_path)


def _two_channels(site: Site, tmp_path: Path) -> None:
    sports_feed = _feed(site, "/sport", [SPORT])
    news_feed = _feed(site, "/news", [RATES, VISIT])
    config = load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
            "sources": [
                {"name": "الرياضي", "url": sports_feed, "first_run": "post_all"},
                {"name": "الإخباري", "url": news_feed, "first_run": "post_all"},
            ],
            "channels": [
                {
                    "name": "sport",
                    "kind": "directory",
                    "path": str(tmp_path / "sport"),
                    "include": {"keywords": ["كرة القدم"]},
                },
                {
                    "name": "news",
                    "kind": "directory",
                    "path": str(tmp_path / "news"),
                    "exclude": {"sources": ["الرياضي"], "keywords": ["الفائدة"]},
                },
            ],
        }
    )
    report = run_cycle(config)
    assert not report.failed, report
    assert report.total("accepted") == 3

    def titles(folder: str) -> list[str]:
        files = sorted((tmp_path / folder).glob("*.txt"))
        return [
            next(ln for ln in f.read_text("utf-8").splitlines() if not ln.startswith("#"))
            for f in files
        ]

    assert titles("sport") == [SPORT["title"]]
    assert titles("news") == [VISIT["title"]]
    store = Store(config.database_url)
    with store.read() as conn:
        skipped = outbox.listing(conn, state="skipped")
    store.close()
    reasons = {(p.channel, p.title): why or "" for p, why in skipped}
    assert set(reasons) == {
        ("sport", RATES["title"]),
        ("sport", VISIT["title"]),
        ("news", SPORT["title"]),
        ("news", RATES["title"]),
    }
    assert "source" in reasons[("news", SPORT["title"])]
    assert "keyword" in reasons[("news", RATES["title"])]
