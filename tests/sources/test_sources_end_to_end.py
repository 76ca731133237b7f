"""Sitemap and section-page sources through the whole pipeline, on a real loopback server.

The demo site (Nashra's own pages) is served from a temporary copy to which a news sitemap
and a sitemap index are added. One cycle of ``Runner`` with a temporary SQLite file must store
every article the sitemap names and every article the section page links to, with the kinds
detected from the content, and publish a post for each.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from nashra.demo import demo_site_root, serve_site
from nashra.fetch import Fetcher, FetchPolicy
from nashra.models import Fetched, SourceSpec
from nashra.runner import Runner
from nashra.settings import load_config
from nashra.sources import adapter_for
from nashra.sources.sitemap import INDEX_KIND, follow_index
from nashra.store import Store

ECONOMY = ["86265", "86315", "86582"]
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""
URL = """<url><loc>__BASE__/ar/economy/{id}.html</loc><news:news>
<news:publication><news:name>جوهرة أف أم</news:name><news:language>ar</news:language>
</news:publication><news:publication_date>2017-06-0{n}T10:00:00+01:00</news:publication_date>
<news:keywords>اقتصاد، تونس</news:keywords></news:news></url>"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>__BASE__/sitemap-news.xml</loc><lastmod>2017-06-10</lastmod></sitemap>
<sitemap><loc>__BASE__/missing.xml</loc><lastmod>2017-06-09</lastmod></sitemap>
</sitemapindex>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site") / "site"
    shutil.copytree(demo_site_root(), root)
    urls = "\n".join(URL.format(id=i, n=n + 1) for n, i in enumerate(ECONOMY))
    (root / "sitemap-news.xml").write_text(SITEMAP.format(urls=urls), encoding="utf-8")
    (root / "sitemap_index.xml").write_text(INDEX, encoding="utf-8")
    with serve_site(root) as base:
        yield base


def _section_links(root: Path) -> set[str]:
    html = (root / "ar" / "culture" / "index.html").read_text(encoding="utf-8")
    return {p.name for p in (root / "ar" / "culture").glob("*.html") if p.name in html} - {
        "index.html"
    }


def test_sitemap_and_section_page_reach_posts(site: str, tmp_path: Path) -> None:
    config = load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0},
            "sources": [
                {"name": "خريطة", "url": f"{site}/sitemap-news.xml", "first_run": "post_all"},
                {"name": "قسم", "url": f"{site}/ar/culture/", "first_run": "post_all"},
            ],
            "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "out")}],
        }
    )
    report = asyncio.run(Runner(config).cycle())
    assert [s.errors for s in report.sources] == [[], []]

    store = Store(config.database_url)
    with store.read() as conn:
        kinds = dict(conn.execute(sa.text("select name, kind from sources")).all())
        stored = conn.execute(
            sa.text("select id, source, url, title, published, method from articles")
        ).all()
        posts = conn.execute(sa.text("select article_id, channel, state from posts")).all()
    assert kinds == {"خريطة": "sitemap", "قسم": "page"}  # detected, not configured

    by_source: dict[str, set[str]] = {}
    for row in stored:
        by_source.setdefault(row.source, set()).add(row.url.rsplit("/", 1)[-1])
    assert by_source["خريطة"] == {f"{i}.html" for i in ECONOMY}
    expected_section = _section_links(demo_site_root())
    assert len(expected_section) == 12
    assert by_source["قسم"] == expected_section
    assert all(row.method == "page" for row in stored)  # each item's page was fetched
    sitemap_rows = [r for r in stored if r.source == "خريطة"]
    assert sorted(r.published[:10] for r in sitemap_rows) == [
        "2017-06-01",
        "2017-06-02",
        "2017-06-03",
    ]
    # The windows-1256 page linked from the section decodes to Arabic, not mojibake.
    legacy = next(r for r in stored if r.url.endswith("/87408.html"))
    assert "ألمانيا" in legacy.title

    assert len(posts) == len(stored) == 15
    assert {p.state for p in posts} == {"sent"}
    assert {p.article_id for p in posts} == {r.id for r in stored}
    assert len(list((tmp_path / "out").glob("*.txt"))) == 15


