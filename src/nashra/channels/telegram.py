"""Telegram channel (``kind = "telegram"``): Bot API over plain httpx, HTML parse mode.

Keys: ``chat_id`` (``@channel`` or a numeric id), ``token_env`` (the environment variable that
holds the bot token; the token is never in the file), ``api_base`` (default Telegram's; a local
Bot API server or nashra.testing's fake), ``photos`` (send the lead image with the first part as
its caption, default true), ``timeout`` (seconds to wait for a reply, default 30).

How replies map onto the outbox (the Bot API has no idempotency key, so a send whose reply is lost
cannot be told apart from one that never landed):

    ok                                   → the part's message id
    429 + parameters.retry_after         → RetryLater(whole_bot): every send through the bot waits
    connect refused / connect timeout    → ConnectFailed: nothing went out, retried with backoff
    read timeout, reset, 5xx, garbage    → OutcomeUnknown: never resent automatically
    400 can't parse entities             → the same part again once, as plain text
    400 photo URL refused                → the same part again once, as a text message
    400 migrate_to_chat_id               → the new chat id is kept and the part sent there once
    403 (bot kicked, no rights), 400 chat not found, 401 bad token → ChannelPaused
    other 400                            → ContentRejected (failed; a person looks)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

import httpx

from nashra.channels.base import ChannelOptions, check_keys, register
from nashra.channels.ledger import Pacing
from nashra.errors import (
    ChannelPaused,
    ConfigError,
    ConnectFailed,
    ContentRejected,
    OutcomeUnknown,
    RetryLater,
)
from nashra.models import Delivery, Post
from nashra.render import telegram as tg
from nashra.settings import ChannelConfig, Config
from nashra.store.outbox import Part

DEFAULT_API = "https://api.telegram.org"
TELEGRAM_PACING = Pacing(per_window=20, window=60.0, min_gap=1.0, per_second=30)
_PHOTO_REFUSED = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web",
)


class _Migrated(Exception):
    def __init__(self, new_chat: str) -> None:
        super().__init__(new_chat)
        self.new_chat = new_chat


class _BadEntities(Exception):
    pass


class TelegramChannel:
    kind: ClassVar[str] = "telegram"
    can_edit: ClassVar[bool] = True

    def __init__(
        self,
        name: str,
        options: ChannelOptions,
        *,
        chat_id: str,
        token_env: str,
        api_base: str = DEFAULT_API,
        photos: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.name = name
        self.options = options
        self.target = chat_id
        self.token_env = token_env
        self.api_base = api_base.rstrip("/")
        self.photos = photos
        self.html = options.template.endswith(".html.j2")
        self.timeout = timeout
        token = os.environ.get(token_env, "")
        key = hashlib.sha256(token.encode()).hexdigest()[:16] if token else name
        self.pacing = options.pacing(TELEGRAM_PACING, f"telegram:{key}")
        self._client: httpx.AsyncClient | None = None

    # -- planning (pure) --------------------------------------------------------------------
    def plan(self, post: Post) -> list[Part]:
        source = post.text if self.html else tg.escape(post.text)
        photo = bool(self.photos and post.image and post.image.startswith(("http://", "https://")))
        try:
            chunks = tg.split(source, first_limit=tg.CAPTION_LIMIT if photo else None)
        except tg.BadHTML:
            plain = tg.escape(tg.to_plain_fallback(source))
            chunks = tg.split(plain, first_limit=tg.CAPTION_LIMIT if photo else None)
        if not chunks:
            chunks = [tg.escape(post.title or post.url)]
        out = [Part(idx=i, kind="text", body=c) for i, c in enumerate(chunks)]
        if photo:
            out[0] = replace(out[0], kind="photo", image=post.image)
        return out

    # -- sending -----------------------------------------------------------------------------
    def _token(self) -> str:
        token = os.environ.get(self.token_env, "")
        if not token:
            raise ChannelPaused(
                f"متغير البيئة {self.token_env} لا يحمل توكن البوت — the bot token is not set",
                channel=self.name,
            )
        return token

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                trust_env=False,
            )
        return self._client

    async def _call(self, method: str, payload: dict[str, Any], *, idempotent: bool) -> Any:
        url = f"{self.api_base}/bot{self._token()}/{method}"
        try:
            resp = await self._http().post(url, json=payload)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ConnectFailed(f"تعذر الاتصال بـTelegram: {exc!r}", where=self.name) from exc
        except (httpx.WriteError, httpx.WriteTimeout) as exc:  # the request never fully left
            raise ConnectFailed(f"انقطع الإرسال قبل اكتماله: {exc!r}", where=self.name) from exc
        except httpx.HTTPError as exc:  # read timeout, reset after sending: it may have landed
            if idempotent:
                raise RetryLater(f"{exc!r}", retry_after=30.0, channel=self.name) from exc
            raise OutcomeUnknown(
                f"لا يُعرف إن وصلت الرسالة — the reply was lost: {exc!r}", channel=self.name
            ) from exc
        return self._result(resp, idempotent=idempotent)

    def _result(self, resp: httpx.Response, *, idempotent: bool) -> Any:
        try:
            data = resp.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or "ok" not in data:
            if idempotent:
                raise RetryLater(f"HTTP {resp.status_code}", retry_after=30.0, channel=self.name)
            raise OutcomeUnknown(
                f"ردّ غير مفهوم من Telegram — HTTP {resp.status_code}", channel=self.name
            )
        if data["ok"]:
            return data.get("result")
        code = int(data.get("error_code") or resp.status_code)
        desc = str(data.get("description", ""))
        params = data.get("parameters") or {}
        if code == 429:
            retry = float(params.get("retry_after", 5))
            raise RetryLater(desc, retry_after=retry, channel=self.name, whole_bot=True)
        if params.get("migrate_to_chat_id") is not None:
            raise _Migrated(str(params["migrate_to_chat_id"]))
        low = desc.lower()
        if code >= 500:
            if idempotent:
                raise RetryLater(desc, retry_after=30.0, channel=self.name)
            raise OutcomeUnknown(f"خطأ في خادم Telegram بعد الإرسال: {desc}", channel=self.name)
        if code in (401, 404):
            raise ChannelPaused(
                f"توكن البوت مرفوض — the bot token was refused ({code} {desc})", channel=self.name
            )
        if code == 403:
            raise ChannelPaused(
                "أُزيل البوت من القناة أو لا يملك صلاحية النشر؛ أعد إضافته مشرفًا ثم استأنف القناة"
                f" — bot removed or without rights ({desc})",
                channel=self.name,
            )
        if "chat not found" in low:
            raise ChannelPaused(
                f"القناة {self.target} غير موجودة أو البوت ليس عضوًا فيها — chat not found",
                channel=self.name,
            )
        if "can't parse entities" in low:
            raise _BadEntities(desc)
        raise ContentRejected(f"رفض Telegram المنشور: {desc}", channel=self.name)

    async def _deliver(self, part: Part, *, plain: bool = False, as_text: bool = False) -> Any:
        body = tg.to_plain_fallback(part.body) if plain else part.body
        if part.kind == "photo" and not as_text:
            payload: dict[str, Any] = {"chat_id": self.target, "photo": part.image, "caption": body}
            method = "sendPhoto"
        else:
            payload = {"chat_id": self.target, "text": body}
            method = "sendMessage"
        if not plain:
            payload["parse_mode"] = "HTML"
        return await self._call(method, payload, idempotent=False)

    async def send_part(self, post: Post, part: Part) -> str:
        """Send one part; 400 replies mean nothing was posted, so each fallback is tried once."""
        plain = as_text = migrated = False
        while True:
            try:
                result = await self._deliver(part, plain=plain, as_text=as_text)
                return f"{self.target}:{result['message_id']}"
            except _Migrated as exc:
                if migrated:
                    raise ChannelPaused("نُقلت المجموعة مرتين", channel=self.name) from exc
                self.target, migrated = exc.new_chat, True
            except _BadEntities as exc:
                if plain:
                    raise ContentRejected(str(exc), channel=self.name) from exc
                plain = True
            except ContentRejected as exc:
                refused = any(p in str(exc).lower() for p in _PHOTO_REFUSED)
                if part.kind != "photo" or as_text or not refused:
                    raise
                as_text = True

    async def edit_part(self, post: Post, old: Part, new: Part) -> None:
        if not old.remote_id:
            return
        chat, _, message = old.remote_id.rpartition(":")
        payload: dict[str, Any] = {
            "chat_id": chat,
            "message_id": int(message),
            "parse_mode": "HTML",
        }
        if old.kind == "photo":
            payload["caption"], method = new.body, "editMessageCaption"
        else:
            payload["text"], method = new.body, "editMessageText"
        try:
            await self._call(method, payload, idempotent=True)
        except ContentRejected as exc:
            if "not modified" not in str(exc).lower():
                raise
        except (_BadEntities, _Migrated) as exc:
            raise ContentRejected(f"تعذر تعديل الرسالة: {exc}", channel=self.name) from exc

    # -- the plain Channel protocol (one call sends every part; the publisher uses the parts) --
    async def send(self, post: Post) -> Delivery:
        assert post.id is not None
        ids = [await self.send_part(post, p) for p in self.plan(post)]
        return Delivery(post_id=post.id, channel=self.name, ok=True, remote_id=ids[0])

    async def edit(self, post: Post) -> Delivery:
        assert post.id is not None
        if post.remote_id:
            new = self.plan(post)[0]
            await self.edit_part(post, replace(new, remote_id=post.remote_id), new)
        return Delivery(post_id=post.id, channel=self.name, ok=True, remote_id=post.remote_id)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _str_key(cfg: ChannelConfig, key: str, default: str | None = None) -> str:
    value = cfg.options.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"قناة telegram تحتاج المفتاح {key}", where=cfg.name)
    return value


@register("telegram")
def _telegram(cfg: ChannelConfig, config: Config) -> TelegramChannel:
    check_keys(cfg, {"chat_id", "token_env", "api_base", "photos", "timeout"})
    options = ChannelOptions.from_mapping(cfg.options, cfg.name, template="telegram.html.j2")
    photos = cfg.options.get("photos", True)
    if not isinstance(photos, bool):
        raise ConfigError("photos قيمة منطقية — must be true/false", where=cfg.name)
    return TelegramChannel(
        cfg.name,
        options,
        chat_id=_str_key(cfg, "chat_id"),
        token_env=_str_key(cfg, "token_env"),
        api_base=_str_key(cfg, "api_base", DEFAULT_API),
        photos=photos,
        timeout=float(cfg.options.get("timeout", 30.0)),
    )


__all__: Sequence[str] = ["DEFAULT_API", "TELEGRAM_PACING", "TelegramChannel"]
