"""OPML import/export (round trip through the config file) and ``nashra preview`` over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nashra.cli import app
from nashra.demo import demo_site_root, serve_site
from nashra.errors import ParseError
from nashra.models import SourceSpec
from nashra.opml import read_opml, write_opml
from nashra.settings import load_config

runner = CliRunner()

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>اشتراكاتي</title></head>
  <body>
    <outline text="أخبار" title="أخبار">
      <outline type="rss" text="الجزيرة" xmlUrl="https://example.com/ar/rss.xml"/>
      <outline type="rss" text="الجزيرة" xmlUrl="https://example.com/ar/sport/rss.xml"/>
      <outline type="rss" text="مكرر" xmlUrl="https://existing.example.com/feed"/>
      <outline type="rss" text="خبيث" xmlUrl="javascript:alert(1)"/>
      <outline type="rss" text="ملف" xmlUrl="file:///etc/passwd"/>
      <outline type="link" text="موقع فقط" url="https://example.com/"/>
    </outline>
    <outline type="rss" text='اقتباس "مزدوج" \\ خط' xmlUrl="https://example.org/feed"/>
  </body>
</opml>
"""


def test_read_opml_keeps_web_subscriptions_only() -> None:
    existing = [SourceSpec(name="قديم", url="https://existing.example.com/feed")]
    found = read_opml(OPML.encode(), existing=existing)
    assert [(s.name, s.url) for s in found] == [
        ("الجزيرة", "https://example.com/ar/rss.xml"),
        ("الجزيرة (2)", "https://example.com/ar/sport/rss.xml"),
        ('اقتباس "مزدوج" \\ خط', "https://example.org/feed"),
    ]
    assert found[0].folder == "أخبار" and found[2].folder is None


def test_read_opml_refuses_what_is_not_opml() -> None:
    with pytest.raises(ParseError):
        read_opml(b"<rss version='2.0'><channel/></rss>")
    with pytest.raises(ParseError):
        read_opml(b"<opml><body><outline")


def test_read_opml_never_reads_an_external_entity() -> None:
    hostile = OPML.replace(
        '<opml version="2.0">',
        '<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<opml version="2.0">',
    ).replace('text="مكرر"', 'text="&xxe;"')
    with pytest.raises(ParseError, match="entity"):
        read_opml(hostile.encode())


def test_export_then_import_round_trip() -> None:
    specs = [
        SourceSpec(name="خلاصة", url="https://a.example/feed"),
        SourceSpec(name="خريطة", url="https://a.example/news.xml", kind="sitemap", tags=("تونس",)),
        SourceSpec(name="قسم", url="https://a.example/ar/", kind="page", link_selector=".list a"),
    ]
    back = read_opml(write_opml(specs))
    assert [(s.name, s.url, s.kind, s.link_selector, s.tags) for s in back] == [
        ("خلاصة", "https://a.example/feed", None, None, ()),
        ("خريطة", "https://a.example/news.xml", "sitemap", None, ("تونس",)),
        ("قسم", "https://a.example/ar/", "page", ".list a", ()),
    ]


def _config(tmp_path: Path, extra: str = "") -> Path:
    cfg = tmp_path / "nashra.toml"
    cfg.write_text(
        '[database]\nurl = "sqlite:///nashra.db"\n[fetch]\nallow_networks = ["127.0.0.0/8"]\n'
        'per_host_delay = 0\n\n[[sources]]\nname = "قديم"\nurl = "https://existing.example.com/feed"\n'
        + extra,
        encoding="utf-8",
    )
    return cfg


def test_cli_import_appends_sources_that_load(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    result = runner.invoke(app, ["sources", "import-opml", str(opml), "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    loaded = load_config(cfg)
    assert [s.name for s in loaded.sources] == [
        "قديم",
        "الجزيرة",
        "الجزيرة (2)",
        'اقتباس "مزدوج" \\ خط',
    ]
    again = runner.invoke(app, ["sources", "import-opml", str(opml), "-c", str(cfg)])
    assert again.exit_code == 0
    assert len(load_config(cfg).sources) == 4  # nothing imported twice

    exported = runner.invoke(app, ["sources", "export-opml", "-c", str(cfg)])
    assert exported.exit_code == 0
    urls = [s.url for s in read_opml(exported.stdout_bytes)]
    assert urls == [s.url for s in loaded.sources]


def test_cli_import_dry_run_writes_nothing(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    before = cfg.read_text(encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    result = runner.invoke(app, ["sources", "import-opml", str(opml), "-c", str(cfg), "--dry-run"])
    assert result.exit_code == 0
    assert "[[sources]]" in result.stdout and 'url = "https://example.org/feed"' in result.stdout
    assert cfg.read_text(encoding="utf-8") == before


def test_cli_preview_shows_the_article_and_a_rules_effect(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    with serve_site(demo_site_root()) as base:
        url = f"{base}/ar/culture/87408.html"  # the windows-1256 page
        plain = runner.invoke(app, ["preview", url, "-c", str(cfg)])
        ruled = runner.invoke(app, ["preview", url, "-c", str(cfg), "--drop", "p"])
        missing = runner.invoke(app, ["preview", f"{base}/nothing.html", "-c", str(cfg)])
    assert plain.exit_code == 0, plain.output
    assert "ألمانيا" in plain.stdout  # the title, decoded from windows-1256
    assert "القواعد / rules:" not in plain.stdout
    assert ruled.exit_code == 0, ruled.output
    assert "drop 'p':" in ruled.stdout
    assert missing.exit_code == 1
    assert "fetch.status" in missing.output
