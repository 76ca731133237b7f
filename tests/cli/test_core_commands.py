"""The CLI through Typer's runner: init, once, post, sources, outbox, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nashra.cli import app
from nashra.settings import load_config
from tests.pipeline.conftest import SAMPLE_PAGE, rss
from tests.sitekit import Site, serve

runner = CliRunner()


@pytest.fixture
def site() -> Site:
    with serve() as s:
        yield s  # type: ignore[misc]


def write_config(tmp_path: Path, feed_url: str, first_run: str = "post_all") -> Path:
    cfg = tmp_path / "nashra.toml"
    cfg.write_text(
        f"""
[database]
url = "sqlite:///nashra.db"
[fetch]
allow_networks = ["127.0.0.0/8"]
per_host_delay = 0
[[sources]]
name = "الحل نت"
url = "{feed_url}"
interval_minutes = 15
first_run = "{first_run}"
[[channels]]
name = "posts"
kind = "directory"
path = "posts"
""",
        encoding="utf-8",
    )
    return cfg


def test_init_writes_a_config_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "nashra.toml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    cfg = load_config(target)
    assert cfg.sources[0].name == "الحل نت"
    assert cfg.channels[0].kind == "directory"
    assert cfg["fetch.max_redirects"] == 5
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2  # never overwrites without --force


def test_once_publishes_then_sources_list(site: Site, tmp_path: Path) -> None:
    page = site.add("/article.html", SAMPLE_PAGE.read_bytes())
    site.add(
        "/feed",
        rss([{"title": "خطر داعش", "link": page, "guid": page}]),
        content_type="application/rss+xml",
    )
    cfg = write_config(tmp_path, site.base + "/feed")
    result = runner.invoke(app, ["once", "--config", str(cfg), "--no-progress"])
    assert result.exit_code == 0, result.output
    posts = list((tmp_path / "posts").glob("*.txt"))
    assert len(posts) == 1  # relative paths resolve against the config file's folder
    assert (tmp_path / "nashra.db").exists()

    listed = runner.invoke(app, ["sources", "list", "--config", str(cfg), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert rows[0]["name"] == "الحل نت" and rows[0]["kind"] == "feed"
    assert rows[0]["errors"] == 0 and rows[0]["next_poll"]

    box = runner.invoke(app, ["outbox", "list", "--config", str(cfg), "--json"])
    assert json.loads(box.stdout)["counts"] == {"sent": 1}


def test_once_exit_code_reflects_failures(site: Site, tmp_path: Path) -> None:
    site.add("/feed", "\x00\x01 garbage, not a feed", content_type="text/plain")
    cfg = write_config(tmp_path, site.base + "/feed")
    result = runner.invoke(app, ["once", "--config", str(cfg), "--no-progress"])
    assert result.exit_code == 1


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[[sources]]\nname = "x"\nurl = "http://e.org/f"\nfirst_run = "all"\n')
    result = runner.invoke(app, ["once", "--config", str(cfg)])
    assert result.exit_code == 2
    assert "first_run" in result.output


def test_post_prints_the_rendered_article(site: Site) -> None:
    page = site.add("/article.html", SAMPLE_PAGE.read_bytes())
    blocked = runner.invoke(app, ["post", page])
    assert blocked.exit_code == 1  # loopback is refused by the SSRF guard by default
    result = runner.invoke(app, ["post", page, "--allow-network", "127.0.0.0/8"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("#داعش")
    assert lines[1] == "خطر “داعش”.. بغداد تدعو للتنسيق مع دمشق وواشنطن تحذر من صعود التنظيم"
    assert lines[2] == "📅 2025-10-07 11:53:41 | ✍️ علي الكرملي | 🌐 الحل نت"
    assert lines[-2] == f"🔍 اقرأ المزيد: {page}"


def test_demo_produces_posts_of_the_sample_shape(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    posts = sorted((out / "posts").glob("*.txt"))
    assert len(posts) >= 10
    for p in posts:
        lines = p.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#"), p.name
        assert lines[2].startswith("📅 "), p.name
        assert any(line.startswith("🔍 اقرأ المزيد: http://127.0.0.1:") for line in lines)
    # The aggregator's reposts are recognised: no story is posted twice.
    titles = [p.read_text(encoding="utf-8").splitlines()[1] for p in posts]
    bodies = [p.read_text(encoding="utf-8").splitlines()[3] for p in posts]
    assert len(set(bodies)) == len(bodies), titles
    # The outlet outranks the aggregator: every post is the outlet's own article, and the
    # aggregator's reposts only add its name to the story's post.
    texts = [p.read_text(encoding="utf-8") for p in posts]
    assert all("📌 المصدر الأصلي: جوهرة أف أم" in t for t in texts)
    assert sum("📰 نقلته أيضًا: مجمّع تجريبي" in t for t in texts) == 4
    assert (out / "nashra.db").exists() and (out / "nashra.toml").exists()
