"""First runs, updated articles, tombstones and held posts, through real cycles."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from nashra.models import PostState
from nashra.store import Store, articles, outbox, schema
from tests.pipeline.conftest import make_config, posts_in, rss, run_cycle
from tests.sitekit import Site

TOPICS = [
    "افتتح وزير النقل الطريق السريع الجديد الذي يربط العاصمة بالميناء بطول مئة وعشرين كيلومترا",
    "فاز المنتخب الوطني لكرة القدم على نظيره بثلاثة أهداف مقابل هدف في مباراة ودية مساء أمس",
    "ارتفعت أسعار الذهب في الأسواق المحلية للأسبوع الثالث على التوالي وسط إقبال كبير من المشترين",
    "أعلنت جامعة العاصمة عن منح دراسية جديدة لطلاب الهندسة والطب تشمل الإقامة والتنقل",
    "حذرت هيئة الأرصاد الجوية من عاصفة رملية تضرب المناطق الجنوبية خلال الساعات المقبلة",
    "انطلقت فعاليات معرض الكتاب الدولي بمشاركة أكثر من خمسمئة دار نشر من ثلاثين دولة",
]
TITLES = [
    "افتتاح الطريق السريع إلى الميناء",
    "المنتخب يفوز وديا بثلاثية",
    "الذهب يواصل الارتفاع للأسبوع الثالث",
    "منح دراسية جديدة لطلاب الهندسة والطب",
    "تحذير من عاصفة رملية في الجنوب",
    "انطلاق معرض الكتاب الدولي",
]
DETAILS = [
    "وقال الوزير في مؤتمر صحفي إن المشروع سيختصر زمن الرحلة إلى النصف ويخفف الازدحام",
    "وسجل المهاجم الشاب هدفين في الشوط الثاني بعد أن تقدم الضيوف في الدقائق الأولى",
    "ويعزو التجار هذا الصعود إلى تراجع العملة المحلية وزيادة الطلب مع اقتراب موسم الأعراس",
    "وتشترط الجامعة معدلا لا يقل عن خمسة عشر من عشرين وإتقان لغتين أجنبيتين على الأقل",
    "ودعت الهيئة السائقين إلى تجنب الطرق الصحراوية وتوقعت انخفاض مدى الرؤية إلى مئة متر",
    "ويتضمن البرنامج ندوات فكرية وأمسيات شعرية وورشات للأطفال طوال أيام المعرض العشرة",
]


def feed_of(site: Site, n: int, prefix: str = "خبر") -> None:
    items = []
    for i in range(n):
        page = site.add(
            f"/a{i}.html",
            f"<html><body><article><h1>{prefix} {TITLES[i]}</h1><p>{TOPICS[i]}.</p>"
            f"<p>{DETAILS[i]}.</p></article></body></html>",
        )
        day = 10 + i
        items.append(
            {
                "title": f"{prefix} {TITLES[i]}",
                "link": page,
                "guid": page,
                "pubDate": f"Mon, {day} Mar 2025 09:00:00 +0200",
                "description": f"<p>{TOPICS[i]}.</p><p>{DETAILS[i]}.</p>",
            }
        )
    site.add("/feed", rss(list(reversed(items))), content_type="application/rss+xml")


def states(url: str) -> list[str]:
    store = Store(url)
    with store.read() as conn:
        got = conn.execute(sa.select(schema.posts.c.state).order_by(schema.posts.c.id))
        out = list(got.scalars())
    store.close()
    return out


def test_first_run_marks_existing_items_seen(site: Site, tmp_path: Path) -> None:
    feed_of(site, 4)
    config = make_config(tmp_path, [{"name": "مصدر", "url": site.base + "/feed"}])
    report = run_cycle(config)
    assert report.total("accepted") == 4
    assert states(config.database_url) == ["skipped"] * 4
    assert posts_in(tmp_path) == []
    # No article page was fetched for items that are only marked seen.
    assert not [h for h in site.hits if h.startswith("/a")]
    # A new item after the first run is published.
    feed_of(site, 5)
    report = run_cycle(config)
    assert report.total("accepted") == 1
    assert len(posts_in(tmp_path)) == 1
    assert TITLES[4] in posts_in(tmp_path)[0]


def test_first_run_newest_n(site: Site, tmp_path: Path) -> None:
    feed_of(site, 5)
    config = make_config(
        tmp_path, [{"name": "مصدر", "url": site.base + "/feed", "first_run": "newest:2"}]
    )
    run_cycle(config)
    posts = posts_in(tmp_path)
    assert len(posts) == 2
    # Published oldest first, so the channel reads in order: 3 then 4.
    assert TITLES[3] in posts[0] and TITLES[4] in posts[1]
    assert sorted(states(config.database_url)) == ["sent", "sent", "skipped", "skipped", "skipped"]


def test_updated_article_updates_store_and_edits_the_post(site: Site, tmp_path: Path) -> None:
    feed_of(site, 1)
    config = make_config(
        tmp_path, [{"name": "مصدر", "url": site.base + "/feed", "first_run": "post_all"}]
    )
    run_cycle(config)
    feed_of(site, 1, prefix="تحديث")
    report = run_cycle(config)
    assert report.total("updated") == 1 and report.total("accepted") == 0
    store = Store(config.database_url)
    with store.read() as conn:
        stored = articles.get(conn, 1)
        row = conn.execute(sa.select(schema.posts)).one()._mapping
    store.close()
    assert stored is not None and stored[0].title.startswith("تحديث ")
    assert "تحديث " + TITLES[0] in row["text"]
    # The channel can edit: the cycle's publish step replaced the sent post in place.
    assert row["state"] == PostState.SENT.value and not row["needs_edit"]
    posts = posts_in(tmp_path)
    assert len(posts) == 1 and ("تحديث " + TITLES[0]) in posts[0]


def test_tombstone_keeps_a_deleted_article_from_returning(site: Site, tmp_path: Path) -> None:
    feed_of(site, 1)
    config = make_config(
        tmp_path, [{"name": "مصدر", "url": site.base + "/feed", "first_run": "post_all"}]
    )
    run_cycle(config)
    store = Store(config.database_url)
    with store.tx() as conn:
        articles.tombstone(conn, 1)
    store.close()
    feed_of(site, 1, prefix="تحديث")  # even a changed title does not bring it back
    report = run_cycle(config)
    assert report.total("accepted") == 0 and report.total("updated") == 0
    assert report.sources[0].drops["tombstoned"] == 1


def test_review_channel_holds_posts_until_approved(site: Site, tmp_path: Path) -> None:
    feed_of(site, 1)
    config = make_config(
        tmp_path,
        [{"name": "مصدر", "url": site.base + "/feed", "first_run": "post_all"}],
        review=True,
    )
    run_cycle(config)
    assert posts_in(tmp_path) == []
    assert states(config.database_url) == ["held"]
    store = Store(config.database_url)
    with store.tx() as conn:
        assert outbox.resolve(conn, 1, "approve")
    store.close()
    run_cycle(config)
    assert len(posts_in(tmp_path)) == 1
    assert states(config.database_url) == ["sent"]


def test_a_rarely_publishing_source_is_polled_less_often(site: Site, tmp_path: Path) -> None:
    """Items a day apart: the next poll is later than the configured 15 min, but no later than
    the cap of adaptive polling (4 × 15 min by default; issue 14, fault 8: it was 12 h)."""
    from datetime import UTC, datetime, timedelta

    from nashra.store import sources

    feed_of(site, 5)  # pubDates 10..14 March, one a day
    config = make_config(tmp_path, [{"name": "مصدر", "url": site.base + "/feed"}])
    before = datetime.now(UTC)
    run_cycle(config)
    store = Store(config.database_url)
    with store.read() as conn:
        state = sources.get(conn, "مصدر")
    store.close()
    assert state is not None and state.next_poll_at is not None
    wait = state.next_poll_at - before
    assert timedelta(minutes=59) <= wait <= timedelta(minutes=61)


def test_a_source_added_at_run_time_is_polled(site: Site, tmp_path: Path) -> None:
    """A source saved only in the database (the web UI's "add source") joins the cycle."""
    from nashra.store import sources

    feed_of(site, 2)
    config = make_config(tmp_path, [])
    store = Store(config.database_url)
    with store.tx() as conn:
        sources.upsert(conn, "مضاف", site.base + "/feed", None)
    store.close()
    report = run_cycle(config)
    assert [s.source for s in report.sources] == ["مضاف"]
    assert report.total("accepted") == 2
    assert states(config.database_url) == ["skipped", "skipped"]  # first run: marked seen


def test_a_repost_joins_the_held_post_as_also_reported_by(site: Site, tmp_path: Path) -> None:
    """One story, one post: the second outlet's copy is not posted, its name joins the post."""
    page = site.add(
        "/orig.html",
        f"<html><body><article><h1>{TITLES[0]}</h1><p>{TOPICS[0]}.</p><p>{DETAILS[0]}.</p>"
        "</article></body></html>",
    )
    copy = site.add(
        "/copy.html",
        f"<html><body><article><h1>عاجل | {TITLES[0]}</h1><p>{TOPICS[0]}.</p>"
        f"<p>{DETAILS[0]}.</p></article></body></html>",
    )
    site.add(
        "/a", rss([{"title": TITLES[0], "link": page}], title="الأولى"), content_type="text/xml"
    )
    site.add(
        "/b",
        rss([{"title": "عاجل | " + TITLES[0], "link": copy}], title="الثانية"),
        content_type="text/xml",
    )
    config = make_config(
        tmp_path,
        [
            {"name": "الأولى", "url": site.base + "/a", "first_run": "post_all"},
        ],
        review=True,
    )
    run_cycle(config)
    config = make_config(
        tmp_path,
        [
            {"name": "الأولى", "url": site.base + "/a", "first_run": "post_all"},
            {"name": "الثانية", "url": site.base + "/b", "first_run": "post_all"},
        ],
        review=True,
    )
    report = run_cycle(config)
    assert report.total("duplicates") == 1
    store = Store(config.database_url)
    with store.read() as conn:
        rows = conn.execute(sa.select(schema.posts.c.state, schema.posts.c.text)).all()
    store.close()
    assert len(rows) == 1 and rows[0].state == "held"
    assert "📰 نقلته أيضًا: الثانية" in rows[0].text
