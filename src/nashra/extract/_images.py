"""The pictures a page offers, lead first: its metadata's, then the article body's own.

* ``<meta>``: ``og:image`` (with ``og:image:url``/``secure_url`` and the ``og:image:width`` /
  ``height`` the page declares), ``twitter:image``;
* JSON-LD: the article object's ``image`` (a URL, a list of them, an ``ImageObject`` with
  ``url``/``contentUrl`` and its size, or a list of those);
* the body: ``<img>`` (a ``<picture>``'s ``<source srcset>`` when it has no URL) inside the
  article's region (``itemprop=articleBody``, an element whose class or id says article body or
  entry content, else ``<article>``, else ``<main>``), lazy-loading attributes
  (``data-src``, ``data-srcset`` …) before ``src``, the largest ``srcset`` candidate, never
  inside a link, a sidebar, a related or share box (``_off_limits``; an ``<a>`` that opens the
  photo full size is no link here).

What is kept and how two URLs are the same picture: ``nashra.images``. Trafilatura's own
``include_images`` was not used: it changes which elements its body pass keeps, and the
extraction gate's figures were measured without it; the body region read here is the one the
evidence passes already walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from nashra.extract._meta import _ARTICLE_TYPES, _jsonld_objects, _off_limits, _types, meta_values
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
_DESCRIPTOR = re.compile(r"^(\d+)(w|x)$")
_PHOTO_HREF = re.compile(r"\.(?:jpe?g|png|webp|avif)(?:$|\?)", re.I)


def _largest(srcset: str) -> tuple[str | None, int | None]:
    """The biggest candidate of a ``srcset`` (by its ``w`` or ``x`` descriptor)."""
    best: tuple[float, str | None, int | None] = (-1.0, None, None)
    for item in srcset.split(","):
        bits = item.split()
        if not bits:
            continue
        size, width = 1.0, None
        if len(bits) > 1:
            m = _DESCRIPTOR.match(bits[1])
            if m:
                size = float(m.group(1)) * (1 if m.group(2) == "w" else 1000)
                width = int(m.group(1)) if m.group(2) == "w" else None
        if size > best[0]:
            best = (size, bits[0], width)
    return best[1], best[2]


def _meta(tree: HtmlElement) -> list[Candidate]:
    metas = meta_values(tree)
    widths = metas.get("og:image:width", [])
    heights = metas.get("og:image:height", [])
    out = []
    og = metas.get("og:image", []) + metas.get("og:image:url", [])
    og += metas.get("og:image:secure_url", [])
    for i, url in enumerate(og):
        w = widths[i] if i < len(widths) else None
        h = heights[i] if i < len(heights) else None
        out.append(Candidate(url, w, h))
    out += [Candidate(u) for k in ("twitter:image", "twitter:image:src") for u in metas.get(k, [])]
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
            return list(_ld_images(obj["image"]))  # the page's own article only
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


def _linked_photo(el: HtmlElement) -> HtmlElement | None:
    """The ``<a>`` around ``el`` when it links to a picture (a photo opened full size)."""
    parent = el.getparent()
    while parent is not None and parent.tag in ("picture", "span"):
        parent = parent.getparent()
    if parent is not None and parent.tag == "a" and _PHOTO_HREF.search(parent.get("href") or ""):
        return parent
    return None


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
    out = []
    for el in region.iter("img"):
        link = _linked_photo(el)
        outer = link.getparent() if link is not None else el
        if outer is None or _off_limits(outer) or (el.get("aria-hidden") or "") == "true":
            continue
        out.append(_candidate(el))
    return out


def page_images(tree: HtmlElement, url: str) -> tuple[str, ...]:
    """The page's usable pictures, in order, each once: the lead (og:image) first."""
    return collect([*_meta(tree), *_jsonld(tree), *_body(tree)], base=url)
