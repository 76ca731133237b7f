"""One story from three outlets and three source kinds (RSS feed, sitemap, section page) through
``nashra`` cycles: real HTTP server on 127.0.0.1, real SQLite file, one post out."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from nashra.dedupe.stories import also_reported_by, list_stories
from nashra.store import Store, schema
from tests.pipeline.conftest import SAMPLE_PAGE, make_config, posts_in, rss, run_cycle
from tests.sitekit import Site
from tests.sitekit import serve as serve_site

REPOST_PAGE = SAMPLE_PAGE.with_name("repost.html")
TITLE = "خطر “داعش”.. بغداد تدعو للتنسيق مع دمشق وواشنطن تحذر من صعود التنظيم"


def serve(site: Site) -> None:
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
                }
            ]
        ),
        content_type="application/rss+xml; charset=utf-8",
    )
    repost = site.add("/muqim/2025/10/khatar-daesh.html", REPOST_PAGE.read_bytes())
    site.add(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{repost}</loc><lastmod>2025-10-07T12:30:00+02:00</lastmod></url></urlset>",
        content_type="application/xml",
    )
    mirror = site.add("/mirror/news/77", SAMPLE_PAGE.read_bytes())
    site.add(
        "/mirror/",
        '<html><body><ul class="news">'
        f'<li><a class="story" href="{mirror}">{TITLE}</a></li>'
        "</ul></body></html>",
    )


def test_one_story_three_outlets_one_post(tmp_path: Path) -> None:
    with serve_site() as site:
        serve(site)
        _check(site, tmp_path)


def _check(site: Site, tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        [
            {"name": "الحل نت", "url": site.base + "/feed", "first_run": "post_all"},
            {
                "name": "مقيم أوروبا",
                "url": site.base + "/sitemap.xml",
                "kind": "sitemap",
                "first_run": "post_all",
            },
            {
                "name": "مرآة",
                "url": site.base + "/mirror/",
                "kind": "page",
                "link_selector": "a.story",
                "first_run": "post_all",
            },
        ],
    )
    report = run_cycle(config)
    assert not report.failed, report
    assert len(posts_in(tmp_path)) == 1  # one story, one post
    a = schema.articles
    store = Store(config.database_url)
    with store.read() as conn:
        rows = conn.execute(sa.select(a.c.id, a.c.source, a.c.duplicate_of).order_by(a.c.id)).all()
        assert sorted(r.source for r in rows) == ["الحل نت", "مرآة", "مقيم أوروبا"]
        posted = [r for r in rows if r.duplicate_of is None]
        assert len(posted) == 1
        assert all(r.duplicate_of == posted[0].id for r in rows if r is not posted[0])
        outlets = {r.id: r.outlet for r in conn.execute(sa.select(a.c.id, a.c.outlet)).all()}
        own = outlets[posted[0].id]
        # The mirror copies the page with its og:site_name, so two articles name one outlet.
        assert set(outlets.values()) == {"الحل نت", "مقيم أوروبا"}
        assert also_reported_by(conn, posted[0].id) == sorted(set(outlets.values()) - {own})
        stories = list_stories(conn, min_articles=2)
    store.close()
    assert len(stories) == 1 and len(stories[0].articles) == 3
    # A second cycle changes nothing and posts nothing.
    run_cycle(config)
    assert len(posts_in(tmp_path)) == 1
