"""RSS 2.0, RSS 1.0, Atom and JSON Feed through feedparser, always from bytes we fetched."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from typing import Any

import feedparser
from dateutil import parser as dateutil_parser

from nashra.arabic.dates import parse_date
from nashra.dedupe.urls import is_web_url
from nashra.errors import ParseError
from nashra.fetch import charset
from nashra.images import Candidate, collect, in_html, merge
from nashra.models import Discovered, Fetched, Listing, SourceSpec
from nashra.sources._xml import root_name, wide_encoding
from nashra.sources.base import register
from nashra.sources.jsonfeed import parse_json_feed

_DECL_ENCODING = re.compile(r"""(\A\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
_FEED_ROOTS = ("rss", "feed", "rdf", "channel")
_JSON_FEED = re.compile(rb'^\s*\{.*"version"\s*:\s*"https://jsonfeed\.org/version/', re.S)


def as_utf8(fetched: Fetched) -> tuple[bytes, dict[str, str], str]:
    """The feed re-encoded as UTF-8, with headers and declaration saying so, and the codec
    Nashra's charset rules chose (header, declaration, BOM, then sniffing: windows-1256 and
    ISO-8859-6 feeds that declare nothing, or declare a Latin charset, still read right).
    feedparser then never guesses an encoding of its own."""
    headers = {k.lower(): v for k, v in fetched.headers.items()}
    wide = wide_encoding(fetched.body)
    if wide is not None and wide[0].startswith("utf-32"):  # the charset rules stop at UTF-16
        codec = wide[0]
        text = fetched.body[wide[1] :].decode(codec, "replace")
    else:
        text, codec = charset.decode(fetched.body, headers.get("content-type"), "xml")
    text = _DECL_ENCODING.sub(r"\g<1>utf-8\g<2>", text.lstrip("\ufeff"), count=1)
    # Without a Content-Type, feedparser takes response headers as text/xml (RFC 3023's
    # us-ascii default) and garbles every non-ASCII letter: always say what the bytes are.
    # Outlets often serve feeds as text/plain, text/html or octet-stream; the bytes decide.
    media = (headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if not any(word in media for word in ("xml", "rss", "atom", "rdf")):
        media = "application/xml"
    headers["content-type"] = f"{media}; charset=utf-8"
    return text.encode("utf-8", "replace"), headers, codec


def _date(raw: str | None, parsed: Any) -> datetime | None:
    """Keep the offset the outlet gave when the raw string carries one."""
    if raw:
        try:
            d = dateutil_parser.parse(raw)
            if d.tzinfo is not None:
                return d
        except (ValueError, OverflowError):
            pass
        got = parse_date(raw)
        if got is not None:
            return got
    if parsed:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        v = value.strip()
        return v or None
    return None


def _image(entry: Any) -> str | None:
    for media in entry.get("media_content", []) + entry.get("media_thumbnail", []):
        url = media.get("url")
        if is_web_url(url):
            return str(url)
    for link in entry.get("links", []):
        is_image = str(link.get("type", "")).startswith("image/")
        if link.get("rel") == "enclosure" and is_image and is_web_url(link.get("href")):
            return str(link["href"])
    img = entry.get("image")
    if isinstance(img, dict) and is_web_url(img.get("href")):
        return str(img["href"])
    return None


def _images(entry: Any, base: str | None) -> tuple[str, ...]:
    """Every picture the entry offers: media:content, image enclosures, the entry's image,
    media:thumbnail, then the ``<img>`` of its content (nashra.images keeps the usable ones)."""
    found: list[Candidate] = []
    for media in entry.get("media_content", []):
        kind = str(media.get("medium") or media.get("type") or "image")
        if kind == "image" or kind.startswith("image/"):
            found.append(Candidate(media.get("url"), media.get("width"), media.get("height")))
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            found.append(Candidate(link.get("href")))
    img = entry.get("image")
    if isinstance(img, dict):
        found.append(Candidate(img.get("href")))
    for media in entry.get("media_thumbnail", []):
        found.append(Candidate(media.get("url"), media.get("width"), media.get("height")))
    inline = in_html(_content(entry), base) + in_html(_text(entry.get("summary")), base)
    return merge(collect(found, base), inline)


def _content(entry: Any) -> str | None:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best or None


def entry_to_discovered(entry: Any, source: str, outlet: str | None) -> Discovered:
    link = _text(entry.get("link"))
    return Discovered(
        source=source,
        url=link if is_web_url(link) else None,
        guid=_text(entry.get("id")),
        title=_text(entry.get("title")),
        summary_html=_text(entry.get("summary")),
        content_html=_content(entry),
        author=_text(entry.get("author")),
        published=_date(entry.get("published"), entry.get("published_parsed")),
        updated=_date(entry.get("updated"), entry.get("updated_parsed")),
        categories=tuple(t["term"].strip() for t in entry.get("tags", []) if _text(t.get("term"))),
        image=_image(entry),
        outlet=outlet,
        images=_images(entry, link if is_web_url(link) else None),
    )


@register("feed", order=10)
class FeedAdapter:
    kind = "feed"

    def sniff(self, fetched: Fetched) -> bool:
        head = fetched.body[:4096].lstrip(b"\xef\xbb\xbf")
        return root_name(fetched.body) in _FEED_ROOTS or bool(_JSON_FEED.match(head))

    def parse(self, fetched: Fetched, spec: SourceSpec) -> Listing:
        if _JSON_FEED.match(fetched.body[:4096].lstrip(b"\xef\xbb\xbf")):
            return parse_json_feed(fetched, spec)
        body, headers, _codec = as_utf8(fetched)
        headers.setdefault("content-location", fetched.url)
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True)
        # A document feedparser recognised as a feed with no entries is an empty feed; one it
        # did not recognise, or a broken one with nothing readable in it, is a failure.
        understood = parsed.feed.get("title") or (parsed.version and not parsed.bozo)
        if not parsed.entries and not understood:
            why = parsed.get("bozo_exception") or "no entries"
            raise ParseError(
                f"الخلاصة غير قابلة للقراءة: {why} — the feed cannot be read", where=fetched.url
            )
        outlet = _text(parsed.feed.get("title"))
        ttl: float | None = None
        raw_ttl = parsed.feed.get("ttl")
        if isinstance(raw_ttl, str) and raw_ttl.strip().isdigit():
            ttl = float(raw_ttl.strip())
        items = tuple(entry_to_discovered(e, spec.name, outlet) for e in parsed.entries)
        return Listing(items=items, title=outlet, ttl_minutes=ttl, kind="feed")
