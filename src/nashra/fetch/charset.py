"""Bytes to text for feeds and pages, with Arabic legacy encodings decoded right.

Evidence is weighed in this order: a byte-order mark; the HTTP ``Content-Type`` charset; the
document's own declaration (``<?xml encoding=…?>``, ``<meta charset>``, ``<meta http-equiv>``);
for XML, the UTF-8 default of the XML spec; last, sniffing with charset-normalizer. A piece of
evidence is dropped when the bytes refute it:

* the bytes do not decode under it (e.g. "utf-8" on windows-1256 bytes) → the next evidence;
* it names a single-byte charset, but the bytes are valid UTF-8 with non-ASCII in them → UTF-8
  (legacy Arabic text is essentially never valid UTF-8 by chance: its letters are runs of bytes
  ≥ 0xC1, which UTF-8 never allows);
* it names a Latin charset, the text comes out as Latin letters, and the sniffer recognises an
  Arabic charset → the sniffer's answer (the classic "ÇáÚÑÈíÉ" mojibake).

Labels follow the WHATWG table where it matters: ``iso-8859-1`` / ``ascii`` mean windows-1252;
``utf-7`` and bytes-to-bytes codecs (``rot13``, ``base64``…) are never used.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

import charset_normalizer

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WHATWG = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254"}
_REFUSED = {"utf-7"}
_ARABIC = {"cp1256", "iso8859-6", "cp720", "cp864", "mac-arabic"}
_HEADER_RE = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_XML_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']\s*([\w.:+-]+)""", re.IGNORECASE)
_META_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 64 * 1024
_HTML_SCAN = 16 * 1024


def codec_name(label: str | None) -> str | None:
    """Python's canonical name for a charset label, or None if unknown or refused."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return _WHATWG.get(info.name, info.name)


def header_charset(content_type: str | None) -> str | None:
    """The raw ``charset`` parameter of a ``Content-Type`` header, if any."""
    if not content_type:
        return None
    match = _HEADER_RE.search(content_type)
    return match.group(1) if match else None


def declared_charset(body: bytes, kind: Literal["xml", "html"]) -> str | None:
    """The charset the document declares for itself (XML declaration or HTML meta)."""
    head = body[:_HTML_SCAN]
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    match = _XML_RE.match(head)
    if match:
        return match.group(1).decode("ascii")
    if kind == "html":
        match = _META_RE.search(head)
        if match:
            label = match.group(1).decode("ascii")
            # A meta tag read as ASCII cannot really mean UTF-16/32 (WHATWG: use UTF-8).
            return "utf-8" if label.lower().startswith(("utf-16", "utf-32")) else label
    return None


def _single_byte(codec: str) -> bool:
    return not codec.startswith(("utf-", "utf_")) and codec not in {
        "big5",
        "gb2312",
        "gbk",
        "gb18030",
        "shift_jis",
        "euc_jp",
        "euc_kr",
        "cp949",
        "iso2022_jp",
    }


def _looks_latin(text: str) -> bool:
    high = [c for c in text if ord(c) > 0x7F]
    latin = sum(1 for c in high if "\u00c0" <= c <= "\u024f")
    return bool(high) and latin / len(high) > 0.6


def _sniff(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body[:_SNIFF_BYTES]).best()
    return codec_name(best.encoding) if best is not None else None


def _try(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(body: bytes, content_type: str | None, kind: Literal["xml", "html"]) -> tuple[str, str]:
    """Decode ``body``; returns (text, the Python codec name that was used)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _try(body[len(bom) :], codec)
            if text is not None:
                return text, codec
            break
    labels = [header_charset(content_type), declared_charset(body, kind)]
    if kind == "xml":
        labels.append("utf-8")  # the XML default when nothing is declared
    candidates = [c for c in dict.fromkeys(codec_name(x) for x in labels) if c is not None]

    has_high = not body.isascii()
    utf8 = _try(body, "utf-8") if has_high else None
    for codec in candidates:
        if utf8 is not None and codec != "utf-8" and _single_byte(codec):
            return utf8, "utf-8"
        text = _try(body, codec)
        if text is None:
            continue
        if has_high and codec not in _ARABIC and _single_byte(codec) and _looks_latin(text):
            sniffed = _sniff(body)
            if sniffed in _ARABIC:
                arabic = _try(body, sniffed)
                if arabic is not None:
                    return arabic, sniffed
        return text, codec
    if not has_high:
        return body.decode("ascii", errors="replace"), "ascii"
    if utf8 is not None:
        return utf8, "utf-8"
    sniffed = _sniff(body)
    if sniffed is not None:
        return body.decode(sniffed, errors="replace"), sniffed
    return body.decode("utf-8", errors="replace"), "utf-8"
