"""WordPress channel against the fake REST API over real sockets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nashra.channels import Channel, build_channel
from nashra.models import Block, BlockKind, Enrichment
from nashra.settings import ChannelConfig, load_config
from nashra.testing.faults import Faults
from nashra.testing.wordpress import FakeWordPress
from tests.publish.pubkit import article, make_store, queue, run, states

IMAGE = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def wordpress(url: str, **extra: object) -> Channel:
    options = {"url": url, "user": "editor", "password_env": "WP_TEST_PASSWORD", "timeout": 2.0}
    options.update(extra)
    config = load_config(data={"fetch": {"allow_networks": ["127.0.0.0/8"], "obey_robots": False}})
    return build_channel(ChannelConfig("wp", "wordpress", options), config)


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WP_TEST_PASSWORD", "abcd efgh")


def _hostile(n: int, image: str) -> object:
    a = article(n, image=image)
    evil = Block(BlockKind.PARAGRAPH, "<script>alert(1)</script> نص بعد الوسم")
    return replace(a, blocks=(*a.blocks, evil))


def test_post_with_tags_category_image_and_clean_body(tmp_path: Path) -> None:
    with FakeWordPress() as wp:
        import http.server
        import threading

        class Img(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                return None

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(IMAGE)))
                self.end_headers()
                self.wfile.write(IMAGE)

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Img)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        image = f"http://127.0.0.1:{srv.server_address[1]}/lead.png"
        store = make_store(tmp_path)
        ch = wordpress(wp.url)
        enrichment = Enrichment(hashtags=("الأردن", "اقتصاد"), topic="اقتصاد")
        queue(store, ch, [_hostile(1, image)], enrichment)  # type: ignore[list-item]
        run(store, [ch])
        srv.shutdown()
        srv.server_close()
    assert states(store) == {1: "sent"}
    assert len(wp.posts) == 1
    post = wp.posts[0]
    assert post["title"] == "عنوان الخبر رقم 1 <عاجل> & مهم"
    assert "<script" not in post["content"] and "نص بعد الوسم" in post["content"]
    assert 'href="https://example.org/news/1"' in post["content"]
    assert [t["name"] for t in wp.terms["tags"]] == ["الأردن", "اقتصاد"]
    assert post["categories"] == [wp.terms["categories"][0]["id"]]
    assert post["featured_media"] == wp.media[0]["id"] and wp.media[0]["size"] == len(IMAGE)
    assert post["slug"] == "nashra-1" and post["meta"]["nashra_post_id"] == 1


def test_lost_reply_after_creation_does_not_duplicate(tmp_path: Path) -> None:
    faults = Faults(timeout_after=1.0, hang=3.0)
    with FakeWordPress(faults=faults) as wp:
        store = make_store(tmp_path)
        queue(store, wordpress(wp.url, featured_image=False), [article(1), article(2)])
        run(store, [wordpress(wp.url, featured_image=False)], budget=1.0)
        faults.timeout_after = 0.0
        from nashra.store import schema

        with store.tx() as conn:  # the retry is due now instead of in 30 s
            conn.execute(schema.posts.update().values(next_attempt_at=None))
        run(store, [wordpress(wp.url, featured_image=False)])
    assert set(states(store).values()) == {"sent"}
    assert sorted(p["slug"] for p in wp.posts) == ["nashra-1", "nashra-2"]


def test_wrong_password_pauses_the_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WP_TEST_PASSWORD", "wrong")
    with FakeWordPress() as wp:
        store = make_store(tmp_path)
        ch = wordpress(wp.url, featured_image=False)
        queue(store, ch, [article(1)])
        report = run(store, [ch])
    assert "رفض WordPress" in report.paused["wp"] and "401" in report.paused["wp"]
    assert states(store) == {1: "pending"} and wp.posts == []


def test_author_without_rights_gets_403_and_pauses(tmp_path: Path) -> None:
    with FakeWordPress() as wp:
        wp.readonly.add("editor")
        store = make_store(tmp_path)
        ch = wordpress(wp.url, featured_image=False)
        queue(store, ch, [article(1)])
        report = run(store, [ch])
    assert "403" in report.paused["wp"]


def test_a_sent_post_can_be_deleted_to_the_trash(tmp_path: Path) -> None:
    import asyncio

    from nashra.store import outbox

    with FakeWordPress() as wp:
        store = make_store(tmp_path)
        ch = wordpress(wp.url)
        queue(store, ch, [article(1)])
        run(store, [ch])
        with store.read() as conn:
            post = outbox.get(conn, 1)
        assert post is not None and post.remote_id == str(wp.posts[0]["id"])
        remote = post.remote_id

        async def delete() -> None:
            try:
                await ch.delete(remote)
            finally:
                await ch.aclose()

        asyncio.run(delete())
        assert wp.posts[0]["status"] == "trash" and len(wp.posts) == 1
