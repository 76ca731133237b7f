"""charset.decode on self-describing cases (charset_cases.json) and on hostile odds and ends."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from nashra.fetch import charset
from tests.fetch.hostile_server import ARABIC

CASES = json.loads((Path(__file__).parent / "charset_cases.json").read_text())["cases"]
_BOM = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}


def _body(case: dict[str, object]) -> bytes:
    prefix = str(case["prefix"]).replace(
        "<!-- PAD -->", "<!--" + " " * int(case.get("pad", 0)) + "-->"
    )
    raw = (prefix + ARABIC + str(case["suffix"])).encode(str(case["encoding"]))
    return (_BOM[str(case["encoding"])] if case.get("bom") else b"") + raw


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:60] for c in CASES])
def test_cases(case: dict[str, object]) -> None:
    text, used = charset.decode(_body(case), case["content_type"], case["kind"])  # type: ignore[arg-type]
    assert used == case["expect"], case["why"]
    assert ARABIC in text
    assert "\ufeff" not in text
    assert not any(mark in text for mark in ("Ø", "Ù", "Ã"))  # no mojibake


def test_invalid_utf8_everywhere_is_replaced_not_raised() -> None:
    body = b"<p>" + bytes(range(0x80, 0x100)) * 3 + b"\xc3" + b"</p>"
    text, used = charset.decode(body, "text/html; charset=utf-8", "html")
    assert text.startswith("<p>") and text.endswith("</p>")
    assert used


def test_pure_ascii() -> None:
    assert charset.decode(b"<rss/>", None, "xml") == ("<rss/>", "utf-8")


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("text/html; charset=windows-1256", "windows-1256"),
        ('text/xml; charset="ISO-8859-6"', "ISO-8859-6"),
        ("text/html;charset=UTF-8;foo=bar", "UTF-8"),
        ("text/html", None),
        (None, None),
    ],
)
def test_header_charset(header: str | None, label: str | None) -> None:
    assert charset.header_charset(header) == label


def test_codec_names_follow_whatwg_where_it_matters() -> None:
    assert charset.codec_name("ISO-8859-1") == "cp1252"
    assert charset.codec_name("windows-1256") == "cp1256"
    assert charset.codec_name("arabic") == "iso8859-6"
    assert charset.codec_name("utf-7") is None
    assert charset.codec_name("base64") is None
