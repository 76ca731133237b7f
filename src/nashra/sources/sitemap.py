"""XML sitemaps: news sitemaps, plain ``urlset`` sitemaps, sitemap indexes, gzip, text lists.

A ``urlset`` becomes one ``Discovered`` per ``<url>``: ``<loc>`` is the article's address,
``news:title``, ``news:publication_date`` and ``news:keywords`` (Google News sitemaps) fill the
title, the publication date and the categories, ``<lastmod>`` the update date, and
``image:loc`` the picture. Every item is an article page for the pipeline to fetch.

A ``sitemapindex`` only names other sitemaps. Its ``Listing`` has ``kind="sitemapindex"`` and
one item per child sitemap (``url`` = the child's address, ``updated`` = its ``<lastmod>``);
those items are *not* article pages. :func:`follow_index` turns it into an ordinary article
listing: it fetches the newest few children through a fetch callback the caller injects (the
adapter itself never touches the network) and merges their items::

    listing = adapter_for(kind).parse(fetched, spec)
    if listing.kind == INDEX_KIND:
        listing = await follow_index(listing, spec, lambda u: fetcher.get(u, kind="feed"))

Only the newest children are followed (an outlet's index often lists every month back to the
first one) and only the newest ``MAX_ITEMS`` URLs are kept, so a first poll of a large site
does not become thousands of page fetches. Namespaces are matched by local name because many
outlets get them wrong. A body that starts with the gzip magic is inflated with a bound.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from dateutil import parser as dateutil_parser
from lxml import etree

from nashra.arabic import clean_display, fold_digits
from nashra.arabic.dates import parse_date
from nashra.dedupe.urls import is_web_url
from nashra.errors import NashraError, ParseError
from nashra.images import collect
from nashra.models import Discovered, Fetched, Listing, SourceSpec
from nashra.sources._xml import GZIP_MAGIC, gunzip_bounded, root_name, xml_parser
from nashra.sources.base import register

__all__ = ["INDEX_KIND", "MAX_CHILDREN", "MAX_ITEMS", "SitemapAdapter", "follow_index"]

INDEX_KIND = "sitemapindex"
MAX_ITEMS = 200  # newest URLs kept from one sitemap (a news sitemap holds at most 1,000)
MAX_CHILDREN = 3  # newest child sitemaps followed from an index
_ROOTS = ("urlset", "sitemapindex")

Fetch = Callable[[str], Awaitable[Fetched]]


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child(el: etree._Element, *path: str) -> etree._Element | None:
    """The first descendant along ``path`` of local names (namespace-agnostic)."""
    current: etree._Element | None = el
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c.tag) == name), None)
    return current


def _text(el: etree._Element | None) -> str | None:
    """The element's text; None when it is built from an (unexpanded, so untrusted) entity."""
    if el is None or any(isinstance(node, etree._Entity) for node in el.iter()):
        return None
    value = "".join(el.itertext()).strip()
    return value or None


def parse_when(raw: str | None) -> datetime | None:
    """A W3C datetime as sitemaps write it (Eastern Arabic digits and loose forms tolerated)."""
    if not raw:
        return None
    text = fold_digits(raw.strip())
    try:
        return dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        pass
    return parse_date(text)


