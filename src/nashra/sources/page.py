"""HTML section pages with no feed: the article links on the page become items.

Found automatically from the page's structure when the source gives no ``link_selector``:

1. every ``<a href>`` is resolved against the page (or its ``<base>``); only ``http(s)`` links
   on the page's own site survive (``javascript:``, ``file:``, ``data:`` and ``mailto:`` never
   do), and the page itself, its parent sections and the site root are left out;
2. links inside navigation are dropped: ``nav``, ``footer``, ``aside``, ``form``, a ``header``
   that is not an article's own, ARIA navigation roles, and containers whose class or id says
   menu, breadcrumb, pagination, share, tags and the like;
3. URLs that are navigation by their shape (tag, category, author, page N, search, login,
   files) are dropped with courlan's filters;
4. each remaining link is scored on what article URLs look like (a date in the path, a numeric
   id, a long slug, an ``.html`` ending, a headline-long anchor text) plus a bonus when it sits
   in a block repeated at least three times (the same chain of tags and classes), which is what
   a listing is; links scoring ``KEEP_SCORE`` or more are kept, in document order.

With ``link_selector`` (a CSS selector for the links, or for the blocks that hold them) only the
structural guessing is skipped: the safety filters still apply. An item's title is its anchor
text when that reads like a headline (else the article page's own title is used later); a
``<time datetime>`` or image in the link's own block gives its date and picture.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from courlan import is_navigation_page, is_not_crawlable
from courlan.filters import type_filter
from cssselect import SelectorError
from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from nashra.arabic import clean_display
from nashra.dedupe.urls import is_web_url
from nashra.errors import ConfigError, ParseError
from nashra.fetch import charset
from nashra.models import Discovered, Fetched, Listing, SourceSpec
from nashra.sources._xml import html_parser, root_name
from nashra.sources.base import register
from nashra.sources.sitemap import parse_when

__all__ = ["KEEP_SCORE", "MAX_ITEMS", "PageAdapter", "find_links"]

MAX_ITEMS = 100
KEEP_SCORE = 3
_NAV_TAGS = frozenset({"nav", "footer", "aside", "form", "select", "button", "menu"})
_NAV_ROLES = frozenset({"navigation", "menu", "menubar", "banner", "contentinfo", "search"})
_NAV_WORDS = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|breadcrumbs?|pagination|pager|footer|social|"
    r"share|sharing|tags?|tag-?cloud|topbar|sidebar|widget|cookies?|login|subscribe|"
    r"newsletter|lang|language|ticker|breaking)(?:$|[-_\s\d])",
    re.I,
)
_DATE_PATH = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)")
_ID = re.compile(r"\d{4,}")
_PAGE_EXT = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.I)
_ELLIPSIS = ("...", "…", "..")
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*\?>")


@dataclass
class _Link:
    url: str
    text: str
    element: lxml_html.HtmlElement
    signature: str
    score: int = 0
    texts: list[str] = field(default_factory=list)


def _site(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
    except ValueError:
        return None
    url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return url if is_web_url(url) else None


def _is_navigation(el: lxml_html.HtmlElement) -> bool:
    in_article = any(a.tag == "article" for a in el.iterancestors())
    for node in (el, *el.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _NAV_TAGS or (tag == "header" and not in_article):
            return True
        if (node.get("role") or "").lower() in _NAV_ROLES:
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if names.strip() and _NAV_WORDS.search(names):
            return True
    return False


def _signature(el: lxml_html.HtmlElement, levels: int = 4) -> str:
    parts: list[str] = []
    for node in (el, *el.iterancestors()):
        if len(parts) == levels or node.tag in ("body", "html"):
            break
        classes = " ".join(sorted(re.sub(r"\d+", "", c) for c in (node.get("class") or "").split()))
        parts.append(f"{node.tag}.{classes}")
    return "/".join(parts)


def _url_score(url: str, text: str) -> int:
    path = unquote(urlsplit(url).path)
    last = path.rstrip("/").rsplit("/", 1)[-1]
    score = 0
    if _DATE_PATH.search(path):
        score += 2
    if _ID.search(path) or _ID.search(urlsplit(url).query):
        score += 2
    if len([w for w in re.split(r"[-_+]", _PAGE_EXT.sub("", last)) if w]) >= 3:
        score += 1
    if _PAGE_EXT.search(last):
        score += 1
    if len(text.split()) >= 3:
        score += 1
    return score


def _excluded(url: str, page: str) -> bool:
    """The page itself, its parent sections, the site root and navigation-shaped URLs."""
    target, here = urlsplit(url), urlsplit(page)
    path, own = target.path.rstrip("/"), here.path.rstrip("/")
    if not path or (path == own and target.query == here.query):
        return True
    if own.startswith(path + "/") and not target.query:
        return True
    return bool(is_navigation_page(url) or is_not_crawlable(url) or not type_filter(url, True))


def _headline(text: str) -> str | None:
    if len(text.split()) < 3 or text.endswith(_ELLIPSIS):
        return None
    return text


def _block(el: lxml_html.HtmlElement, others: set[lxml_html.HtmlElement]) -> lxml_html.HtmlElement:
    """The largest ancestor (up to 4 levels) holding this link and no other kept link."""
    best = el
    for node in list(el.iterancestors())[:4]:
        if node.tag in ("body", "html"):
            break
        if any(a in others for a in node.iter("a") if a is not el):
            break
        best = node
    return best


def _details(
    block: lxml_html.HtmlElement, base: str
) -> tuple[str | None, str | None]:  # (datetime text, image URL)
    when = next((t.get("datetime") for t in block.iter("time") if t.get("datetime")), None)
    image = None
    for img in block.iter("img"):
        for attr in ("src", "data-src", "data-lazy-src"):
            image = _absolute(base, img.get(attr))
            if image:
                break
        if image:
            break
    return when, image


def _select(doc: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    try:
        compiled = CSSSelector(selector, translator="html")
    except SelectorError as exc:
        raise ConfigError(f"محدِّد الروابط غير صالح / invalid link_selector: {selector!r}") from exc
    anchors: list[lxml_html.HtmlElement] = []
    for el in compiled(doc):
        anchors.extend([el] if el.tag == "a" else el.iter("a"))
    return anchors


def find_links(
    doc: lxml_html.HtmlElement, page_url: str, base: str, selector: str | None = None
) -> list[_Link]:
    """The article links of a section page, in document order, one per URL."""
    site = _site(urlsplit(page_url).hostname)
    anchors = _select(doc, selector) if selector else list(doc.iter("a"))
    found: dict[str, _Link] = {}
    for a in anchors:
        url = _absolute(base, a.get("href"))
        if url is None:
            continue
        if selector is None and (
            _site(urlsplit(url).hostname) != site or _excluded(url, page_url) or _is_navigation(a)
        ):
            continue
        text = clean_display(" ".join(a.text_content().split()))
        link = found.get(url)
        if link is None:
            found[url] = _Link(url, text, a, _signature(a), texts=[text])
        else:
            link.texts.append(text)
            if len(text) > len(link.text):
                link.text = text
    links = list(found.values())
    if selector is not None:
        return links
    repeats = Counter(link.signature for link in links)
    kept = []
    for link in links:
        link.score = _url_score(link.url, link.text) + (1 if repeats[link.signature] >= 3 else 0)
        if link.score >= KEEP_SCORE:
            kept.append(link)
    return kept


@register("page", order=90)
class PageAdapter:
    kind = "page"

    def sniff(self, fetched: Fetched) -> bool:
        if root_name(fetched.body) in ("html", "head", "body"):
            return True
        ctype = fetched.headers.get("content-type", "").lower()
        return ctype.startswith(("text/html", "application/xhtml+xml"))

    def parse(self, fetched: Fetched, spec: SourceSpec) -> Listing:
        text, _codec = charset.decode(fetched.body, fetched.headers.get("content-type"), "html")
        text = _XML_DECL.sub("", text, count=1)
        if not text.strip():
            raise ParseError("صفحة فارغة — empty page", where=fetched.url)
        try:
            doc = lxml_html.document_fromstring(text, parser=html_parser(), base_url=fetched.url)
        except (etree.ParserError, ValueError) as exc:
            raise ParseError(f"صفحة تالفة — unreadable page: {exc}", where=fetched.url) from exc
        base_href = next((b.get("href") for b in doc.iter("base") if b.get("href")), None)
        base = _absolute(fetched.url, base_href) or fetched.url
        site_name = doc.xpath("string(//meta[@property='og:site_name']/@content)")
        outlet = clean_display(str(site_name)) or None
        links = find_links(doc, fetched.url, base, spec.link_selector)[:MAX_ITEMS]
        elements = {link.element for link in links}
        items = []
        for link in links:
            when, image = _details(_block(link.element, elements), base)
            items.append(
                Discovered(
                    source=spec.name,
                    url=link.url,
                    title=_headline(link.text),
                    published=parse_when(when),
                    image=image,
                    outlet=outlet,
                )
            )
        return Listing(items=tuple(items), title=outlet, kind="page")
