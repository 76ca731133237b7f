"""Hashtags: one clean form per entity, ranked title first, then salience in the body.

A hashtag is ``#`` + words joined with ``_``: letters and digits only (no punctuation, no
harakat or tatweel, which split a Telegram hashtag), display letters never folded. Only entities,
feed categories and a source's fixed tags become hashtags, never bare title words, and a tag made
only of stop-words is dropped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from nashra.enrich._text import Token, is_stopword, norm_word, strip_marks
from nashra.enrich.entities import Found
from nashra.enrich.gazetteer import Gazetteer

__all__ = ["HASHTAG_PATTERN", "hashtag", "rank_hashtags"]

_WORDS = re.compile(r"[^\W_]+")
HASHTAG_PATTERN = re.compile(r"^#[^\W_]+(?:_[^\W_]+)*$")
_MAX_WORDS = 5

# Weight of one mention by type / kind: a country is broad, a named person is what the story is
# about. Titles are ranked first regardless of weight.
_TYPE_WEIGHT = {"person": 1.4, "organisation": 1.0, "place": 1.0, "misc": 0.5}
_KIND_WEIGHT = {"country": 0.6, "region": 0.8, "media": 0.5}
_HEADING_BONUS = 1.0
_CATEGORY_BONUS = 1.5
# Section names feeds put in <category> that say nothing about the story.
_GENERIC_CATEGORIES = frozenset(
    map(
        norm_word,
        [
            "أخبار",
            "الأخبار",
            "عاجل",
            "خبر",
            "الرئيسية",
            "رئيسي",
            "منوعات",
            "مقالات",
            "تقارير",
            "غير_مصنف",
        ],
    )
) | {"uncategorized", "news", "general"}


def hashtag(text: str) -> str:
    """One clean hashtag for ``text`` (``""`` when nothing usable is left).

    >>> hashtag("فؤاد حسين")
    '#فؤاد_حسين'
    >>> hashtag("“داعش”.")
    '#داعش'
    """
    text = unicodedata.normalize("NFKC", strip_marks(text.replace("#", " ")))
    words = _WORDS.findall(strip_marks(text))[:_MAX_WORDS]
    return "#" + "_".join(words) if words else ""


def _only_stopwords(tag: str) -> bool:
    return all(is_stopword(w) for w in tag[1:].split("_"))


@dataclass(slots=True)
class _Candidate:
    tag: str
    first: int  # character offset of the first mention (categories: after everything)
    in_title: bool = False
    mentions: int = 0
    headings: int = 0
    weight: float = 1.0
    bonus: float = 0.0
    types: set[str] = field(default_factory=set)

    def score(self) -> float:
        if not self.mentions:
            return self.bonus
        return self.weight * (1 + math.log2(self.mentions)) + self.bonus


def _heading_lines(text: str, title_end: int, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Character ranges of short body lines without closing punctuation (sub-headings)."""
    out: list[tuple[int, int]] = []
    pos = title_end
    for line in text[title_end:].split("\n"):
        stripped = line.strip()
        if stripped and len(stripped.split()) <= 14 and stripped[-1] not in ".،؟!:؛…":
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def rank_hashtags(
    text: str,
    title_end: int,
    tokens: Sequence[Token],
    found: Sequence[Found],
    *,
    gazetteer: Gazetteer,
    categories: Sequence[str] = (),
    source_tags: Sequence[str] = (),
    max_hashtags: int = 6,
) -> tuple[str, ...]:
    """Ranked hashtags: title entities in title order, then by salience; then source tags."""
    cands: dict[str, _Candidate] = {}
    headings = _heading_lines(text, title_end, tokens)
    for f in found:
        if f.type == "misc" and f.rule != "quote":
            continue
        tag = hashtag(f.hashtag or f.canonical)
        if not tag or _only_stopwords(tag):
            continue
        c = cands.get(tag)
        if c is None:
            weight = _TYPE_WEIGHT.get(f.type, 0.8) * _KIND_WEIGHT.get(f.kind, 1.0)
            c = cands[tag] = _Candidate(tag, f.start, weight=weight)
        c.types.add(f.type)
        if f.start < title_end:
            c.in_title = True
        else:
            c.mentions += 1
            if any(a <= f.start < b for a, b in headings):
                c.headings += 1
    for c in cands.values():
        c.bonus += _HEADING_BONUS * min(c.headings, 2)
    for n, cat in enumerate(categories):
        entry = gazetteer.get(cat)
        tag = hashtag(entry.hashtag or entry.canonical) if entry else hashtag(cat)
        if not tag or _only_stopwords(tag) or norm_word(tag[1:]) in _GENERIC_CATEGORIES:
            continue
        c = cands.setdefault(tag, _Candidate(tag, len(text) + n))
        c.bonus += _CATEGORY_BONUS
    ranked = [c for c in cands.values() if _keep(c)]
    ranked.sort(key=lambda c: (not c.in_title, c.first if c.in_title else -c.score(), c.first))
    tags = [c.tag for c in ranked[: max(max_hashtags, 0)]]
    for extra in source_tags:
        tag = hashtag(extra)
        if tag and tag not in tags and not _only_stopwords(tag):
            tags.append(tag)
    return tuple(tags)


def _keep(c: _Candidate) -> bool:
    """A quoted phrase of unknown type is a hashtag only if the story leans on it."""
    if c.types == {"misc"}:
        # One quoted definite word (“العراء”) is a common noun in quotes, not a name.
        common_noun = "_" not in c.tag and c.tag.lstrip("#").startswith("ال")
        return c.in_title or (c.mentions >= 2 and not common_noun)
    return True
