"""Albums for the local Bot API stand-in: sendMediaGroup, deleteMessages, refused photo URLs.

As the Bot API documents them (https://core.telegram.org/bots/api#sendmediagroup) and as
tdlib's telegram-bot-api answers (its wording, as peers' Bot API emulators and bots' error
tables quote it):

* ``media`` is a JSON-serialized array of ``InputMediaPhoto`` (``type = "photo"``, ``media``,
  ``caption``, ``parse_mode``, ``show_caption_above_media``, ``has_spoiler``); missing: 400
  ``parameter "media" is required``; not an array: ``can't parse media JSON object``; empty:
  ``there are no messages to send``; more than 10: ``too many messages to send as an album``;
  another type: ``can't parse InputMedia: type "…" is unsupported``. One item is sent as one
  message outside any album (tdlib's send_message_group does so), which Nashra never asks for;
* each caption ≤ 1024 UTF-16 units after entity parsing, with its own ``parse_mode``;
* a photo URL Telegram cannot use: a malformed one fails the whole request before anything is
  sent (``wrong file identifier/HTTP URL specified``); one its servers cannot fetch fails with
  the item's position, ``failed to send message #N with the error message "…"``; either way
  nothing is posted (tests choose such URLs with ``refuse_photo``);
* the album takes one message id per photo, consecutive, and counts as that many messages in
  the chat's flood limit (a 429 with ``retry_after`` when it does not fit); it returns an array
  of ``Message`` sharing one ``media_group_id``; ``reply_markup`` is not a parameter of the
  method and is ignored, as the official server does;
* ``deleteMessages``: 1-100 ids; those not found are skipped; returns True.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nashra.testing.telegram import Chat

__all__ = ["PHOTO_ERRORS", "AlbumMethods", "photo_error"]

# What Telegram answers when it cannot use a photo URL (sendPhoto: "Bad Request: <error>").
PHOTO_ERRORS = (
    "wrong file identifier/HTTP URL specified",
    "failed to get HTTP URL content",
    "WEBPAGE_CURL_FAILED",
    "WEBPAGE_MEDIA_EMPTY",
)
_WHOLE = "wrong file identifier/HTTP URL specified"  # refused before the album is looked at


def photo_error(url: str, refused: dict[str, str]) -> str | None:
    """Telegram's description of why it cannot use ``url`` (None: it can)."""
    if not url.startswith(("http://", "https://")):
        return _WHOLE
    return refused.get(url)


class AlbumMethods:
    """Mixed into ``FakeTelegram`` (which holds the state and the shared checks)."""

    refused: dict[str, str]
    media_groups: int

    def refuse_photo(self, url: str, error: str = "failed to get HTTP URL content") -> None:
        """Telegram will not take ``url`` as a photo, with one of ``PHOTO_ERRORS``."""
        if error not in PHOTO_ERRORS:
            raise ValueError(f"not a Telegram photo error: {error}")
        self.refused[url] = error

    def _media_group(self, token: str, payload: dict[str, Any], now: float) -> list[dict[str, Any]]:
        from nashra.testing.telegram import Accepted, _Reply

        host: Any = self
        chat: Chat = host._chat(payload)
        media = payload.get("media")
        if media is None:
            raise _Reply(400, 'Bad Request: parameter "media" is required')
        if isinstance(media, str):
            try:
                media = json.loads(media)
            except ValueError:
                raise _Reply(400, "Bad Request: can't parse media JSON object") from None
        if not isinstance(media, list):
            raise _Reply(400, "Bad Request: can't parse media JSON object")
        if not media:
            raise _Reply(400, "Bad Request: there are no messages to send")
        if len(media) > 10:
            raise _Reply(400, "Bad Request: too many messages to send as an album")
        items = []
        for item in media:
            if not isinstance(item, dict):
                raise _Reply(400, "Bad Request: can't parse InputMedia JSON object")
            kind = item.get("type")
            if kind != "photo":
                raise _Reply(
                    400, f'Bad Request: can\'t parse InputMedia: type "{kind}" is unsupported'
                )
            url = item.get("media")
            if not isinstance(url, str) or not url:
                raise _Reply(400, "Bad Request: can't parse InputMedia: media not found")
            if photo_error(url, self.refused) == _WHOLE:
                raise _Reply(400, f"Bad Request: {_WHOLE}")
            text, source = host._text(item, "caption", 1024)
            items.append((url, text, source))
        above = {bool(i.get("show_caption_above_media", False)) for i in media}
        if len(above) > 1:
            raise _Reply(
                400,
                "Bad Request: parameter show_caption_above_media must be the same for all messages",
            )
        for pos, (url, _, _) in enumerate(items, start=1):
            error = photo_error(url, self.refused)
            if error:
                raise _Reply(
                    400,
                    f'Bad Request: failed to send message #{pos} with the error message "{error}"',
                )
        silent = payload.get("disable_notification", False)
        if not isinstance(silent, bool):
            raise _Reply(400, "Bad Request: disable_notification must be a Boolean")
        host._pace(token, chat, now, count=len(items))
        self.media_groups += 1
        group = str(10**17 + self.media_groups)
        out = []
        for url, text, source in items:
            msg = Accepted(chat.id, 0, "sendMediaGroup", text, source, now, url)
            msg.silent, msg.media_group_id = silent, group
            result = host._post(token, chat, msg)
            result["media_group_id"] = group
            if not text:
                result.pop("caption", None)
            out.append(result)
        return out

    def _delete_many(self, payload: dict[str, Any]) -> bool:
        from nashra.testing.telegram import _Reply

        host: Any = self
        chat = host._chat(payload)
        ids = payload.get("message_ids")
        if isinstance(ids, str):
            try:
                ids = json.loads(ids)
            except ValueError:
                ids = None
        if not isinstance(ids, list) or not ids or len(ids) > 100:
            raise _Reply(400, "Bad Request: message identifiers are not specified")
        for mid in ids:
            found = host._find(chat, int(mid)) if isinstance(mid, int) else None
            if found is not None:
                found.deleted = True
        return True

    def albums(self, chat_id: str) -> dict[str, list[Any]]:
        """The albums readers of ``chat_id`` see: media_group_id → its messages, in order."""
        host: Any = self
        out: dict[str, list[Any]] = {}
        for m in host.messages(chat_id):
            if m.media_group_id:
                out.setdefault(m.media_group_id, []).append(m)
        return out
