"""What an editor sees and types: a post as plain text, and back to the channel's markup.

A Telegram post is HTML (``<b>``, ``<a href>``, ``<blockquote>``); editors should not edit tags.
``to_plain`` gives the text a reader sees, line by line, with a link written as ``text: URL``.
``from_plain`` turns an edited text back into the channel's markup: a stretch the editor left as
it was keeps its original markup (the bold headline, the link, a quote over several lines), a
changed or new line is escaped text (Telegram links bare URLs and hashtags by itself). The result
is checked by the same parser that plans the channel's messages, so a save can never store markup
Telegram refuses.

``preview`` is the post as the channel will show it: each planned message (photo caption, text
parts) as sanitized HTML with its length against Telegram's limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nashra.render import telegram as tg
from nashra.web.sanitize import sanitize_html

__all__ = ["PreviewPart", "from_plain", "preview_parts", "to_plain"]

_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.S)
_TAGS = re.compile(r"<[^<>]*>")


def _line_plain(line: str) -> str:
    line = _LINK.sub(lambda m: f"{m.group(2)}: {html.unescape(m.group(1))}", line)
    return html.unescape(_TAGS.sub("", line))


def to_plain(text: str, is_html: bool) -> str:
    if not is_html:
        return text
    return "\n".join(_line_plain(line) for line in text.split("\n"))


def _groups(original: str) -> list[tuple[tuple[str, ...], str]]:
    """The original's lines in balanced runs (a ``<blockquote>`` over three lines is one run),
    each with its plain lines: the units an unchanged stretch of text keeps the markup of."""
    out: list[tuple[tuple[str, ...], str]] = []
    run: list[str] = []
    for line in original.split("\n"):
        run.append(line)
        try:
            tg.parse("\n".join(run))
        except tg.BadHTML:
            if len(run) < 50:
                continue
            run = []  # never balanced: its lines are escaped text when kept
            continue
        html_run = "\n".join(run)
        out.append((tuple(to_plain(html_run, True).split("\n")), html_run))
        run = []
    return out


def from_plain(plain: str, original: str, is_html: bool) -> str:
    """The edited plain text in the channel's markup (see the module's docstring)."""
    plain = plain.replace("\r\n", "\n").replace("\r", "\n")
    if not is_html:
        return plain
    if plain.rstrip("\n") == to_plain(original, True).rstrip("\n"):
        return original  # nothing changed
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for lines, html_run in _groups(original):
        by_first.setdefault(lines[0], []).append((lines, html_run))
    edited = plain.split("\n")
    out: list[str] = []
    i = 0
    while i < len(edited):
        for lines, html_run in sorted(by_first.get(edited[i], []), key=lambda g: -len(g[0])):
            if tuple(edited[i : i + len(lines)]) == lines:
                out.append(html_run)
                i += len(lines)
                break
        else:
            out.append(tg.escape(edited[i]))
            i += 1
    result = "\n".join(out)
    tg.parse(result)  # raises BadHTML: never store what Telegram would refuse
    return result


@dataclass(frozen=True, slots=True)
class PreviewPart:
    kind: str  # text | photo | album
    image: str | None
    html: str  # sanitized, for our page
    length: int  # after entity parsing, UTF-16 units
    limit: int
    images: tuple[str, ...] = ()  # an album's photos, in order


def preview_parts(
    parts: Sequence[tuple[str, str, str | None] | tuple[str, str, str | None, tuple[str, ...]]],
    is_html: bool,
) -> list[PreviewPart]:
    """(kind, body, image[, album photos]) of each planned message → what the page shows."""
    out = []
    for kind, body, image, *more in parts:
        source = body if is_html else tg.escape(body)
        limit = tg.CAPTION_LIMIT if kind in ("photo", "album") else tg.TEXT_LIMIT
        try:
            size = tg.length(source)
        except tg.BadHTML:
            size = tg.u16(body)
        images = tuple(more[0]) if more else ()
        out.append(PreviewPart(kind, image, sanitize_html(source), size, limit, images))
    return out
