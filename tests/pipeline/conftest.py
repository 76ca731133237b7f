"""Fixtures for end-to-end pipeline tests: a loopback site, a config, a runner."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nashra.runner import CycleReport, Runner
from nashra.settings import Config, load_config
from tests.conftest import ROOT, SHARED
from tests.sitekit import Site, serve

SAMPLE = SHARED / "seed" / "sample_post.txt"
SAMPLE_PAGE = ROOT / "tests" / "fixtures" / "sample" / "article.html"


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        yield s


def make_config(tmp_path: Path, sources: list[dict[str, Any]], **channel: Any) -> Config:
    ch = {"name": "posts", "kind": "directory", "path": str(tmp_path / "posts"), **channel}
    return load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
            "sources": sources,
            "channels": [ch],
        }
    )


def run_cycle(config: Config) -> CycleReport:
    async def go() -> CycleReport:
        runner = Runner(config)
        try:
            return await runner.cycle()
        finally:
            await runner.aclose()

    return asyncio.run(go())


def rss(items: list[dict[str, str]], title: str = "الحل نت") -> str:
    """An RSS 2.0 document; each item's keys become elements (``content`` → content:encoded)."""
    parts = []
    for it in items:
        fields = []
        for k, v in it.items():
            if k == "content":
                fields.append(f"<content:encoded><![CDATA[{v}]]></content:encoded>")
            elif k == "id":  # a guid that is not a permalink
                fields.append(f'<guid isPermaLink="false">{v}</guid>')
            elif k == "description":
                fields.append(f"<description><![CDATA[{v}]]></description>")
            else:
                fields.append(f"<{k}>{v}</{k}>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{title}</title><link>__BASE__/</link><description>أخبار</description>"
        + "".join(parts)
        + "</channel></rss>"
    )


def posts_in(tmp_path: Path) -> list[str]:
    d = tmp_path / "posts"
    return [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))] if d.is_dir() else []
