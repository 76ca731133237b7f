"""The publication and modification dates of an article, and where they came from.

Priority for the published date: the feed entry, then the page's metadata (meta tags, JSON-LD),
then the byline (``<time>``, date/byline elements in the article's region), then the article's
own URL (``/2025/10/07/``). A date is never taken from a related link: the byline search skips
links and related/sidebar boxes, and the URL rule reads only the article's own URL and its
canonical. Published and modified dates are kept apart, each in the zone the outlet gave.

A value with no zone (a bare date, a byline) takes the zone of another date on the same page
when there is one, else UTC, so that every datetime Nashra hands on is aware.
"""

from __future__ import annotations

import email.utils
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

import htmldate
from lxml.html import HtmlElement

from nashra.arabic.dates import choose_published, parse_date
from nashra.extract._meta import PageMeta, pruned_copy
from nashra.models import Discovered

__all__ = ["DateChoice", "choose_dates", "parse_stamp", "url_date"]

_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_NUMERIC = re.compile(r"^\d{9,13}$")
_URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[/_-]([01]?\d)[/_-]([0-3]?\d)(?!\d)"  # /2025/10/07/ or 2025-10-07
)
_URL_COMPACT = re.compile(r"/((?:19|20)\d\d)([01]\d)([0-3]\d)(?:/|[-_]|$)")  # /20251007/
_TEXT_ISO = re.compile(
    r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d\d)(?::(\d\d))?)?(?!\d)"
)
_TEXT_DMY = re.compile(
    r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2((?:19|20)\d\d)(?:\D{1,3}(\d{1,2}):(\d\d)(?::(\d\d))?)?"
)


@dataclass(frozen=True, slots=True)
class DateChoice:
    published: datetime | None
    modified: datetime | None
    source: str | None  # "feed" | "meta" | "byline" | "url" | "markup"


def _plausible(value: datetime, now: datetime) -> bool:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return _EARLIEST <= aware <= now + timedelta(days=2)


def parse_stamp(value: str) -> datetime | None:
    """A machine-written timestamp: ISO 8601, RFC 822 or a Unix epoch (s or ms)."""
    value = value.strip()
    if not value:
        return None
    if _NUMERIC.match(value):
        seconds = int(value) / (1000 if len(value) > 11 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    iso = value.replace("Z", "+00:00") if value.endswith("Z") else value
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    found = _TEXT_ISO.search(value)  # "2025-10-07 11:53" inside a longer stamp
    return _from_groups(found.groups()) if found else None


def _from_groups(groups: Iterable[str | None]) -> datetime | None:
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in groups)
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def _numbers_in_text(text: str) -> datetime | None:
    """A numeric date inside longer byline text (``Posted 07.10.2025, 11:53 by …``)."""
    raw = _DIGITS.sub(lambda m: str(int(m[0])), text)  # Eastern Arabic / Persian digits
    found = _TEXT_ISO.search(raw)
    if found:
        return _from_groups(found.groups())
    found = _TEXT_DMY.search(raw)
    if found:
        d, _, mo, y, h, mi, s = found.groups()
        day, month = int(d), int(mo)
        if month > 12 and day <= 12:  # month/day/year written the American way
            day, month = month, day
        return _from_groups((str(y), str(month), str(day), h, mi, s))
    return None


def _parse_byline_text(text: str, reference: datetime) -> datetime | None:
    """Arabic and Latin byline forms (``nashra.arabic.dates``), then a numeric date within."""
    return parse_date(text, reference) or _numbers_in_text(text)


def url_date(url: str | None) -> datetime | None:
    """A day-precise date in an article's own URL path, or None."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    found = _URL_DATE.search(path) or _URL_COMPACT.search(path)
    return _from_groups((*found.groups(), None, None, None)) if found else None


def _zone_of(values: Iterable[datetime | None]) -> tzinfo | None:
    return next((v.tzinfo for v in values if v is not None and v.tzinfo is not None), None)


def _aware(value: datetime | None, zone: tzinfo | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone or UTC)


def _first(values: Iterable[str], now: datetime) -> datetime | None:
    for raw in values:
        value = parse_stamp(raw)
        if value is not None and _plausible(value, now):
            return value
    return None


def _from_byline(meta: PageMeta, reference: datetime, now: datetime) -> datetime | None:
    """Machine stamps (``<time datetime>``) first, then the first byline text that parses."""
    for kind, raw in sorted(meta.byline, key=lambda c: c[0] != "iso"):  # stable: page order kept
        value = parse_stamp(raw) if kind == "iso" else _parse_byline_text(raw, reference)
        if value is not None and _plausible(value, now):
            return value
    return None


def _from_markup(tree: HtmlElement, *, extensive: bool, in_place: bool) -> datetime | None:
    """Last resort: htmldate's quick search on the page without its related links, sidebars
    and comments; then, only on pages not in Arabic script (its Latin free-text patterns read
    digits of unrelated Arabic text as days), its extensive search on the whole page."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pruned = pruned_copy(tree, in_place=in_place)
        found = htmldate.find_date(pruned, extensive_search=False, original_date=True)
        if not found and extensive:
            found = htmldate.find_date(tree, extensive_search=True, original_date=True)
    return _from_groups((*found.split("-"), None, None, None)) if found else None


