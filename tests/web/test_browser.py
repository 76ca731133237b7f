"""The web UI in a real headless Chromium: reading, Arabic search, login, the review queue."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from nashra.store import schema
from tests.conftest import ROOT
from tests.web.conftest import PASSWORD, Site

pytestmark = pytest.mark.browser
SCREENSHOT = ROOT / "docs" / "screenshots" / "home.png"


def _search(driver: Any, site: Site, text: str) -> list[str]:
    driver.get(site.base + "/search")
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, "go").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "results"))
    return [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#results mark")]


def test_home_is_rtl_and_screenshot(browser: Any, site: Site, tmp_path: Path) -> None:
    browser.get(site.base + "/")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    # The stylesheet loaded under the CSP (a blocked sheet would leave the default margin).
    assert browser.execute_script("return getComputedStyle(document.body).marginTop") == "0px"
    posts = browser.find_elements(By.CSS_SELECTOR, "article.post")
    assert posts and "وفد يصل" in browser.page_source
    # Saved beside the test; NASHRA_UPDATE_SCREENSHOTS=1 refreshes the copy in docs/.
    shot = SCREENSHOT if os.environ.get("NASHRA_UPDATE_SCREENSHOTS") else tmp_path / "home.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_phone_width_has_no_horizontal_scroll(browser: Any, site: Site) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(site.base + "/")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        browser.set_window_size(1000, 1300)


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ("واشنطن", "وواشنطن"),  # a clitic on the published word
        ("ينفذ", "ينفّذ"),  # shadda in the published word
        ("يُنَفِّذ", "ينفّذ"),  # harakat in the query
        ("الرقه", "الرقّة"),  # ة typed as ه
    ],
)
def test_arabic_search_in_the_browser(browser: Any, site: Site, query: str, marked: str) -> None:
    marks = _search(browser, site, query)
    assert marked in marks
    assert browser.find_elements(By.ID, "no-results") == []


def test_search_with_nothing_found(browser: Any, site: Site) -> None:
    assert _search(browser, site, "كلمةلاتوجد") == []
    assert browser.find_element(By.ID, "no-results").is_displayed()


def test_login_and_approve_a_held_post(browser: Any, site: Site) -> None:
    pid = site.posts["shadda"]
    browser.get(site.base + "/admin/review")
    assert "/admin/login" in browser.current_url  # sent to the login page first
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 10).until(lambda d: "/admin/login" not in d.current_url)
    assert browser.current_url.endswith("/admin/review"), browser.page_source[-1500:]
    form = browser.find_element(By.ID, f"review-{pid}")
    form.find_element(By.CSS_SELECTOR, 'button[value="approve"]').click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, f"review-{pid}") == [])
    assert browser.find_elements(By.ID, f"review-{pid}") == []
    with site.store.read() as conn:
        t = schema.posts
        state = conn.execute(sa.select(t.c.state).where(t.c.id == pid)).scalar()
    assert state == "pending"


def test_screenshot_is_committed_path() -> None:
    assert Path("docs/screenshots/home.png").as_posix() == SCREENSHOT.relative_to(ROOT).as_posix()
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
