"""The windows-1256 page: bare text/html, declared in its <meta>, decodes to the right Arabic."""

from __future__ import annotations

import re
from typing import Any

import httpx
import lxml.html
import pytest


def test_the_legacy_page_decodes_by_its_meta_charset(base: str, manifest: dict[str, Any]) -> None:
    [(path, charset)] = manifest["legacy_charsets"].items()
    assert charset == "windows-1256"
    response = httpx.get(base + path)
    assert response.headers["content-type"] == "text/html"  # nothing but the meta to go on
    raw = response.content
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    declared = re.search(rb'<meta[^>]+charset=([\w-]+)"', raw[:1024])
    assert declared is not None
    assert declared.group(1).decode() == "windows-1256"
    text = raw.decode(declared.group(1).decode())
    title = next(a["title"] for a in manifest["articles"] if a["path"] == path)
    assert lxml.html.document_fromstring(text).xpath("//h1/text()") == [title]
    # lxml honours the meta declaration by itself when given bytes
    tree = lxml.html.document_fromstring(raw)
    assert tree.xpath("//h1/text()") == [title]
    body = " ".join(tree.xpath("//div[@class='post-body']/p/text()"))
    assert re.search("[\u0621-\u064a]{4}", body)
    assert not re.search("[ØÙ]", body)  # no mojibake
