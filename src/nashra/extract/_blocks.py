"""An element tree turned into ``Block``s in reading order.

One walker serves both vocabularies: trafilatura's XML output (``p``, ``head``, ``quote``,
``list/item``, ``table/row/cell``, ``lb``) for pages, and plain HTML (``p``, ``h1``–``h6``,
``blockquote``, ``ul/li``, ``table/tr/td``, ``br``) for a feed entry's content. Text is kept as
the outlet wrote it, only cleaned for display (``nashra.arabic.clean_display``).
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from nashra.arabic import clean_display
from nashra.models import Block, BlockKind

__all__ = ["blocks_from_html", "blocks_from_tree"]

_KIND = {
    "p": BlockKind.PARAGRAPH,
    "head": BlockKind.HEADING,
    **{f"h{i}": BlockKind.HEADING for i in range(1, 7)},
    "quote": BlockKind.QUOTE,
    "blockquote": BlockKind.QUOTE,
    "item": BlockKind.LIST_ITEM,
    "li": BlockKind.LIST_ITEM,
    "row": BlockKind.PARAGRAPH,
    "tr": BlockKind.PARAGRAPH,
    "pre": BlockKind.PARAGRAPH,
    "dt": BlockKind.PARAGRAPH,
    "dd": BlockKind.PARAGRAPH,
    "figcaption": BlockKind.PARAGRAPH,
}
# Elements that hold blocks but are not one themselves: their loose text becomes paragraphs.
_CONTAINERS = frozenset(
    [
        "body",
        "div",
        "section",
        "article",
        "main",
        "header",
        "list",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "figure",
        "center",
        "details",
        "aside",
    ]
)
_BREAKS = frozenset(("lb", "br", "hr"))
_CELLS = frozenset(("cell", "td", "th"))
_SKIP = frozenset(("script", "style", "noscript", "template", "iframe", "object", "embed", "svg"))
# In a quote everything is quote; in a list item everything is that item.
_STICKY = frozenset((BlockKind.QUOTE, BlockKind.LIST_ITEM))


def _is_block(el: etree._Element) -> bool:
    return el.tag in _KIND or el.tag in _CONTAINERS


class _Walker:
    def __init__(self) -> None:
        self.out: list[Block] = []

    def flush(self, pieces: list[str], kind: BlockKind) -> None:
        text = clean_display("".join(pieces))
        pieces.clear()
        if text:
            self.out.append(Block(kind, text))

    def walk(self, el: etree._Element, context: BlockKind | None) -> None:
        own = _KIND.get(el.tag) if isinstance(el.tag, str) else None
        kind = context if context in _STICKY else own or context or BlockKind.PARAGRAPH
        inner = kind if (own or context in _STICKY) else None
        pieces: list[str] = [el.text or ""]
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _SKIP or not tag:  # comments, processing instructions, scripts
                pieces.append(child.tail or "")
                continue
            if tag in _BREAKS:
                self.flush(pieces, kind)
            elif _is_block(child):
                self.flush(pieces, kind)
                self.walk(child, inner)
            elif tag in _CELLS:
                pieces.append(" " + _inline_text(child) + " ")
            else:
                if any(_is_block(d) or d.tag in _BREAKS for d in child.iterdescendants()):
                    self.flush(pieces, kind)
                    self.walk(child, kind if own else inner)
                else:
                    pieces.append(_inline_text(child))
            pieces.append(child.tail or "")
        self.flush(pieces, kind)


def _inline_text(el: etree._Element) -> str:
    return "".join(_itertext_skipping(el))


def _itertext_skipping(el: etree._Element) -> list[str]:
    out: list[str] = []
    if isinstance(el.tag, str) and el.tag in _SKIP:
        return out
    out.append(el.text or "")
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _SKIP:
            sep = " " if child.tag in _CELLS else ""
            out.append(sep)
            out.extend(_itertext_skipping(child))
            out.append(sep)
        out.append(child.tail or "")
    return out


def blocks_from_tree(root: etree._Element) -> list[Block]:
    """The blocks of an element (trafilatura's output body or an HTML container), in order."""
    walker = _Walker()
    walker.walk(root, None)
    return walker.out


def blocks_from_html(markup: str) -> list[Block]:
    """The blocks of an HTML fragment (a feed entry's content or summary), as plain text."""
    if not markup.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return [Block(BlockKind.PARAGRAPH, t) for t in [clean_display(markup)] if t]
    return blocks_from_tree(root)
