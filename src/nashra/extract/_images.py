"""The pictures a page offers, lead first: its metadata's, then the article body's own.

* ``<meta>``: the first ``og:image`` (or ``og:image:url``/``secure_url``, with the
  ``og:image:width`` / ``height`` the page declares), the first ``twitter:image``;
* JSON-LD: the article object's ``image`` (a URL, a list of them, an ``ImageObject`` with
  ``url``/``contentUrl`` and its size, or a list of those; crops of one photo are merged by
  ``nashra.images.picture_keys``);
* the body: ``<img>`` (a ``<picture>``'s ``<source srcset>`` when it has no URL) inside the
  article's region (``itemprop=articleBody``, an element whose class or id says article body or
  entry content, else ``<article>``, else ``<main>``), lazy-loading attributes
  (``data-src``, ``data-srcset`` …) before ``src``, the largest ``srcset`` candidate, never
  inside a link to elsewhere (one that opens the photo full size or a gallery on the page is
  fine), an aside, a related, sidebar, comments, byline or share-buttons box.

What is kept and how two URLs are the same picture: ``nashra.images``. Trafilatura's own
``include_images`` was not used: it changes which elements its body pass keeps, and the
extraction gate's figures were measured without it; the body region read here is the one the
evidence passes already walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from nashra.extract._meta import _ARTICLE_TYPES, _jsonld_objects, _types, meta_values
from nashra.images import Candidate, collect

__all__ = ["page_images"]

_BODY_MARK = re.compile(
    r"article[-_]?(?:body|content|text|details?)|entry[-_]content|post[-_](?:body|content)"
    r"|story[-_](?:body|content)|news[-_](?:body|content|details?)|content[-_](?:body|article)"
    r"|field-name-body|td-post-content|single-content",
    re.I,
)
_LAZY = ("data-src", "data-lazy-src", "data-original", "data-url", "data-full", "src")
_SRCSET = ("data-srcset", "data-lazy-srcset", "srcset")
_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)(w|x)$")
# boxes inside an article's region that hold other stories' pictures or the site's buttons
# (whole words: a figure marked "shareable" is the article's own photo)
_NOT_ARTICLE = re.compile(
    r"related|sidebar|widget|comment|recommend|popular|most-?read|read-?also|readmore|more-?news"
    r"|newsletter|promo|teaser|outbrain|taboola|(?:^|[\s_-])(?:share|sharing|social|author|byline"
    r"|avatar|ad|ads|advert)(?:$|[\s_-])",
    re.I,
)
_PHOTO_HREF = re.compile(r"\.(?:jpe?g|png|webp|avif)(?:$|\?)", re.I)


def _srcset(srcset: str) -> list[tuple[str, str]]:
    """(URL, descriptor) of each candidate, as the HTML standard splits a ``srcset``: a URL is a
    run without spaces (a CDN's may hold commas: ``w_120,c_limit/x.jpg``), trailing commas
    end it, its descriptors run to the next comma."""
    out, i, n = [], 0, len(srcset)
    while i < n:
        while i < n and (srcset[i].isspace() or srcset[i] == ","):
            i += 1
        start = i
        while i < n and not srcset[i].isspace():
            i += 1
        url = srcset[start:i]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", i)
            end = n if end < 0 else end
            descriptor, i = srcset[i:end].strip(), end
        if url:
            out.append((url, descriptor))
    return out


def _largest(srcset: str) -> tuple[str | None, int | None]:
    """The biggest candidate of a ``srcset`` (by its ``w`` or ``x`` descriptor)."""
    best: tuple[float, str | None, int | None] = (-1.0, None, None)
    for url, descriptor in _srcset(srcset):
        size, width = 1.0, None
        m = _DESCRIPTOR.match(descriptor.split()[0]) if descriptor else None
        if m:
            size = float(m.group(1)) * (1 if m.group(2) == "w" else 1000)
            width = int(float(m.group(1))) if m.group(2) == "w" else None
        if size > best[0]:
            best = (size, url, width)
    return best[1], best[2]


def _meta(tree: HtmlElement) -> list[Candidate]:
    metas = meta_values(tree)
    widths = metas.get("og:image:width", [])
    heights = metas.get("og:image:height", [])
    out = []
    og = metas.get("og:image", []) + metas.get("og:image:url", [])
    og += metas.get("og:image:secure_url", [])
    if og:  # the first: further og:image tags are crops of it more often than other photos
        out.append(Candidate(og[0], widths[0] if widths else None, heights[0] if heights else None))
    twitter = metas.get("twitter:image", []) + metas.get("twitter:image:src", [])
    out += [Candidate(u) for u in twitter[:1]]
    return out


def _ld_images(value: object) -> Iterator[Candidate]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            yield Candidate(item)
        elif isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            w, h = item.get("width"), item.get("height")
            if isinstance(w, dict):  # a QuantitativeValue
                w = w.get("value")
            if isinstance(h, dict):
                h = h.get("value")
            yield Candidate(
                url if isinstance(url, str) else None,
                w if isinstance(w, int | str) else None,
                h if isinstance(h, int | str) else None,
            )


def _jsonld(tree: HtmlElement) -> list[Candidate]:
    for obj in _jsonld_objects(tree):
        if _types(obj) & _ARTICLE_TYPES and obj.get("image"):
            # the page's own article only; a list there is often the lead's 16x9, 4x3 and 1x1
            # crops (as search engines ask for), which nashra.images.picture_keys merges
            return list(_ld_images(obj["image"]))
    return []


def _region(body: HtmlElement) -> HtmlElement | None:
    for el in body.iter():
        if isinstance(el.tag, str) and "articlebody" in (el.get("itemprop") or "").lower():
            return el
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("img", "a", "span", "meta", "link"):
            continue
        if _BODY_MARK.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return el
    for tag in ("article", "main"):
        found = body.find(f".//{tag}")
        if found is not None:
            return found
    return None


def _link_ok(a: HtmlElement) -> bool:
    """An ``<a>`` around a picture that keeps it the article's: it opens the photo full size
    or a gallery on the same page (``#…``), not another article."""
    href = (a.get("href") or "").strip()
    return not href or href.startswith("#") or bool(_PHOTO_HREF.search(href))


def _hidden(el: HtmlElement, region: HtmlElement) -> bool:
    """Is the picture, inside the article's region, in a link to elsewhere, an aside, a
    navigation or footer, or a related / sidebar / comments / share-buttons box?"""
    node: HtmlElement | None = el
    while node is not None and node is not region:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("aside", "nav", "footer", "form") or (tag == "a" and not _link_ok(node)):
            return True
        if _NOT_ARTICLE.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False


def _candidate(el: HtmlElement) -> Candidate:
    url: str | None = None
    width: int | str | None = el.get("width")
    for attr in _SRCSET:
        if el.get(attr):
            url, w = _largest(str(el.get(attr)))
            width = w or width
            break
    if url is None:
        url = next((str(el.get(a)) for a in _LAZY if el.get(a)), None)
    parent = el.getparent()
    if url is None and parent is not None and parent.tag == "picture":
        for source in parent.iter("source"):
            if source.get("srcset"):
                url, _ = _largest(str(source.get("srcset")))
                break
    return Candidate(url, width, el.get("height"))


def _body(tree: HtmlElement) -> list[Candidate]:
    body = tree.find("body")
    region = _region(body) if body is not None else None
    if region is None:
        return []
    return [
        _candidate(el)
        for el in region.iter("img")
        if (el.get("aria-hidden") or "") != "true" and not _hidden(el, region)
    ]


def page_images(tree: HtmlElement, url: str) -> tuple[str, ...]:
    """The page's usable pictures, in order, each once: the lead (og:image) first."""
    return collect([*_meta(tree), *_jsonld(tree), *_body(tree)], base=url)
