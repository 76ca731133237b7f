"""The channel contract (``Channel``, ``Traits``), the options all channels share, the registry."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nashra.channels.ledger import Pacing
from nashra.channels.routing import Routes
from nashra.errors import ConfigError, ContentRejected
from nashra.models import Part, PartKind, Post
from nashra.settings import ChannelConfig, Config

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
    # an in-flight send whose heartbeat is older than this was cut by a crash (renewed every
    # lease / 4 s while the send runs, so a restarted daemon reclaims it within seconds)
    lease_seconds: float = 10.0
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
            lease = float(options.get("lease_seconds", 10.0))
            pace_values = {k: float(v) for k, v in pace.items()}
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"قيمة عددية غير صالحة: {exc}", where=where) from exc
        if not (math.isfinite(lease) and lease > 0):
            raise ConfigError(f"lease_seconds عدد موجب — must be > 0, not {lease!r}", where=where)
        if not all(math.isfinite(v) and v >= 0 for v in pace_values.values()):
            raise ConfigError(f"pace أعداد غير سالبة — must be ≥ 0: {pace_values}", where=where)
        zone = str(options["timezone"]) if options.get("timezone") else None
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"منطقة زمنية غير معروفة: {zone!r}", where=where) from None
        return cls(
            template=str(options.get("template", template)),
            timezone=zone,
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


@dataclass(frozen=True, slots=True)
class Traits:
    """What a channel kind declares about itself; the publisher acts on these, never on kinds.

    ``idempotent``: sending a part again never doubles it (a directory write, a WordPress post
    found by its marker, a webhook with its delivery key), so a send whose reply was lost is sent
    again and never ``unknown``. ``reconciles``: the channel can tell whether a part landed
    (``reconcile``); otherwise a lost reply on a non-idempotent channel is ``unknown``.
    """

    pacing: Pacing | None = None  # None: no pacing
    timeout: float = 30.0  # seconds one request may take; the hard deadline is 2 × + 2 s
    can_edit: bool = False
    can_delete: bool = False
    idempotent: bool = False
    reconciles: bool = False
    needs_enrichment: bool = False  # attach the article's enrichment to each claimed part

    @property
    def deadline(self) -> float:
        """Seconds a whole send (with its fallbacks) may take before it counts as maybe sent."""
        return self.timeout * 2 + 2.0


class Check(StrEnum):
    """A reconcile's answer for a maybe-sent part."""

    LANDED = "landed"  # it is there (``Reconciled.remote_id``)
    ABSENT = "absent"  # it is not there: send it again
    CANNOT_TELL = "cannot_tell"  # no way to know: a person looks (``unknown``)


@dataclass(frozen=True, slots=True)
class Reconciled:
    check: Check
    remote_id: str | None = None
    detail: str = ""


class Channel(Protocol):
    """The one channel contract: a post is a list of parts; each part is sent on its own.

    ``plan`` is pure (the parts are stored before anything is sent); ``send`` sends one part
    (``part.post`` is set) and returns its remote id; ``edit`` replaces a sent part; ``delete``
    removes one; ``reconcile`` answers whether a maybe-sent part landed, given the remote id of
    the channel's last confirmed part (``after``). Errors are ``nashra.errors.PublishError``
    subclasses (``nashra.channels.transport`` maps transport errors). ``target`` is where
    messages go when the channel may move it (a Telegram group that became a supergroup); the
    publisher keeps it in ``channel_state``.
    """

    kind: ClassVar[str]
    name: str
    options: ChannelOptions
    traits: Traits
    target: str | None

    def plan(self, post: Post) -> Sequence[Part]: ...

    async def send(self, part: Part) -> str: ...

    async def edit(self, part: Part, remote_id: str) -> None: ...

    async def delete(self, remote_id: str) -> None: ...

    async def reconcile(self, part: Part, after: str | None) -> Reconciled: ...

    async def aclose(self) -> None: ...


class BaseChannel:
    """Defaults for the contract: one part holding the whole post, no edit, no delete, no
    reconcile. Built-in kinds derive from it; a plugin may too (or implement ``Channel``)."""

    kind: ClassVar[str] = ""
    traits: Traits = Traits()
    target: str | None = None

    def __init__(self, name: str, options: ChannelOptions) -> None:
        self.name = name
        self.options = options

    def plan(self, post: Post) -> Sequence[Part]:
        return [Part(idx=0, kind=PartKind.POST, body=post.text, image=post.image)]

    async def send(self, part: Part) -> str:
        raise NotImplementedError

    async def edit(self, part: Part, remote_id: str) -> None:
        raise ContentRejected("هذه القناة لا تعدّل المنشورات — cannot edit", channel=self.name)

    async def delete(self, remote_id: str) -> None:
        raise ContentRejected("هذه القناة لا تحذف المنشورات — cannot delete", channel=self.name)

    async def reconcile(self, part: Part, after: str | None) -> Reconciled:
        return Reconciled(Check.CANNOT_TELL, detail="no reconcile for this channel kind")

    async def aclose(self) -> None:
        return None


def post_of(part: Part) -> Post:
    """The post a claimed part belongs to (the publisher attaches it)."""
    if part.post is None:
        raise ValueError(f"part {part.idx} of post {part.post_id} was not claimed with its post")
    return part.post


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
