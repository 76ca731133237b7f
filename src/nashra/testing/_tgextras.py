"""The Bot API's rules for what rides along a message: an inline keyboard, link preview options
and ``disable_notification``, for the local stand-in.

Each check takes the request's payload and returns what a reader would see (the buttons, which
link is previewed and where, whether the phone rang), or raises ``ValueError`` with the
description Telegram answers with (400). From https://core.telegram.org/bots/api: an
``InlineKeyboardMarkup`` is an array of button rows, a URL button needs ``text`` and an http(s)
or tg ``url``; ``LinkPreviewOptions`` has ``is_disabled``, ``url``, ``prefer_small_media``,
``prefer_large_media`` and ``show_above_text`` (booleans, a string URL), and without ``url`` the
first link of the text is previewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Extras", "check_extras"]

PREVIEW_KEYS = {"is_disabled", "url", "prefer_small_media", "prefer_large_media", "show_above_text"}
_HREF = re.compile(r'href="([^"]+)"')
_BARE = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True, slots=True)
class Extras:
    buttons: tuple[tuple[str, str], ...] = ()  # (text, url) of every URL button, row by row
    preview: str | None = None  # the previewed URL, None when there is no preview
    preview_above: bool = False
    silent: bool = False


def _buttons(markup: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise ValueError("Bad Request: can't parse reply keyboard markup JSON object")
    out = []
    for row in markup["inline_keyboard"]:
        if not isinstance(row, list):
            raise ValueError("Bad Request: can't parse reply keyboard markup JSON object")
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise ValueError("Bad Request: can't parse inline keyboard button: text is empty")
            url = button.get("url")
            if url is None:
                raise ValueError(
                    "Bad Request: can't parse inline keyboard button: Text buttons are unallowed"
                    " in the inline keyboard"
                )
            if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
                raise ValueError("Bad Request: BUTTON_URL_INVALID")
            out.append((str(button["text"]), url))
    return tuple(out)


def _first_link(source: str) -> str | None:
    found = [*_HREF.findall(source), *_BARE.findall(re.sub(r"<[^<>]*>", " ", source))]
    return found[0] if found else None


def check_extras(method: str, payload: dict[str, Any], source: str) -> Extras:
    """What the optional fields of a sendMessage/sendPhoto/edit request make of the message."""
    silent = payload.get("disable_notification", False)
    if not isinstance(silent, bool):
        raise ValueError("Bad Request: disable_notification must be a Boolean")
    buttons: tuple[tuple[str, str], ...] = ()
    if "reply_markup" in payload:
        buttons = _buttons(payload["reply_markup"])
    if "disable_web_page_preview" in payload and "link_preview_options" in payload:
        raise ValueError(
            "Bad Request: can't use link_preview_options and disable_web_page_preview together"
        )
    if method not in ("sendMessage", "editMessageText"):
        return Extras(buttons, None, False, silent)  # a caption has no link preview
    options = payload.get("link_preview_options", {})
    if payload.get("disable_web_page_preview") is True:
        options = {"is_disabled": True}
    if not isinstance(options, dict) or set(options) - PREVIEW_KEYS:
        raise ValueError("Bad Request: can't parse link preview options JSON object")
    if "url" in options and not isinstance(options["url"], str):
        raise ValueError("Bad Request: can't parse link preview options JSON object")
    if any(not isinstance(options[k], bool) for k in options.keys() - {"url"}):
        raise ValueError("Bad Request: can't parse link preview options JSON object")
    if options.get("is_disabled"):
        return Extras(buttons, None, False, silent)
    url = options.get("url") or _first_link(source)
    return Extras(buttons, url, bool(options.get("show_above_text")), silent)
