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
    "wide_encoding",
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


# XML 1.0 Appendix F: the first four bytes of a document name its UTF-16/32 form, BOM or not.
_AUTODETECT: tuple[tuple[bytes, str, int], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\x00<\x00?", "utf-16-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
)


def wide_encoding(body: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when the bytes are UTF-16 or UTF-32 by XML's autodetection rules."""
    for prefix, codec, skip in _AUTODETECT:
        if body.startswith(prefix):
            return codec, skip
    return None


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
    wide = wide_encoding(head)
    if wide is not None:
        head = head[wide[1] :].decode(wide[0], "ignore").encode("utf-8")
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
