"""Stories: the posting policy (first seen, outlet priority), also-reported-by, the lazy index
rebuild, and ``nashra stories --json`` through the CLI runner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from nashra.cli import app
from nashra.dedupe import backfill
from nashra.dedupe.stories import also_reported_by, list_stories
from nashra.models import PostState
from nashra.store import Store, outbox, schema
from tests.dedupe.desk import Desk, make_article
from tests.dedupe.test_decide import TITLE, perturb, story

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


def _state(store: Store, article_id: int) -> list[str]:
    p = schema.posts
    with store.read() as conn:
        return [
            r[0] for r in conn.execute(sa.select(p.c.state).where(p.c.article_id == article_id))
        ]


def _dup_of(store: Store, article_id: int) -> int | None:
    a = schema.articles
    with store.read() as conn:
        return conn.execute(sa.select(a.c.duplicate_of).where(a.c.id == article_id)).scalar_one()


def test_first_seen_is_posted_by_default(desk: Desk, store: Store) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(make_article("a", "https://a.example/1", TITLE, body, published=T0))
    second, v = desk.ingest(
        make_article("b", "https://b.example/1", "مستشفى جديد", perturb(body, 2), published=T0)
    )
    assert v.duplicate_of == first
    assert _state(store, first) == ["pending"]
    assert _state(store, second) == []  # a duplicate is never queued


def test_higher_priority_outlet_takes_a_pending_post(desk: Desk, store: Store) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(make_article("agg", "https://agg.example/1", TITLE, body, published=T0))
    third_body = perturb(body, 3)
    second, v = desk.ingest(
        make_article("wire", "https://wire.example/1", "مستشفى جديد", third_body, published=T0),
        priority=5,
    )
    assert v.duplicate_of is None and v.replaces == first
    assert _state(store, first) == ["skipped"]
    assert _state(store, second) == ["pending"]
    assert _dup_of(store, first) == second
    # A later, lower-priority copy now points at the new posted article.
    _, v3 = desk.ingest(
        make_article("c", "https://c.example/1", "مستشفى", perturb(body, 4), published=T0)
    )
    assert v3.duplicate_of == second


def test_no_swap_once_the_post_has_left(desk: Desk, store: Store) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(make_article("agg", "https://agg.example/1", TITLE, body, published=T0))
    with store.tx() as conn:
        post = outbox.claim(conn, "main")
        assert post is not None and post.id is not None
        outbox.mark_sent(conn, post.id, "42")
    _, v = desk.ingest(
        make_article("wire", "https://wire.example/1", "مستشفى", perturb(body, 3), published=T0),
        priority=5,
    )
    assert v.duplicate_of == first and v.replaces is None
    assert _state(store, first) == [PostState.SENT.value]


def test_also_reported_by(desk: Desk, store: Store) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(
        make_article("a", "https://a.example/1", TITLE, body, published=T0, outlet="الحل نت")
    )
    second, _ = desk.ingest(
        make_article(
            "b", "https://b.example/1", "x y z w", body, published=T0, outlet="مقيم أوروبا"
        )
    )
    third, _ = desk.ingest(
        make_article("c", "https://c.example/1", TITLE, story(7), published=T0, outlet="عنب بلدي")
    )
    lone, _ = desk.ingest(
        make_article("d", "https://d.example/1", "نتائج مباريات الدوري في الجولة الأولى", story(9))
    )
    with store.read() as conn:
        assert also_reported_by(conn, first) == ["مقيم أوروبا", "عنب بلدي"]
        assert also_reported_by(conn, second) == ["الحل نت", "عنب بلدي"]
        assert also_reported_by(conn, lone) == []
        assert also_reported_by(conn, 999) == []
        found = {s.id: s for s in list_stories(conn)}
    assert found[first].outlets == ("الحل نت", "مقيم أوروبا", "عنب بلدي")
    assert [x.id for x in found[first].articles] == [first, second, third]
    assert [x.posted for x in found[first].articles] == [True, False, False]
    assert [x.reason for x in found[first].articles] == [None, "content", "title"]


def test_index_is_rebuilt_lazily_when_missing(desk: Desk, store: Store) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(make_article("a", "https://a.example/1", TITLE, body, published=T0))
    with store.tx() as conn:  # a database from before the index: articles, no entries
        for t in (schema.dedupe_bands, schema.dedupe_terms, schema.dedupe_articles):
            conn.execute(t.delete())
    backfill.forget_process_state()
    _, v = desk.ingest(
        make_article("b", "https://b.example/1", "مستشفى", perturb(body, 5), published=T0)
    )
    assert (v.duplicate_of, v.reason) == (first, "body")


def test_stories_json_through_the_cli(desk: Desk, store: Store, tmp_path: Path) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(
        make_article("a", "https://a.example/1", TITLE, body, published=T0, outlet="الحل نت")
    )
    desk.ingest(
        make_article("b", "https://b.example/1", "مستشفى", body, published=T0, outlet="مقيم أوروبا")
    )
    desk.ingest(make_article("c", "https://c.example/1", "نتائج مباريات الدوري", story(3)))
    cfg = tmp_path / "nashra.toml"
    cfg.write_text(f'[database]\nurl = "{store.url}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["stories", "--json", "-c", str(cfg), "--min-articles", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["stories"]] == [first]
    s = data["stories"][0]
    assert s["title"] == TITLE
    assert s["outlets"] == ["الحل نت", "مقيم أوروبا"]
    assert [a["outlet"] for a in s["articles"]] == ["الحل نت", "مقيم أوروبا"]
    assert s["articles"][1]["reason"] == "content" and s["articles"][0]["posted"] is True
    assert datetime.fromisoformat(s["first_seen"]) <= datetime.fromisoformat(s["last_seen"])