def test_follow_index_fetches_children_through_the_real_fetcher(site: str) -> None:
    spec = SourceSpec(name="index", url=f"{site}/sitemap_index.xml", kind="sitemap")

    async def run() -> list[str]:
        policy = FetchPolicy(allow_networks=("127.0.0.0/8",), obey_robots=False)
        async with Fetcher(policy) as fetcher:

            async def fetch(url: str) -> Fetched:
                return await fetcher.get(url, kind="feed")

            top = await fetch(spec.url)
            listing = adapter_for("sitemap").parse(top, spec)
            assert listing.kind == INDEX_KIND
            merged = await follow_index(listing, spec, fetch)
            assert merged.kind == "sitemap"
            return [i.url or "" for i in merged.items]

    urls = asyncio.run(run())  # the missing child (404) is skipped, the other followed
    assert [u.rsplit("/", 1)[-1] for u in urls] == [f"{i}.html" for i in ECONOMY]


def test_sitemap_index_source_reaches_posts(site: str, tmp_path: Path) -> None:
    """An index source: the pipeline follows its child sitemaps, never fetching them as pages."""
    config = load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0},
            "sources": [
                {"name": "فهرس", "url": f"{site}/sitemap_index.xml", "first_run": "post_all"}
            ],
            "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "out")}],
        }
    )
    report = asyncio.run(Runner(config).cycle())
    assert report.sources[0].errors == []
    store = Store(config.database_url)
    with store.read() as conn:
        urls = conn.execute(sa.text("select url from articles")).scalars().all()
    assert sorted(u.rsplit("/", 1)[-1] for u in urls) == sorted(f"{i}.html" for i in ECONOMY)
    assert len(list((tmp_path / "out").glob("*.txt"))) == 3


def test_first_run_marks_a_sitemap_seen_without_fetching_its_pages(
    site: str, tmp_path: Path
) -> None:
    """``mark_seen`` on a source whose items carry no text: no page is fetched, nothing posted;
    the next poll takes only what is new."""
    root = tmp_path / "site"
    shutil.copytree(demo_site_root(), root)
    urls = "\n".join(URL.format(id=i, n=n + 1) for n, i in enumerate(ECONOMY[:2]))
    (root / "sitemap-news.xml").write_text(SITEMAP.format(urls=urls), encoding="utf-8")
    with serve_site(root) as base:
        config = load_config(
            data={
                "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
                "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0},
                "sources": [{"name": "خريطة", "url": f"{base}/sitemap-news.xml"}],
                "channels": [{"name": "p", "kind": "directory", "path": str(tmp_path / "out")}],
            }
        )
        first = asyncio.run(Runner(config).cycle())
        assert first.sources[0].marked == 2 and first.sources[0].accepted == 0
        assert not (tmp_path / "out").exists()  # nothing posted
        urls = "\n".join(URL.format(id=i, n=n + 1) for n, i in enumerate(ECONOMY))
        (root / "sitemap-news.xml").write_text(SITEMAP.format(urls=urls), encoding="utf-8")
        second = asyncio.run(Runner(config).cycle())
    assert second.sources[0].unchanged == 2 and second.sources[0].accepted == 1
    posts = list((tmp_path / "out").glob("*.txt"))
    assert len(posts) == 1 and f"{ECONOMY[2]}.html" in posts[0].read_text(encoding="utf-8")
    store = Store(config.database_url)
    with store.read() as conn:
        stored = conn.execute(sa.text("select url from articles")).scalars().all()
    assert [u.rsplit("/", 1)[-1] for u in stored] == [f"{ECONOMY[2]}.html"]
