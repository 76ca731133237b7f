"""Faults 9 and 13 (web), over a real socket with uvicorn configured as ``nashra serve`` runs it:

- held and rejected posts were public on the article pages; Telegram posts showed ``&lt;b&gt;``;
- the login throttle locked the admin out, and a rotating ``X-Forwarded-For`` bypassed it;
- ``/feed.json`` built its links from the ``Host`` header.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from nashra.models import Post, PostState
from nashra.settings import load_config
from nashra.store import Store, outbox
from nashra.web import create_app
from nashra.web.app import server_config
from nashra.web.security import hash_password
from tests.search.seed import seed
from tests.web.conftest import free_port

PASSWORD = "كلمة-سر-طويلة"
TG_TEXT = '<b>عنوان &amp; خبر</b>\nالفقرة الأولى من الخبر\n🔍 <a href="https://e.org/a">اقرأ</a>'


@dataclass
class Web:
    base: str
    article: int


def _serve(folder: object, *, base_url: str = "") -> Iterator[Web]:
    from pathlib import Path

    assert isinstance(folder, Path)
    config = load_config(
        data={
            "database": {"url": f"sqlite:///{folder / 'web.db'}"},
            "web": {"base_url": base_url},
            "channels": [
                {"name": "posts", "kind": "directory", "path": str(folder / "posts")},
                {"name": "tg", "kind": "telegram", "chat_id": "@c", "token_env": "NO_SUCH_VAR"},
            ],
        },
        env={},
    )
    store = Store(config.database_url)
    ids = seed(
        store,
        {
            "one": {
                "title": "خبر للاختبار",
                "body": "نص الخبر للاختبار.",
                "outlet": "وكالة",
                "published": "2025-05-04T12:00:00+03:00",
            }
        },
    )
    aid = ids["one"]
    with store.tx() as conn:
        for channel, state, text in (
            ("posts", PostState.HELD, "نص محجوز للمراجعة"),
            ("posts", PostState.REJECTED, "نص رفضه المحرر"),
            ("posts", PostState.UNKNOWN, "نص مجهول المصير"),
            ("tg", PostState.SENT, TG_TEXT),
        ):
            outbox.add(
                conn,
                Post(article_id=aid, channel=channel, text=text, title="خبر", url="https://e.org"),
                state,
            )
    app = create_app(config, store=store, password_hash=hash_password(PASSWORD))
    sock = free_port()
    server = uvicorn.Server(server_config(app, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    host, port = sock.getsockname()
    yield Web(f"http://{host}:{port}", aid)
    server.should_exit = True
    thread.join(5)
    sock.close()
    store.close()


@pytest.fixture
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    yield from _serve(tmp_path_factory.mktemp("webfaults"))


def test_held_rejected_and_unknown_posts_stay_private(web: Web) -> None:
    html = httpx.get(f"{web.base}/article/{web.article}").text
    assert "نص محجوز للمراجعة" not in html
    assert "نص رفضه المحرر" not in html
    assert "نص مجهول المصير" not in html
    assert "الفقرة الأولى من الخبر" in html  # the sent post is there


def test_telegram_posts_show_as_formatted_text_not_markup(web: Web) -> None:
    for path in ("/", f"/article/{web.article}"):
        html = httpx.get(web.base + path).text
        assert "&lt;b&gt;" not in html and "&amp;lt;" not in html, path
    html = httpx.get(f"{web.base}/article/{web.article}").text
    assert "<b>عنوان &amp; خبر</b>" in html  # the post as its channel shows it
    assert 'href="https://e.org/a"' in html


def _csrf(c: httpx.Client) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/admin/login").text)
    assert m
    return m.group(1)


def _login(c: httpx.Client, password: str, **headers: str) -> int:
    r = c.post(
        "/admin/login",
        data={"csrf": _csrf(c), "password": password, "next": "/admin"},
        headers=headers,
    )
    return r.status_code


def test_an_attack_never_locks_out_the_admin_with_a_known_browser(web: Web) -> None:
    with httpx.Client(base_url=web.base) as admin, httpx.Client(base_url=web.base) as attacker:
        assert _login(admin, PASSWORD) == 303  # the admin's browser is now trusted
        admin.cookies.delete("nashra_session")
        for _ in range(30):  # from the same address (the same host, or the same proxy)
            assert _login(attacker, "wrong-guess") == 403
        assert _login(attacker, PASSWORD) == 403, "the attacker is throttled, right or wrong"
        assert _login(admin, PASSWORD) == 303, "the admin was locked out by someone else"


def test_rotating_forwarded_for_does_not_bypass_the_throttle(web: Web) -> None:
    with httpx.Client(base_url=web.base) as attacker:
        codes = [
            _login(attacker, "wrong-guess", **{"X-Forwarded-For": f"10.0.{i}.{i}"})
            for i in range(12)
        ]
        assert codes == [403] * 12
        body = attacker.post(
            "/admin/login",
            data={"csrf": _csrf(attacker), "password": PASSWORD, "next": "/admin"},
            headers={"X-Forwarded-For": "10.9.9.9"},
        )
        assert body.status_code == 403 and "محاولات كثيرة" in body.text


def test_feed_links_never_come_from_the_host_header(web: Web) -> None:
    r = httpx.get(f"{web.base}/feed.json", headers={"Host": "evil.example"})
    assert r.status_code == 200
    assert "evil.example" not in r.text
    assert r.json()["feed_url"] == f"{web.base}/feed.json"


def test_feed_links_use_the_configured_public_address(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    for w in _serve(tmp_path_factory.mktemp("webbase"), base_url="https://news.example.org/"):
        feed = httpx.get(f"{w.base}/feed.json", headers={"Host": "evil.example"}).json()
        assert feed["feed_url"] == "https://news.example.org/feed.json"
        assert all(i["id"].startswith("https://news.example.org/") for i in feed["items"])
