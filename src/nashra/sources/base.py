"""The source-adapter protocol and its registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from nashra.errors import ParseError
from nashra.models import Fetched, Listing, SourceSpec


class SourceAdapter(Protocol):
    kind: str

    def sniff(self, fetched: Fetched) -> bool:
        """Does this content look like this kind of source?"""
        ...

    def parse(self, fetched: Fetched, spec: SourceSpec) -> Listing:
        """The items in the fetched document, in the order the source lists them."""
        ...


_REGISTRY: dict[str, SourceAdapter] = {}
_ORDER: dict[str, int] = {}


def register(kind: str, *, order: int = 50) -> Callable[[type], type]:
    """Register an adapter class for ``kind``. Detection asks adapters by ascending ``order``:
    precise formats (feeds, sitemaps) go first, catch-alls (any HTML page) last."""

    def wrap(cls: type) -> type:
        adapter = cls()
        adapter.kind = kind
        _REGISTRY[kind] = adapter
        _ORDER[kind] = order
        return cls

    return wrap


def registry() -> dict[str, SourceAdapter]:
    return dict(_REGISTRY)


def detect_kind(fetched: Fetched) -> str:
    """The kind of a source from its content (when the config does not say)."""
    for kind in sorted(_REGISTRY, key=lambda k: _ORDER[k]):
        if _REGISTRY[kind].sniff(fetched):
            return kind
    raise ParseError(
        "لم يُتعرّف على نوع المصدر (ليس خلاصة ولا خريطة موقع ولا صفحة قسم) — unknown source kind",
        where=fetched.url,
    )


def adapter_for(kind: str) -> SourceAdapter:
    try:
        return _REGISTRY[kind]
    except KeyError as exc:
        raise ParseError(f"نوع مصدر غير مدعوم: {kind}") from exc
