"""What a page says about itself: canonical URL and date evidence, read from the parsed tree.

Trafilatura's metadata gives a date without time or zone (htmldate's ``YYYY-MM-DD``), so the
date evidence is read here with the time and zone the outlet wrote:

* ``meta``: ``<meta>`` tags (``article:published_time``, ``itemprop=datePublished``, Dublin
  Core, …) and JSON-LD ``datePublished`` / ``dateModified`` of the page's own article object;
* ``byline``: ``<time>`` elements and elements whose class or id says date/byline, in the
  article's own region: never inside a link, a sidebar, a related-articles box, comments,
  navigation or the site's header/footer (which carries today's date, not the article's).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

__all__ = ["PageMeta", "pruned_copy", "read_meta"]

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "date",
    "citation_publication_date",
    "release_date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "modified_time",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
)
_ARTICLE_TYPES = frozenset(
    [
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "SocialMediaPosting",
        "DiscussionForumPosting",
    ]
)
_PAGE_TYPES = frozenset(("WebPage", "ItemPage", "AboutPage", "CollectionPage"))

_DATEY = re.compile(
    r"(?:^|[\s_-])(?:date|time|byline|posted|published|pubdate|meta|timestamp)", re.I
)
_OFF_LIMITS = re.compile(
    r"related|sidebar|widget|comment|recommend|popular|most-read|mostread|read-also|readmore|"
    r"more-?news|footer|menu|navbar|breadcrumb|ticker|newsletter|share|social|promo|teaser",
    re.I,
)
_OFF_TAGS = frozenset(("a", "aside", "nav", "footer", "form", "select", "option"))
_BYLINE_MAX_CHARS = 160
_NEAR_ELEMENTS = 12
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|[\u0661\u0662][\u0660-\u0669]{3}")
_UPDATED = re.compile(r"تحديث|عدل|updated|aktualisiert|modifi", re.I)
# a stamp marked as an edit, not the publication (``itemprop=dateModified``, «message-lastEdit»)
_EDIT_MARK = re.compile(r"modif|updat|lastedit|last-edit|edited", re.I)


_local = threading.local()


# Every word the patterns given to ``marked`` look for (_DATEY here, _JUNK_CLASS and _LEAD_CLASS
# in _boiler.py, _BYLINE_MARK in _evidence.py): a pre-filter run once per element, so that each
# pattern is then tried on the few elements that can match it. A new pattern adds its words.
_ANY_MARK = (
    "date", "time", "byline", "by-line", "posted", "publish", "meta", "stamp", "shar", "social",
    "caption", "credit", "tag", "keyword", "newsletter", "subscri", "related", "read", "also",
    "more", "recommend", "inline", "print", "copy", "lead", "lede", "standfirst", "summary",
    "intro", "excerpt", "dek", "deck", "chapo", "announce", "title", "teaser", "author", "writer",
    "kateb", "katib", "reporter", "contributor",
)  # fmt: skip
_ALWAYS = frozenset(("time", "figcaption"))
_ANY_MARK_RE = re.compile("|".join(map(re.escape, _ANY_MARK)))  # one scan, not 40 ``in`` tests


def _entries(body: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The elements of ``body`` that ``marked`` may want, with their class, id and itemprop
    joined: one walk of the page shared by the passes that look for marked elements (kept for
    the last page per thread)."""
    cached = getattr(_local, "entries", None)
    if cached is not None and cached[0] is body:
        return cached[1]  # type: ignore[no-any-return]
    out: list[tuple[HtmlElement, str]] = []
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        low = marks.lower()
        if tag in _ALWAYS or (len(marks) > 2 and _ANY_MARK_RE.search(low)):
            out.append((el, marks))
    _local.entries = (body, out)
    _local.off = {}  # a new page: _off_limits starts afresh
    return out


