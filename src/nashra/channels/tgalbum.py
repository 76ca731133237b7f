"""Telegram albums (``sendMediaGroup``): which posts get one, how it is planned, what a refused
photo leaves, how an album's remote id reads.

A post is an album when the channel's ``albums`` option is on (the default), ``photos`` too, and
its article has at least two usable pictures (``Post.images``: http(s), the lead first; more than
``MAX_ALBUM`` are cut to the first ten). The plan:

* the whole post fits a caption (1024 UTF-16 units after entity parsing) and the channel has no
  button: one album, the post as the first photo's caption;
* otherwise: the album with the headline as its caption, then the post's text messages (in
  teaser mode: the teaser). The Bot API takes no ``reply_markup`` on a media group, so a
  channel with a «اقرأ المزيد» button always gets this shape: the button sits on the text
  message under the album, which is the post's last message as everywhere else.

An album's remote id is ``chat:id1,id2,…`` (Telegram gives its photos consecutive ids); edits go
to the first (``editMessageCaption``), a delete removes them all (``deleteMessages``).

A photo Telegram refuses («failed to send message #N …») is left out and the album sent again
without it; one photo left is sent as a photo, a refusal that names no photo, or a last photo
refused, leaves the text alone (``sendMessage``): the post is never lost. Each of those replies is
a 400, after which Telegram has posted nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nashra.channels.tgoptions import TelegramOptions
from nashra.models import Part, PartKind, Post
from nashra.render import telegram as tg

__all__ = [
    "MAX_ALBUM",
    "album_images",
    "caption_of",
    "format_ids",
    "message_ids",
    "plan_album",
    "refused_item",
]

MAX_ALBUM = 10  # photos in one media group (Telegram's limit)
_ITEM = re.compile(r"failed to send message #(\d+)", re.I)


def album_images(post: Post, *, enabled: bool) -> tuple[str, ...]:
    """The photos of the post's album (empty: no album)."""
    if not enabled:
        return ()
    images = tuple(u for u in post.images if u.startswith(("http://", "https://")))
    return images[:MAX_ALBUM] if len(images) >= 2 else ()


def caption_of(post: Post) -> str:
    """The short caption of an album whose post does not fit: the headline, in bold."""
    title = " ".join((post.title or post.url).split())
    return tg.fit(f"<b>{tg.escape(title)}</b>", tg.CAPTION_LIMIT)


def plan_album(
    post: Post,
    images: tuple[str, ...],
    *,
    whole: str | None,
    rest: list[Part],
) -> list[Part]:
    """The album part, and the parts after it.

    ``whole``: the post as one caption when it fits and nothing needs a text message (None
    otherwise); ``rest``: the text parts that follow an album with the headline caption."""
    if whole is not None:
        return [Part(idx=0, kind=PartKind.ALBUM, body=whole, image=images[0], images=images)]
    album = Part(idx=0, kind=PartKind.ALBUM, body=caption_of(post), image=images[0], images=images)
    return [album, *(replace(p, idx=i) for i, p in enumerate(rest, start=1))]


def wants_text(options: TelegramOptions) -> bool:
    """The button cannot ride on an album: it needs a text message after it."""
    return bool(options.button)


def media(images: tuple[str, ...], caption: str, *, html: bool) -> list[dict[str, str]]:
    """``InputMediaPhoto`` items: the caption on the first."""
    out = [{"type": "photo", "media": url} for url in images]
    out[0]["caption"] = caption
    if html:
        out[0]["parse_mode"] = "HTML"
    return out


def refused_item(description: str) -> int | None:
    """The 0-based position of the photo Telegram could not use («failed to send message #N»)."""
    m = _ITEM.search(description)
    return int(m.group(1)) - 1 if m else None


def format_ids(chat: str, ids: list[int]) -> str:
    return f"{chat}:{','.join(str(i) for i in ids)}"


def message_ids(remote_id: str) -> tuple[str, list[int]]:
    """``chat:1,2,3`` (an album) or ``chat:1`` → (chat, ids)."""
    chat, _, rest = remote_id.rpartition(":")
    return chat, [int(x) for x in rest.split(",") if x.strip().isdigit()]