def _page_zone(meta: PageMeta | None, now: datetime) -> tzinfo | None:
    """A zone other than UTC that the page writes one of its own stamps in, if any."""
    if meta is None:
        return None
    raws = [*meta.published, *meta.modified, *(v for k, v in meta.byline if k == "iso")]
    for raw in raws:
        value = parse_stamp(raw)
        offset = value.utcoffset() if value is not None else None
        if value is not None and offset and _plausible(value, now):
            return value.tzinfo
    return None


def _shown_zone(meta: PageMeta | None, instant: datetime, now: datetime) -> tzinfo | None:
    """The zone in which the page *shows* ``instant``: a byline text with a wall time that
    differs from its UTC time by whole quarter hours (``Brasília 03/05/2022 21:44`` for
    00:44Z; ``6 May 2022 - 2:00 a. m.`` for 21:00-05:00, shown in UTC)."""
    if meta is None:
        return None
    utc = instant.astimezone(UTC).replace(tzinfo=None)
    for kind, raw in meta.byline:
        if kind != "text" or not re.search(r"\d{1,2}:\d\d", raw):
            continue
        shown = _parse_byline_text(raw, now)
        if shown is None or (shown.hour, shown.minute) == (0, 0):
            continue
        delta = shown.replace(tzinfo=None, second=0, microsecond=0) - utc.replace(
            second=0, microsecond=0
        )
        if delta.total_seconds() % 900 == 0 and abs(delta) <= timedelta(hours=14):
            return UTC if not delta else timezone(delta)
    return None


def _is_arabic_page(tree: HtmlElement) -> bool:
    title = tree.find(".//title")
    text = (title.text_content() if title is not None else "")[:200]
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) * 2 > len(letters)


def choose_dates(
    hint: Discovered | None,
    meta: PageMeta | None,
    url: str,
    *,
    tree: HtmlElement | None = None,
    now: datetime | None = None,
    prune_in_place: bool = False,
) -> DateChoice:
    """Published and modified dates by priority: feed > meta > byline > URL > markup (the
    markup of ``tree``, pruned in place when ``prune_in_place``: the caller is done with it)."""
    now = now or datetime.now(UTC)
    feed_pub = hint.published if hint else None
    feed_mod = hint.updated if hint else None
    meta_pub = _first(meta.published, now) if meta else None
    meta_mod = _first(meta.modified, now) if meta else None
    byline = _from_byline(meta, now, now) if meta is not None else None
    own = url_date(url) or url_date(meta.canonical_url if meta else None)
    published, source = choose_published(
        [
            ("feed", feed_pub),
            ("meta", meta_pub),
            ("byline", byline),
            ("url", own if own is not None and _plausible(own, now) else None),
        ]
    )
    if published is None and tree is not None:
        extensive = not _is_arabic_page(tree)
        found = _from_markup(tree, extensive=extensive, in_place=prune_in_place)
        if found is not None and _plausible(found, now):
            published, source = found, "markup"
    modified = feed_mod or meta_mod
    zone = _zone_of((published, modified, meta_pub, meta_mod))
    published, modified = _aware(published, zone), _aware(modified, zone)
    if source != "feed" and published is not None:
        # the zone the page shows its stamp in, so that the day is the outlet's own: the
        # byline's wall time when it prints one (a page that stamps -05:00 but prints the UTC
        # time), else, for a UTC stamp, another of its stamps' offset
        local = _shown_zone(meta, published, now)
        if local is None and published.utcoffset() == timedelta(0):
            local = _page_zone(meta, now)
        if local is not None:
            published = published.astimezone(local)
    return DateChoice(published, modified, source)
