"""One story, one post, complete attribution (tests/pipeline/data/story_tellings.json): outlets
on a loopback site tell one event in their own words; a real cycle (fetch, extract, dedupe,
store, publish to a directory channel, real SQLite). The first telling is posted once and names
every later outlet on its «نقلته أيضًا» line: before it is sent by re-rendering, after it is
sent by an edit of the sent post, paced (``stories.edit_minutes``). ``stories.mode = "group"``
posts every outlet's article, grouped by story."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from nashra.settings import Config, load_config
from nashra.store import Store, schema
from tests.pipeline.conftest import posts_in, rss, run_cycle
from tests.sitekit import Site

TELLINGS = json.loads((Path(__file__).parent / "data" / "story_tellings.json").read_text("utf-8"))
ALSO = "📰 نقلته أيضًا: "


def _serve_telling(site: Site, t: dict[str, Any], name: str, when: datetime) -> dict[str, Any]:
    """One outlet's article page and its feed of one item on the loopback site; its source."""
    page = site.add(
        f"/{t['source']}/story.html",
        f'<html lang="ar"><head><title>{t["title"]}</title></head><body><article>'
        f"<h1>{t['title']}</h1><p>{t['body']}</p></article></body></html>",
    )
    item = {
        "title": t["title"],
        "link": page,
        "guid": page,
        "pubDate": when.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "content": t["body"],
    }
    site.add(
        f"/{t['source']}/feed",
        rss([item], title=name),
        content_type="application/rss+xml; charset=utf-8",
    )
    return {"name": name, "url": f"{site.base}/{t['source']}/feed", "first_run": "post_all"}


def _serve(site: Site, n: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        _serve_telling(site, t, t["outlet"], now - timedelta(hours=3) + timedelta(minutes=10 * k))
        for k, t in enumerate(TELLINGS["tellings"][:n])
    ]


def _config(tmp_path: Path, sources: list[dict[str, Any]], **stories: Any) -> Config:
    return load_config(
        data={
            "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
            "stories": stories,
            "sources": sources,
            "channels": [{"name": "posts", "kind": "directory", "path": str(tmp_path / "posts")}],
        }
    )


def _named(text: str) -> list[str]:
    line = next((x for x in text.splitlines() if x.startswith(ALSO)), "")
    return [x.strip() for x in line[len(ALSO) :].split("،") if x.strip()]


def _outlet_of(text: str) -> str:
    return next(t["outlet"] for t in TELLINGS["tellings"] if t["title"] in text)


def test_one_post_names_every_other_outlet_and_is_edited_paced(site: Site, tmp_path: Path) -> None:
    run_cycle(_config(tmp_path, _serve(site, 3), edit_minutes=30))
    posts = posts_in(tmp_path)
    assert len(posts) == 1, posts  # three outlets, one story, one post
    own = _outlet_of(posts[0])
    others = {t["outlet"] for t in TELLINGS["tellings"][:3]} - {own}
    assert set(_named(posts[0])) == others

    # A fourth outlet after the post was sent: the sent post is edited at once to name it.
    run_cycle(_config(tmp_path, _serve(site, 4), edit_minutes=30))
    posts = posts_in(tmp_path)
    assert len(posts) == 1
    assert set(_named(posts[0])) == others | {TELLINGS["tellings"][3]["outlet"]}

    # A fifth one minutes later: the edit waits (at most one per post per 30 minutes).
    run_cycle(_config(tmp_path, _serve(site, 5), edit_minutes=30))
    posts = posts_in(tmp_path)
    assert len(posts) == 1 and TELLINGS["tellings"][4]["outlet"] not in _named(posts[0])
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    p = schema.posts
    with store.read() as conn:
        row = conn.execute(sa.select(p.c.needs_edit, p.c.edit_after, p.c.text)).one()
    store.close()
    assert row.needs_edit and TELLINGS["tellings"][4]["outlet"] in _named(row.text)
    due = row.edit_after if row.edit_after.tzinfo else row.edit_after.replace(tzinfo=UTC)
    assert due > datetime.now(UTC) + timedelta(minutes=25)


def test_no_edit_of_a_sent_post_when_edits_are_off(site: Site, tmp_path: Path) -> None:
    run_cycle(_config(tmp_path, _serve(site, 2), edit_minutes=0))
    before = posts_in(tmp_path)
    run_cycle(_config(tmp_path, _serve(site, 3), edit_minutes=0))
    assert posts_in(tmp_path) == before and len(before) == 1


def test_group_mode_posts_every_outlet_grouped_by_story(site: Site, tmp_path: Path) -> None:
    run_cycle(_config(tmp_path, _serve(site, 3), mode="group"))
    posts = posts_in(tmp_path)
    assert len(posts) == 3
    store = Store(f"sqlite:///{tmp_path / 'nashra.db'}")
    a = schema.articles
    with store.read() as conn:
        rows = conn.execute(sa.select(a.c.id, a.c.story_id, a.c.duplicate_of)).all()
    store.close()
    keys = {r.story_id or r.id for r in rows}
    assert len(keys) == 1 and all(r.duplicate_of is None for r in rows)
    for text in posts:  # each names the two other outlets of its story
        assert len(_named(text)) >= 1 and _outlet_of(text) not in _named(text)


def test_two_angles_bridged_by_a_third_outlet_are_one_post(site: Site, tmp_path: Path) -> None:
    """tests/dedupe/data/story_merges.json: alpha and beta tell one event from two angles too
    far apart to join each other, and a first cycle stores them as two stories (their posts
    held for review, so none has left the outbox); gamma, which tells both, arrives in a
    second cycle and merges them (nashra.dedupe.merge): one of the two posts is skipped, the
    other is the story's one post and names the two other outlets."""
    data = json.loads(
        (Path(__file__).parents[1] / "dedupe" / "data" / "story_merges.json").read_text("utf-8")
    )
    now = datetime.now(UTC).replace(microsecond=0)
    sources = [
        _serve_telling(site, t, t["source"], now - timedelta(hours=5 - t["hours"]))
        for t in (data["articles"][name] for name in ("a", "b", "c"))
    ]

    def cycle(n: int) -> list[tuple[str, str, str | None]]:
        config = load_config(
            data={
                "database": {"url": f"sqlite:///{tmp_path / 'nashra.db'}"},
                "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
                "sources": sources[:n],
                "channels": [
                    {"name": "posts", "kind": "directory", "path": str(tmp_path / "posts")}
                    | {"review": True}
                ],
            }
        )
        run_cycle(config)
        store = Store(config.database_url)
        p = schema.posts
        with store.read() as conn:
            rows = conn.execute(sa.select(p.c.state, p.c.text, p.c.last_error)).all()
        store.close()
        return [(str(r[0]), str(r[1]), r[2]) for r in rows]

    first = cycle(2)
    assert sorted(s for s, _, _ in first) == ["held", "held"], first  # two stories apart
    after = cycle(3)
    live = [t for s, t, _ in after if s != "skipped"]
    gone = [e for s, _, e in after if s == "skipped"]
    assert len(live) == 1 and len(gone) == 1, after
    assert "merged into story" in (gone[0] or "")
    # the older story's post is kept: alpha's or beta's, whichever the first cycle stored first
    kept = [n for n in ("a", "b") if data["articles"][n]["title"] in live[0]]
    assert len(kept) == 1, live[0]
    others = {data["articles"][n]["source"] for n in "abc" if n != kept[0]}
    assert set(_named(live[0])) == others, live[0]
