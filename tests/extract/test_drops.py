"""Drops are not errors: a page with too little text (a video page, a gallery) is dropped with
its reason, marked seen and never fetched again, and ``nashra once`` exits 0 for it (issue 12,
fault 12 of issue 14). Through the CLI's runner against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from nashra.cli import app
from nashra.errors import Rejected
from nashra.extract import extract_page
from nashra.store import Store, schema
from tests.pipeline.conftest import SAMPLE_PAGE, rss
from tests.sitekit import Site, serve

PAGES = Path(__file__).resolve().parent / "pages"
runner = CliRunner()


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        yield s


def _config(tmp_path: Path, feed_url: str) -> Path:
    cfg = tmp_path / "nashra.toml"
    cfg.write_text(
        f"""
[database]
url = "sqlite:///nashra.db"
[fetch]
allow_networks = ["127.0.0.0/8"]
per_host_delay = 0
[[sources]]
name = "العربية"
url = "{feed_url}"
interval_minutes = 1
first_run = "post_all"
[[channels]]
name = "posts"
kind = "directory"
path = "posts"
""",
        encoding="utf-8",
    )
    return cfg


def test_a_video_page_is_a_drop_with_its_reason() -> None:
    with pytest.raises(Rejected) as drop:
        extract_page((PAGES / "video_page.html").read_bytes(), "https://e.example/v/1")
    assert drop.value.reason == "too_short" and drop.value.code == "drop.too_short"
    assert "شاهد اللحظة" not in drop.value.detail or len(drop.value.detail) < 200


def test_once_exits_0_and_the_page_is_not_fetched_again(site: Site, tmp_path: Path) -> None:
    video = site.add("/videos/clip.html", (PAGES / "video_page.html").read_bytes())
    article = site.add("/article.html", SAMPLE_PAGE.read_bytes())
    site.add(
        "/feed",
        rss(
            [
                {"title": "فيديو: لحظة انهيار مبنى", "link": video, "guid": "v1"},
                {"title": "خطر داعش", "link": article, "guid": "a1"},
            ]
        ),
        content_type="application/rss+xml",
    )
    cfg = _config(tmp_path, site.base + "/feed")
    first = runner.invoke(app, ["once", "--config", str(cfg), "--no-progress"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["once", "--config", str(cfg), "--no-progress"])
    assert second.exit_code == 0, second.output
    assert site.hits.count("/videos/clip.html") == 1, site.hits
    assert len(list((tmp_path / "posts").glob("*.txt"))) == 1
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    with store.read() as conn:
        codes = conn.execute(sa.select(schema.events.c.code, schema.events.c.kind)).all()
        seen = conn.execute(sa.select(schema.seen_items.c.url)).scalars().all()
    store.close()
    assert ("drop.too_short", "drop") in [tuple(r) for r in codes]
    assert not [c for c, kind in codes if kind == "error"]
    assert video in seen
