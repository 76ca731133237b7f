"""Choosing title, byline and outlet from the evidence, with rules an editor agrees with.

* **title**: the headline as the page shows it, without the site's name. Each candidate (the
  feed's title, JSON-LD/microdata ``headline``, ``og:title``, ``<title>``, trafilatura's) is
  cut at separators (`` | ``, `` - ``, `` – ``, `` :: ``, ``｜``, ``：`` …) and edge parts that
  name the site (its names, its host, a date) are dropped. An ``<h1>`` equal to a cleaned
  candidate is the answer (what readers see, confirmed by the page's metadata); then the feed's
  title; then the metadata headline; then the cleaned ``<title>``.
* **byline**: trafilatura's author, then JSON-LD ``Person`` authors (an ``@id`` reference
  looked up, ``givenName`` + ``familyName`` when there is no ``name``), ``<meta>`` author,
  microdata, the visible byline; the first that names a person (``_byline.people``, with the
  site's names and the title as never-a-person) wins; the feed entry's author fills a gap.
* **outlet**: the page's own name for itself (``og:site_name``, a ``WebSite``'s ``name``, the
  JSON-LD publisher) unless it is a URL, a host, a handle or a parent company; then the
  configured source's name (``Discovered.source``) outranks a guess (the feed's title,
  trafilatura's site name) and a name in Latin letters on an Arabic page («Alyaum», «BBC News
  عربي»); an Arabic name is preferred on an Arabic page.
* On an Arabic page a byline in Latin letters («Heba Musa») gives way to an Arabic form of it
  from another source («هبة موسى»).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nashra.arabic import clean_display, normalize
from nashra.extract._byline import join_people, people
from nashra.extract._evidence import Evidence

__all__ = ["choose_author", "choose_outlet", "choose_title", "site_keys"]

_SEP = re.compile(r"\s+[|\-–—·•»«:/]{1,2}\s+|\s*[|｜]\s*|\s*[：]\s*|\s+::\s+")
_DATE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")
_ARABIC = re.compile("[\u0600-\u06ff]")
_HANDLE = re.compile(r"^@|^https?://|^www\.|\.(?:com|net|org|tv|news|info)\b", re.I)


def site_keys(ev: Evidence, extra: Iterable[str | None] = ()) -> set[str]:
    """Folded names the site goes by: its names, its host and the host's first label."""
    keys = {normalize(s) for s in (*ev.site_names, *ev.companies, *extra) if s}
    if ev.host:
        keys.add(normalize(ev.host))
        label = ev.host.split(".")
        keys.add(normalize(label[0] if len(label) < 3 or len(label[-2]) > 3 else label[-3]))
        keys.add(normalize(".".join(label[-2:])))
    keys.discard("")
    return keys


def _site_like(part: str, keys: set[str]) -> bool:
    folded = normalize(part)
    if not folded:
        return True
    squeezed = folded.replace(" ", "")
    if _DATE.match(part.strip()):
        return True
    for k in keys:
        ks = k.replace(" ", "")
        if (
            folded == k
            or squeezed == ks
            or (len(ks) >= 4 and ks in squeezed and len(squeezed) <= len(ks) + 12)
        ):
            return True
        if len(squeezed) >= 3 and squeezed in ks:
            return True
    return False


def strip_site(title: str, keys: set[str]) -> str:
    """``title`` without site-name parts at its start or end («… - اليوم السابع»)."""
    title = clean_display(title)
    parts = _SEP.split(title)
    seps = _SEP.findall(title)
    if len(parts) < 2:
        return title
    start, end = 0, len(parts)
    while end - start > 1 and _site_like(parts[end - 1], keys):
        end -= 1
    while end - start > 1 and _site_like(parts[start], keys):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    out = parts[start]
    for i in range(start + 1, end):
        out += seps[i - 1] + parts[i]
    return out.strip()


def choose_title(ev: Evidence, feed: str | None, trafilatura: str | None, keys: set[str]) -> str:
    cleaned = [strip_site(t, keys) for t in (feed, *ev.headlines, trafilatura, ev.html_title) if t]
    folded = {normalize(t) for t in cleaned if t}
    for h in ev.h1:
        if normalize(h) in folded:
            return clean_display(h)
    if feed:
        return strip_site(feed, keys)
    for t in (*ev.headlines, trafilatura, ev.html_title):
        if t and strip_site(t, keys):
            return strip_site(t, keys)
    return ""


def choose_author(
    ev: Evidence,
    trafilatura: str | None,
    feed: str | None,
    not_names: Sequence[str],
    *,
    arabic_page: bool = False,
) -> str | None:
    """The people the page names as its authors, joined for display; None when none."""
    sources: list[str] = []
    if trafilatura:
        sources.append(trafilatura)
    for group in ("jsonld", "meta", "microdata"):  # all the names a source gives, together
        names = [name for where, name in ev.authors if where == group]
        if names:
            sources.append("؛ ".join(names))
    sources += [name for where, name in ev.authors if where == "byline"]
    if feed:
        sources.append(feed)
    latin: tuple[str, ...] = ()
    for raw in sources:
        found = people(raw.replace(";", "،") if ";" in raw else raw, not_names=not_names)
        if found and (not arabic_page or any(_ARABIC.search(n) for n in found)):
            return join_people(found)
        latin = latin or found  # «Heba Musa» on an Arabic page: an Arabic form may follow
    return join_people(latin)


def _mostly_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(_ARABIC.match(c)) for c in letters) * 2 > len(letters)


def _good_outlet(name: str, parents: set[str]) -> bool:
    return bool(name) and not _HANDLE.search(name) and normalize(name) not in parents


def choose_outlet(
    ev: Evidence,
    *,
    configured: str | None,
    guesses: Iterable[str | None],
    arabic_page: bool,
) -> str | None:
    parents = {normalize(c) for c in ev.companies}
    own = [clean_display(s) for s in ev.site_names if _good_outlet(clean_display(s), parents)]
    if arabic_page:
        own.sort(key=lambda s: not _mostly_arabic(s))  # «اليوم» before «Alyaum»
    if own and (not arabic_page or _mostly_arabic(own[0]) or not configured):
        return own[0]
    if configured:
        return clean_display(configured)
    for g in guesses:
        if g and _good_outlet(clean_display(g), parents):
            return clean_display(g)
    return own[0] if own else None
