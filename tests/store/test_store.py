"""The store on both databases: migrations, articles, and the outbox state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nashra.models import Article, Block, BlockKind, Enrichment, Post, PostState
from nashra.store import Store, articles, outbox, schema, sources
from nashra.store.migrations import MIGRATIONS


def make_article(n: int = 1) -> Article:
    return Article(
        identity=f"url:https://e.org/{n}",
        source="مصدر",
        url=f"https://e.org/{n}",
        title=f"عنوان {n}",
        blocks=(Block(BlockKind.PARAGRAPH, "نص الخبر"),),
        published=datetime(2025, 10, 7, 11, 53, 41, tzinfo=UTC),
        match_title=f"عنوان {n}",
        match_text="نص الخبر",
        content_hash=f"h{n}",
    )


def post_for(article_id: int, channel: str = "c") -> Post:
    return Post(
        article_id=article_id, channel=channel, text="نص", title="عنوان", url="https://e.org"
    )


def test_migrations_apply_once(db_url: str) -> None:
    store = Store(db_url)
    store.close()
    store = Store(db_url)  # a second open applies nothing new
    with store.read() as conn:
        versions = conn.execute(sa.select(schema.schema_migrations.c.version)).scalars().all()
    store.close()
    assert sorted(versions) == sorted(v for v, _, _ in MIGRATIONS)


def test_article_round_trip_keeps_offset_and_enrichment(db_url: str) -> None:
    store = Store(db_url)
    a = make_article()
    e = Enrichment(hashtags=("داعش",), topic="politics")
    with store.tx() as conn:
        aid = articles.insert(conn, a, e)
    with store.read() as conn:
        got = articles.get(conn, aid)
    store.close()
    assert got is not None
    back, enrichment = got
    assert back.title == a.title and back.blocks == a.blocks
    assert back.published == a.published and back.published.utcoffset() == timedelta(0)
    assert enrichment.hashtags == ("داعش",) and enrichment.topic == "politics"


def test_outbox_keeps_order_and_never_resends_unknown(db_url: str) -> None:
    store = Store(db_url)
    with store.tx() as conn:
        ids = [articles.insert(conn, make_article(i), None) for i in range(3)]
        for aid in ids:
            assert outbox.add(conn, post_for(aid)) is not None
        assert outbox.add(conn, post_for(ids[0])) is None  # one post per article per channel
    with store.tx() as conn:
        first = outbox.claim(conn, "c")
        assert first is not None and first.article_id == ids[0]
        assert outbox.claim(conn, "c") is None  # one in flight per channel
    with store.tx() as conn:
        assert first.id is not None
        outbox.mark_retry(conn, first.id, datetime.now(UTC) + timedelta(hours=1), "429")
        assert outbox.claim(conn, "c") is None  # the head waits; order is kept
        outbox.mark_unknown(conn, first.id, "timeout after send")
        second = outbox.claim(conn, "c")
        assert second is not None and second.article_id == ids[1]
        assert second.id is not None
        outbox.mark_sent(conn, second.id, "m-2")
    with store.read() as conn:
        counts = outbox.counts(conn)
        unknown = outbox.get(conn, first.id)
    assert counts == {"unknown": 1, "sent": 1, "pending": 1}
    assert unknown is not None and unknown.state is PostState.UNKNOWN
    with store.tx() as conn:
        assert outbox.resolve(conn, first.id, "resend")
        assert not outbox.resolve(conn, first.id, "approve")  # not a held post
    store.close()


def test_crash_between_send_and_record_becomes_unknown(db_url: str) -> None:
    store = Store(db_url)
    with store.tx() as conn:
        aid = articles.insert(conn, make_article(), None)
        outbox.add(conn, post_for(aid))
        claimed = outbox.claim(conn, "c", at=datetime.now(UTC) - timedelta(hours=1))
    assert claimed is not None
    with store.tx() as conn:
        assert outbox.recover_stale(conn, timedelta(minutes=10)) == 1
        assert outbox.counts(conn) == {"unknown": 1}
        assert outbox.claim(conn, "c") is None
    store.close()


def test_source_state_and_disable(db_url: str) -> None:
    store = Store(db_url)
    with store.tx() as conn:
        sources.upsert(conn, "س", "https://e.org/feed", None)
        for i in range(3):
            n = sources.record_error(
                conn,
                "س",
                code="fetch.timeout",
                message="مهلة",
                next_poll_at=datetime.now(UTC),
                error_limit=3,
            )
            assert n == i + 1
        state = sources.get(conn, "س")
    assert state is not None and state.disabled and state.last_error_code == "fetch.timeout"
    store.close()
