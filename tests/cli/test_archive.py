"""``nashra export`` → ``nashra import`` into a fresh database gives the same archive."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from nashra.cli import app
from nashra.store import Store, schema

runner = CliRunner()


def _config(folder: Path, db: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "nashra.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    return cfg


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo's archive: articles, reposts joined to stories, one post per story."""
    out = tmp_path_factory.mktemp("archive") / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "nashra.toml"


def _export(cfg: Path, target: Path, fmt: str = "jsonl") -> None:
    result = runner.invoke(app, ["export", "-c", str(cfg), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output


def _import(cfg: Path, source: Path) -> str:
    result = runner.invoke(app, ["import", str(source), "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    return result.output


def _count(db: Path, table: sa.Table) -> int:
    store = Store(f"sqlite:///{db}")
    with store.read() as conn:
        n = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    store.close()
    return n


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_round_trip_is_identical(demo: Path, tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    _export(demo, first)
    records = _lines(first)
    kinds = [r["type"] for r in records]
    assert kinds[0] == "nashra-archive"
    n_articles = _count(demo.parent / "nashra.db", schema.articles)
    assert n_articles >= 36  # the outlet's 36 and the aggregator's reposts
    assert kinds.count("article") == n_articles
    assert kinds.count("post") == _count(demo.parent / "nashra.db", schema.posts) >= 10
    stories = [r for r in records if r["type"] == "story"]
    assert stories and all(len(s["article_ids"]) >= 2 for s in stories)  # type: ignore[arg-type]
    # Display text is kept as published (Arabic, not escaped, not folded).
    art = next(r for r in records if r["type"] == "article")
    assert "\\u06" not in first.read_text(encoding="utf-8") and art["blocks"]

    fresh = _config(tmp_path / "fresh", str(tmp_path / "fresh" / "copy.db"))
    out = _import(fresh, first)
    assert f"imported {n_articles} articles" in out
    second = tmp_path / "b.jsonl"
    _export(fresh, second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")

    # Importing the same file again adds nothing.
    again = _import(fresh, first)
    assert "imported 0 articles, 0 posts" in again
    third = tmp_path / "c.jsonl"
    _export(fresh, third)
    assert third.read_bytes() == first.read_bytes()

    # The search index was rebuilt: the copy is searchable.
    store = Store(f"sqlite:///{tmp_path / 'fresh' / 'copy.db'}")
    with store.read() as conn:
        indexed = conn.execute(sa.select(sa.func.count()).select_from(schema.search_docs))
        assert indexed.scalar_one() == n_articles
    store.close()


def test_csv_round_trip_gives_the_same_archive(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    _export(demo, folder, "csv")
    with (folder / "articles.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == _count(demo.parent / "nashra.db", schema.articles)
    assert json.loads(rows[0]["blocks"])
    assert (folder / "stories.csv").read_text(encoding="utf-8").count("\n") >= 2
    fresh = _config(tmp_path / "fresh", str(tmp_path / "fresh" / "copy.db"))
    _import(fresh, folder)
    original, copy = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _export(demo, original)
    _export(fresh, copy)
    assert copy.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")


def test_import_into_an_archive_with_other_articles_keeps_references(
    demo: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "a.jsonl"
    _export(demo, dump)
    records = _lines(dump)
    # A second archive that already holds other articles: ids 1..36 are taken by them.
    other = _config(tmp_path / "other", str(tmp_path / "other" / "o.db"))
    shifted = tmp_path / "shifted.jsonl"
    with shifted.open("w", encoding="utf-8") as f:
        for r in records:
            if r["type"] == "article":
                r = {**r, "identity": "other:" + str(r["identity"])}
            if r["type"] == "post":
                continue
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    _import(other, shifted)
    _import(other, dump)
    store = Store(f"sqlite:///{tmp_path / 'other' / 'o.db'}")
    a, p = schema.articles, schema.posts
    with store.read() as conn:
        n = _count(demo.parent / "nashra.db", a)
        assert conn.execute(sa.select(sa.func.count()).select_from(a)).scalar_one() == 2 * n
        # Every imported post still points at the article with its title.
        pairs = conn.execute(sa.select(p.c.title, a.c.title).join(a, a.c.id == p.c.article_id))
        assert all(pt == at for pt, at in pairs)
        # Story keys moved with their articles: each story's members are all from the import.
        members = conn.execute(
            sa.select(a.c.identity, a.c.story_id).where(a.c.story_id.is_not(None))
        ).all()
        assert len(members) >= 4
        key_identity = dict(conn.execute(sa.select(a.c.id, a.c.identity)).all())
        for identity, story in members:
            assert identity.startswith("other:") == key_identity[story].startswith("other:")
    store.close()


def test_import_refuses_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "article", "id": 1}\n', encoding="utf-8")
    cfg = _config(tmp_path / "x", str(tmp_path / "x" / "x.db"))
    result = runner.invoke(app, ["import", str(bad), "-c", str(cfg)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output
