"""Strip what is not the article from the edges of a body: a repeated title, other
aggregators' header lines, footers and signatures.

Reposting channels and aggregators wrap an article in lines of their own. Those lines are
recognised by a small list of patterns, matched on the folded form (``nashra.arabic.normalize``)
so that hamza, taa marbuta and emoji variants do not matter, and only at the edges of the body:
a block in the middle of an article is never removed.

Footer (tail) patterns, tried on the last blocks, from the end:

=================  ==========================================================================
name               what it matches
=================  ==========================================================================
more_details       ``تفاصيل إضافية عن …`` / ``لمزيد من التفاصيل …``: a pointer to the original
read_more          ``اقرأ المزيد …``, ``اقرأ أيضاً …``, ``طالع/تابع التفاصيل …``
original_source    ``المصدر الأصلي …``
follow_us          ``تابعونا على …``, ``انضموا إلى قناتنا …``, ``اشترك في …`` (channels, social)
links_only         a block that is only URLs (``https://…``, ``t.me/…``)
hashtags_only      a block that is only hashtags (``#خبر #عاجل``)
emoji_label        a short block that opens with a pointer emoji (📌 🔍 🔗 👈 👇 📎 📲 ✅ 🔴 ⬅️)
=================  ==========================================================================

A short *value* line (at most ``VALUE_MAX_WORDS`` words, no sentence punctuation) goes with the
footer block before it, e.g. the channel name under ``📌 المصدر الأصلي:``.

Header (lead) patterns, tried on the first blocks: ``hashtags_only``, ``meta_line`` (a line
carrying two or more of 📅 ✍️ 🌐 🕒, the reposter's date/author/outlet line), and the title
itself when it is repeated as the first line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nashra.arabic import normalize
from nashra.models import Block

__all__ = ["TAIL_PATTERNS", "strip_edges", "strip_lead", "strip_tail"]

VALUE_MAX_WORDS = 6
LABEL_MAX_WORDS = 14  # an emoji label longer than this is prose, not a signature

# Patterns on the folded form (normalize: no hamza on alef, ة → ه, ى → ي, punctuation → space).
TAIL_PATTERNS: dict[str, re.Pattern[str]] = {
    "more_details": re.compile(
        r"^(?:تفاصيل اضافيه (?:عن|حول)|لمزيد من التفاصيل|للمزيد من التفاصيل)\b"
    ),
    "read_more": re.compile(
        r"^(?:اقرا|اقراوا|طالع|طالعوا|تابع) (?:المزيد|ايضا|التفاصيل|الخبر|الاصل)\b"
    ),
    "original_source": re.compile(r"^المصدر الاصلي\b"),
    "follow_us": re.compile(
        r"^(?:تابعونا|تابعوا|انضموا|انضم|اشترك|اشتركوا|للاشتراك)\b.*"
        r"(?:قناه|قناتنا|تلغرام|تليغرام|تيليجرام|تليجرام|واتساب|فيسبوك|telegram|whatsapp)"
    ),
}
_URL = r"(?:https?://|t\.me/|www\.)\S+"
_LINKS_ONLY = re.compile(rf"^(?:\s*{_URL}\s*)+$")
_HASHTAG_EMOJI = re.compile("#\ufe0f?\u20e3")  # the keycap "#️⃣" some channels open with
_HASHTAGS_ONLY = re.compile(r"^(?:\s*#[^\s#]+)+\s*$")
_POINTER_EMOJI = ("📌", "🔍", "🔎", "🔗", "👈", "👇", "📎", "📲", "✅", "🔴", "⬅")
_META_MARKS = ("📅", "✍", "🌐", "🕒", "🗓")
_SENTENCE_END = re.compile(r"[.!?؟…]\s*$")


def _hashtags_only(text: str) -> bool:
    return bool(_HASHTAGS_ONLY.match(_HASHTAG_EMOJI.sub("", text)))


def tail_reason(block: Block) -> str | None:
    """The name of the footer pattern ``block`` matches, or None."""
    text = block.text.strip()
    folded = normalize(text)
    for name, pattern in TAIL_PATTERNS.items():
        if pattern.search(folded):
            return name
    if _LINKS_ONLY.match(text):
        return "links_only"
    if _hashtags_only(text):
        return "hashtags_only"
    if text.startswith(_POINTER_EMOJI) and len(text.split()) <= LABEL_MAX_WORDS:
        return "emoji_label"
    return None


def _is_value_line(block: Block) -> bool:
    text = block.text.strip()
    return 0 < len(text.split()) <= VALUE_MAX_WORDS and not _SENTENCE_END.search(text)


def strip_tail(blocks: Sequence[Block]) -> list[Block]:
    """Drop trailing footer blocks (and the short value lines that belong to them)."""
    end = len(blocks)
    while end > 0:
        if tail_reason(blocks[end - 1]):
            end -= 1
        elif end >= 2 and _is_value_line(blocks[end - 1]) and tail_reason(blocks[end - 2]):
            end -= 2
        else:
            break
    return list(blocks[:end])


def _lead_reason(block: Block, title_key: str) -> str | None:
    text = block.text.strip()
    if title_key and normalize(text) == title_key:
        return "title"
    if _hashtags_only(text):
        return "hashtags_only"
    if sum(mark in text for mark in _META_MARKS) >= 2:
        return "meta_line"
    return None


def strip_lead(blocks: Sequence[Block], title: str, also: Sequence[str] = ()) -> list[Block]:
    """Drop a repeated title line (``title`` or one of the page's other headline forms,
    ``also``: its ``<title>``, ``og:title``, ``<h1>``) and a reposter's hashtag and date/author
    lines at the top."""
    title_key = normalize(title)
    others = {k for k in map(normalize, also) if k}
    start = 0
    while start < len(blocks) and (
        _lead_reason(blocks[start], title_key) or normalize(blocks[start].text) in others
    ):
        start += 1
    return list(blocks[start:])


def strip_edges(blocks: Sequence[Block], title: str) -> list[Block]:
    """``strip_lead`` then ``strip_tail``."""
    return strip_tail(strip_lead(blocks, title))
