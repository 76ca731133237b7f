"""A feed in, the sample's post out: real HTTP server on 127.0.0.1, real SQLite file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlalchemy as sa

from nashra.store import Store, schema
from tests.pipeline.conftest import (
    SAMPLE,
    SAMPLE_PAGE,
    make_config,
    posts_in,
    rss,
    run_cycle,
)
from tests.sitekit import Site

TITLE = "خطر “داعش”.. بغداد تدعو للتنسيق مع دمشق وواشنطن تحذر من صعود التنظيم"
# The hashtag characters Telegram keeps in one tag: letters, digits, underscore.
HASHTAG = re.compile(r"^#[\w]+$")
STOPWORD_TAGS = {"#مع", "#من", "#في", "#على", "#عن", "#إلى"}


def sample_body_lines() -> list[str]:
    """The body of the sample post: after the 📅 line, before the aggregator's footer."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("📅")) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("تفاصيل إضافية عن"))
    return lines[start:end]


def serve_sample(site: Site) -> str:
    page = site.add("/2025/10/07/daesh.html", SAMPLE_PAGE.read_bytes())
    site.add(
        "/feed",
        rss(
            [
                {
                    "title": TITLE,
                    "link": page,
                    "guid": page,
                    "pubDate": "Tue, 07 Oct 2025 11:53:41 +0300",
                    "dc:creator": "علي الكرملي",
                    "description": "ملخص قصير للخبر.",
                }
            ]
        ),
        content_type="application/rss+xml; charset=utf-8",
    )
    return page


def test_sample_post_shape(site: Site, tmp_path: Path) -> None:
    page = serve_sample(site)
    config = make_config(
        tmp_path, [{"name": "الحل نت", "url": site.base + "/feed", "first_run": "post_all"}]
    )
    report = run_cycle(config)
    assert not report.failed, report
    posts = posts_in(tmp_path)
    assert len(posts) == 1
    lines = posts[0].rstrip("\n").split("\n")

    tags = lines[0].split()
    assert tags, "the post opens with a hashtag line"
    assert all(HASHTAG.match(t) for t in tags), tags
    assert not STOPWORD_TAGS & set(tags), tags
    assert "#داعش" in tags
    assert lines[1] == TITLE
    assert lines[2] == "📅 2025-10-07 11:53:41 | ✍️ علي الكرملي | 🌐 الحل نت"
    body = lines[3:-2]
    assert body == sample_body_lines()
    assert lines[-2] == f"🔍 اقرأ المزيد: {page}"
    assert lines[-1] == "📌 المصدر الأصلي: الحل نت"
    text = posts[0]
    for boilerplate in ("الأكثر قراءة", "النشرة البريدية", "جميع الحقوق محفوظة", "اقرأ أيضًا"):
        assert boilerplate not in text


def test_second_run_posts_nothing_new(site: Site, tmp_path: Path) -> None:
    serve_sample(site)
    config = make_config(
        tmp_path, [{"name": "الحل نت", "url": site.base + "/feed", "first_run": "post_all"}]
    )
    first = run_cycle(config)
    assert first.total("accepted") == 1
    assert first.publish.outcomes["sent"] == 1
    second = run_cycle(config)
    assert second.total("accepted") == 0
    assert second.total("unchanged") == 1
    assert second.publish.outcomes["sent"] == 0
    assert len(posts_in(tmp_path)) == 1
    jsonl = (tmp_path / "posts" / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(jsonl) == 1
    assert json.loads(jsonl[0])["title"] == TITLE
    store = Store(config.database_url)
    with store.read() as conn:
        n_articles = conn.execute(sa.select(sa.func.count()).select_from(schema.articles))
        assert n_articles.scalar_one() == 1
    store.close()


def test_database_is_sqlite_wal(site: Site, tmp_path: Path) -> None:
    serve_sample(site)
    config = make_config(tmp_path, [{"name": "الحل نت", "url": site.base + "/feed"}])
    run_cycle(config)
    db = tmp_path / "nashra.db"
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"
    store = Store(config.database_url)
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        versions = conn.execute(sa.select(schema.schema_migrations.c.version)).scalars().all()
        assert versions and versions == sorted(versions)
    store.close()


def test_a_stored_article_is_searchable_at_once(site: Site, tmp_path: Path) -> None:
    """The pipeline indexes in the same transaction: clitic and diacritic forms both find it."""
    from nashra.search import search

    serve_sample(site)
    config = make_config(
        tmp_path, [{"name": "الحل نت", "url": site.base + "/feed", "first_run": "post_all"}]
    )
    run_cycle(config)
    store = Store(config.database_url)
    with store.read() as conn:
        for query in ("واشنطن", "ينفذ", "الرقه", '"قوات سوريا الديمقراطية"'):
            hits = search(conn, query).hits
            assert [h.title for h in hits] == [TITLE], query
        assert search(conn, "برشلونة").hits == ()
    store.close()
