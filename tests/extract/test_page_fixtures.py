"""Self-describing Arabic page fixtures (``pages/*.html``), one quirk each.

Each file opens with a comment holding ``Description:`` and the expected result, one field a
line (a value may go on over indented lines):

``URL``, ``Source`` (the configured source name, given to extraction as the feed entry's
source), ``Title``, ``Author`` (``none``: no byline), ``Outlet``, ``Published`` (ISO 8601 with
the zone: the instant *and* the offset must match), ``First-block``, ``Body-is`` (the blocks,
separated by `` || ``), ``Body-has`` / ``Body-lacks`` (snippets separated by `` | ``) and
``Drop`` (the page is a ``Rejected`` drop with this reason).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from nashra.errors import Rejected
from nashra.extract import extract_page
from nashra.models import Discovered

PAGES = sorted((Path(__file__).resolve().parent / "pages").glob("*.html"))
_FIELD = re.compile(r"^([A-Z][\w-]*):\s?(.*)$")


def header(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    comment = text[text.index("<!--") + 4 : text.index("-->")]
    fields: dict[str, str] = {}
    last = None
    for line in comment.splitlines():
        found = _FIELD.match(line.strip()) if not line.startswith("  ") else None
        if found:
            last = found[1]
            fields[last] = found[2].strip()
        elif last and line.strip():
            fields[last] += " " + line.strip()
    return fields


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_page_fixture(path: Path) -> None:
    want = header(path)
    assert "Description" in want and "URL" in want, "a fixture says what it tests"
    hint = Discovered(source=want["Source"], url=want["URL"]) if "Source" in want else None
    html = path.read_bytes()
    if "Drop" in want:
        with pytest.raises(Rejected) as drop:
            extract_page(html, want["URL"], hint=hint)
        assert drop.value.reason == want["Drop"]
        return
    got = extract_page(html, want["URL"], hint=hint)
    blocks = [b.text for b in got.blocks]
    if "Title" in want:
        assert got.title == want["Title"]
    if "Author" in want:
        assert got.author == (None if want["Author"] == "none" else want["Author"])
    if "Outlet" in want:
        assert got.outlet == want["Outlet"]
    if "Published" in want:
        expected = datetime.fromisoformat(want["Published"])
        assert got.published == expected
        assert got.published is not None and got.published.utcoffset() == expected.utcoffset()
    if "First-block" in want:
        assert blocks[0] == want["First-block"]
    if "Body-is" in want:
        assert blocks == want["Body-is"].split(" || ")
    for snippet in filter(None, want.get("Body-has", "").split(" | ")):
        assert snippet in got.text
    for snippet in filter(None, want.get("Body-lacks", "").split(" | ")):
        assert snippet not in got.text, f"{snippet!r} leaked into the body"
        assert snippet not in got.title
