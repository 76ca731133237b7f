"""canonical_url and friends, driven by self-describing cases in data/url_cases.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nashra.dedupe.urls import canonical_url, is_root_url, is_web_url

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "url_cases.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_canonical_url(case: dict[str, Any]) -> None:
    assert canonical_url(case["url"]) == case["expect"]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_canonical_url_is_idempotent(case: dict[str, Any]) -> None:
    once = canonical_url(case["url"])
    assert canonical_url(once) == once


def test_different_articles_stay_apart() -> None:
    forms = {
        canonical_url(u)
        for u in (
            "https://example.com/news/1",
            "https://example.com/news/2",
            "https://example.com/article.php?id=1",
            "https://example.com/article.php?id=2",
            "https://other.example.com/news/1",
        )
    }
    assert len(forms) == 5


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,hi", False),
        ("https:///nohost", False),
        (None, False),
        ("", False),
    ],
)
def test_is_web_url(url: str | None, ok: bool) -> None:
    assert is_web_url(url) is ok


def test_root_urls() -> None:
    assert is_root_url(canonical_url("https://www.example.com/"))
    assert is_root_url("https://example.com")
    assert not is_root_url("https://example.com/?p=12")
    assert not is_root_url("https://example.com/news/1")
