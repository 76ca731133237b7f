"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org): feedparser 6 does not read it, so we do."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from dateutil import parser as dateutil_parser

from nashra.dedupe.urls import is_web_url
from nashra.errors import ParseError
from nashra.images import collect, in_html, merge
from nashra.models import Discovered, Fetched, Listing, SourceSpec


def _s(v: Any) -> str | None:
    return v.strip() or None if isinstance(v, str) else None


def _date(v: Any) -> datetime | None:
    text = _s(v)
    if not text:
        return None
    try:
        return dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        return None


def _images(raw: dict[str, Any], content: str | None, base: str | None) -> tuple[str, ...]:
    """``image``, ``banner_image``, image ``attachments`` (their ``mime_type``), then the
    ``<img>`` of ``content_html``."""
    found: list[str | None] = [_s(raw.get("image")), _s(raw.get("banner_image"))]
    attachments = raw.get("attachments")
    for att in attachments if isinstance(attachments, list) else []:
        if isinstance(att, dict) and str(att.get("mime_type", "")).startswith("image/"):
            found.append(_s(att.get("url")))
    return merge(collect(found, base), in_html(content, base))


def _author(item: dict[str, Any], feed: dict[str, Any]) -> str | None:
    for holder in (item, feed):
        authors = holder.get("authors")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict):
            return _s(authors[0].get("name"))
        author = holder.get("author")
        if isinstance(author, dict):
            return _s(author.get("name"))
    return None


def parse_json_feed(fetched: Fetched, spec: SourceSpec) -> Listing:
    try:
        data = json.loads(fetched.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"خلاصة JSON غير صالحة: {exc}", where=fetched.url) from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError(
            "خلاصة JSON بلا عناصر — a JSON Feed needs an items list", where=fetched.url
        )
    outlet = _s(data.get("title"))
    items = []
    for raw in data["items"]:
        if not isinstance(raw, dict):
            continue
        url = _s(raw.get("url")) or _s(raw.get("external_url"))
        content = _s(raw.get("content_html"))
        if content is None and _s(raw.get("content_text")):
            from html import escape

            text = str(raw["content_text"])
            content = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
        image = _s(raw.get("image")) or _s(raw.get("banner_image"))
        tags = raw.get("tags")
        items.append(
            Discovered(
                source=spec.name,
                url=url if is_web_url(url) else None,
                guid=_s(raw.get("id")) if raw.get("id") is not None else None,
                title=_s(raw.get("title")),
                summary_html=_s(raw.get("summary")),
                content_html=content,
                author=_author(raw, data),
                published=_date(raw.get("date_published")),
                updated=_date(raw.get("date_modified")),
                categories=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
                image=image if is_web_url(image) else None,
                outlet=outlet,
                images=_images(raw, content, url if is_web_url(url) else None),
            )
        )
    return Listing(items=tuple(items), title=outlet, kind="feed")
