"""Telegram HTML: escaping, length after entity parsing (UTF-16 units), and splitting.

Telegram counts a message's length *after* it parses the HTML entities, in UTF-16 code units
(an emoji is 2). A long post is split on a separator ladder that knows Arabic punctuation:
a blank line, a line break, a sentence end (``. ؟ !``), a clause mark (``، ؛``), a space, and only
then anywhere (never inside a tag, an entity or a combining-mark cluster). Tags open across a cut
are closed at the end of one part and opened again at the start of the next.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    | {"blockquote", "tg-spoiler", "span", "tg-emoji"}
)

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
# (pattern, cut after the match) from the strongest separator to the weakest
_LADDER: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"[.!?؟…](?=\s)"),
    re.compile(r"[،؛,;:](?=\s)"),
    re.compile(r"\s"),
)
MIN_FILL = 0.5  # a separator is used only if the part is at least half full


class BadHTML(ValueError):
    """The text is not the HTML subset Telegram parses."""


def u16(text: str) -> int:
    """Length in UTF-16 code units (Telegram's unit)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape plain text for parse_mode=HTML (only ``& < >`` must be escaped in text)."""
    return html.escape(text, quote=False)


def _decode(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x") or name.startswith("#X"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name]

    if "&" in _ENTITY.sub("", text):
        raise BadHTML("a bare '&' or an unsupported named entity")
    return _ENTITY.sub(one, text)


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of plain text under the same open tags (outermost first)."""

    text: str
    tags: tuple[tuple[str, str], ...]  # (name, the whole opening tag)


def parse(source: str) -> list[Run]:
    """Telegram's HTML subset → runs of plain text. Raises BadHTML where Telegram would refuse."""
    runs: list[Run] = []
    stack: list[tuple[str, str]] = []
    pos = 0
    for m in _TAG.finditer(source):
        chunk = source[pos : m.start()]
        if "<" in chunk or ">" in chunk:
            raise BadHTML(f"unescaped angle bracket near {chunk[:30]!r}")
        if chunk:
            runs.append(Run(_decode(chunk), tuple(stack)))
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name not in ALLOWED_TAGS:
            raise BadHTML(f"unsupported tag <{name}>")
        if closing:
            if not stack or stack[-1][0] != name:
                raise BadHTML(f"unbalanced </{name}>")
            stack.pop()
        else:
            stack.append((name, m.group(0)))
        pos = m.end()
    tail = source[pos:]
    if "<" in tail or ">" in tail:
        raise BadHTML("unescaped angle bracket")
    if tail:
        runs.append(Run(_decode(tail), tuple(stack)))
    if stack:
        raise BadHTML(f"unclosed <{stack[-1][0]}>")
    return runs


def plain(source: str) -> str:
    """The text Telegram shows (and counts) for this HTML."""
    return "".join(r.text for r in parse(source))


def length(source: str) -> int:
    """Length after entity parsing, in UTF-16 units, with the outer whitespace Telegram trims."""
    return u16(plain(source).strip())


def _emit(runs: list[Run], offsets: list[int], start: int, end: int) -> str:
    out: list[str] = []
    for run, off in zip(runs, offsets, strict=True):
        a, b = max(start, off), min(end, off + len(run.text))
        if a >= b:
            continue
        piece = escape(run.text[a - off : b - off])
        opens = "".join(t for _, t in run.tags)
        closes = "".join(f"</{n}>" for n, _ in reversed(run.tags))
        out.append(f"{opens}{piece}{closes}")
    return "".join(out)


def _safe_cut(text: str, cut: int, start: int) -> int:
    """Move a hard cut back so it never separates a letter from its marks (or a ZWJ sequence)."""
    while cut > start + 1 and (
        unicodedata.combining(text[cut])
        or text[cut] in "\u200d\ufe0f\ufe0e"
        or text[cut - 1] == "\u200d"
    ):
        cut -= 1
    return cut


def _cut(text: str, cum: list[int], start: int, limit: int) -> int:
    """Where the part that starts at ``start`` ends (exclusive), at most ``limit`` units long."""
    # the furthest end whose UTF-16 length fits
    end = bisect_right(cum, cum[start] + limit) - 1
    if end >= len(text):
        return len(text)
    window = text[start:end]
    for level, pattern in enumerate(_LADDER):
        best = None
        for m in pattern.finditer(window):
            best = m.end()
        if best is None:
            continue
        fill = cum[start + best] - cum[start]
        if fill >= limit * MIN_FILL or level == len(_LADDER) - 1:
            return start + best
    return _safe_cut(text, end, start)


def split(source: str, limit: int = TEXT_LIMIT, *, first_limit: int | None = None) -> list[str]:
    """Split Telegram HTML into parts whose parsed length is ≤ ``limit`` (the first ≤
    ``first_limit``, for a photo caption). Each part is balanced HTML."""
    runs = parse(source)
    text = "".join(r.text for r in runs)
    offsets, acc = [], 0
    for r in runs:
        offsets.append(acc)
        acc += len(r.text)
    cum = [0]
    for ch in text:
        cum.append(cum[-1] + (2 if ord(ch) > 0xFFFF else 1))
    parts: list[str] = []
    start = 0
    while start < len(text) and text[start].isspace():
        start += 1
    while start < len(text):
        cap = first_limit if (first_limit is not None and not parts) else limit
        end = _cut(text, cum, start, cap)
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            parts.append(_emit(runs, offsets, start, stop))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    return parts


def to_plain_fallback(source: str) -> str:
    """The text without markup, for the one plain-text retry after 'can't parse entities'."""
    try:
        return plain(source)
    except BadHTML:
        return re.sub(r"<[^<>]*>", "", html.unescape(source))


__all__ = [
    "CAPTION_LIMIT",
    "TEXT_LIMIT",
    "BadHTML",
    "Run",
    "escape",
    "length",
    "parse",
    "plain",
    "split",
    "to_plain_fallback",
    "u16",
]


ELLIPSIS = "…"


def fit(source: str, limit: int, *, keep_tail: str = "") -> str:
    """``source`` cut to fit one message of ``limit`` units with ``keep_tail`` (a link line)
    after it: the cut falls on the separator ladder (a paragraph, a sentence, a clause, a word),
    marked with "…"; balanced HTML. The teaser mode's guarantee: always one message."""
    sep = "\n\n" if keep_tail else ""
    room = limit - length(keep_tail) - u16(sep) if keep_tail else limit
    if length(source) <= room:
        return source.rstrip() + sep + keep_tail
    head = split(source, room - u16(ELLIPSIS))[0].rstrip()
    return head + ELLIPSIS + sep + keep_tail
