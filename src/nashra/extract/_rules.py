"""Per-site extraction rules: CSS selectors to keep or drop, applied before trafilatura.

A source's ``[sources.rules]`` table in the config becomes one ``SiteRules``::

    [sources.rules]
    keep = ["article .entry-content"]           # the article is (only) what these match
    drop = [".related-posts", ".share-buttons"] # removed before extraction

``drop`` runs first, then ``keep``: the page's ``<head>`` (its metadata) always stays, and the
body is replaced by the kept elements in document order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from nashra.errors import ConfigError

__all__ = ["RuleEffect", "SiteRules"]


def _compile(selector: str) -> CSSSelector:
    try:
        return CSSSelector(selector, translator="html")
    except SelectorError as exc:
        raise ConfigError(f"محدِّد CSS غير صالح / invalid CSS selector: {selector!r}") from exc


@dataclass(frozen=True, slots=True)
class RuleEffect:
    """How many elements each selector matched on one page (for ``preview``)."""

    selector: str
    action: str  # "keep" | "drop"
    matched: int


@dataclass(frozen=True, slots=True)
class SiteRules:
    """CSS selectors whose content is the article (``keep``) or is removed first (``drop``)."""

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    _compiled: tuple[tuple[CSSSelector, ...], tuple[CSSSelector, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        compiled = (tuple(map(_compile, self.keep)), tuple(map(_compile, self.drop)))
        object.__setattr__(self, "_compiled", compiled)

    @classmethod
    def from_dict(cls, table: Mapping[str, object]) -> SiteRules:
        """Build from a config table: ``{"keep": [...], "drop": [...]}`` (a string is one item)."""
        unknown = set(table) - {"keep", "drop"}
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ConfigError(f"مفاتيح غير معروفة في قواعد الموقع / unknown rule keys: {names}")
        return cls(
            keep=_selectors(table.get("keep"), "keep"), drop=_selectors(table.get("drop"), "drop")
        )

    def __bool__(self) -> bool:
        return bool(self.keep or self.drop)

    def apply(self, tree: HtmlElement) -> tuple[RuleEffect, ...]:
        """Apply the rules to ``tree`` in place; return what each selector matched."""
        keep_sel, drop_sel = self._compiled
        effects: list[RuleEffect] = []
        for text, sel in zip(self.drop, drop_sel, strict=True):
            found = sel(tree)
            effects.append(RuleEffect(text, "drop", len(found)))
            for el in found:
                _remove(el)
        if keep_sel:
            kept: list[HtmlElement] = []
            for text, sel in zip(self.keep, keep_sel, strict=True):
                found = sel(tree)
                effects.append(RuleEffect(text, "keep", len(found)))
                kept.extend(found)
            if kept:
                _replace_body(tree, kept)
        return tuple(effects)


def _selectors(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"'{key}' يجب أن تكون قائمة محدِّدات CSS / must be a list of CSS selectors")


def _remove(el: HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:  # keep the text that followed the removed element
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _replace_body(tree: HtmlElement, kept: list[HtmlElement]) -> None:
    """Replace the body by the kept elements in document order, nested matches only once."""
    order = {el: i for i, el in enumerate(tree.iter())}
    chosen = sorted(set(kept), key=lambda el: order.get(el, 0))
    outer = [el for el in chosen if not any(a in chosen for a in el.iterancestors())]
    body = tree.find("body")
    if body is None:
        body = tree
    for el in outer:
        el.tail = None
    for child in list(body):
        body.remove(child)
    body.text = None
    for el in outer:
        body.append(el)  # lxml moves the element out of its old place
