"""Metadata with evidence: every title, byline and outlet name a page offers, by where it is.

Read from the parsed page (no second parse), beside trafilatura's own choice:

* JSON-LD: the page's article object (``NewsArticle``, ``Article``, ``ReportageNewsArticle`` …)
  ``headline``, ``author`` (``Person`` names kept apart from organisations) and ``publisher``;
  a ``WebSite``'s ``name``;
* ``<meta>``: OpenGraph (``og:title``, ``og:site_name``), ``twitter:title``,
  ``article:author``, ``name=author``, ``dc.creator``, ``parsely-author``, ``application-name``;
* microdata: ``itemprop=author`` / ``headline`` / ``publisher`` elements;
* the visible page: ``<h1>`` headings and byline elements (``class``/``id``/``rel`` saying
  author, byline, writer, «كاتب») outside links' surroundings, sidebars and related boxes;
* the ``<title>`` element.

extruct (the library for JSON-LD, microdata and RDFa) was looked at and not taken: it brings
rdflib, pyRdfa3, mf2py and html-text, parses the page again per syntax, and we need a handful
of fields from two of them; the JSON-LD walk is in ``_meta.py`` already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from nashra.extract._meta import (
    _ARTICLE_TYPES,
    _jsonld_objects,
    _off_limits,
    _types,
    marked,
    meta_values,
)

__all__ = ["Evidence", "gather"]

_AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "cxenseparse:author",
)
_TITLE_META = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title")
_SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
_BYLINE_MARK = re.compile(
    r"(?:^|[\s_-])(?:author|byline|by-line|writer|kateb|katib|reporter|contributor)", re.I
)
_MAX_BYLINE = 120
_COMPANY = re.compile(
    r"\b(?:gmbh|inc|ltd|llc|plc|corp|corporation|holding|s\.?a\.?|ag|group|company)\b|شركة|مجموعة|"
    r"مؤسسة",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Evidence:
    headlines: tuple[str, ...]  # JSON-LD headline, microdata headline, og:title, twitter:title
    h1: tuple[str, ...]
    html_title: str
    authors: tuple[tuple[str, str], ...]  # (where, name as printed), best first
    site_names: tuple[str, ...]  # the page's names for itself, best first
    companies: tuple[str, ...]  # publisher names that read as a parent company
    host: str
    image: str | None = None  # og:image, twitter:image, JSON-LD image
    tags: tuple[str, ...] = ()  # rel=tag links, article:tag, then article:section


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


_ORG_TYPES = frozenset(("Organization", "NewsMediaOrganization", "Corporation"))


def _person_name(item: dict[str, object]) -> str:
    """A JSON-LD object's ``name``, else its ``givenName`` and ``familyName`` joined."""
    name = item.get("name")
    if isinstance(name, str) and name.strip():
        return name
    parts = [item.get("givenName"), item.get("familyName")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _names(
    value: object, want_person: bool, by_id: dict[str, dict[str, object]] | None = None
) -> list[str]:
    """Names in a JSON-LD author/publisher value (a string, an object or a list of them; an
    object that is only an ``@id`` reference is looked up in the page's other objects)."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str) and want_person:
            out.append(item)
        elif isinstance(item, dict):
            ref = item.get("@id")
            if by_id and isinstance(ref, str) and len(item) == 1:
                item = by_id.get(ref, item)
            kinds = _types(item)
            # a Yoast-style publisher typed both Person and Organization is a person
            is_org = "Person" not in kinds and bool(kinds & _ORG_TYPES)
            name = _person_name(item)
            if name and (is_org != want_person):
                out.append(name)
    return out


def gather(tree: HtmlElement, url: str) -> Evidence:
    """Every title, byline and site-name candidate on the page ``tree`` found at ``url``."""
    headlines: list[str] = []
    authors: list[tuple[str, str]] = []
    sites: list[str] = []
    companies: list[str] = []
    objects = list(_jsonld_objects(tree))
    by_id = {str(o["@id"]): o for o in objects if isinstance(o.get("@id"), str) and len(o) > 1}
    for obj in objects:
        kinds = _types(obj)
        if kinds & _ARTICLE_TYPES:
            if isinstance(obj.get("headline"), str):
                headlines.append(str(obj["headline"]))
            authors += [("jsonld", n) for n in _names(obj.get("author"), True, by_id)]
            for name in _names(obj.get("publisher"), False, by_id):
                (companies if _COMPANY.search(name) else sites).append(name)
        elif "WebSite" in kinds and isinstance(obj.get("name"), str):
            sites.append(str(obj["name"]))
    metas = meta_values(tree)
    headlines += [v for k in _TITLE_META for v in metas.get(k, [])]
    authors += [("meta", v) for k in _AUTHOR_META for v in metas.get(k, [])]
    sites = [v for k in _SITE_META for v in metas.get(k, []) if not v.startswith("@")] + sites
    body = tree.find("body")
    h1: list[str] = []
    if body is not None:
        for el in body.iter("h1"):
            text = _text(el)
            if text and not _off_limits(el):
                h1.append(text)
            if len(h1) >= 3:
                break
        headlines[:0] = [
            _text(el) for el in body.xpath(".//*[@itemprop='headline']") if el.tag != "meta"
        ]
        for el in body.xpath(".//*[@itemprop='author'] | .//a[contains(@rel, 'author')]"):
            named = el.find(".//*[@itemprop='name']")
            value = named.get("content") or _text(named) if named is not None else _text(el)
            value = value or el.get("content") or ""
            if value and len(value) <= _MAX_BYLINE:
                authors.append(("microdata", value))
        for el in marked(body, _BYLINE_MARK):
            if el.tag in ("script", "style", "meta", "link") or el.get("itemprop") == "author":
                continue
            if not _off_limits(el):
                text = _text(el)
                if text and len(text) <= _MAX_BYLINE:
                    authors.append(("byline", text))
    tags = [
        _text(a)
        for a in tree.xpath(".//a[contains(@rel, 'tag')]")
        if "tag" in (a.get("rel") or "").split()
    ]
    tags += metas.get("article:tag", []) + metas.get("article:section", [])
    image = next(
        (v for k in ("og:image", "og:image:url", "twitter:image") for v in metas.get(k, [])), None
    )
    title_el = tree.find(".//title")
    html_title = _text(title_el) if title_el is not None else ""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return Evidence(
        headlines=tuple(h for h in headlines if h),
        h1=tuple(h1[:3]),
        html_title=html_title,
        authors=tuple(authors),
        site_names=tuple(dict.fromkeys(s.strip() for s in sites if s.strip())),
        companies=tuple(companies),
        host=host,
        image=image,
        tags=tuple(t for t in tags if t and len(t) <= 60),
    )
