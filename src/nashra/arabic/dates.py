"""Dates as Arabic news writes them, read relative to the article's own publication date.

``find_dates``        every date mentioned in a text, with its span, ISO value and precision:
                      ``8 كانون الأول/ ديسمبر 2024`` (day), ``حزيران/ يونيو الماضي`` (month),
                      ``الثاني من كانون الأول/ ديسمبر الماضي`` (day), ``مطلع أيلول/ سبتمبر الفائت``
                      (month: a part of a month keeps month precision), ``اليوم الثلاثاء``, ``أمس``,
                      ``العام الماضي`` (year), ``15 ربيع الثاني 1447 هـ`` (Hijri, via hijridate).
``parse_date``        one date string as feeds, bylines and corpora write it, Arabic or not.
``choose_published``  the publication date by priority: feed, page metadata, byline, URL.

Matching runs on a folded copy of the text (the letters folded as ``normalize`` does, Eastern
digits to ASCII, marks and invisibles dropped) with a map back to the original offsets, so a
span always points into the text as the outlet wrote it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser
from hijridate import Hijri

from nashra.arabic import _names as names
from nashra.arabic._patterns import DATE_PATTERNS, TIME_RE, ZONE_RE, fold_with_map
from nashra.models import DateMention

__all__ = ["PRIORITY", "choose_published", "find_dates", "parse_date"]

PRIORITY: tuple[str, ...] = ("feed", "meta", "byline", "url")
"""Sources of a publication date, most trusted first (never a related link's date)."""


def _nearest_year(pub: date, month: int, day: int | None) -> int:
    """The year that puts ``month``/``day`` nearest to ``pub``.

    News reports the past more than it announces the future, so a date ahead of ``pub`` counts
    double its distance: from October, June is this year's and December next year's is too far.
    """
    best: tuple[int, int] | None = None
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            when = date(year, month, day or 15)
        except ValueError:
            continue
        days = (when - pub).days
        distance = 2 * days + 1 if days > 0 else -days
        if best is None or distance < best[0]:
            best = (distance, year)
    return best[1] if best else pub.year


def _relative_year(pub: date, month: int, rel: str) -> int:
    if rel in names.PAST:
        return pub.year if month < pub.month else pub.year - 1
    if rel in names.NEXT:
        return pub.year if month > pub.month else pub.year + 1
    return pub.year


def _weekday(pub: date, weekday: int, rel: str | None) -> date:
    back = (pub.weekday() - weekday) % 7
    if rel in names.PAST:
        return pub - timedelta(days=back or 7)
    if rel in names.NEXT:
        ahead = (weekday - pub.weekday()) % 7
        return pub + timedelta(days=ahead or 7)
    return pub - timedelta(days=back)


def _words(matched: str | None) -> str:
    """A matched name with its inner white space made single (كانون  الأول → كانون الأول)."""
    return " ".join(matched.split()) if matched else ""


Precision = Literal["day", "month", "year"]


def _mention(kind: str, g: dict[str, str | None], pub: date | None) -> tuple[str, Precision] | None:
    """(value, precision) for one regex match of ``kind``, or None when it cannot be resolved."""
    if kind == "numeric":
        try:
            d = date(int(g["year"] or 0), int(g["month"] or 0), int(g["day"] or 0))
        except ValueError:
            return None
        return d.isoformat(), "day"
    if kind == "hijri":
        h_year, h_month = int(g["year"] or 0), names.HIJRI_MONTHS[_words(g["hmonth"])]
        try:
            greg = Hijri(h_year, h_month, int(g["day"] or 1)).to_gregorian()
        except (ValueError, OverflowError):
            return None
        if g["day"]:
            return date(greg.year, greg.month, greg.day).isoformat(), "day"
        return f"{greg.year:04d}-{greg.month:02d}", "month"
    if kind == "year":
        return g["year"] or "", "year"
    if kind == "relyear":
        if pub is None:
            return None
        unit, rel = g["unit"] or "", g["rel"] or "الجاري"
        step = -1 if rel in names.PAST else 1 if rel in names.NEXT else 0
        if unit in ("الشهر",):
            month_index = pub.year * 12 + pub.month - 1 + step
            return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", "month"
        return f"{pub.year + step:04d}", "year"
    if kind == "yesterday":
        if pub is None:
            return None
        return (pub - timedelta(days=2 if g["before"] else 1)).isoformat(), "day"
    if kind == "weekday":
        if pub is None:
            return None
        lead, wd = g["lead"], g["wd"] or ""
        if wd in names.AMBIGUOUS_WEEKDAYS and not lead and not g["rel"]:
            return None
        if lead == "امس":
            return (pub - timedelta(days=1)).isoformat(), "day"
        return _weekday(pub, names.WEEKDAYS[wd], g["rel"]).isoformat(), "day"
    # kind == "month": a Gregorian month name with what surrounds it
    month_name = _words(g["month"])
    month = names.MONTHS[month_name]
    day = int(g["day"]) if g["day"] else names.ORDINAL_DAYS.get(_words(g["ord"]))
    year = int(g["year"]) if g["year"] else None
    month_rel = g["rel"]
    if month_name in names.AMBIGUOUS_MONTHS and not (
        day or year or month_rel or g["month2"] or g["period"] or g["shahr"]
    ):
        return None
    if year is None:
        if pub is None:
            return None
        if month_rel:
            year = _relative_year(pub, month, month_rel)
        else:
            year = _nearest_year(pub, month, day)
    if day and not g["period"]:
        try:
            return date(year, month, day).isoformat(), "day"
        except ValueError:
            return None
    return f"{year:04d}-{month:02d}", "month"


def find_dates(text: str, published: datetime | None) -> list[DateMention]:
    """Every date mentioned in ``text``, resolved against the publication date ``published``.

    Relative forms (الماضي، المقبل، اليوم الثلاثاء، أمس، a month without a year) need
    ``published``; without it they are left out and absolute dates are still found. Spans are
    offsets into ``text`` itself; overlapping readings keep the longest, then the earliest.
    """
    folded, span = fold_with_map(text)
    pub = published.date() if published is not None else None
    found: list[tuple[int, int, str, Precision]] = []
    for kind, pattern in DATE_PATTERNS:
        for m in pattern.finditer(folded):
            resolved = _mention(kind, m.groupdict(), pub)
            if resolved is not None:
                found.append((m.start(), m.end(), *resolved))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    mentions: list[DateMention] = []
    taken_until = -1
    for start, end, value, precision in found:
        if start < taken_until:
            continue
        taken_until = end
        s, e = span(start, end)
        mentions.append(DateMention(text[s:e], s, e, value, precision))
    return mentions


_RELATIVE = re.compile(
    r"(?:منذ|قبل)\s+(?:(?P<n>\d+)\s+)?(?P<unit>دقيقه|دقايق|دقيقتين|ساعه|ساعات|ساعتين|"
    r"يوم|ايام|يومين|اسبوع|اسابيع|اسبوعين|شهر|اشهر|شهرين)(?!\w)"
)
_UNIT_SECONDS = {"دقي": 60, "دقا": 60, "ساع": 3600, "يوم": 86400, "ايا": 86400, "اسب": 604800}
_HAS_YEAR = re.compile(r"\b\d{4}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2}\b")
_YEAR_FIRST = re.compile(r"\s*\d{4}[-/.]")
_ARABIC = re.compile("[\u0600-\u06ff]")


def _relative(folded: str, reference: datetime | None) -> datetime | None:
    m = _RELATIVE.search(folded)
    if m is None or reference is None:
        return None
    unit = m["unit"]
    count = int(m["n"]) if m["n"] else (2 if unit.endswith("ين") else 1)
    if unit.startswith(("شهر", "اشه")):
        return reference - timedelta(days=30 * count)
    return reference - timedelta(seconds=_UNIT_SECONDS[unit[:3]] * count)


def _time_and_zone(folded: str, day: date) -> datetime:
    """``day`` with the time of day and the zone written in ``folded``, if any."""
    hour = minute = second = 0
    t = TIME_RE.search(folded)
    if t:
        hour, minute, second = int(t["h"]), int(t["m"]), int(t["s"] or 0)
        if t["pm"] and hour < 12:
            hour += 12
        elif t["am"] and hour == 12:
            hour = 0
    when = datetime(day.year, day.month, day.day, hour % 24, minute, second)
    z = ZONE_RE.search(folded, t.end() if t else 0) or ZONE_RE.search(folded)
    if z is None:
        return when
    if z["zone"]:
        return when.replace(tzinfo=ZoneInfo(names.ZONES[" ".join(z["zone"].split())]))
    sign = -1 if (z["sign"] or z["sign2"]) == "-" else 1
    hours, minutes = int(z["oh"] or z["oh2"] or 0), int(z["om"] or z["om2"] or 0)
    return when.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


def _parse_arabic(text: str, reference: datetime | None) -> datetime | None:
    folded, _ = fold_with_map(text)
    relative = _relative(folded, reference)
    if relative is not None:
        return relative
    for mention in find_dates(text, reference):
        if mention.precision == "day":
            return _time_and_zone(folded, date.fromisoformat(mention.value))
    if reference is not None and re.search(r"(?<!\w)اليوم(?!\w)", folded):
        return _time_and_zone(folded, reference.date())
    return None


def _parse_latin(text: str) -> datetime | None:
    if not _HAS_YEAR.search(text):
        return None  # dateutil fills what is missing from today: no year, no answer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnknownTimezoneWarning: the name is dropped, not fatal
        try:
            return dateutil_parser.parse(text, dayfirst=not _YEAR_FIRST.match(text))
        except (ValueError, OverflowError):
            return None


def parse_date(text: str, reference: datetime | None = None) -> datetime | None:
    """One date string (a feed's pubDate, a byline, a ``<TIME>`` field) as a datetime, or None.

    ISO 8601 first; then Arabic forms (``الثلاثاء، 7 أكتوبر 2025 - 11:53``, ``٧ تشرين الأول
    ٢٠٢٥``, ``منذ 3 ساعات``, ``أمس 10:30 بتوقيت مكة``), relative ones needing ``reference``;
    then Latin forms through dateutil, day first (``01/07/2016`` is 1 July). The result carries
    a zone only when the text names one (an offset, GMT/UTC, ``بتوقيت …``); it is naive otherwise
    and the caller applies the outlet's zone.
    """
    s = " ".join(text.split())
    if not s:
        return None
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    if _ARABIC.search(s):
        found = _parse_arabic(s, reference)
        if found is not None or not re.search("[A-Za-z]", s):
            return found
    return _parse_latin(s)


def choose_published(
    candidates: Sequence[tuple[str, datetime | None]],
) -> tuple[datetime | None, str | None]:
    """The publication date among ``(source, value)`` candidates, and the source it came from.

    Sources rank feed > meta > byline > url (``PRIORITY``); an unknown source ranks after them;
    among equals the first given wins. Missing values are skipped. Returns ``(None, None)`` when
    nothing is known. A modified date is never a candidate: callers keep it apart.
    """
    ranked = sorted(
        (
            (PRIORITY.index(src) if src in PRIORITY else len(PRIORITY), i, src, value)
            for i, (src, value) in enumerate(candidates)
            if value is not None
        ),
    )
    if not ranked:
        return None, None
    _, _, source, value = ranked[0]
    return value, source
