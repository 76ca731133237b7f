"""Source adapters: bytes in, ``Discovered`` items out, no network of their own.

Built-in kinds register through the same ``register`` decorator an outside plugin would use.
"""

from __future__ import annotations

from nashra.sources import feed as _feed  # noqa: F401  (registers "feed")
from nashra.sources import page as _page  # noqa: F401  (registers "page")
from nashra.sources import sitemap as _sitemap  # noqa: F401  (registers "sitemap")
from nashra.sources.base import SourceAdapter, adapter_for, detect_kind, register, registry

__all__ = ["SourceAdapter", "adapter_for", "detect_kind", "register", "registry"]