def _keywords(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    parts = (clean_display(p) for p in raw.replace("،", ",").split(","))
    return tuple(dict.fromkeys(p for p in parts if p))


def _url_item(el: etree._Element, spec: SourceSpec, outlet: str | None) -> Discovered | None:
    loc = _text(_child(el, "loc"))
    if not is_web_url(loc):
        return None
    assert loc is not None
    news = _child(el, "news")
    title = published = None
    keywords: tuple[str, ...] = ()
    name = outlet
    if news is not None:
        title = _text(_child(news, "title"))
        published = parse_when(_text(_child(news, "publication_date")))
        keywords = _keywords(_text(_child(news, "keywords")))
        name = _text(_child(news, "publication", "name")) or outlet
    image = _text(_child(el, "image", "loc"))
    pictures = [_text(_child(c, "loc")) for c in el if _local(c.tag) == "image"]
    return Discovered(
        source=spec.name,
        url=loc,
        guid=None,
        title=clean_display(title) if title else None,
        published=published,
        updated=parse_when(_text(_child(el, "lastmod"))),
        categories=keywords,
        image=image if is_web_url(image) else None,
        outlet=name,
        images=collect(pictures, loc),
    )


def _newest(items: list[Discovered], limit: int) -> tuple[Discovered, ...]:
    """At most ``limit`` items, the newest by date; undated ones keep their listed order."""
    if len(items) <= limit:
        return tuple(items)
    epoch = datetime.min.replace(tzinfo=UTC)

    def when(i: int) -> datetime:
        d = items[i].published or items[i].updated
        if d is None:
            return epoch
        return d if d.tzinfo else d.replace(tzinfo=UTC)

    chosen = sorted(range(len(items)), key=lambda i: (when(i), -i), reverse=True)[:limit]
    return tuple(items[i] for i in sorted(chosen))


def _text_list(body: bytes, spec: SourceSpec) -> Listing | None:
    """A plain-text sitemap: one URL a line (allowed by the sitemaps protocol)."""
    try:
        lines = [ln.strip() for ln in body.decode("utf-8-sig").splitlines() if ln.strip()]
    except UnicodeDecodeError:
        return None
    if not lines or not all(is_web_url(ln) and " " not in ln for ln in lines):
        return None
    seen = dict.fromkeys(lines)
    items = [Discovered(source=spec.name, url=u) for u in seen]
    return Listing(items=tuple(items[:MAX_ITEMS]), kind="sitemap")


@register("sitemap", order=20)
class SitemapAdapter:
    kind = "sitemap"

    def sniff(self, fetched: Fetched) -> bool:
        return root_name(fetched.body) in _ROOTS

    def parse(self, fetched: Fetched, spec: SourceSpec) -> Listing:
        body = fetched.body
        if body.startswith(GZIP_MAGIC):
            body = gunzip_bounded(body, where=fetched.url)
        if root_name(body) not in _ROOTS:
            listing = _text_list(body, spec)
            if listing is not None:
                return listing
            raise ParseError(
                "ليست خريطة موقع (لا urlset ولا sitemapindex) — not a sitemap", where=fetched.url
            )
        try:
            root = etree.fromstring(body, parser=xml_parser(), base_url=fetched.url)
        except etree.XMLSyntaxError as exc:
            raise ParseError(
                f"خريطة موقع تالفة — broken sitemap: {exc}", where=fetched.url
            ) from exc
        if root is None:
            raise ParseError("خريطة موقع فارغة — empty sitemap", where=fetched.url)
        if _local(root.tag) == "sitemapindex":
            return self._index(root, spec)
        items: list[Discovered] = []
        seen: set[str] = set()
        for el in root:
            if _local(el.tag) != "url":
                continue
            item = _url_item(el, spec, None)
            if item is not None and item.url not in seen:
                seen.add(item.url or "")
                items.append(item)
        outlet = next((i.outlet for i in items if i.outlet), None)
        return Listing(items=_newest(items, MAX_ITEMS), title=outlet, kind="sitemap")

    @staticmethod
    def _index(root: etree._Element, spec: SourceSpec) -> Listing:
        children: list[Discovered] = []
        seen: set[str] = set()
        for el in root:
            if _local(el.tag) != "sitemap":
                continue
            loc = _text(_child(el, "loc"))
            if is_web_url(loc) and loc not in seen:
                assert loc is not None
                seen.add(loc)
                when = parse_when(_text(_child(el, "lastmod")))
                children.append(Discovered(source=spec.name, url=loc, updated=when))
        return Listing(items=tuple(children), kind=INDEX_KIND)


async def follow_index(
    listing: Listing,
    spec: SourceSpec,
    fetch: Fetch,
    *,
    max_children: int = MAX_CHILDREN,
    depth: int = 2,
) -> Listing:
    """Replace a sitemap index by the article items of its newest children.

    ``fetch`` gets a child sitemap's URL and returns it fetched (the pipeline passes its
    ``Fetcher``). A child that fails to fetch or parse is skipped; if every child fails, the
    first failure is raised. Nested indexes are followed up to ``depth`` levels.
    """
    if listing.kind != INDEX_KIND:
        return listing
    adapter = SitemapAdapter()
    children = list(_newest(list(listing.items), max_children))
    items: list[Discovered] = []
    seen: set[str] = set()
    first_error: NashraError | None = None
    for child in children:
        assert child.url is not None
        try:
            got = adapter.parse(await fetch(child.url), spec)
            if got.kind == INDEX_KIND:
                if depth <= 1:
                    continue
                got = await follow_index(
                    got, spec, fetch, max_children=max_children, depth=depth - 1
                )
        except NashraError as exc:
            first_error = first_error or exc
            continue
        for item in got.items:
            if item.url not in seen:
                seen.add(item.url or "")
                items.append(item)
    if not items and first_error is not None:
        raise first_error
    outlet = next((i.outlet for i in items if i.outlet), None)
    return Listing(items=_newest(items, MAX_ITEMS), title=outlet, kind="sitemap")
