"""The channel protocol, the options every channel shares, and the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from nashra.errors import ConfigError
from nashra.models import Delivery, Post
from nashra.settings import ChannelConfig, Config

COMMON_KEYS = frozenset({"template", "timezone", "review", "enabled"})


@dataclass(frozen=True, slots=True)
class ChannelOptions:
    """Options every channel kind understands."""

    template: str = "default.txt.j2"
    timezone: str | None = None
    review: bool = False  # hold posts for an editor before publishing
    enabled: bool = True

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], where: str) -> ChannelOptions:
        review = options.get("review", False)
        enabled = options.get("enabled", True)
        if not isinstance(review, bool) or not isinstance(enabled, bool):
            raise ConfigError("review و enabled قيمتان منطقيتان — must be true/false", where=where)
        return cls(
            template=str(options.get("template", "default.txt.j2")),
            timezone=str(options["timezone"]) if options.get("timezone") else None,
            review=review,
            enabled=enabled,
        )


class Channel(Protocol):
    kind: ClassVar[str]
    name: str
    options: ChannelOptions
    can_edit: ClassVar[bool]

    async def send(self, post: Post) -> Delivery:
        """Send the post. Raises nashra.errors.PublishError subclasses on failure."""
        ...

    async def edit(self, post: Post) -> Delivery:
        """Replace an already sent post (``post.remote_id``) with this text."""
        ...

    async def aclose(self) -> None: ...


Factory = Callable[[ChannelConfig, Config], Channel]
_REGISTRY: dict[str, Factory] = {}


def register(kind: str) -> Callable[[Factory], Factory]:
    def wrap(factory: Factory) -> Factory:
        _REGISTRY[kind] = factory
        return factory

    return wrap


def registry() -> dict[str, Factory]:
    return dict(_REGISTRY)


def check_keys(cfg: ChannelConfig, allowed: set[str]) -> None:
    unknown = set(cfg.options) - allowed - COMMON_KEYS
    if unknown:
        raise ConfigError(f"مفاتيح غير معروفة للقناة: {sorted(unknown)}", where=cfg.name)


def build_channel(cfg: ChannelConfig, config: Config) -> Channel:
    try:
        factory = _REGISTRY[cfg.kind]
    except KeyError as exc:
        kinds = ", ".join(sorted(_REGISTRY))
        raise ConfigError(
            f"نوع قناة غير معروف: {cfg.kind} (المتاح: {kinds})", where=cfg.name
        ) from exc
    return factory(cfg, config)
