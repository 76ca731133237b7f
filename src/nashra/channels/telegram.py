"""Telegram channel (``kind = "telegram"``): Bot API over plain httpx, HTML parse mode.

Keys: ``chat_id`` (``@channel`` or a numeric id), ``token_env`` (the environment variable that
holds the bot token; the token is never in the file), ``api_base`` (default Telegram's; a local
Bot API server or nashra.testing's stand-in), ``photos`` (the lead image: a photo with the post as
its caption when the post fits 1024 units, else with the first part; default true), ``timeout``
(seconds to wait for a reply, default 30), ``reconcile_chat`` (a private chat or group where the
bot may post, used to settle sends whose reply was lost; without it such a send is ``unknown``),
and the options of ``nashra.channels.tgoptions``: ``button``, ``link_preview``, ``preview_url``,
``silent``, ``quiet_hours``, ``mode`` (``teaser``: headline, lead and link in one message, with its
own template), ``albums`` (an article with several pictures as one ``sendMediaGroup`` album,
``nashra.channels.tgalbum``).

How replies map onto the outbox (``nashra.channels.transport`` reads the transport):

    ok                                   → the part's message id
    429 + parameters.retry_after         → RetryLater(whole_bot): every send through the bot waits
    connect refused / connect timeout    → NotSent: nothing went out, sent again
    read timeout, reset, 5xx, garbage    → MaybeSent: checked with ``reconcile`` (below)
    400 can't parse entities             → the same part again once, as plain text
    400 photo URL refused                → the same part again once, as a text message
    400 migrate_to_chat_id               → the new chat id is kept and the part sent there once
    403 (bot kicked, no rights), 400 chat not found, 401 bad token → ChannelPaused
    other 400                            → ContentRejected (failed; a person looks)

**Reconcile.** The Bot API has no idempotency key, but message ids in a channel or supergroup
count up one by one. For a maybe-sent part the channel forwards the candidate ids after the last
confirmed one (``after``) into the reconcile chat, one at a time: forwardMessage returns the
message, whose text (or caption) is compared with the part's (what Telegram shows after entity
parsing, spaces collapsed); the copy is deleted at once. A match is the part (LANDED, with that
id); two ids in a row that do not exist ("message to forward not found") mean it never landed
(ABSENT: sent again); more than ``MAX_SCAN`` other messages in between, or no reconcile chat, is
CANNOT_TELL (``unknown``). Without a confirmed id yet (a channel's first post) the scan starts at
id 1, so it settles a new channel and gives up (``unknown``) on one with a long history.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

import httpx

from nashra.channels import tgalbum, transport
from nashra.channels.base import (
    BaseChannel,
    ChannelOptions,
    Check,
    Reconciled,
    Traits,
    check_keys,
    register,
)
from nashra.channels.ledger import Pacing
from nashra.channels.tgoptions import KEYS as TG_KEYS
from nashra.channels.tgoptions import TelegramOptions
from nashra.errors import (
    ChannelPaused,
    ConfigError,
    ContentRejected,
    MaybeSent,
    PublishError,
    RetryLater,
)
from nashra.models import Part, PartKind, Post
from nashra.render import telegram as tg
from nashra.settings import ChannelConfig, Config

DEFAULT_API = "https://api.telegram.org"
READ_MORE = "اقرأ المزيد"
TELEGRAM_PACING = Pacing(per_window=20, window=60.0, min_gap=1.0, per_second=30)
_PHOTO_REFUSED = (
    "wrong file identifier",
    "failed to get http url content",
    "wrong type of the web",
    "webpage_curl_failed",
    "webpage_media_empty",
)


MAX_SCAN = 10  # candidate ids a reconcile forwards at most (a group takes ~20 a minute)
GAP = 2  # missing ids in a row that end a reconcile: the message is not there


class _Migrated(Exception):
    def __init__(self, new_chat: str) -> None:
        super().__init__(new_chat)
        self.new_chat = new_chat


class _BadEntities(Exception):
    pass


class _Gone(Exception):
    """'message to forward/edit/delete not found': no message with that id (any more)."""


def _flat(text: str) -> str:
    return " ".join(text.split())


def shown(body: str) -> set[str]:
    """The texts readers may see for a part: parsed HTML, or the plain-text fallback."""
    out = {_flat(tg.to_plain_fallback(body))}
    with contextlib.suppress(tg.BadHTML):
        out.add(_flat(tg.plain(body)))
    return out


class TelegramChannel(BaseChannel):
    kind: ClassVar[str] = "telegram"

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
        reconcile_chat: str | None = None,
        extras: TelegramOptions | None = None,
    ) -> None:
        super().__init__(name, options)
        self.extras = extras or TelegramOptions()
        self.target: str | None = chat_id
        self.token_env = token_env
        self.api_base = api_base.rstrip("/")
        self.photos = photos
        self.html = options.template.endswith(".html.j2")
        self.reconcile_chat = reconcile_chat
        token = os.environ.get(token_env, "")
        key = hashlib.sha256(token.encode()).hexdigest()[:16] if token else name
        self.traits = Traits(
            pacing=options.pacing(TELEGRAM_PACING, f"telegram:{key}"),
            timeout=timeout,
            can_edit=True,
            can_delete=True,
            reconciles=reconcile_chat is not None,
        )
        self._client: httpx.AsyncClient | None = None

    @property
    def chat(self) -> str:
        assert self.target is not None
        return self.target

    # -- planning (pure) --------------------------------------------------------------------
    def plan(self, post: Post) -> list[Part]:
        """The messages of a post. Teaser mode: one message (the lead cut to fit, never the
        link). With an image: a photo with the post as its caption when the post fits 1024; a
        longer post is the photo with its first part, then the rest, or, with ``preview_url =
        "image"``, text with the image as its link preview (no photo message at all)."""
        source = post.text if self.html else tg.escape(post.text)
        album = tgalbum.album_images(post, enabled=self.photos and self.extras.albums)
        if album:
            return self._album(post, source, album)
        photo = bool(self.photos and post.image and post.image.startswith(("http://", "https://")))
        if self.extras.mode == "teaser":
            return [self._teaser(post, source, photo)]
        fits = photo and _length(source) <= tg.CAPTION_LIMIT
        as_preview = self.extras.preview_url == "image" and self.extras.link_preview != "off"
        if photo and not fits and as_preview:
            parts = self._chunks(source, None, post)
            return [replace(parts[0], image=post.image), *parts[1:]]
        parts = self._chunks(source, tg.CAPTION_LIMIT if photo else None, post)
        if photo:
            parts[0] = replace(parts[0], kind=PartKind.PHOTO, image=post.image)
        return parts

    def _album(self, post: Post, source: str, images: tuple[str, ...]) -> list[Part]:
        """An album (``nashra.channels.tgalbum``): the post as its caption when it fits and no
        button needs a text message, else the headline, then the text (or the teaser)."""
        text_after = tgalbum.wants_text(self.extras)
        if self.extras.mode == "teaser":
            if not text_after:
                whole = self._teaser(post, source, True).body
                return tgalbum.plan_album(post, images, whole=whole, rest=[])
            rest = [self._teaser(post, source, False)]
            return tgalbum.plan_album(post, images, whole=None, rest=rest)
        if not text_after and _length(source) <= tg.CAPTION_LIMIT:
            return tgalbum.plan_album(post, images, whole=source, rest=[])
        rest = self._chunks(source, None, post)
        return tgalbum.plan_album(post, images, whole=None, rest=rest)

    def _teaser(self, post: Post, source: str, photo: bool) -> Part:
        limit = tg.CAPTION_LIMIT if photo else tg.TEXT_LIMIT
        link = "" if self.extras.button else f'🔍 <a href="{_attr(post.url)}">{READ_MORE}</a>'
        try:
            body = tg.fit(source, limit, keep_tail=link)
        except tg.BadHTML:
            body = tg.fit(tg.escape(tg.to_plain_fallback(source)), limit, keep_tail=link)
        kind = PartKind.PHOTO if photo else PartKind.TEXT
        return Part(idx=0, kind=kind, body=body, image=post.image if photo else None)

    def _chunks(self, source: str, first_limit: int | None, post: Post) -> list[Part]:
        photo = first_limit is not None
        try:
            chunks = tg.split(source, first_limit=tg.CAPTION_LIMIT if photo else None)
        except tg.BadHTML:
            plain = tg.escape(tg.to_plain_fallback(source))
            chunks = tg.split(plain, first_limit=tg.CAPTION_LIMIT if photo else None)
        if not chunks:
            chunks = [tg.escape(post.title or post.url)]
        return [Part(idx=i, kind=PartKind.TEXT, body=c) for i, c in enumerate(chunks)]

    def _options(self, part: Part, *, as_text: bool, editing: bool = False) -> dict[str, Any]:
        """The channel's options for this message (button on the post's last message, link
        preview, silence), from ``tgoptions``; a text part with an image previews it above."""
        post = part.post
        photo = part.kind in (PartKind.PHOTO, PartKind.ALBUM) and not as_text
        last = post is not None and part.idx == len(self.plan(post)) - 1
        out = self.extras.extras(
            kind="photo" if photo else "text",
            last=last,
            url=post.url if post is not None else None,
            image=part.image,
        )
        if not photo and part.image and self.extras.link_preview != "off":
            out["link_preview_options"] = {
                "url": part.image,
                "show_above_text": self.extras.link_preview != "below",
                "prefer_large_media": True,
            }
        if part.kind is PartKind.ALBUM and not as_text:
            out.pop("reply_markup", None)  # a media group takes no keyboard (tgalbum)
        if editing:
            out.pop("disable_notification", None)  # an edit does not notify anyway
        return out

    # -- the Bot API -------------------------------------------------------------------------
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
                timeout=httpx.Timeout(self.traits.timeout, connect=min(self.traits.timeout, 10.0)),
                trust_env=False,
            )
        return self._client

    async def _call(self, method: str, payload: dict[str, Any]) -> Any:
        url = f"{self.api_base}/bot{self._token()}/{method}"
        resp = await transport.request(self._http(), "POST", url, channel=self.name, json=payload)
        return self._result(resp)

    def _result(self, resp: httpx.Response) -> Any:
        try:
            data = resp.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or "ok" not in data:
            raise transport.status_error(resp, channel=self.name) or MaybeSent(
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
            raise MaybeSent(f"خطأ في خادم Telegram بعد الإرسال: {desc}", channel=self.name)
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
        if "message to" in low and "not found" in low:
            raise _Gone(desc)
        raise ContentRejected(f"رفض Telegram المنشور: {desc}", channel=self.name)

    # -- the contract ------------------------------------------------------------------------
    async def _deliver(
        self, part: Part, shape: PartKind, images: tuple[str, ...], *, plain: bool = False
    ) -> str:
        """Send ``part`` as ``shape`` (an album, a photo or a text: what is left after a refused
        photo) and return its remote id."""
        body = tg.to_plain_fallback(part.body) if plain else part.body
        payload: dict[str, Any] = {"chat_id": self.target}
        if shape is PartKind.ALBUM:
            payload["media"] = tgalbum.media(images, body, html=not plain)
            method = "sendMediaGroup"
        elif shape is PartKind.PHOTO:
            payload.update(photo=images[0] if images else part.image, caption=body)
            method = "sendPhoto"
        else:
            payload["text"] = body
            method = "sendMessage"
        if not plain and shape is not PartKind.ALBUM:
            payload["parse_mode"] = "HTML"
        payload.update(self._options(part, as_text=shape is PartKind.TEXT))
        result = await self._call(method, payload)
        if shape is PartKind.ALBUM:
            return tgalbum.format_ids(self.chat, [int(m["message_id"]) for m in result])
        return f"{self.target}:{result['message_id']}"

    async def send(self, part: Part) -> str:
        """Send one part; 400 replies mean nothing was posted, so each fallback is tried once
        (plain text for bad entities; without a refused photo, down to a text message)."""
        plain = migrated = False
        shape: PartKind = part.kind
        if shape not in (PartKind.ALBUM, PartKind.PHOTO):
            shape = PartKind.TEXT
        images = part.images if part.kind is PartKind.ALBUM else tuple(filter(None, [part.image]))
        while True:
            try:
                return await self._deliver(part, shape, images, plain=plain)
            except _Migrated as exc:
                if migrated:
                    raise ChannelPaused("نُقلت المجموعة مرتين", channel=self.name) from exc
                self.target, migrated = exc.new_chat, True
            except _BadEntities as exc:
                if plain:
                    raise ContentRejected(str(exc), channel=self.name) from exc
                plain = True
            except _Gone as exc:
                raise ContentRejected(str(exc), channel=self.name) from exc
            except ContentRejected as exc:
                refused = any(p in str(exc).lower() for p in _PHOTO_REFUSED)
                if shape is PartKind.TEXT or not refused:
                    raise
                shape, images = _without_refused(shape, images, str(exc))

    async def edit(self, part: Part, remote_id: str) -> None:
        chat, ids = tgalbum.message_ids(remote_id)
        caption = part.kind in (PartKind.PHOTO, PartKind.ALBUM)
        try:
            try:
                await self._call(*self._edit_request(part, chat, ids[0], caption=caption))
            except ContentRejected as exc:
                if not (caption and "no caption in the message" in str(exc).lower()):
                    raise
                # the photo (or album) was refused when it was sent: a text message stands for it
                await self._call(*self._edit_request(part, chat, ids[0], caption=False))
        except ContentRejected as exc:
            if "not modified" not in str(exc).lower():
                raise
        except (_BadEntities, _Migrated, _Gone) as exc:
            raise ContentRejected(f"تعذر تعديل الرسالة: {exc}", channel=self.name) from exc

    def _edit_request(
        self, part: Part, chat: str, message: int, *, caption: bool
    ) -> tuple[str, dict[str, Any]]:
        payload: dict[str, Any] = {"chat_id": chat, "message_id": message, "parse_mode": "HTML"}
        payload["caption" if caption else "text"] = part.body
        payload.update(self._options(part, as_text=not caption, editing=True))
        return ("editMessageCaption" if caption else "editMessageText"), payload

    async def delete(self, remote_id: str) -> None:
        """Remove a part: its one message, or every photo of an album (``deleteMessages``)."""
        chat, ids = tgalbum.message_ids(remote_id)
        try:
            if len(ids) > 1:
                await self._call("deleteMessages", {"chat_id": chat, "message_ids": ids})
            else:
                await self._call("deleteMessage", {"chat_id": chat, "message_id": ids[0]})
        except _Gone:
            return  # already gone
        except (_BadEntities, _Migrated) as exc:
            raise ContentRejected(f"تعذر حذف الرسالة: {exc}", channel=self.name) from exc

    async def reconcile(self, part: Part, after: str | None) -> Reconciled:
        if self.reconcile_chat is None:
            return Reconciled(Check.CANNOT_TELL, detail="no reconcile_chat configured")
        chat, done = tgalbum.message_ids(after or "")
        start = done[-1] + 1 if chat == self.target and done else 1
        wanted = shown(part.body)
        misses = 0
        for mid in range(start, start + MAX_SCAN):
            payload = {
                "chat_id": self.reconcile_chat,
                "from_chat_id": self.target,
                "message_id": mid,
                "disable_notification": True,
            }
            try:
                copy = await self._call("forwardMessage", payload)
            except _Gone:
                misses += 1
                if misses >= GAP:
                    return Reconciled(Check.ABSENT, detail=f"ids {start}..{mid}")
                continue
            except (_BadEntities, _Migrated) as exc:
                raise ContentRejected(f"forwardMessage: {exc}", channel=self.name) from exc
            misses = 0
            await self._drop_copy(copy)
            text = str(copy.get("text") or copy.get("caption") or "")
            if _flat(text) in wanted:
                ids = [mid]
                if part.kind is PartKind.ALBUM:
                    ids += await self._album_rest(mid, len(part.images) - 1)
                remote = tgalbum.format_ids(self.chat, ids)
                return Reconciled(Check.LANDED, remote, detail=f"ids {ids}")
        return Reconciled(Check.CANNOT_TELL, detail=f"not within {MAX_SCAN} ids after {start - 1}")

    async def _album_rest(self, first: int, most: int) -> list[int]:
        """The ids after an album's captioned first photo that are its other photos (photos
        without a caption, consecutive; fewer when a refused photo was left out)."""
        found: list[int] = []
        for mid in range(first + 1, first + 1 + most):
            payload = {
                "chat_id": self.reconcile_chat,
                "from_chat_id": self.target,
                "message_id": mid,
                "disable_notification": True,
            }
            try:
                copy = await self._call("forwardMessage", payload)
            except _Gone:
                break
            except (_BadEntities, _Migrated) as exc:
                raise ContentRejected(f"forwardMessage: {exc}", channel=self.name) from exc
            await self._drop_copy(copy)
            if not copy.get("photo") or copy.get("caption") or copy.get("text"):
                break
            found.append(mid)
        return found

    async def _drop_copy(self, copy: Any) -> None:
        """Delete the forwarded copy; one left in the private reconcile chat harms no reader,
        but a 429 stops the check (the bot must wait before any request)."""
        try:
            await self._call(
                "deleteMessage", {"chat_id": self.reconcile_chat, "message_id": copy["message_id"]}
            )
        except RetryLater:
            raise
        except (PublishError, _Gone, _BadEntities, _Migrated, KeyError, TypeError):
            return

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _without_refused(
    shape: PartKind, images: tuple[str, ...], description: str
) -> tuple[PartKind, tuple[str, ...]]:
    """What is left to send after Telegram refused a photo: the album without it, one photo,
    or the text alone (``nashra.channels.tgalbum``)."""
    if shape is PartKind.ALBUM:
        pos = tgalbum.refused_item(description)
        if pos is not None and pos < len(images):
            left = images[:pos] + images[pos + 1 :]
            return (PartKind.ALBUM if len(left) >= 2 else PartKind.PHOTO), left
        return PartKind.PHOTO, images[:1]  # no photo named: the lead alone, then the text
    return PartKind.TEXT, ()


def _length(source: str) -> int:
    try:
        return tg.length(source)
    except tg.BadHTML:
        return tg.u16(tg.to_plain_fallback(source))


def _attr(url: str) -> str:
    return html.escape(url, quote=True)


def _str_key(cfg: ChannelConfig, key: str, default: str | None = None) -> str:
    value = cfg.options.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"قناة telegram تحتاج المفتاح {key}", where=cfg.name)
    return value


@register("telegram")
def _telegram(cfg: ChannelConfig, config: Config) -> TelegramChannel:
    keys = {"chat_id", "token_env", "api_base", "photos", "timeout", "reconcile_chat"}
    check_keys(cfg, keys | TG_KEYS)
    teaser = cfg.options.get("mode") == "teaser"
    template = "telegram-teaser.html.j2" if teaser else "telegram.html.j2"
    options = ChannelOptions.from_mapping(cfg.options, cfg.name, template=template)
    zone = options.timezone or config["render.timezone"] or None
    extras = TelegramOptions.from_mapping(cfg.options, cfg.name, timezone=zone)
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
        reconcile_chat=_str_key(cfg, "reconcile_chat") if "reconcile_chat" in cfg.options else None,
        extras=extras,
    )


__all__: Sequence[str] = ["DEFAULT_API", "TELEGRAM_PACING", "TelegramChannel", "shown"]
