"""The bundled demo's archive in Chromium: what a new user sees after ``make demo``.

The stories page lists the stories ``nashra stories`` lists (the outlet and the aggregator that
reposted it); the home cards carry real extracted articles. Screenshots: ``demo-*.png``
(refreshed with ``NASHRA_UPDATE_SCREENSHOTS=1``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from nashra.cli import app
from nashra.settings import load_config
from nashra.store import Store
from nashra.web import create_app
from tests.conftest import ROOT
from tests.web.conftest import serve_app

pytestmark = pytest.mark.browser
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = tmp_path_factory.mktemp("demo-web") / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cfg = out / "nashra.toml"
    config = load_config(cfg)
    store = Store(config.database_url)
    with serve_app(create_app(config, store=store, password_hash=None)) as base:
        yield base, cfg
    store.close()


def _shot(driver: Any, name: str, tmp: Path) -> None:
    folder = ROOT / "docs" / "screenshots" if os.environ.get("NASHRA_UPDATE_SCREENSHOTS") else tmp
    assert driver.save_screenshot(str(folder / name))


def test_demo_stories_page_lists_what_the_cli_lists(
    browser: Any, demo: tuple[str, Path], tmp_path: Path
) -> None:
    base, cfg = demo
    listed = runner.invoke(app, ["stories", "-c", str(cfg), "--min-articles", "2", "--json"])
    assert listed.exit_code == 0, listed.output
    cli = {s["id"] for s in json.loads(listed.stdout)["stories"]}
    assert cli, "the demo has multi-outlet stories"
    browser.set_window_size(1280, 900)
    browser.get(base + "/stories")
    links = browser.find_elements(By.CSS_SELECTOR, ".story-list a")
    shown = {int(a.get_attribute("href").rsplit("/", 1)[1]) for a in links}
    assert shown == cli
    links[0].click()
    assert browser.find_elements(By.CSS_SELECTOR, ".timeline li")
    _shot(browser, "demo-story.png", tmp_path)


def test_demo_home_cards(browser: Any, demo: tuple[str, Path], tmp_path: Path) -> None:
    base, _cfg = demo
    browser.set_window_size(1280, 900)
    browser.get(base + "/")
    cards = browser.find_elements(By.CSS_SELECTOR, "article.post")
    assert len(cards) >= 10
    for card in cards:
        assert card.find_element(By.CSS_SELECTOR, ".headline a").text.strip()
        assert card.find_element(By.CSS_SELECTOR, ".meta .outlet").text.strip()
        lead = card.find_element(By.CSS_SELECTOR, ".lead")
        # two lines at most, whatever the length of the first paragraph
        height = browser.execute_script("return arguments[0].getBoundingClientRect().height", lead)
        line = browser.execute_script(
            "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", lead
        )
        assert height <= 2 * line + 1
        assert "##" not in card.text
    assert any(c.find_elements(By.CSS_SELECTOR, ".others") for c in cards)  # reposted stories
    _shot(browser, "demo-home.png", tmp_path)
    browser.get(base + "/search?q=" + "تونس")
    _shot(browser, "demo-search.png", tmp_path)