def marked(
    body: HtmlElement, pattern: re.Pattern[str], *, tags: tuple[str, ...] = ()
) -> list[HtmlElement]:
    """Elements of ``body`` whose class, id or itemprop matches ``pattern`` (its words must be
    in ``_ANY_MARK``), or whose tag is ``time`` or ``figcaption`` and in ``tags``, in document
    order."""
    return [el for el, marks in _entries(body) if el.tag in tags or pattern.search(marks)]


@dataclass(frozen=True, slots=True)
class PageMeta:
    canonical_url: str | None
    published: tuple[str, ...]  # raw values, best first
    modified: tuple[str, ...]
    byline: tuple[tuple[str, str], ...]  # (kind, value): ("iso", datetime attr) or ("text", ...)


def _attr(el: HtmlElement, *names: str) -> str:
    for n in names:
        v = el.get(n)
        if v:
            return str(v).strip()
    return ""


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` values by lower-cased property/name/itemprop (kept for the last page per
    thread: read_meta and the evidence both ask)."""
    cached = getattr(_local, "metas", None)
    if cached is not None and cached[0] is tree:
        return cached[1]  # type: ignore[no-any-return]
    found: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = _attr(el, "property", "name", "itemprop", "http-equiv").lower()
        value = _attr(el, "content", "datetime")
        if key and value:
            found.setdefault(key, []).append(value)
    _local.metas = (tree, found)
    return found


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, object]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                main = item.get("mainEntity")
                if isinstance(main, dict):
                    stack.append(main)


def _types(obj: dict[str, object]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


def _jsonld_dates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    articles, pages = [], []
    for obj in _jsonld_objects(tree):
        kinds = _types(obj)
        if kinds & _ARTICLE_TYPES:
            articles.append(obj)
        elif kinds & _PAGE_TYPES:
            pages.append(obj)
    published: list[str] = []
    modified: list[str] = []
    for obj in articles[:1] + pages[:1]:  # the page's own article first; never a list item's
        for key, out in (("datePublished", published), ("dateCreated", published)):
            if isinstance(obj.get(key), str):
                out.append(str(obj[key]))
        if isinstance(obj.get("dateModified"), str):
            modified.append(str(obj["dateModified"]))
    return published, modified


def _microdata_dates(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """``itemprop=datePublished`` / ``dateModified`` stamps (``datetime``, ``content`` or
    ``title``) on elements other than ``<meta>`` (those are in ``meta_values``) of the page's
    first article item (``itemtype`` …/BlogPosting, …/NewsArticle): a blog's
    ``<abbr itemprop=datePublished title=…>`` inside its permalink, a ``<time>`` in the byline."""
    published: list[str] = []
    modified: list[str] = []
    first: HtmlElement | None = None
    for el in tree.xpath(_MICRODATA_XPATH):
        if el.tag == "meta":
            continue
        scopes = el.xpath("ancestor-or-self::*[@itemscope][1]")
        if not scopes:
            continue
        kind = (scopes[0].get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]
        if kind not in _ARTICLE_TYPES:
            continue
        if first is None:
            first = scopes[0]
        elif scopes[0] is not first:
            continue  # another article's item: a list, a related box
        value = _attr(el, "datetime", "content", "title")
        if value:
            prop = el.get("itemprop")
            (modified if prop == "dateModified" else published).append(value)
    return published, modified


_MICRODATA_XPATH = (
    "//*[@itemprop='datePublished' or @itemprop='dateCreated' or @itemprop='dateModified']"
)


def _off_limits(el: HtmlElement) -> bool:
    """Is ``el`` in a link, an aside, navigation, the site's header or footer, or a related /
    sidebar / comments / share box? Memoised per page: the answer of a parent is reused."""
    memo: dict[HtmlElement, tuple[bool, bool]] = getattr(_local, "off", None) or {}
    if not hasattr(_local, "off"):
        _local.off = memo
    return _off_state(el, memo)[0]


def _off_state(el: HtmlElement, memo: dict[HtmlElement, tuple[bool, bool]]) -> tuple[bool, bool]:
    """(off limits, inside an article or main) of ``el``."""
    found = memo.get(el)
    if found is not None:
        return found
    parent = el.getparent()
    up_off, up_article = _off_state(parent, memo) if parent is not None else (False, False)
    tag = el.tag if isinstance(el.tag, str) else ""
    in_article = up_article or tag in ("article", "main")
    off = up_off or tag in _OFF_TAGS or (tag == "header" and not in_article)
    if not off:
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        off = bool(marks.strip()) and bool(_OFF_LIMITS.search(marks))
    memo[el] = (off, in_article)
    return off, in_article


def pruned_copy(tree: HtmlElement, *, in_place: bool = False) -> HtmlElement:
    """A copy of ``tree`` (or ``tree`` itself, ``in_place``, when the caller is done with it)
    without links' surroundings that carry other articles' dates: asides, navigation, footers,
    related/sidebar/comment boxes (for a last-resort date search)."""
    copy = tree if in_place else deepcopy(tree)
    body = copy.find("body")
    if body is None:
        return copy
    doomed = [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and (
            el.tag in ("aside", "nav", "footer")
            or _OFF_LIMITS.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        )
    ]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    return copy


def _byline_candidates(tree: HtmlElement) -> list[tuple[str, str]]:
    body = tree.find("body")
    if body is None:
        return []
    article = body.find(".//article")
    found = marked(body, _DATEY, tags=("time",))
    if article is not None:  # the article's own first, then the rest in page order
        inside = set(article.iter())
        found = [el for el in found if el in inside] + [el for el in found if el not in inside]
    out: list[tuple[str, str]] = []
    for el in found:
        if el.tag in ("script", "style") or _off_limits(el) or _is_edit(el):
            continue
        stamp = _attr(el, "datetime", "content", "data-datetime", "data-timestamp")
        if stamp:
            out.append(("iso", stamp))
        text = " ".join(el.text_content().split())
        if text and len(text) <= _BYLINE_MAX_CHARS:
            out.append(("text", text))
    return out + _near_headline(body)


def _is_edit(el: HtmlElement) -> bool:
    """Is ``el`` (or its parent) marked as a modification stamp?"""
    for node in (el, el.getparent()):
        if node is not None and isinstance(node.tag, str):
            marks = f"{node.get('class') or ''} {node.get('id') or ''} {node.get('itemprop') or ''}"
            if _EDIT_MARK.search(marks):
                return True
    return False


def _near_headline(body: HtmlElement) -> list[tuple[str, str]]:
    """Short texts with a year in the few elements after the first ``<h1>``: the date line a
    page prints under its headline without marking it («تم نشره الجمعة 24 نيسان 2020»)."""
    h1 = body.find(".//h1")
    if h1 is None:
        return []
    out: list[tuple[str, str]] = []
    for el in h1.xpath(f"following::*[position() <= {_NEAR_ELEMENTS}]"):
        if not isinstance(el, HtmlElement) or el.tag in _OFF_TAGS or el.tag in ("script", "style"):
            continue
        text = " ".join((el.text or "").split())
        if (
            text
            and len(text) <= _BYLINE_MAX_CHARS
            and _YEAR.search(text)
            and not _UPDATED.search(text)
        ):
            out.append(("text", text))
    return out


def read_meta(tree: HtmlElement, url: str) -> PageMeta:
    """Canonical URL and date evidence of the page ``tree`` found at ``url``."""
    metas = meta_values(tree)
    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = urljoin(url, link.get("href", "").strip())
            break
    if canonical is None and metas.get("og:url"):
        canonical = urljoin(url, metas["og:url"][0])
    ld_published, ld_modified = _jsonld_dates(tree)
    md_published, md_modified = _microdata_dates(tree)
    published = [v for k in _PUBLISHED_META for v in metas.get(k, [])] + ld_published
    published += md_published
    modified = [v for k in _MODIFIED_META for v in metas.get(k, [])] + ld_modified + md_modified
    return PageMeta(
        canonical_url=canonical,
        published=tuple(published),
        modified=tuple(modified),
        byline=tuple(_byline_candidates(tree)),
    )
