"""Webhook channel (``kind = "webhook"``): a signed JSON POST of each post.

Keys: ``url`` (where to POST), ``secret_env`` (the environment variable holding the HMAC secret;
the secret is never in the file), ``headers`` (extra request headers, optional), ``timeout``
(seconds, default 15).

The body is the post as JSON (``event``, ``id``, ``article_id``, ``channel``, ``title``, ``url``,
``text``, ``hashtags``, ``html``, ``idempotency_key``), UTF-8, Arabic unescaped. Headers:

    X-Nashra-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes with the secret>
    X-Nashra-Delivery:  <the idempotency key: the same on every retry of this post>
    X-Nashra-Event:     post.created | post.updated

The URL goes through Nashra's SSRF guard (the fetch stage's, checked on the resolved address):
a receiver on a private or loopback address needs ``fetch.allow_networks``. The channel is
idempotent (``Traits.idempotent``): every retry of a post carries the same delivery key, which
the receiver dedupes on, so a lost reply is sent again, never ``unknown``. How replies map onto
the outbox (``nashra.channels.transport``):

    2xx                                   → sent
    429 / 503 with Retry-After            → RetryLater(retry_after)
    408, 429, 5xx without Retry-After     → retried with the outbox's backoff, same key
    other 3xx / 4xx                       → ContentRejected (failed; a person looks)
    refused / DNS / connect timeout / the request not fully written → NotSent (retried)
    read timeout, reset after sending     → MaybeSent → retried with the same key
    address refused by the SSRF guard, secret not set → ChannelPaused
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from nashra import __version__
from nashra.channels import transport
from nashra.channels.base import BaseChannel, ChannelOptions, Traits, check_keys, post_of, register
from nashra.channels.ledger import Pacing
from nashra.errors import ChannelPaused, ConfigError, ContentRejected
from nashra.fetch import GuardedTransport, parse_networks
from nashra.models import Part, Post
from nashra.settings import ChannelConfig, Config

SIGNATURE = "X-Nashra-Signature"
DELIVERY = "X-Nashra-Delivery"
EVENT = "X-Nashra-Event"
RESERVED = frozenset(h.lower() for h in (SIGNATURE, DELIVERY, EVENT, "content-type", "host"))
WEBHOOK_PACING = Pacing(per_window=120, window=60.0, min_gap=0.0)


def sign(secret: bytes, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str | None) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def idempotency_key(post: Post, event: str) -> str:
    """Stable for one post (and, for an update, one text): every retry carries the same key."""
    basis = f"{post.channel}\n{post.id}\n{post.article_id}\n{post.url}"
    if event == "post.updated":
        basis += "\n" + post.text
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def payload(post: Post, event: str) -> bytes:
    data = {
        "event": event,
        "id": post.id,
        "article_id": post.article_id,
        "channel": post.channel,
        "title": post.title,
        "url": post.url,
        "text": post.text,
        "hashtags": list(post.hashtags),
        "html": post.html,
        "image": post.image,
        "idempotency_key": idempotency_key(post, event),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookChannel(BaseChannel):
    kind: ClassVar[str] = "webhook"

    def __init__(
        self,
        name: str,
        options: ChannelOptions,
        *,
        url: str,
        secret_env: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = 15.0,
        allow_networks: tuple[str, ...] = (),
    ) -> None:
        super().__init__(name, options)
        self.url, self.secret_env = url, secret_env
        self.headers = dict(headers or {})
        self.allow_networks = allow_networks
        self.traits = Traits(
            pacing=options.pacing(WEBHOOK_PACING, None),
            timeout=timeout,
            can_edit=True,
            idempotent=True,
        )
        self._client: httpx.AsyncClient | None = None

    def _secret(self) -> bytes:
        secret = os.environ.get(self.secret_env, "")
        if not secret:
            raise ChannelPaused(
                f"متغير البيئة {self.secret_env} لا يحمل سر التوقيع — the HMAC secret is not set",
                channel=self.name,
            )
        return secret.encode("utf-8")

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=GuardedTransport(
                    allow=parse_networks(self.allow_networks), max_connections=4
                ),
                timeout=httpx.Timeout(self.traits.timeout, connect=min(self.traits.timeout, 10.0)),
                follow_redirects=False,
                trust_env=False,
            )
        return self._client

    async def _post(self, post: Post, event: str) -> str:
        assert post.id is not None
        body = payload(post, event)
        key = idempotency_key(post, event)
        headers = {
            **self.headers,
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"Nashra/{__version__} webhook",
            "Connection": "close",  # a reused idle connection must not turn into "maybe sent"
            SIGNATURE: sign(self._secret(), body),
            DELIVERY: key,
            EVENT: event,
        }
        resp = await transport.request(
            self._http(), "POST", self.url, channel=self.name, content=body, headers=headers
        )
        status = resp.status_code
        if 200 <= status < 300:
            return key
        error = transport.status_error(resp, channel=self.name)
        if error is not None:
            raise error
        raise ContentRejected(
            f"رفض الـwebhook المنشور — refused with HTTP {status}: {resp.text[:200]}",
            channel=self.name,
        )

    async def send(self, part: Part) -> str:
        return await self._post(post_of(part), "post.created")

    async def edit(self, part: Part, remote_id: str) -> None:
        await self._post(post_of(part), "post.updated")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _headers(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError("headers جدول نصوص — a table of strings", where=where)
    if not all(v.isascii() and k.isascii() for k, v in value.items()):
        raise ConfigError(
            "قيم الترويسات بحروف ASCII فقط — header values must be ASCII", where=where
        )
    clash = sorted(k for k in value if k.lower() in RESERVED)
    if clash:
        raise ConfigError(f"ترويسات محجوزة لا تُغيَّر: {clash} — reserved headers", where=where)
    return dict(value)


@register("webhook")
def _webhook(cfg: ChannelConfig, config: Config) -> WebhookChannel:
    check_keys(cfg, {"url", "secret_env", "headers", "timeout"})
    for key in ("url", "secret_env"):
        if not isinstance(cfg.options.get(key), str) or not cfg.options[key]:
            raise ConfigError(f"قناة webhook تحتاج المفتاح {key}", where=cfg.name)
    url = cfg.options["url"]
    if not url.startswith(("http://", "https://")):
        raise ConfigError("url يبدأ بـ http:// أو https://", where=cfg.name)
    try:
        timeout = float(cfg.options.get("timeout", 15.0))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"timeout عدد — must be a number: {exc}", where=cfg.name) from exc
    return WebhookChannel(
        cfg.name,
        ChannelOptions.from_mapping(cfg.options, cfg.name),
        url=url,
        secret_env=cfg.options["secret_env"],
        headers=_headers(cfg.options.get("headers"), cfg.name),
        timeout=timeout,
        allow_networks=tuple(config["fetch.allow_networks"]),
    )


__all__ = ["DELIVERY", "EVENT", "SIGNATURE", "WebhookChannel", "idempotency_key", "sign", "verify"]
