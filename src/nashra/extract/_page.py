"""Article extraction: a page through trafilatura, or a feed entry's own content as fallback.

Trafilatura's ``Document`` is turned into ``Extracted`` here and nowhere else.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

from nashra.arabic import clean_display, normalize
from nashra.errors import ExtractError, Rejected
from nashra.extract._blocks import blocks_from_html, blocks_from_tree
from nashra.extract._boiler import drop_blocks, drop_header_lines, find_leads, prune
from nashra.extract._byline import byline
from nashra.extract._choose import choose_author, choose_outlet, choose_title, site_keys
from nashra.extract._cleanup import strip_edges, strip_lead
from nashra.extract._dates import choose_dates
from nashra.extract._evidence import gather
from nashra.extract._images import page_images
from nashra.extract._meta import read_meta
from nashra.extract._rules import RuleEffect, SiteRules
from nashra.images import merge
from nashra.models import Block, BlockKind, Discovered, Extracted

__all__ = ["MIN_TEXT_CHARS", "PAGE_DROPS", "Run", "extract_page", "from_feed", "run_extraction"]

MIN_TEXT_CHARS = 100  # less body text than this (after stripping) is not an article
PAGE_DROPS = frozenset(("no_article", "too_short"))  # Rejected reasons of a page with no article


@dataclass(frozen=True, slots=True)
class Run:
    extracted: Extracted
    effects: tuple[RuleEffect, ...]


# lxml.html's parser asks a Python class lookup for every element proxy it makes (forms,
# inputs and labels get classes of their own); every element here is a plain HtmlElement,
# looked up in C. Trees copied from ours (trafilatura copies before it cleans) keep it.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def _load(html: bytes | str) -> HtmlElement | None:
    """As trafilatura's ``load_html`` (its decoding, repair and dubious-HTML check), with our
    parser."""
    text = decode_file(html)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree: HtmlElement | None = None
    try:
        tree = lxml.html.fromstring(text, parser=_PARSER)
    except ValueError:  # a Unicode string with an encoding declaration
        tree = None
    if tree is None or len(tree) < 1:
        tree = lxml.html.fromstring(text.encode("utf8", "surrogatepass"), parser=_PARSER)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _parse(html: bytes | str, url: str) -> HtmlElement:
    try:
        tree = _load(html)
    except (ValueError, TypeError, etree.ParserError) as exc:  # lxml refuses some inputs
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


def _body(
    blocks: list[Block], title: str, leads: list[str], bylines: list[str], titles: list[str]
) -> list[Block]:
    """Trafilatura's blocks without boilerplate anywhere, with the page's lead in front (and
    without the headline repeated on top, in any of the page's forms ``titles``)."""
    blocks = drop_header_lines(drop_blocks(strip_lead(blocks, title, titles)), bylines)
    blocks = strip_edges(strip_lead(blocks, title, titles), title)
    text = normalize("\n".join(b.text for b in blocks))
    for lead in reversed(leads):
        folded = normalize(lead)
        if folded and folded not in text and folded != normalize(title):
            blocks.insert(0, Block(BlockKind.PARAGRAPH, clean_display(lead)))
    return blocks


FULL_BELOW_CHARS = 1500  # a shorter fast result is extracted again with trafilatura's fallbacks


def _trafilatura(tree: HtmlElement, url: str) -> trafilatura.settings.Document | None:
    """Trafilatura's body: its fast mode (no readability/jusText comparison), and its full mode
    again when the fast result is short (a body cut short by a wrong container; measured on
    the gate's pages: fundus bodies 206 → 208 of 258 with the retry, tests/eval)."""

    def run(fast: bool) -> trafilatura.settings.Document | None:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            with_metadata=False,
            include_tables=True,
            fast=fast,
        )
        return doc if isinstance(doc, trafilatura.settings.Document) else None

    doc = run(fast=True)
    if doc is not None and len(doc.text or "") >= FULL_BELOW_CHARS:
        return doc
    return run(fast=False)


# Trafilatura's JSON-LD reader is superlinear on a huge JSON-LD block (3.9 s CPU of one page's
# 4.4 s for 841,000 characters, uk/TheMirror in the gate; the next largest there is 38,000);
# above this size only its <meta> reading is asked (our own JSON-LD reading still runs).
JSONLD_MAX_CHARS = 200_000


def _jsonld_chars(tree: HtmlElement) -> int:
    return sum(
        len(s.text or "")
        for s in tree.iter("script")
        if (s.get("type") or "").strip().lower() == "application/ld+json"
    )


