"""OPML import and export of sources (the subscription list every feed reader speaks).

Import reads every ``<outline>`` that carries an ``xmlUrl`` (OPML 1.0/2.0 subscription lists,
nested folders included) and keeps only ``http(s)`` addresses; export writes one ``type="rss"``
outline per source. Nashra's own settings that OPML has no word for (a source's kind when it is
a sitemap or a section page, its link selector, its fixed hashtags) travel in attributes of the
``nashra:`` namespace, which other readers ignore, so an export imports back unchanged.

The document is parsed with entity expansion, DTD loading and network access off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from nashra.dedupe.urls import is_web_url
from nashra.errors import ParseError
from nashra.models import SourceSpec
from nashra.sources._xml import xml_parser

__all__ = ["NS", "OpmlSource", "read_opml", "write_opml"]

NS = "https://nashra.invalid/ns/opml/1"
_KINDS = ("feed", "sitemap", "page")


@dataclass(frozen=True, slots=True)
class OpmlSource:
    """One subscription read from an OPML file, as a ``[[sources]]`` table would hold it."""

    name: str
    url: str
    kind: str | None = None
    link_selector: str | None = None
    tags: tuple[str, ...] = ()
    folder: str | None = None  # the enclosing outline's title, for display only

    def table(self) -> dict[str, object]:
        """The ``[[sources]]`` table for this source (only the keys that are set)."""
        out: dict[str, object] = {"name": self.name, "url": self.url}
        if self.kind:
            out["kind"] = self.kind
        if self.link_selector:
            out["link_selector"] = self.link_selector
        if self.tags:
            out["tags"] = list(self.tags)
        return out


def _attr(el: etree._Element, *names: str) -> str | None:
    for name in names:
        value = el.get(name)
        if value and value.strip():
            return " ".join(value.split())
    return None


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name} ({n})"
        n += 1
    taken.add(candidate)
    return candidate


def read_opml(data: bytes, *, existing: Iterable[SourceSpec] = ()) -> list[OpmlSource]:
    """The subscriptions in an OPML document, minus those whose URL is already a source.

    Names are made unique against the existing sources and each other (``name (2)``).
    """
    try:
        root = etree.fromstring(data, parser=xml_parser(recover=False))
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"ملف OPML غير صالح — not a valid OPML file: {exc}") from exc
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise ParseError("ليس ملف OPML (لا عنصر opml) — the root element is not <opml>")
    existing = list(existing)
    known_urls = {s.url for s in existing}
    taken = {s.name for s in existing}
    found: list[OpmlSource] = []
    for el in root.iter("outline"):
        url = _attr(el, "xmlUrl", "xmlurl")  # folders and plain links have none
        if not is_web_url(url) or url in known_urls:
            continue
        assert url is not None
        known_urls.add(url)
        kind = _attr(el, f"{{{NS}}}kind")
        parent = el.getparent()
        folder = _attr(parent, "title", "text") if parent is not None else None
        tags = _attr(el, f"{{{NS}}}tags")
        found.append(
            OpmlSource(
                name=_unique(_attr(el, "title", "text") or url, taken),
                url=url,
                kind=kind if kind in _KINDS else None,
                link_selector=_attr(el, f"{{{NS}}}link_selector"),
                tags=tuple(t.strip() for t in tags.split(",") if t.strip()) if tags else (),
                folder=folder if parent is not None and parent.tag == "outline" else None,
            )
        )
    return found


def write_opml(
    sources: Iterable[SourceSpec], *, title: str = "مصادر نشرة — Nashra sources"
) -> bytes:
    """An OPML 2.0 document listing ``sources`` (UTF-8 bytes)."""
    opml = etree.Element("opml", version="2.0", nsmap={"nashra": NS})
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = etree.SubElement(opml, "body")
    for spec in sources:
        outline = etree.SubElement(body, "outline")
        outline.set("type", "rss")
        outline.set("text", spec.name)
        outline.set("title", spec.name)
        outline.set("xmlUrl", spec.url)
        if spec.kind in ("sitemap", "page"):
            outline.set(f"{{{NS}}}kind", spec.kind)
        if spec.link_selector:
            outline.set(f"{{{NS}}}link_selector", spec.link_selector)
        if spec.tags:
            outline.set(f"{{{NS}}}tags", ",".join(spec.tags))
    return bytes(etree.tostring(opml, xml_declaration=True, encoding="UTF-8", pretty_print=True))
