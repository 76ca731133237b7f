"""An article's pictures (``articles.images``, ``posts.images``) survive ``nashra export`` →
``nashra import`` into a fresh database, in JSON Lines and CSV."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nashra.cli import app
from nashra.models import Article, Block, BlockKind, Enrichment, Post, PostState
from nashra.store import Store, articles, outbox

runner = CliRunner()
PICTURES = tuple(f"https://cdn.example.org/2024/05/photo-{i}.jpg" for i in range(3))


def _config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "nashra.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{folder / "nashra.db"}"\n', encoding="utf-8")
    return cfg


def _archive(folder: Path) -> Path:
    cfg = _config(folder)
    store = Store(f"sqlite:///{folder / 'nashra.db'}")
    article = Article(
        identity="pictures-1",
        source="s",
        url="https://example.org/news/1",
        title="خبر مصوّر من الشمال",
        blocks=(Block(BlockKind.PARAGRAPH, "نص الخبر كما نشره الموقع، بصوره الثلاث."),),
        published=datetime(2024, 5, 12, 9, 0, tzinfo=UTC),
        image=PICTURES[0],
        images=PICTURES,
        match_title="خبر مصور من الشمال",
        match_text="نص الخبر",
        content_hash="h1",
    )
    with store.tx() as conn:
        aid = articles.insert(conn, article, Enrichment())
        post = Post(aid, "tg", "نص المنشور", title=article.title, url=article.url)
        outbox.add(conn, replace(post, image=PICTURES[0], images=PICTURES))
        plain = replace(
            article,
            identity="plain-2",
            url=article.url + "-b",
            image=None,
            images=(),
            content_hash="h2",
        )
        outbox.add(conn, Post(articles.insert(conn, plain, Enrichment()), "tg", "نص"))
    store.close()
    return cfg


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_pictures_round_trip(tmp_path: Path, fmt: str) -> None:
    cfg = _archive(tmp_path / "a")
    first = tmp_path / ("first.jsonl" if fmt == "jsonl" else "first-csv")
    result = runner.invoke(app, ["export", "-c", str(cfg), "--format", fmt, "-o", str(first)])
    assert result.exit_code == 0, result.output
    fresh = _config(tmp_path / "b")
    result = runner.invoke(app, ["import", str(first), "-c", str(fresh)])
    assert result.exit_code == 0, result.output
    again, original = tmp_path / "again.jsonl", tmp_path / "original.jsonl"
    for c, out in ((fresh, again), (cfg, original)):
        result = runner.invoke(app, ["export", "-c", str(c), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert again.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")
    records = [json.loads(line) for line in again.read_text(encoding="utf-8").splitlines()]
    arts = [r for r in records if r["type"] == "article"]
    posts = [r for r in records if r["type"] == "post"]
    assert [a["images"] for a in arts] == [list(PICTURES), []]
    assert posts[0]["images"] == list(PICTURES) and posts[0]["image"] == PICTURES[0]
    store = Store(f"sqlite:///{tmp_path / 'b' / 'nashra.db'}")
    with store.read() as conn:
        found = articles.get(conn, 1)
        post = outbox.get(conn, 1)
    store.close()
    assert found is not None and found[0].images == PICTURES and found[0].image == PICTURES[0]
    assert post is not None and post.images == PICTURES and post.state is PostState.PENDING
