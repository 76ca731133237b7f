"""An article's pictures: which image URLs are worth posting, in order, each once.

Every stage that finds pictures (feed entries, the page's metadata and body) gives candidates to
``collect``; ``merge`` joins the stages' tuples with the lead image first. A candidate is kept
when it is an absolute http(s) URL that does not name a tracking pixel, a logo, an icon, an
avatar, a sprite or a placeholder, is not a vector or an animation (Telegram sends neither as a
photo), and is not smaller than ``MIN_SIDE`` pixels where the page says its size. Two URLs are the
same picture when they differ only in scheme, a ``www.``, the query string or a WordPress-style
size suffix (``photo-300x200.jpg`` is ``photo.jpg``); the first one seen is kept.

Pure functions (lxml reads a feed entry's HTML); no network (whether Telegram can fetch a URL
is learnt when it is sent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

__all__ = [
    "MAX_IMAGES",
    "MIN_SIDE",
    "Candidate",
    "collect",
    "in_html",
    "merge",
    "same_key",
    "usable",
]

MAX_IMAGES = 20  # kept per article (a Telegram album takes 10)
MIN_SIDE = 200  # pixels: a smaller declared width or height is a thumbnail, an icon or a pixel

_NOT_A_PHOTO = re.compile(
    r"(?:^|[/_.\-])(?:logo|logos|icon|icons|favicon|avatar|avatars|gravatar|sprite|sprites"
    r"|pixel|spacer|blank|placeholder|emoji|emojis|badge|tracking|tracker|transparent|1x1"
    r"|loader|loading|lazy|share|social|ads?|banner-ad|author|profile)(?:$|[/_.\-?=&])",
    re.I,
)
_NOT_A_PHOTO_DIR = re.compile(
    r"/(?:logos?|icons?|favicons?|avatars?|sprites?|ads|emojis?|badges?|pixels?)/", re.I
)
_HOSTS_NOT_PHOTOS = (
    "doubleclick.net",
    "google-analytics.com",
    "googletagmanager.com",
    "facebook.com",
    "scorecardresearch.com",
    "gravatar.com",
    "feedburner.com",
    "feeds.feedburner.com",
    "pixel.wp.com",
    "stats.wp.com",
    "s.w.org",
)
_BAD_EXT = (".svg", ".svgz", ".gif", ".ico", ".bmp", ".tif", ".tiff")
_SIZE_SUFFIX = re.compile(r"-\d{2,4}x\d{2,4}(?=\.[a-z0-9]{3,4}$)", re.I)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A picture as a page or feed offers it: its URL (maybe relative) and declared size."""

    url: str | None
    width: int | str | None = None
    height: int | str | None = None


def _pixels(value: int | str | None) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    m = re.match(r"\s*(\d+)\s*(?:px)?\s*$", str(value))
    return int(m.group(1)) if m else None


def usable(
    url: str | None,
    base: str | None = None,
    width: int | str | None = None,
    height: int | str | None = None,
) -> str | None:
    """The absolute URL of a picture worth posting, or None."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if not url or url.startswith("data:"):
        return None
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if any(host == h or host.endswith("." + h) for h in _HOSTS_NOT_PHOTOS):
        return None
    path = parts.path.lower()
    if path.endswith(_BAD_EXT) or _NOT_A_PHOTO.search(path.rsplit("/", 1)[-1]):
        return None
    if _NOT_A_PHOTO_DIR.search(path):
        return None
    for side in (width, height):
        px = _pixels(side)
        if px is not None and px < MIN_SIDE:
            return None
    return url


def same_key(url: str) -> str:
    """What two URLs of the same picture share (scheme, www., query and size suffix dropped)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + _SIZE_SUFFIX.sub("", parts.path)


def collect(
    candidates: Iterable[Candidate | str | None], base: str | None = None
) -> tuple[str, ...]:
    """The usable pictures among ``candidates``, in order, each once."""
    out: dict[str, str] = {}
    for c in candidates:
        cand = c if isinstance(c, Candidate) else Candidate(c)
        url = usable(cand.url, base, cand.width, cand.height)
        if url is not None:
            out.setdefault(same_key(url), url)
        if len(out) >= MAX_IMAGES:
            break
    return tuple(out.values())


def merge(*groups: Iterable[str | None]) -> tuple[str, ...]:
    """Several stages' pictures as one tuple: the first group's first (the lead) first."""
    return collect(u for group in groups for u in group)


def in_html(markup: str | None, base: str | None = None) -> tuple[str, ...]:
    """The usable pictures of an HTML fragment (a feed entry's content), in order."""
    if not markup or "<img" not in markup.lower():
        return ()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ()
    found = []
    for img in root.iter("img"):
        url = next((img.get(a) for a in ("data-src", "data-original", "src") if img.get(a)), None)
        found.append(Candidate(url, img.get("width"), img.get("height")))
    return collect(found, base)
