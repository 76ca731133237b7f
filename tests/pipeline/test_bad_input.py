"""Bad input: the item is skipped with a recorded reason, the cycle goes on, nothing is lost."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from nashra.store import Store, schema
from tests.pipeline.conftest import make_config, posts_in, rss, run_cycle
from tests.sitekit import Site

ARTICLE = (
    "<html lang='ar'><head><title>{t}</title></head><body><nav>الرئيسية | سياسة</nav>"
    "<article><h1>{t}</h1>{body}</article><footer>جميع الحقوق محفوظة</footer></body></html>"
)
OTHER = (
    "<p>افتتح وزير النقل الطريق السريع الجديد الذي يربط العاصمة بالميناء بطول مئة وعشرين "
    "كيلومترا، وقال إن المشروع سيختصر زمن الرحلة إلى النصف ويخفف الازدحام في المدينة.</p>"
)
THIRD = (
    "<p>وأضاف البيان أن الوزارة خصصت خطًا هاتفيًا مجانيًا للإجابة عن أسئلة المواطنين حول "
    "مواعيد التلقيح وأماكنه، وأن النتائج الأولى ستُعلن في نهاية الشهر.</p>"
)
GONE = (
    "<p>أعلن اتحاد كرة السلة تأجيل المباراة النهائية للبطولة إلى الأسبوع المقبل بسبب أعمال "
    "الصيانة في القاعة الكبرى، على أن تُقام المباراة بحضور الجمهور كاملًا.</p>"
)
PARA = (
    "<p>قالت وزارة الصحة في بيان اليوم إن حملة التلقيح الوطنية ستشمل كل المحافظات خلال الأسابيع "
    "المقبلة، وإن الفرق الطبية ستعمل في المدارس والمراكز الصحية لضمان وصول اللقاح إلى الجميع.</p>"
)


def events(config_url: str) -> Counter[str]:
    store = Store(config_url)
    with store.read() as conn:
        rows = conn.execute(sa.select(schema.events.c.code)).scalars().all()
    store.close()
    return Counter(rows)


def test_hostile_items_are_recorded_and_the_cycle_goes_on(site: Site, tmp_path: Path) -> None:
    good = site.add("/good.html", ARTICLE.format(t="حملة تلقيح وطنية", body=PARA + THIRD))
    empty_page = site.add("/empty.html", "<html><body><nav>روابط</nav></body></html>")
    site.add(
        "/feed",
        rss(
            [
                {"title": "حملة تلقيح وطنية", "link": good, "guid": "g1"},
                # 404 page, but the feed carries the article: fall back and say why
                {
                    "title": "خبر صفحته مفقودة",
                    "link": site.base + "/missing.html",
                    "guid": "g2",
                    "description": GONE,
                },
                # 404 page and nothing in the feed: an error for this item only
                {"title": "خبر بلا نص", "link": site.base + "/gone.html", "guid": "g3"},
                # a page with no article in it, but a feed summary
                {"title": "صفحة بلا مقال", "link": empty_page, "guid": "g4", "description": OTHER},
                # no link and no content
                {"title": "عنصر بلا رابط", "id": "g5"},
                # no title anywhere
                {"link": site.base + "/notitle.html", "id": "g6", "description": "<p>نص</p>"},
            ]
        ),
        content_type="application/rss+xml",
    )
    site.add("/broken-feed", "{{{ this is not a feed", content_type="text/plain")
    config = make_config(
        tmp_path,
        [
            {"name": "مصدر مكسور", "url": site.base + "/broken-feed", "first_run": "post_all"},
            {"name": "مصدر", "url": site.base + "/feed", "first_run": "post_all"},
        ],
    )
    report = run_cycle(config)
    by_name = {s.source: s for s in report.sources}
    broken, main = by_name["مصدر مكسور"], by_name["مصدر"]
    assert broken.errors and broken.errors[0].startswith("parse")
    assert main.accepted == 3  # good page, 404 fallback, empty-page fallback
    assert main.drops == Counter({"no_link": 1, "no_title": 1})
    assert len(main.errors) == 1 and "fetch.status" in main.errors[0]
    assert report.failed  # the exit code of `nashra once` says something needs a look
    assert len(posts_in(tmp_path)) == 3

    counts = events(config.database_url)
    assert counts["drop.no_link"] == 1
    assert counts["drop.no_title"] == 1
    # 404 page, empty page, and the untitled item's 404 page (its title could have come from it)
    assert counts["drop.fallback_feed"] == 3
    assert counts["parse"] == 1

    store = Store(config.database_url)
    with store.read() as conn:
        rows = conn.execute(
            sa.select(
                schema.articles.c.title, schema.articles.c.method, schema.articles.c.fallback_reason
            )
        ).all()
    store.close()
    methods = {r.title: (r.method, r.fallback_reason) for r in rows}
    assert methods["حملة تلقيح وطنية"] == ("page", None)
    assert methods["خبر صفحته مفقودة"] == ("feed", "fetch.status")
    assert methods["صفحة بلا مقال"] == ("feed", "drop.too_short")

    # The broken source recovers: the next cycle reads it and keeps everything accepted before.
    site.add("/broken-feed", rss([]), content_type="application/rss+xml")
    again = run_cycle(config)
    assert not {s.source: s for s in again.sources}["مصدر مكسور"].errors
    assert len(posts_in(tmp_path)) == 3


def test_source_disabled_after_repeated_failures(site: Site, tmp_path: Path) -> None:
    from nashra.store import sources

    site.add("/feed", "not a feed at all", content_type="text/plain")
    config = make_config(tmp_path, [{"name": "متعطل", "url": site.base + "/feed"}])
    for _ in range(3):
        run_cycle(config)
    store = Store(config.database_url)
    with store.read() as conn:
        state = sources.get(conn, "متعطل")
    assert state is not None and state.disabled and state.consecutive_errors == 3
    assert state.last_error and "unknown source kind" in state.last_error
    with store.tx() as conn:
        assert sources.set_enabled(conn, "متعطل", True)
    with store.read() as conn:
        state = sources.get(conn, "متعطل")
    assert state is not None and not state.disabled and state.consecutive_errors == 0
    store.close()
