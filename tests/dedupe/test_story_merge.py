"""Two stories started apart are merged when a later outlet's article joins both
(``nashra.dedupe.merge``), on the hand-written articles of tests/dedupe/data/story_merges.json:
the real path (enrich → decide → insert → remember, a post queued per posted article, real
SQLite); the posts named in a case are marked sent first."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from nashra.dedupe import stories, storyindex
from nashra.dedupe.listing import also_reported_by, story_key
from nashra.store import Store, outbox, schema
from tests.dedupe.desk import Desk, make_article

DATA = json.loads((Path(__file__).parent / "data" / "story_merges.json").read_text("utf-8"))
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
p = schema.posts


def _ingest(desk: Desk, name: str, n: int) -> tuple[int, Any]:
    side = DATA["articles"][name]
    art = make_article(
        side["source"],
        f"https://{side['source']}.example/{n}",
        side["title"],
        side["body"],
        published=T0 + timedelta(hours=side["hours"]),
    )
    return desk.ingest(art)


def _posts(store: Store) -> dict[int, tuple[str, str | None]]:
    with store.read() as conn:
        rows = conn.execute(sa.select(p.c.article_id, p.c.state, p.c.last_error)).all()
    return {int(r[0]): (str(r[1]), r[2]) for r in rows}


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["rule"] for c in DATA["cases"]])
def test_merge_case(case: dict[str, Any], desk: Desk, store: Store) -> None:
    ids = {}
    for n, name in enumerate(("a", "b")):
        ids[name], v = _ingest(desk, name, n)
        assert v.story_id is None, f"{name} must start its own story: {v}"
    with store.read() as conn:
        apart, _, _ = stories.explain(conn, ids["a"], ids["b"])
    assert not apart.same_story, apart  # the two angles alone do not join
    with store.tx() as conn:
        for name in case["sent"]:
            (post_id,) = conn.execute(sa.select(p.c.id).where(p.c.article_id == ids[name])).one()
            outbox.mark_sent(conn, int(post_id), f"remote-{name}")
    ids["c"], v = _ingest(desk, "c", 2)
    assert v.reason == "story", v
    assert v.plan is not None and len(v.plan.merges) == 1, v.plan  # c scores against both
    with store.read() as conn:
        keys = {k: story_key(conn, i) for k, i in ids.items()}
        linked = [k for k, _ in storyindex.related(conn, keys["a"] or 0)]
        posted_row = conn.execute(
            sa.select(schema.articles.c.duplicate_of).where(schema.articles.c.id == ids["c"])
        ).scalar()
    posts = _posts(store)
    if case["expect"] == "apart":
        assert keys["a"] != keys["b"] and keys["c"] in (keys["a"], keys["b"])
        assert linked == [keys["b"]]  # one running story, both told already
        assert {s for s, _ in posts.values()} == {"sent"}
        return
    survivor = ids[case["expect"]]
    assert set(keys.values()) == {survivor}, keys
    posted = ids[case["posted"]]
    assert posted_row == posted  # c is a duplicate of the one posted article
    gone = ids["b" if case["posted"] == "a" else "a"]
    assert posts[gone][0] != "sent" and posts[gone][0] == "skipped", posts
    assert "merged into story" in (posts[gone][1] or "")
    assert ids["c"] not in posts  # c was a duplicate from the start: never queued
    with store.read() as conn:
        others = also_reported_by(conn, posted)
        story_rows = conn.execute(
            sa.select(storyindex.sv.c.story_id).where(
                storyindex.sv.c.article_id.in_(list(ids.values()))
            )
        ).all()
    src = {n: DATA["articles"][n]["source"] for n in "abc"}
    assert set(others) == {s for n, s in src.items() if ids[n] != posted}
    assert {int(r[0]) for r in story_rows} == {survivor}  # the story index moved too


def test_merge_queries_use_indexes(desk: Desk, store: Store, tmp_path: Path) -> None:
    """Every statement of the merging ingest is served by an index (no scan of articles, the
    story index or the posts)."""
    _ingest(desk, "a", 0)
    _ingest(desk, "b", 1)
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        seen.append((statement, params[0] if many and params else params))

    event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        _, v = _ingest(desk, "c", 2)
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert v.plan is not None and v.plan.merges
    db = sqlite3.connect(tmp_path / "nashra.db")
    scans, merged = [], 0
    for statement, params in seen:
        head = statement.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "UPDATE", "DELETE"):
            continue
        merged += "merged into story" in str(params)
        for row in db.execute("EXPLAIN QUERY PLAN " + statement, params or ()).fetchall():
            if row[-1].startswith(("SCAN articles", "SCAN story_", "SCAN posts")):
                scans.append(f"{row[-1]} <- {' '.join(statement.split())[:200]}")
    db.close()
    assert merged == 1  # the merge's statements were among those explained
    assert not scans, "\n".join(scans)
