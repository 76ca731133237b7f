"""A real archive (SQLite file) served by uvicorn on 127.0.0.1, and a real headless Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from nashra.models import Post, PostState
from nashra.render import Renderer
from nashra.settings import load_config
from nashra.store import Store, articles, outbox, sources
from nashra.web import create_app
from nashra.web.security import hash_password
from tests.search.search_cases_loader import DOCS
from tests.search.seed import seed

PASSWORD = "كلمة-سر-للاختبار"
STORY = 1
XSS_TITLE = '<script>window.__nashra_pwned=1</script>"><img src=x onerror=alert(1)>'


@dataclass
class Site:
    base: str
    store: Store
    ids: dict[str, int]
    posts: dict[str, int]


def _post(article_id: int, title: str, text: str, hashtags: tuple[str, ...] = ()) -> Post:
    return Post(
        article_id=article_id,
        channel="posts",
        text=text,
        title=title,
        url="https://e.org",
        hashtags=hashtags,
    )


def populate(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    docs: dict[str, dict[str, Any]] = dict(DOCS)
    docs["xss"] = {
        "title": XSS_TITLE,
        "body": "نص عادي بعد عنوان عدائي.",
        "outlet": "<b>منفذ</b>",
        "published": "2025-05-04T12:00:00+03:00",
    }
    # A story is keyed by its first article's id (``washington``, stored first: id 1); the
    # later members point at it.
    docs["sdf"] = {**docs["sdf"], "story_id": STORY}
    # One tag stored with its "#" (as some feeds give them): the page must not show "##".
    docs["washington"] = {**docs["washington"], "hashtags": ["#واشنطن", "وفد_رسمي"]}
    docs["washington2"] = {**DOCS["washington"], "outlet": "صحيفة ب", "story_id": STORY}
    ids = seed(store, docs)
    assert ids["washington"] == STORY
    states = {
        "washington": PostState.SENT,
        "shadda": PostState.HELD,
        "sdf": PostState.UNKNOWN,
        "oil": PostState.FAILED,
        "xss": PostState.SENT,
        "trade": PostState.PENDING,
        "hamza": PostState.HELD,
    }
    posts: dict[str, int] = {}
    with store.tx() as conn:
        for key, state in states.items():
            d = docs[key]
            text = d["title"] + "\n\n" + d["body"]
            pid = outbox.add(conn, _post(ids[key], d["title"], text, d.get("hashtags", ())), state)
            assert pid is not None
            posts[key] = pid
        posts["hamza_held"] = posts.pop("hamza")
        # A Telegram channel with review: its held posts are Telegram HTML; the oil story is
        # excluded by the channel's filters (it must not be offered for approval).
        tg = Renderer("telegram.html.j2")
        for key in ("tatweel", "oil"):
            found = articles.get(conn, ids[key])
            assert found is not None
            post = replace(tg.render(found[0], found[1], "tg"), image="https://example.org/a.jpg")
            if key == "tatweel":  # several pictures: the review queue previews an album
                album = tuple(f"https://example.org/{c}.jpg" for c in "abcdefg")
                post = replace(post, images=album)
            pid = outbox.add(conn, post, PostState.HELD)
            assert pid is not None
            posts[f"tg_{key}"] = pid
        sources.upsert(conn, "وكالة أ", "https://a.example/feed", "feed")
        sources.upsert(conn, "صحيفة ب", "https://b.example/rss", "feed")
        sources.set_enabled(conn, "صحيفة ب", False)
    return ids, posts


def site_config(folder: Path) -> dict[str, Any]:
    return {
        "database": {"url": f"sqlite:///{folder / 'web.db'}"},
        "channels": [
            {"name": "posts", "kind": "directory", "path": str(folder / "posts")},
            {
                "name": "tg",
                "kind": "telegram",
                "chat_id": "@nashra_test",
                "token_env": "NASHRA_TEST_BOT_TOKEN",
                "review": True,
                "exclude": {"keywords": ["النفط"]},
            },
        ],
    }


def free_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """The app under uvicorn on a free loopback port; yields its base URL."""
    sock = free_port()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    host, port = sock.getsockname()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web")
    config = load_config(data=site_config(folder), env={})
    store = Store(config.database_url)
    ids, posts = populate(store)
    app = create_app(config, store=store, password_hash=hash_password(PASSWORD))
    with serve_app(app) as base:
        yield Site(base, store, ids, posts)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="package")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium through chromedriver. Missing binaries FAIL the test (CI installs them)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            "chromium and chromedriver are required: apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1000,1300",
        "--lang=ar",
        # Offline and fast: every host but loopback fails at once instead of waiting on DNS.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        opts.add_argument(arg)
    # What Accept-Language says (headless Chromium ignores --lang for it): an Arabic reader.
    opts.add_experimental_option("prefs", {"intl.accept_languages": "ar,en"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