def _trafilatura_meta(tree: HtmlElement) -> trafilatura.settings.Document:
    """Trafilatura's reading of the ``<meta>`` tags and JSON-LD (authors from ``author`` arrays
    and ``contentAuthors``-style keys, site name, title): its cheap part, without the XPath
    searches, the date search and the tags of its full metadata pass."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = trafilatura_metadata.examine_meta(tree)
        if _jsonld_chars(tree) > JSONLD_MAX_CHARS:
            return found
        try:
            return trafilatura_metadata.extract_meta_json(tree, found)
        except Exception:  # trafilatura's own JSON-LD reader has bugs on odd pages
            return found


def _xpath_author(tree: HtmlElement) -> str | None:
    """Trafilatura's byline search (its author XPaths), the last resort for a byline. As its
    ``extract_author`` does, but on ``tree`` itself (no copy: nothing reads it after this)."""
    tm: Any = trafilatura_metadata  # these helpers are not in its public interface
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pruned = tm.prune_unwanted_nodes(tree, tm.AUTHOR_DISCARD_XPATHS)
        found = tm.extract_metainfo(pruned, tm.AUTHOR_XPATHS, len_limit=120)
        return str(tm.normalize_authors(None, found)) if found else None


def _byline_of(raw: str | None, not_names: list[str]) -> str | None:
    return byline(raw.replace(";", "،") if raw else None, not_names=not_names)


def _is_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) * 2 > len(letters)


def run_extraction(
    html: bytes | str, url: str, hint: Discovered | None, rules: SiteRules | None
) -> Run:
    tree = _parse(html, url)
    meta = read_meta(tree, url)  # before the rules: metadata and byline are outside the body
    ev = gather(tree, url)
    page_meta = _trafilatura_meta(tree)  # before trafilatura's body pass strips the scripts
    leads = find_leads(tree)
    dates = choose_dates(hint, meta, url)
    if dates.published is None:  # last resort: htmldate on (a pruned copy of) the page's markup
        dates = choose_dates(hint, meta, url, tree=tree)
    effects: tuple[RuleEffect, ...] = ()
    if rules:
        effects = rules.apply(tree)
    prune(tree)
    pictures = merge(
        page_images(tree, url), (hint.image,) if hint else (), hint.images if hint else ()
    )
    # Trafilatura's full metadata pass is not run (it was a third of the time): the evidence
    # above and its cheap meta/JSON-LD reading replace it; its byline XPath search is asked
    # only when nothing else names a person.
    doc = _trafilatura(tree, url)
    if doc is None or doc.body is None:
        raise Rejected("no_article", f"لا مقال في الصفحة — no article found on the page: {url}")
    keys = site_keys(ev, (hint.outlet if hint else None,))
    title = choose_title(ev, hint.title if hint else None, None, keys)
    titles = [ev.html_title, *ev.headlines, *ev.h1]
    blocks = _body(blocks_from_tree(doc.body), title, leads, [v for _, v in ev.authors], titles)
    if sum(len(b.text) for b in blocks) < MIN_TEXT_CHARS:
        # a video page, a gallery: nothing to post, and not a failure
        raise Rejected("too_short", f"نص المقال قصير جدًا — too little article text: {url}")
    arabic = _is_arabic(title)
    outlet = choose_outlet(
        ev,
        configured=hint.source if hint else None,
        guesses=(hint.outlet if hint else None,),
        arabic_page=arabic,
    )
    if outlet and title and normalize(outlet) == normalize(title):
        outlet = None  # trafilatura falls back to the title when a page names no site
    not_names = [
        *ev.site_names,
        *ev.companies,
        *keys,
        *(n for n in (outlet, title, hint.source if hint else None) if n),
    ]
    feed_author = hint.author if hint else None
    author = choose_author(ev, page_meta.author, feed_author, not_names, arabic_page=arabic)
    if author is None and not page_meta.author and not ev.authors:
        # as trafilatura does: its byline XPaths only when the metadata names nobody at all (a
        # page whose metadata names the outlet has no byline; the XPaths would find «Folgen»)
        author = _byline_of(_xpath_author(tree), not_names)
    extracted = Extracted(
        url=url,
        title=title,
        blocks=tuple(blocks),
        canonical_url=meta.canonical_url,
        author=author,
        published=dates.published,
        modified=dates.modified,
        outlet=outlet,
        image=pictures[0] if pictures else ev.image or (hint.image if hint else None),
        tags=_unique(list(ev.tags)),
        method="page",
        date_source=dates.source,
        images=pictures,
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
    image fill gaps; its ``source``, the configured name, outranks a guessed outlet); ``rules``
    are the source's per-site CSS rules. Raises ``Rejected`` (a drop, not an error: reason
    ``no_article`` or ``too_short``) when the page holds no article to post, ``ExtractError``
    when it cannot be read at all.
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
        author=byline(item.author, not_names=(item.outlet, item.source)),
        published=dates.published,
        modified=dates.modified,
        outlet=clean_display(item.outlet or "") or None,
        image=item.image,
        tags=_unique(list(item.categories)),
        method="feed",
        fallback_reason=reason,
        date_source=dates.source,
        images=merge((item.image,), item.images),
    )
