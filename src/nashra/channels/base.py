"""The channel protocol, the options every channel shares, and the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from nashra.channels.ledger import Pacing
from nashra.channels.routing import Routes
from nashra.errors import ConfigError
from nashra.models import Article, Delivery, Enrichment, Post
from nashra.settings import ChannelConfig, Config
from nashra.store.outbox import Part

COMMON_KEYS = frozenset(
    {"template", "timezone", "review", "enabled", "include", "exclude", "lease_seconds", "pace"}
    | {"digest", "digest_hour"}
)


@dataclass(frozen=True, slots=True)
class ChannelOptions:
    """Options every channel kind understands."""

    template: str = "default.txt.j2"
    timezone: str | None = None
    review: bool = False  # hold posts for an editor before publishing
    enabled: bool = True
    routes: Routes = field(default_factory=Routes)
    lease_seconds: float = 600.0  # an in-flight send older than this was cut by a crash
    pace: Mapping[str, float] = field(default_factory=dict)  # per_window, window_seconds, min_gap
    digest: bool = False  # a daily digest post of the day's top stories
    digest_hour: int = 20  # the local hour (channel's timezone) the digest is queued at

    @classmethod
    def from_mapping(
        cls, options: Mapping[str, Any], where: str, *, template: str = "default.txt.j2"
    ) -> ChannelOptions:
        review = options.get("review", False)
        enabled = options.get("enabled", True)
        digest = options.get("digest", False)
        if not all(isinstance(v, bool) for v in (review, enabled, digest)):
            raise ConfigError(
                "review و enabled و digest قيم منطقية — must be true/false", where=where
            )
        pace = options.get("pace", {})
        if not isinstance(pace, Mapping) or set(pace) - {"per_window", "window_seconds", "min_gap"}:
            raise ConfigError(
                "pace = {per_window, window_seconds, min_gap} — unknown pacing keys", where=where
            )
        hour = options.get("digest_hour", 20)
        if not isinstance(hour, int) or isinstance(hour, bool) or not 0 <= hour <= 23:
            raise ConfigError("digest_hour ساعة من 0 إلى 23 — an hour 0..23", where=where)
        try:
            lease = float(options.get("lease_seconds", 600.0))
            pace_values = {k: float(v) for k, v in pace.items()}
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"قيمة عددية غير صالحة: {exc}", where=where) from exc
        return cls(
            template=str(options.get("template", template)),
            timezone=str(options["timezone"]) if options.get("timezone") else None,
            review=review,
            enabled=enabled,
            routes=Routes.from_mapping(options, where),
            lease_seconds=lease,
            pace=pace_values,
            digest=digest,
            digest_hour=hour,
        )

    def pacing(self, default: Pacing, throttle_key: str | None) -> Pacing:
        """The channel's pacing: the kind's default with the ``pace`` table's overrides."""
        return Pacing(
            per_window=int(self.pace.get("per_window", default.per_window)),
            window=self.pace.get("window_seconds", default.window),
            min_gap=self.pace.get("min_gap", default.min_gap),
            throttle_key=throttle_key,
            per_second=default.per_second,
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


@runtime_checkable
class Paced(Protocol):
    """A channel whose sends are paced (and, with a throttle key, share a 429 pause)."""

    pacing: Pacing


@runtime_checkable
class Multipart(Protocol):
    """A channel that sends a post as several messages, each recorded on its own.

    ``plan`` is pure (the parts are stored before anything is sent); ``send_part`` sends one and
    returns its remote id; ``edit_part`` replaces a sent one. ``target`` is where messages go; the
    channel may change it (a Telegram group that became a supergroup) and the publisher keeps it.
    """

    target: str

    def plan(self, post: Post) -> Sequence[Part]: ...

    async def send_part(self, post: Post, part: Part) -> str: ...

    async def edit_part(self, post: Post, old: Part, new: Part) -> None: ...


@runtime_checkable
class Enriched(Protocol):
    """A channel that needs the article and its enrichment (a category from the topic, ...)."""

    async def send_with(self, post: Post, article: Article, enrichment: Enrichment) -> Delivery: ...


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
