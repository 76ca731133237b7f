"""Hashtags from confirmed entities, ranked by salience; precision first.

Only people, organisations and places become tags, and only **confirmed** ones: a gazetteer
entry, a name the article repeats, or a tagger proposal the model is sure of that sits in the
title or the lead. A tag is never:

* a word the Arabic layer calls a stop-word (a preposition, a pronoun, ``في``, ``من``…), nor a
  tag with one inside (name particles ``بن``, ``أبو``, ``عبد``, ``آل`` excepted);
* a word with a glued proclitic (``#لمحمد_عيسى``, ``#وأحمد_مكنون``): the name's first word is
  split by the tagger's segmenter and the proclitic left out, and a tag whose first word still
  splits is dropped;
* a verb-looking word that no gazetteer lists (``#يعاقب``);
* a section or menu name (the blocklist: shipped ``data/hashtag_blocklist.txt`` + the editor's
  file), a comma-joined keyword string, or a name mentioned only inside boilerplate lines
  (``اقرأ أيضا …``, a run of short link-like lines: a menu).

Salience: ``type weight × (3 in title + 1.5 in lead + log2(1 + mentions) + spread)``, spread
being the share of the body's paragraphs that mention the entity. 3–7 tags: confirmed entities
first, then the story's topic (for the topics an editor tags: sport, economy, culture,
technology), then, only if fewer than three, the best unconfirmed but clean names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nashra.enrich._text import Token, is_stopword, norm_word
from nashra.enrich.entities import Found
from nashra.enrich.gazetteer import Gazetteer
from nashra.enrich.hashtags import hashtag
from nashra.enrich.policy import TagPolicy
from nashra.enrich.tagger import Segmenter

__all__ = ["TOPIC_TAGS", "rank_entity_hashtags"]

TOPIC_TAGS = {
    "sport": "#رياضة",
    "economy": "#اقتصاد",
    "culture": "#ثقافة",
    "technology": "#تكنولوجيا",
}
_TYPE_WEIGHT = {"person": 1.4, "organisation": 1.0, "place": 0.9}
_KIND_WEIGHT = {"country": 0.7, "region": 0.8, "media": 0.5}
_PARTICLES = frozenset(map(norm_word, "بن ابن بنت أبو أبي أم عبد آل ولد ذو ذي".split()))
_BOILER = re.compile(
    r"^\s*(?:اقرأ|إقرأ|اقرا|شاهد|طالع|تابع|اقرأ أيضا|للمزيد|المزيد|روابط|مواضيع|أخبار ذات صلة|"
    r"ذات صلة|مقالات|اقرأ المزيد|شاهد أيضا|شاهد أيضًا|تابعونا|اشترك)"
)
_MENU_LINE_WORDS = 4
CONFIDENT = 0.8
UNSURE = 0.6


@dataclass(slots=True)
class _Cand:
    tag: str
    type: str
    kind: str
    first: int
    in_title: bool = False
    in_lead: bool = False
    mentions: int = 0
    paragraphs: set[int] = field(default_factory=set)
    confidence: float = 0.0
    evidence: set[str] = field(default_factory=set)

    def confirmed(self) -> bool:
        if self.evidence & {"gazetteer", "model+gazetteer", "repeat", "alias"}:
            return True
        sure = self.confidence >= CONFIDENT
        return sure and (self.in_title or self.in_lead or self.mentions >= 2)

    def score(self, paragraphs: int) -> float:
        weight = _TYPE_WEIGHT.get(self.type, 0.8) * _KIND_WEIGHT.get(self.kind, 1.0)
        spread = len(self.paragraphs) / max(paragraphs, 1)
        return weight * (
            3.0 * self.in_title + 1.5 * self.in_lead + math.log2(1 + self.mentions) + spread
        )


def boilerplate_ranges(text: str, title_end: int) -> list[tuple[int, int]]:
    """Body lines that are not the article: read-also pointers and menus (3+ short lines)."""
    out: list[tuple[int, int]] = []
    lines: list[tuple[int, int, str]] = []
    pos = title_end + 1
    for line in text[title_end + 1 :].split("\n"):
        lines.append((pos, pos + len(line), line.strip()))
        pos += len(line) + 1
    run: list[tuple[int, int]] = []
    for a, b, line in lines:
        if line and _BOILER.match(line):
            out.append((a, b))
        short = bool(line) and len(line.split()) <= _MENU_LINE_WORDS and line[-1] not in ".؟!:"
        if short:
            run.append((a, b))
            continue
        if len(run) >= 3:
            out.extend(run)
        run = []
    if len(run) >= 3:
        out.extend(run)
    return out


def _paragraph_starts(text: str, title_end: int) -> list[int]:
    starts = [title_end + 1]
    for m in re.finditer(r"\n", text[title_end + 1 :]):
        starts.append(title_end + 2 + m.start())
    return starts


def clean_tag(tag: str, gazetteer: Gazetteer, segmenter: Segmenter | None) -> bool:
    """Whether a tag is a name an editor keeps (see the module's list)."""
    words = tag[1:].split("_")
    if not words or not words[0] or len(words) > 5:
        return False
    folded = [norm_word(w) for w in words]
    if any(is_stopword(w) and w not in _PARTICLES for w in folded):
        return False
    if folded[-1] in _PARTICLES:
        return False  # a cut name: #عبد, #أبو_بكر_بن
    listed = gazetteer.get(" ".join(words)) is not None
    if listed:
        return True
    first = folded[0]
    if segmenter is not None:
        pre, stem = segmenter.split(first)
        if pre and segmenter.count(stem) > 2 * segmenter.count(first) + 1:
            return False  # a glued proclitic: لمحمد، وأحمد
    if first[:1] in ("ي", "ت") and len(first) >= 4 and first not in _KNOWN_T_Y:
        # يعاقب، تؤكد: an imperfect verb is no name, unless a gazetteer lists it.
        return False
    return all(len(w) >= 2 for w in folded)


_KNOWN_T_Y = frozenset(map(norm_word, "تونس تركيا تايوان تايلاند تشاد تنزانيا توغو تيار يوسف يونس يحيى يعقوب يزيد ياسر ياسين يمنى تامر توفيق تيسير".split()))


def rank_entity_hashtags(
    text: str,
    title_end: int,
    tokens: Sequence[Token],
    found: Sequence[Found],
    *,
    gazetteer: Gazetteer,
    segmenter: Segmenter | None,
    policy: TagPolicy,
    topic: str | None = None,
    categories: Sequence[str] = (),
    source_tags: Sequence[str] = (),
) -> tuple[str, ...]:
    """3–7 hashtags: confirmed entities by salience, the topic, then the source's fixed tags."""
    boiler = boilerplate_ranges(text, title_end)
    starts = _paragraph_starts(text, title_end)
    lead_end = starts[1] if len(starts) > 1 else len(text)
    cands: dict[str, _Cand] = {}
    for f in found:
        if f.type not in _TYPE_WEIGHT:
            continue
        if any(a <= f.start < b for a, b in boiler):
            continue
        alias = policy.alias(f.canonical)
        tag = hashtag(alias or f.hashtag or f.canonical)
        if not tag or policy.blocked(tag):
            continue
        c = cands.get(tag)
        if c is None:
            c = cands[tag] = _Cand(tag, f.type, f.kind, f.start)
        if alias:
            c.evidence.add("alias")
        c.evidence.add(f.rule)
        c.confidence = max(c.confidence, f.confidence)
        if f.start < title_end:
            c.in_title = True
        else:
            c.mentions += 1
            c.in_lead = c.in_lead or f.start < lead_end
            c.paragraphs.add(sum(1 for s in starts if s <= f.start))
    for cat in categories:
        if "،" in cat or "," in cat:
            continue  # a comma-joined keyword string is not one name
        entry = gazetteer.get(cat)
        if entry is None or entry.type not in _TYPE_WEIGHT:
            continue
        tag = hashtag(policy.alias(entry.canonical) or entry.hashtag or entry.canonical)
        if tag in cands:
            cands[tag].evidence.add("category")
            cands[tag].in_lead = True
    clean = [c for c in cands.values() if clean_tag(c.tag, gazetteer, segmenter)]
    n_par = len(starts)
    clean.sort(key=lambda c: (-c.score(n_par), c.first))
    limit = policy.max_tags
    tags = [c.tag for c in clean if c.confirmed()][: limit - (1 if topic in TOPIC_TAGS else 0)]
    if topic in TOPIC_TAGS and TOPIC_TAGS[topic] not in tags and not policy.blocked(TOPIC_TAGS[topic]):
        tags.append(TOPIC_TAGS[topic])
    for c in clean:
        if len(tags) >= policy.min_tags:
            break
        if c.tag not in tags and c.confidence >= UNSURE:
            tags.append(c.tag)
    for extra in source_tags:
        tag = hashtag(extra)
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)
