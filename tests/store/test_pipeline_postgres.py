"""A whole cycle on PostgreSQL: moving off SQLite is a URL, not a rewrite."""

from __future__ import annotations

from pathlib import Path

from nashra.settings import load_config
from tests.pipeline.conftest import SAMPLE_PAGE, posts_in, rss, run_cycle
from tests.sitekit import serve


def test_cycle_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with serve() as site:
        page = site.add("/a.html", SAMPLE_PAGE.read_bytes())
        site.add("/feed", rss([{"title": "خطر داعش", "link": page}]), content_type="text/xml")
        config = load_config(
            data={
                "database": {"url": pg_url},
                "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
                "sources": [
                    {"name": "الحل نت", "url": site.base + "/feed", "first_run": "post_all"}
                ],
                "channels": [
                    {"name": "posts", "kind": "directory", "path": str(tmp_path / "posts")}
                ],
            }
        )
        first = run_cycle(config)
        second = run_cycle(config)
    assert not first.failed, first
    assert first.total("accepted") == 1 and second.total("accepted") == 0
    assert len(posts_in(tmp_path)) == 1


def test_search_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """PostgreSQL's search path (the same search() call) on a real server."""
    from nashra.search import search
    from nashra.store import Store

    with serve() as site:
        page = site.add("/a.html", SAMPLE_PAGE.read_bytes())
        site.add("/feed", rss([{"title": "خطر داعش", "link": page}]), content_type="text/xml")
        config = load_config(
            data={
                "database": {"url": pg_url},
                "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
                "sources": [
                    {"name": "الحل نت", "url": site.base + "/feed", "first_run": "post_all"}
                ],
                "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "p")}],
            }
        )
        run_cycle(config)
    store = Store(pg_url)
    with store.read() as conn:
        assert [h.title for h in search(conn, "وواشنطن").hits] == ["خطر داعش"]
        assert [h.title for h in search(conn, "ينفّذ").hits] == ["خطر داعش"]
        assert search(conn, "برشلونة").hits == ()
    store.close()
