"""Kept counts (migration 64, ``nashra.store.counts``) equal a full count after every kind of
write: inserts, updates of the counted columns, tombstones, deletes, an archive import, facets
re-indexed; on PostgreSQL after compaction too, and two writers never wait on each other."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from nashra import archive
from nashra.models import Post
from nashra.search import index_article
from nashra.store import Store, articles, counts, outbox, schema
from nashra.web import queries
from tests.search.seed import make_article, seed

DOCS = {
    f"d{i}": {
        "title": f"خبر رقم {i}",
        "body": f"نص الخبر {i} عن الرياض.",
        "source": "src",
        "outlet": ("العربية", "الجزيرة", None)[i % 3],
        "topic": ("سياسة", "اقتصاد")[i % 2],
        "published": f"2024-01-{i + 1:02d}T10:00:00+03:00",
    }
    for i in range(9)
}


def _check(store: Store) -> dict[tuple[str, str], int]:
    with store.read() as conn:
        kept, full = counts.snapshot(conn), counts.recount(conn)
    assert kept == full
    return kept


def test_kept_counts_equal_a_full_count_after_every_write(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    try:
        ids = seed(store, DOCS)
        kept = _check(store)
        assert kept[("articles", "")] == 9
        assert kept[("outlet", "العربية")] == 3 and ("outlet", "None") not in kept
        assert kept[("topic", "سياسة")] == 5
        with store.tx() as conn:
            for key in ("d0", "d1", "d2"):
                outbox.add(conn, Post(ids[key], "tg", "نص"))
                outbox.add(conn, Post(ids[key], "web", "نص"))
            outbox.mark_sent(conn, 1, "r1")
            outbox.mark_failed(conn, 2, "x")
        store.record_event(stage="fetch", kind="error", code="fetch.timeout")
        store.record_event(stage="dedupe", kind="drop", code="drop.duplicate")
        store.record_event(stage="dedupe", kind="drop", code="drop.duplicate")
        kept = _check(store)
        assert kept[("posts", "pending")] == 4 and kept[("channel", "web")] == 3
        assert kept[("events", "drop/drop.duplicate")] == 2
        a, t = schema.articles, schema.search_facets
        with store.tx() as conn:  # the counted columns change; a facet is re-indexed
            conn.execute(a.update().where(a.c.id == ids["d4"]).values(duplicate_of=ids["d3"]))
            conn.execute(a.update().where(a.c.id == ids["d5"]).values(outlet="الشرق"))
            conn.execute(a.update().where(a.c.id == ids["d6"]).values(title="عنوان آخر"))
            conn.execute(t.update().where(t.c.article_id == ids["d7"]).values(value="رياضة"))
            articles.tombstone(conn, ids["d8"])
            index_article(conn, ids["d8"])  # its facets leave the index
        kept = _check(store)
        assert kept[("duplicates", "")] == 1 and kept[("outlet", "الشرق")] == 1
        assert kept[("topic", "رياضة")] == 1
        with store.tx() as conn:  # rows deleted
            conn.execute(sa.delete(schema.post_parts))
            conn.execute(sa.delete(schema.posts).where(schema.posts.c.channel == "web"))
            conn.execute(sa.delete(schema.events).where(schema.events.c.kind == "error"))
        kept = _check(store)
        assert ("channel", "web") not in kept and ("events", "error/fetch.timeout") not in kept
        with store.read() as conn:  # an import into another database counts as inserts
            out = io.StringIO()
            archive.export_jsonl(conn, out)
        with _second_store(db_url, tmp_path) as other:
            with other.tx() as conn:
                archive.import_jsonl(conn, io.StringIO(out.getvalue()))
            assert _check(other)[("articles", "")] == 9
        with store.tx() as conn:
            counts.compact(conn)
        assert _check(store) == kept
        with store.read() as conn:  # what the pages read
            assert queries.outlets(conn) == sorted(k for (kd, k) in kept if kd == "outlet")
            assert queries.channels(conn) == ["tg"]
            m = queries.metrics(conn)
            assert m["articles"] == 9 and m["duplicates"] == 1
            assert ("drop", "drop.duplicate", 2) in m["events"]
    finally:
        store.close()


@contextmanager
def _second_store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """An empty database beside the test's own (a file, or a database on the same server)."""
    if db_url.startswith("sqlite"):
        other = Store(f"sqlite:///{tmp_path / 'copy.db'}")
        try:
            yield other
        finally:
            other.close()
        return
    url = sa.make_url(db_url)
    name = f"{url.database}_copy"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    other = Store(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield other
    finally:
        other.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_postgresql_writers_never_wait_on_a_counter(pg_url: str) -> None:
    """Two open transactions that both change the same counts: the second does not block (a
    shared counter row would make it wait for the first to commit), and both land."""
    store = Store(pg_url)
    try:
        art, enr = make_article("x", {"title": "خبر", "body": "نص", "outlet": "العربية"})
        first = store.engine.connect()
        tx = first.begin()
        first.execute(
            schema.events.insert().values(
                at=sa.func.now(), stage="fetch", kind="error", code="fetch.timeout"
            )
        )
        articles.insert(first, art, enr)
        done = threading.Event()

        def second() -> None:
            with store.tx() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '3s'")
                store_event = schema.events.insert().values(
                    at=sa.func.now(), stage="fetch", kind="error", code="fetch.timeout"
                )
                conn.execute(store_event)
                a2, e2 = make_article("y", {"title": "خبر آخر", "body": "نص", "outlet": "العربية"})
                articles.insert(conn, a2, e2)
            done.set()

        worker = threading.Thread(target=second)
        worker.start()
        worker.join(10)
        assert done.is_set(), "the second writer waited for the first one's counters"
        tx.commit()
        first.close()
        with store.read() as conn:
            assert counts.total(conn, "articles") == 2
            assert counts.totals(conn, "outlet") == {"العربية": 2}
            assert counts.totals(conn, "events") == {"error/fetch.timeout": 2}
        with store.tx() as conn:
            assert counts.compact(conn) >= 3
        with store.read() as conn:
            assert (
                conn.execute(sa.select(sa.func.count()).select_from(schema.count_deltas)).scalar()
                == 0
            )
        _check(store)
    finally:
        store.close()


def test_migration_counts_the_rows_already_stored(db_url: str) -> None:
    """A database upgraded to 64 with articles in it starts with their counts."""
    from nashra.store.db import create_engine
    from nashra.store.migrations import migrate

    engine = create_engine(db_url)
    migrate(engine, upto=63)
    with engine.begin() as conn:
        for key, doc in list(DOCS.items())[:4]:
            art, _ = make_article(key, doc)
            conn.execute(
                schema.articles.insert().values(
                    identity=art.identity, source=art.source, url=art.url, title=art.title,
                    outlet=art.outlet, blocks=[], categories=[], method="feed",
                    match_title=art.match_title, match_text=art.match_text,
                    content_hash=art.content_hash, created_at=sa.func.now(),
                    updated_at=sa.func.now(),
                )
            )  # fmt: skip
    migrate(engine)
    with engine.connect() as conn:
        assert counts.snapshot(conn) == counts.recount(conn)
        assert counts.total(conn, "articles") == 4
    engine.dispose()
