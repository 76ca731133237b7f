"""An article's pictures: which image URLs are worth posting, in order, each once.

Every stage that finds pictures (feed entries, the page's metadata and body) gives candidates to
``collect``; ``merge`` joins the stages' tuples with the lead image first. A candidate is kept
when it is an absolute http(s) URL that does not name a tracking pixel, a logo, an icon, an
avatar, a sprite or a placeholder, is not a vector or an animation (Telegram sends neither as a
photo), and is not smaller than ``MIN_SIDE`` pixels where the page (or a resizer's ``WxH`` in the
URL) says its size. Two URLs are the
same picture when they differ only in scheme, a ``www.``, the query string or a WordPress-style
size suffix (``photo-300x200.jpg`` is ``photo.jpg``); the first one seen is kept.

Pure functions (lxml reads a feed entry's HTML); no network (whether Telegram can fetch a URL
is learnt when it is sent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

__all__ = [
    "MAX_IMAGES",
    "MIN_SIDE",
    "Candidate",
    "collect",
    "in_html",
    "merge",
    "picture_keys",
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
    r"/(?:logos?|icons?|favicons?|avatars?|sprites?|ads|banners?|emojis?|badges?|pixels?)/", re.I
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
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"(?<![0-9a-z])[0-9a-f]{16,}(?![0-9a-z])")
# yyyymm, yyyymmdd, yyyymmddhhmm[ss]: a day shared by different photos, not a picture's id
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:\d\d(?:\d{4}(?:\d\d)?)?)?")
_PATH_SIZE = re.compile(r"(?<![0-9])([1-9]\d{1,3})x([1-9]\d{1,3})(?![0-9])")
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
    sizes = _PATH_SIZE.findall(path)
    if sizes and width is None and height is None:  # a resizer's last WxH says the size
        width, height = sizes[-1]
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


def picture_keys(url: str) -> frozenset[str]:
    """Every key by which another URL is the same picture: ``same_key``, and on the same host
    the file's own ids (its UUIDs, hex digests and numbers of 6+ digits that are not dates, all
    of them alike) or its file name when it is long enough to be the picture's own. A resizer's
    path that embeds the original URL (``/fit-in/750x0/https%3A%2F%2F…``) is read for the
    embedded one. Crops of one photo (``…_v16_9_1600.jpeg`` / ``…_v1_1_400.jpeg``,
    ``16x9/name.jpg`` / ``1x1/name.jpg``) are one picture."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    inner = re.search(r"https?://[^?#]+", path)
    if inner:
        host = (urlsplit(inner.group(0)).hostname or host).lower().removeprefix("www.")
        path = urlsplit(inner.group(0)).path
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    keys = {same_key(url)}
    stem = _SIZE_SUFFIX.sub("", name).rsplit(".", 1)[0]
    if len(stem) >= 12:
        keys.add(f"{host}#file:{stem}")
    ids = _UUID.findall(name)
    rest = _UUID.sub(" ", name)
    ids += [t for t in _HEX.findall(rest) if re.search(r"[a-f]", t) and re.search(r"\d", t)]
    numbers = re.findall(r"(?<![0-9a-z])\d{6,}(?![0-9a-z])", rest)
    ids += [t for t in numbers if not _DATE.fullmatch(t)]
    if ids:  # every id of the file: a shared article id beside the photo's own is not enough
        keys.add(f"{host}#ids:{','.join(sorted(ids))}")
    return frozenset(keys)


def collect(
    candidates: Iterable[Candidate | str | None], base: str | None = None
) -> tuple[str, ...]:
    """The usable pictures among ``candidates``, in order, each once (``picture_keys``)."""
    out: list[str] = []
    seen: set[str] = set()
    for c in candidates:
        cand = c if isinstance(c, Candidate) else Candidate(c)
        url = usable(cand.url, base, cand.width, cand.height)
        if url is None:
            continue
        keys = picture_keys(url)
        if keys & seen:
            continue
        seen |= keys
        out.append(url)
        if len(out) >= MAX_IMAGES:
            break
    return tuple(out)


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
