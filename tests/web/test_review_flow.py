"""The editor's flow end to end, with real parts: an RSS site, the pipeline (``nashra once``), the
local Bot API, the web app under uvicorn and Chromium.

A channel with ``review = true`` and an ``exclude`` rule: the excluded article is never held (it
is skipped at ingest and never appears in the queue); the other is edited in the plain-text form,
approved, sent exactly once, then edited after sending from the outbox, and the channel's message
changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from typer.testing import CliRunner

from nashra.cli import app
from nashra.settings import load_config
from nashra.store import Store, schema
from nashra.testing import FakeTelegram
from nashra.web import create_app
from nashra.web.security import hash_password
from tests.pipeline.conftest import SAMPLE_PAGE, rss
from tests.sitekit import serve
from tests.web.conftest import PASSWORD, serve_app

pytestmark = pytest.mark.browser
TOKEN = "123456:TEST-review-flow"
EXCLUDED = "مباراة كرة القدم"


def _config(tmp: Path, feed: str, api: str) -> Path:
    cfg = tmp / "nashra.toml"
    cfg.write_text(
        f"""
[database]
url = "sqlite:///{tmp / "flow.db"}"
[fetch]
allow_networks = ["127.0.0.0/8"]
per_host_delay = 0
[[sources]]
name = "الحل نت"
url = "{feed}"
first_run = "post_all"
[[channels]]
name = "tg"
kind = "telegram"
chat_id = "@flow"
token_env = "NASHRA_FLOW_TOKEN"
api_base = "{api}"
review = true
pace = {{ per_window = 100, window_seconds = 1, min_gap = 0 }}
exclude = {{ keywords = ["{EXCLUDED}"] }}
""",
        encoding="utf-8",
    )
    return cfg


def _once(cfg: Path) -> None:
    result = CliRunner().invoke(app, ["once", "-c", str(cfg), "--no-progress"])
    assert result.exit_code == 0, result.output


def _posts(store: Store) -> dict[str, tuple[int, str, bool]]:
    p, a = schema.posts, schema.articles
    with store.read() as conn:
        rows = conn.execute(
            sa.select(a.c.title, p.c.id, p.c.state, p.c.needs_edit).join(
                a, a.c.id == p.c.article_id
            )
        ).all()
    return {str(t): (int(i), str(s), bool(e)) for t, i, s, e in rows}


def _login(driver: Any, base: str, path: str) -> None:
    driver.get(base + path)
    if "/admin/login" in driver.current_url:
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login").click()
        WebDriverWait(driver, 10).until(lambda d: "/admin/login" not in d.current_url)


def test_held_edited_approved_sent_once_then_edited(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NASHRA_FLOW_TOKEN", TOKEN)
    with serve() as site, FakeTelegram({TOKEN}) as fake:
        fake.add_chat("@flow")
        page = site.add("/article.html", SAMPLE_PAGE.read_bytes())
        body = f"<p>نقل مباشر: {EXCLUDED} بين الفريقين مساء اليوم في العاصمة.</p>" * 3
        site.add(
            "/feed",
            rss(
                [
                    {"title": "خطر داعش", "link": page, "guid": page},
                    {
                        "title": "مباراة الليلة",
                        "link": site.base + "/gone.html",  # 404: the feed's text is kept
                        "guid": "match-1",
                        "content": body,
                    },
                ]
            ),
            content_type="application/rss+xml",
        )
        cfg = _config(tmp_path, site.base + "/feed", fake.url)
        _once(cfg)
        config = load_config(cfg)
        store = Store(config.database_url)
        posts = _posts(store)
        held = next(v for k, v in posts.items() if "داعش" in k)
        excluded = posts["مباراة الليلة"]
        assert held[1] == "held"
        assert excluded[1] == "skipped"  # never held: the channel's filters exclude it
        assert fake.accepted == []  # nothing goes out before an editor approves

        web = create_app(config, store=store, password_hash=hash_password(PASSWORD))
        with serve_app(web) as base:
            _login(browser, base, "/admin/review")
            assert browser.find_elements(By.ID, f"review-{excluded[0]}") == []
            card = browser.find_element(By.ID, f"review-{held[0]}")
            # The post as the channel will show it: bold headline, the link as a link.
            preview = card.find_element(By.CSS_SELECTOR, ".preview .body")
            assert preview.find_element(By.TAG_NAME, "b").text.startswith("خطر")
            album = card.find_elements(By.CSS_SELECTOR, ".preview .album img")  # its 2 pictures
            assert [i.get_attribute("src").rsplit("/", 1)[-1] for i in album] == [
                "isis-iraq-syria.jpg",
                "border-wall.jpg",
            ]
            links = card.find_elements(By.CSS_SELECTOR, ".preview .body a")
            assert page in [a.get_attribute("href") for a in links]
            box = card.find_element(By.TAG_NAME, "textarea")
            plain = box.get_attribute("value")
            assert "<b>" not in plain and "&#34;" not in plain and "&quot;" not in plain
            lines = plain.split("\n")
            edited = [*lines[:3], "تحديث: هذا سطر أضافه المحرر <مهم> & عاجل.", *lines[3:]]
            box.clear()
            box.send_keys("\n".join(edited))
            card.find_element(By.CSS_SELECTOR, 'button[value="save_approve"]').click()
            WebDriverWait(browser, 10).until(
                lambda d: d.find_elements(By.ID, f"review-{held[0]}") == []
            )
            assert _posts(store)[next(k for k in posts if "داعش" in k)][1] == "pending"

            _once(cfg)
            _once(cfg)  # a second cycle sends nothing more
            msgs = fake.messages("@flow")
            assert len(msgs) >= 1
            first = msgs[0]
            # the sample article has two pictures: an album (its headline as the caption), then
            # the text (tests/publish/test_telegram_albums.py has the album's own checks)
            assert [m.method for m in msgs[:2]] == ["sendMediaGroup"] * 2
            assert [m.photo for m in msgs[:2]] == [
                "https://7al.net/wp-content/uploads/2025/10/isis-iraq-syria.jpg",
                "https://7al.net/wp-content/uploads/2025/10/border-wall.jpg",
            ]
            joined = "\n".join(m.text for m in msgs)
            assert joined.count("تحديث: هذا سطر أضافه المحرر <مهم> & عاجل.") == 1  # sent once
            assert "<b>" in first.source  # the unchanged headline kept its markup
            assert all("مباراة" not in m.text for m in msgs)
            n_sent = len(msgs)

            # Edit after sending, from the outbox.
            browser.get(base + "/admin/outbox")
            row = browser.find_element(By.ID, f"post-{held[0]}")
            row.find_element(By.TAG_NAME, "summary").click()
            box = row.find_element(By.TAG_NAME, "textarea")
            text = box.get_attribute("value").replace("تحديث:", "تصحيح:")
            box.clear()
            box.send_keys(text)
            row.find_element(By.CSS_SELECTOR, "form.edit button").click()
            key = next(k for k in posts if "داعش" in k)
            WebDriverWait(browser, 10).until(lambda _d: _posts(store)[key][2])  # needs an edit
            WebDriverWait(browser, 10).until(lambda d: f"#post-{held[0]}" in d.current_url)

        _once(cfg)
        msgs = fake.messages("@flow")
        assert len(msgs) == n_sent  # edited in place, not sent again
        joined = "\n".join(m.text for m in msgs)
        assert "تصحيح: هذا سطر أضافه المحرر" in joined and "تحديث:" not in joined
        assert any(m.edits for m in msgs)
        assert _posts(store)[next(k for k in posts if "داعش" in k)][1:] == ("sent", False)

        # Delete it from the channel, from the outbox: every message goes, nothing comes back.
        with serve_app(
            create_app(config, store=store, password_hash=hash_password(PASSWORD))
        ) as base:
            _login(browser, base, "/admin/outbox")
            row = browser.find_element(By.ID, f"post-{held[0]}")
            row.find_element(By.CSS_SELECTOR, "form.delete-sent button").click()
            WebDriverWait(browser, 10).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, f"#outbox-deleted #post-{held[0]}")
            )
        assert fake.messages("@flow") == []  # what a reader of the channel sees now
        sent = [m for m in fake.accepted if m.chat_id == "@flow"]
        assert len(sent) == n_sent and all(m.deleted for m in sent)
        assert _posts(store)[next(k for k in posts if "داعش" in k)][1] == "deleted"
        _once(cfg)
        assert len([m for m in fake.accepted if m.chat_id == "@flow"]) == n_sent  # not resent
        store.close()
