"""Article extraction: a page through trafilatura, or a feed entry's own content as fallback.

Trafilatura's ``Document`` is turned into ``Extracted`` here and nowhere else.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from nashra.arabic import clean_display, normalize
from nashra.errors import ExtractError
from nashra.extract._blocks import blocks_from_html, blocks_from_tree
from nashra.extract._cleanup import strip_edges
from nashra.extract._dates import choose_dates
from nashra.extract._meta import read_meta
from nashra.extract._rules import RuleEffect, SiteRules
from nashra.models import Block, Discovered, Extracted

__all__ = ["MIN_TEXT_CHARS", "Run", "extract_page", "from_feed", "run_extraction"]

MIN_TEXT_CHARS = 100  # less body text than this (after stripping) is not an article
_CHEAP_DATE = {"extensive_search": False, "original_date": False}


@dataclass(frozen=True, slots=True)
class Run:
    extracted: Extracted
    effects: tuple[RuleEffect, ...]


def _parse(html: bytes | str, url: str) -> HtmlElement:
    try:
        tree = load_html(html)
    except (ValueError, TypeError) as exc:  # lxml refuses some inputs outright
        raise ExtractError("تعذّرت قراءة الصفحة / the page cannot be parsed", where=url) from exc
    if tree is None:
        raise ExtractError("الصفحة فارغة أو ليست HTML / empty or not HTML", where=url)
    return tree


def _unique(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for v in values:
        v = clean_display(v)
        if v and normalize(v) not in {normalize(s) for s in seen}:
            seen[v] = None
    return tuple(seen)


def run_extraction(
    html: bytes | str, url: str, hint: Discovered | None, rules: SiteRules | None
) -> Run:
    tree = _parse(html, url)
    meta = read_meta(tree, url)  # before the rules: metadata and byline are outside the body
    effects: tuple[RuleEffect, ...] = ()
    work = tree
    if rules:
        work = deepcopy(tree)
        effects = rules.apply(work)
    doc = trafilatura.bare_extraction(
        work,
        url=url,
        include_comments=False,
        with_metadata=True,
        include_tables=True,
        date_extraction_params=_CHEAP_DATE,  # its date is not used (see _dates.py): keep it cheap
    )
    if doc is None or isinstance(doc, dict) or doc.body is None:
        raise ExtractError("لا مقال في الصفحة / no article found on the page", where=url)
    # the feed's title is the one the outlet wrote for syndication (no " | site" suffix)
    title = clean_display((hint.title if hint else None) or doc.title or "")
    blocks = strip_edges(blocks_from_tree(doc.body), title)
    if sum(len(b.text) for b in blocks) < MIN_TEXT_CHARS:
        raise ExtractError("نص المقال قصير جدًا / too little article text", where=url)
    dates = choose_dates(hint, meta, url, tree=tree)
    outlet = clean_display(doc.sitename or "") or None
    if outlet and title and normalize(outlet) == normalize(title):
        outlet = None  # trafilatura falls back to the title when a page names no site
    if outlet is None and hint is not None and hint.outlet:
        outlet = clean_display(hint.outlet)
    extracted = Extracted(
        url=url,
        title=title,
        blocks=tuple(blocks),
        canonical_url=meta.canonical_url,
        author=clean_display(doc.author or "") or (hint.author if hint else None) or None,
        published=dates.published,
        modified=dates.modified,
        outlet=outlet,
        image=doc.image or (hint.image if hint else None),
        tags=_unique([*(doc.tags or []), *(doc.categories or [])]),
        method="page",
        date_source=dates.source,
    )
    return Run(extracted, effects)


def extract_page(
    html: bytes | str,
    url: str,
    *,
    hint: Discovered | None = None,
    rules: SiteRules | None = None,
) -> Extracted:
    """The article on the page ``html`` fetched from ``url``.

    ``hint`` is the feed entry that pointed here (its date wins; its title, author, outlet and
    image fill gaps); ``rules`` are the source's per-site CSS rules. Raises ``ExtractError``
    when the page holds no article.
    """
    return run_extraction(html, url, hint, rules).extracted


def from_feed(item: Discovered, reason: str) -> Extracted:
    """The article as the feed entry gives it, when its page could not be used (``reason``)."""
    where = item.url or item.guid or item.source
    title = clean_display(item.title or "")
    markup = item.content_html or item.summary_html or ""
    blocks: list[Block] = strip_edges(blocks_from_html(markup), title)
    if not blocks:
        raise ExtractError("لا محتوى في مدخل الخلاصة / the feed entry has no content", where=where)
    dates = choose_dates(item, None, item.url or "")
    return Extracted(
        url=item.url or "",
        title=title,
        blocks=tuple(blocks),
        author=clean_display(item.author or "") or None,
        published=dates.published,
        modified=dates.modified,
        outlet=clean_display(item.outlet or "") or None,
        image=item.image,
        tags=_unique(list(item.categories)),
        method="feed",
        fallback_reason=reason,
        date_source=dates.source,
    )
