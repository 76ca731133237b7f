"""Every page in a real Chromium: light and dark, Arabic and English, 1280 px and a 390 px phone.

Per combination: the page loads, its language and direction follow the interface language, the
colour scheme changes the background, and on the phone nothing overflows horizontally and no
visible element lies outside the viewport. A screenshot of each is saved beside the test;
``NASHRA_UPDATE_SCREENSHOTS=1`` writes them to ``docs/screenshots/`` instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.conftest import ROOT
from tests.web.conftest import PASSWORD, STORY, Site

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots"

PAGES = {
    "home": "/",
    "article": "/article/{washington}",
    "story": f"/story/{STORY}",
    "stories": "/stories",
    "search": "/search?q=واشنطن",
    "trends": "/trends",
    "entities": "/entities",
    "login": "/admin/login",
    "admin": "/admin",
    "sources": "/admin/sources",
    "outbox": "/admin/outbox",
    "review": "/admin/review",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

# Elements whose box lies outside the viewport on the phone (ignoring invisible ones and those
# clipped by a scrolling or clamped ancestor, which a reader never sees outside).
OUTSIDE = """
const w = document.documentElement.clientWidth;
const out = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const s = getComputedStyle(el);
  if (s.visibility === 'hidden' || s.display === 'none') continue;
  if (r.left < -1 || r.right > w + 1) {
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
             (el.className && typeof el.className === 'string' ? '.' + el.className : '') +
             ' [' + Math.round(r.left) + ',' + Math.round(r.right) + ']');
  }
}
return out.slice(0, 10);
"""


def _emulate(driver: Any, width: int, height: int, scheme: str) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def _login(driver: Any, site: Site) -> None:
    driver.get(site.base + "/admin")
    if "/admin/login" not in driver.current_url:
        return
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    WebDriverWait(driver, 10).until(lambda d: "/admin/login" not in d.current_url)


def _set_lang(driver: Any, site: Site, lang: str) -> None:
    driver.get(f"{site.base}/lang/{lang}?next=/")


@pytest.fixture(scope="module")
def signed_in(browser: Any, site: Site) -> Any:
    _login(browser, site)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    _set_lang(browser, site, "ar")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_page(
    signed_in: Any, site: Site, lang: str, scheme: str, width: str, tmp_path: Path
) -> None:
    driver = signed_in
    _set_lang(driver, site, lang)
    w, h = WIDTHS[width]
    _emulate(driver, w, h, scheme)
    folder = SHOTS if os.environ.get("NASHRA_UPDATE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    problems: dict[str, Any] = {}
    backgrounds = set()
    for name, path in PAGES.items():
        driver.get(site.base + path.format(**site.ids))
        html = driver.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == lang, name
        assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr"), name
        assert "Internal Server Error" not in driver.page_source, name
        # The stylesheet loaded under the CSP (a blocked sheet leaves the default margin).
        assert driver.execute_script("return getComputedStyle(document.body).marginTop") == "0px"
        backgrounds.add(
            driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        )
        if width == "phone":
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            outside = driver.execute_script(OUTSIDE)
            if overflow > 0 or outside:
                problems[name] = (overflow, outside)
        shot = folder / f"{name}-{lang}-{scheme}-{width}.png"
        assert driver.save_screenshot(str(shot)), name
        assert shot.stat().st_size > 5_000
    assert problems == {}, problems
    light, dark = "rgb(246, 246, 244)", "rgb(21, 23, 26)"
    assert backgrounds == {dark if scheme == "dark" else light}


def test_dark_and_light_differ_and_english_is_english(signed_in: Any, site: Site) -> None:
    driver = signed_in
    _set_lang(driver, site, "en")
    _emulate(driver, 1280, 900, "light")
    driver.get(site.base + "/admin/review")
    text = driver.find_element(By.TAG_NAME, "main").text
    assert "Review queue" in text and "Approve" in text
    # Content stays Arabic and right to left inside an English page.
    head = driver.find_element(By.CSS_SELECTOR, ".preview .body")
    assert head.get_attribute("dir") == "rtl"
    assert driver.execute_script("return getComputedStyle(arguments[0]).direction", head) == "rtl"
    light = driver.get_screenshot_as_png()
    _emulate(driver, 1280, 900, "dark")
    driver.get(site.base + "/admin/review")
    assert driver.get_screenshot_as_png() != light
