"""What a Telegram channel wants of its posts, beyond the text: per-channel options.

    [[channels]]
    kind = "telegram"
    button = "اقرأ المزيد"          # an inline URL button to the article ("" or false: none)
    link_preview = "below"          # on (Telegram's choice) | off | above | below
    preview_url = "article"         # which link the preview shows: article | image | none
    silent = false                  # every post without a notification (disable_notification)
    quiet_hours = [23, 7]           # local hours (the channel's timezone): silent from 23 to 7
    mode = "full"                   # full | teaser (headline + lead + link, always one message)
    albums = true                   # 2-10 pictures of an article as one album (sendMediaGroup)

Everything here is pure: ``extras`` is the part of a Bot API request these options add, for a
given message (its kind, whether it is the post's last, the article's URL and image, the time).
The Bot API fields are ``reply_markup`` (an ``inline_keyboard`` of one URL button),
``link_preview_options`` (``is_disabled``, ``url``, ``show_above_text``) and
``disable_notification`` (https://core.telegram.org/bots/api#sendmessage).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nashra.errors import ConfigError

__all__ = ["KEYS", "TelegramOptions"]

KEYS = frozenset(
    {"button", "link_preview", "preview_url", "silent", "quiet_hours", "mode", "albums"}
)
PREVIEWS = ("on", "off", "above", "below")
PREVIEW_URLS = ("article", "image", "none")
MODES = ("full", "teaser")
DEFAULT_BUTTON = "اقرأ المزيد"


@dataclass(frozen=True, slots=True)
class TelegramOptions:
    button: str | None = None
    link_preview: str = "on"
    preview_url: str = "none"
    silent: bool = False
    quiet_hours: tuple[int, int] | None = None
    timezone: str | None = None
    mode: str = "full"
    albums: bool = True  # ≥ 2 pictures: one album (nashra.channels.tgalbum)

    @classmethod
    def from_mapping(
        cls, options: Mapping[str, Any], where: str, timezone: str | None = None
    ) -> TelegramOptions:
        button = options.get("button", None)
        if button is True:
            button = DEFAULT_BUTTON
        if button is False or button == "":
            button = None
        if button is not None and (not isinstance(button, str) or len(button) > 64):
            raise ConfigError("button نص الزر (حتى 64 حرفًا) — the button's label", where=where)
        preview = options.get("link_preview", "on")
        if preview is True:
            preview = "on"
        if preview is False:
            preview = "off"
        if preview not in PREVIEWS:
            raise ConfigError(f"link_preview: {' | '.join(PREVIEWS)}", where=where)
        url = options.get("preview_url", "none")
        if url not in PREVIEW_URLS:
            raise ConfigError(f"preview_url: {' | '.join(PREVIEW_URLS)}", where=where)
        mode = options.get("mode", "full")
        if mode not in MODES:
            raise ConfigError(f"mode: {' | '.join(MODES)}", where=where)
        silent = options.get("silent", False)
        if not isinstance(silent, bool):
            raise ConfigError("silent قيمة منطقية — true/false", where=where)
        albums = options.get("albums", True)
        if not isinstance(albums, bool):
            raise ConfigError("albums قيمة منطقية — true/false", where=where)
        quiet = options.get("quiet_hours")
        hours: tuple[int, int] | None = None
        if quiet is not None:
            ok = (
                isinstance(quiet, list | tuple)
                and len(quiet) == 2
                and all(isinstance(h, int) and not isinstance(h, bool) for h in quiet)
                and all(0 <= h <= 23 for h in quiet)
                and quiet[0] != quiet[1]
            )
            if not ok:
                raise ConfigError(
                    "quiet_hours = [من, إلى] ساعتان من 0 إلى 23 — [start, end] hours", where=where
                )
            hours = (int(quiet[0]), int(quiet[1]))
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ConfigError(f"منطقة زمنية غير معروفة: {timezone}", where=where) from exc
        return cls(
            button=button,
            link_preview=str(preview),
            preview_url=str(url),
            silent=silent,
            quiet_hours=hours,
            timezone=timezone,
            mode=str(mode),
            albums=albums,
        )

    def quiet(self, at: datetime) -> bool:
        """Inside the quiet hours at ``at`` (the channel's local time; [23, 7] wraps midnight)."""
        if self.quiet_hours is None:
            return False
        local = at.astimezone(ZoneInfo(self.timezone)) if self.timezone else at.astimezone(UTC)
        start, end = self.quiet_hours
        h = local.hour
        return start <= h < end if start < end else (h >= start or h < end)

    def extras(
        self,
        *,
        kind: str,
        last: bool,
        url: str | None,
        image: str | None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """The request fields these options add to one message of a post.

        ``kind``: ``text`` (sendMessage / editMessageText), ``photo`` (sendPhoto: no link
        preview).
        The button goes on the post's last message, so it sits under the whole post."""
        out: dict[str, Any] = {}
        if self.silent or self.quiet(at or datetime.now(UTC)):
            out["disable_notification"] = True
        if self.button and last and url:
            out["reply_markup"] = {"inline_keyboard": [[{"text": self.button, "url": url}]]}
        if kind == "text":
            preview: dict[str, Any] = {}
            if self.link_preview == "off":
                preview["is_disabled"] = True
            else:
                chosen = {"article": url, "image": image}.get(self.preview_url)
                if chosen:
                    preview["url"] = chosen
                if self.link_preview in ("above", "below"):
                    preview["show_above_text"] = self.link_preview == "above"
            if preview:
                out["link_preview_options"] = preview
        return out
