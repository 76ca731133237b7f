"""Hostile-input-safe parsing helpers shared by the sitemap, page and OPML readers.

Every parser here is built with entity expansion, DTD loading and network access off and the
huge-tree guard on, so a billion-laughs document, an external entity pointing at ``file:///``
or a DTD on the network cannot make Nashra read, fetch or expand anything. Gzip bodies are
inflated with a bound on the *output*, so a small bomb cannot grow past the cap.
"""

from __future__ import annotations

import re
import zlib

from lxml import etree
from lxml import html as lxml_html

from nashra.errors import ParseError

__all__ = [
    "GZIP_MAGIC",
    "MAX_INFLATED",
    "gunzip_bounded",
    "html_parser",
    "root_name",
    "xml_parser",
]

GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATED = 15 * 1024 * 1024  # the same cap the fetch layer puts on a decoded body
_CHUNK = 64 * 1024

# The start of a document: BOM, XML declaration, comments, processing instructions and a
# DOCTYPE (with an internal subset) may come before the root element's name.
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.S | re.I
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def xml_parser(*, recover: bool = True) -> etree.XMLParser:
    """An XML parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def html_parser() -> lxml_html.HTMLParser:
    """An HTML parser with network access off and the huge-tree guard on."""
    return lxml_html.HTMLParser(
        no_network=True, huge_tree=False, remove_comments=True, remove_pis=True
    )


def root_name(body: bytes, *, limit: int = 8192) -> str | None:
    """The local name of the document's root element (lower case), from the first bytes."""
    head = body[:limit]
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, limit)
        except zlib.error:
            return None
    for utf16 in (b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(utf16):
            codec = "utf-16-le" if utf16 == b"\xff\xfe" else "utf-16-be"
            head = head[2:].decode(codec, "ignore").encode("utf-8")
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    found = _ROOT.match(rest)
    return found.group(2).decode("ascii").lower() if found else None


def gunzip_bounded(data: bytes, limit: int = MAX_INFLATED, *, where: str | None = None) -> bytes:
    """Inflate a gzip body, refusing to produce more than ``limit`` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = data
    try:
        while pending or not inflater.eof:
            room = limit - len(out)
            piece = inflater.decompress(pending, min(_CHUNK, room + 1))
            out += piece
            if len(out) > limit:
                raise ParseError(
                    f"الملف المضغوط أكبر من الحد بعد فكّه — gzip body inflates past {limit} bytes",
                    where=where,
                )
            pending = inflater.unconsumed_tail
            if not piece and not pending:
                break
    except zlib.error as exc:
        raise ParseError(f"ملف gzip تالف — corrupt gzip body: {exc}", where=where) from exc
    return bytes(out)
