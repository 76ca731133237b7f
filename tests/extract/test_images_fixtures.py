"""An article's pictures from real-shaped pages and feeds: every file in tests/fixtures/images
describes itself, as tests/fixtures/sources do:

    Description: what the case is about
    URL: https://…               the address it was fetched from (default below)
    Expect: <expression>         one check each, over ``ex`` (a page's Extracted) or ``items``

``page_*.html`` go through ``extract_page``; ``feed_*.xml`` and ``sitemap_*.xml`` through their
source adapter; ``jsonfeed_*.json`` (JSON has no comments) carry the same fields in a
``_fixture`` object. One test runs every check.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from nashra.extract import extract_page
from nashra.models import Fetched, SourceSpec
from nashra.sources import adapter_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "images"
DEFAULT_URL = "https://example.com/source"
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_FIELD = re.compile(r"^(Description|URL|Expect):\s*(.*)$", re.M)


def _meta(path: Path) -> dict[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        fixture = json.loads(text)["_fixture"]
        return {"Description": [fixture["description"]], "Expect": list(fixture["expect"])}
    match = _COMMENT.search(text)
    assert match, f"{path.name} starts with a describing comment"
    fields: dict[str, list[str]] = {}
    for name, value in _FIELD.findall(match.group(1)):
        fields.setdefault(name, []).append(value.strip())
    return fields


def _cases() -> list[Any]:
    cases = []
    for path in sorted(FIXTURES.iterdir()):
        meta = _meta(path)
        assert meta.get("Description") and meta.get("Expect"), path.name
        for i, expect in enumerate(meta["Expect"]):
            cases.append(pytest.param(path, expect, id=f"{path.name}:{i + 1}"))
    return cases


def _run(path: Path) -> dict[str, Any]:
    url = (_meta(path).get("URL") or [DEFAULT_URL])[0]
    raw = path.read_bytes()
    if path.name.startswith("page_"):
        return {"ex": extract_page(raw, url)}
    kind = "sitemap" if path.name.startswith("sitemap_") else "feed"
    fetched = Fetched(url=url, status=200, headers={}, body=raw)
    listing = adapter_for(kind).parse(fetched, SourceSpec(name="fixture", url=url, kind=kind))
    return {"items": listing.items, "listing": listing}


@pytest.mark.parametrize(("path", "expect"), _cases())
def test_fixture(path: Path, expect: str) -> None:
    names = _run(path)
    assert eval(expect, {"__builtins__": __builtins__}, names), (expect, names)


def test_every_kind_of_fixture_is_there() -> None:
    kinds = {p.name.split("_", 1)[0] for p in FIXTURES.iterdir()}
    assert kinds == {"page", "feed", "jsonfeed", "sitemap"}
