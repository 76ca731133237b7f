"""Every file in tests/fixtures/sources describes itself in its leading comment:

    Description: what the case is about
    Header: Name: value          simulated response headers (any number)
    URL: https://…               the address it was fetched from (default below)
    Kind: feed|sitemap|page      the configured kind; absent = detected from the content
    LinkSelector: css            the source's link_selector
    Expect: <expression>         one check each, over ``listing``, ``items`` and ``kind``

A gzip file carries the same comment inside its compressed document. One test runs them all.
"""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from nashra.arabic import clean_display, normalize
from nashra.models import Fetched, SourceSpec
from nashra.sources import adapter_for, detect_kind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
DEFAULT_URL = "https://example.com/source"
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_FIELD = re.compile(r"^(Description|Header|URL|Kind|LinkSelector|Expect):\s*(.*)$", re.M)


def _meta(raw: bytes) -> dict[str, list[str]]:
    plain = gzip.decompress(raw) if raw.startswith(b"\x1f\x8b") else raw
    match = _COMMENT.search(plain.decode("utf-8", "replace"))
    assert match, "each fixture starts with a describing comment"
    fields: dict[str, list[str]] = {}
    for name, value in _FIELD.findall(match.group(1)):
        fields.setdefault(name, []).append(value.strip())
    return fields


def _cases() -> list[Any]:
    cases = []
    for path in sorted(FIXTURES.iterdir()):
        meta = _meta(path.read_bytes())
        assert meta.get("Description") and meta.get("Expect"), path.name
        for i, expect in enumerate(meta["Expect"]):
            cases.append(pytest.param(path, expect, id=f"{path.name}:{i + 1}"))
    return cases


def _run(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    meta = _meta(raw)
    headers = {}
    for line in meta.get("Header", []):
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    url = (meta.get("URL") or [DEFAULT_URL])[0]
    fetched = Fetched(url=url, status=200, headers=headers, body=raw)
    configured = (meta.get("Kind") or [None])[0]
    kind = configured or detect_kind(fetched)
    spec = SourceSpec(
        name="fixture",
        url=url,
        kind=configured,  # type: ignore[arg-type]
        link_selector=(meta.get("LinkSelector") or [None])[0],
    )
    listing = adapter_for(kind).parse(fetched, spec)
    return {"listing": listing, "items": listing.items, "kind": kind}


@pytest.mark.parametrize(("path", "expect"), _cases())
def test_fixture(path: Path, expect: str) -> None:
    names = {
        "datetime": datetime,
        "date": date,
        "timedelta": timedelta,
        "timezone": timezone,
        "UTC": UTC,
        "clean_display": clean_display,
        "normalize": normalize,
    }
    names.update(_run(path))
    assert eval(expect, {"__builtins__": __builtins__}, names), expect


def test_every_fixture_is_checked() -> None:
    kinds = {p.name.split("_", 1)[0] for p in FIXTURES.iterdir()}
    assert kinds == {"feed", "sitemap", "page"}
