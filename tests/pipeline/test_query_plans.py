"""Every query on the ingest path is served by an index: a real cycle (two outlets on a
loopback site carrying one story, a real SQLite file with an archive already in it) is recorded
statement by statement, and each is run again under ``EXPLAIN QUERY PLAN``; a full scan of
``articles`` (or of the story index) fails the test."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from nashra.store import Store, articles
from tests.dedupe.desk import make_article
from tests.pipeline.conftest import make_config, rss, run_cycle
from tests.sitekit import Site

CASES = json.loads(
    (Path(__file__).parents[1] / "dedupe" / "data" / "story_cases.json").read_text("utf-8")
)
# (dedupe_terms is not watched: its retention prune runs once per process, not per article.)
WATCHED = re.compile(r"^SCAN (articles|story_vectors|story_df|story_links)\b")


def _page(title: str, body: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("。") if p)
    return (
        f'<html lang="ar" dir="rtl"><head><title>{title}</title></head><body><article>'
        f"<h1>{title}</h1>{paras}</article></body></html>"
    )


def _archive(store: Store, n: int) -> None:
    """Older articles, so that a scan would have something to walk through."""
    old = datetime.now(UTC) - timedelta(days=3)
    with store.tx() as conn:
        for i in range(n):
            a = make_article(
                f"old{i % 5}",
                f"https://old.example/{i}",
                f"خبر قديم رقم {i} عن موضوع مختلف تماما",
                f"نص الخبر القديم رقم {i} وفيه كلمات كثيرة عن أحداث أخرى في أماكن أخرى.",
                published=old + timedelta(minutes=i),
            )
            articles.insert(conn, a, None)


def test_ingest_queries_use_indexes(site: Site, tmp_path: Path) -> None:
    case = CASES["cases"][0]  # one story told by two outlets
    now = datetime.now(UTC).replace(microsecond=0)
    sources = []
    for k, side in enumerate((case["a"], case["b"])):
        page = site.add(f"/{k}/story.html", _page(side["title"], side["body"]))
        when = (now - timedelta(hours=5 - k)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        item = {"title": side["title"], "link": page, "guid": page, "pubDate": when}
        item["content"] = side["body"]
        site.add(
            f"/{k}/feed", rss([item], title=side["source"]), content_type="application/rss+xml"
        )
        sources.append(
            {"name": side["source"], "url": f"{site.base}/{k}/feed", "first_run": "post_all"}
        )
    config = make_config(tmp_path, sources)
    store = Store(config.database_url)
    _archive(store, 300)
    store.close()

    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        if many and params:
            params = params[0]
        seen.append((statement, params))

    event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        report = run_cycle(config)
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert not report.failed, report
    db = sqlite3.connect(tmp_path / "nashra.db")
    scans = []
    checked = 0
    for statement, params in seen:
        head = statement.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "UPDATE", "DELETE", "WITH"):
            continue
        if "sqlite_master" in statement or "PRAGMA" in statement.upper():
            continue
        try:
            plan = db.execute("EXPLAIN QUERY PLAN " + statement, params or ()).fetchall()
        except sqlite3.Error as exc:  # a statement of another process' schema: report it
            pytest.fail(f"cannot explain {statement!r}: {exc}")
        checked += 1
        for row in plan:
            if WATCHED.match(row[-1]):
                scans.append(f"{row[-1]}  ←  {' '.join(statement.split())[:300]}")
    assert checked > 30  # the cycle really ran its queries through here
    new = db.execute(
        "SELECT id, duplicate_of FROM articles WHERE source IN (?, ?) ORDER BY id",
        (case["a"]["source"], case["b"]["source"]),
    ).fetchall()
    assert len(new) == 2 and new[1][1] == new[0][0]  # the second outlet joined the story
    db.close()
    assert not scans, "\n".join(sorted(set(scans)))
