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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nashra.enrich import rules
from nashra.enrich._text import Token, is_stopword, norm_word
from nashra.enrich.entities import Found
from nashra.enrich.gazetteer import Gazetteer
from nashra.enrich.hashtags import hashtag
from nashra.enrich.policy import TagPolicy
from nashra.enrich.rules import GIVEN_NAMES
from nashra.enrich.tagger import Segmenter, Tagger

__all__ = ["TOPIC_TAGS", "rank_entity_hashtags"]

TOPIC_TAGS = {
    "sport": "#رياضة",
    "economy": "#اقتصاد",
    "culture": "#ثقافة",
    "technology": "#تكنولوجيا",
}
_TYPE_WEIGHT = {"person": 1.4, "organisation": 1.0, "place": 0.9}
_KIND_WEIGHT = {"country": 0.7, "region": 0.8, "media": 0.5}
_PARTICLES = frozenset(
    map(norm_word, ["بن", "ابن", "بنت", "أبو", "أبي", "أم", "عبد", "آل", "ولد", "ذو", "ذي"])
)
_BOILER = re.compile(
    r"^\s*(?:اقرأ|إقرأ|اقرا|شاهد|طالع|تابع|اقرأ أيضا|للمزيد|المزيد|روابط|مواضيع|أخبار ذات صلة|"
    r"ذات صلة|مقالات|اقرأ المزيد|شاهد أيضا|شاهد أيضًا|تابعونا|اشترك)"
)
_MENU_LINE_WORDS = 4
CONFIDENT = 0.8
UNSURE = 0.6
_SURE_KINDS = frozenset({"country", "capital", "city"})
# ``وزارة الخارجية`` without its country names no one ministry.
_GENERIC_HEADS = frozenset(
    map(
        norm_word,
        ["وزارة", "وزير", "مجلس", "الحكومة", "إدارة"],
    )
)
_DATELINE = re.compile(
    r"^[^\n.،]{2,40}(?:،[^\n.،]{2,40})?\s*(?:\([^)\n]{2,20}\))?\s*(?:--|[-–—ـ])\s"
)


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

    def salient(self) -> bool:
        """The story is about it: in the title, in the lead, or named twice."""
        return self.in_title or self.in_lead or self.mentions >= 2

    def evidenced(self) -> bool:
        """Something besides one guess says it is this name."""
        ev = self.evidence
        if ev & {"model+gazetteer", "repeat", "alias", "acronym"}:
            return True
        if "gazetteer" in ev:
            # A listed single word the tagger did not propose may be a common word (حماس is
            # also zeal): the title or a second mention must back it.
            one_word = "_" not in self.tag
            return not one_word or self.kind in _SURE_KINDS or self.in_title or self.mentions >= 2
        return self.confidence >= CONFIDENT

    def confirmed(self) -> bool:
        if self.kind == "media" and not self.in_title:
            return False  # the outlet or a platform named in passing (بي بي سي، تويتر)
        return self.salient() and self.evidenced()

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
    m = _DATELINE.match(text[title_end + 1 :])
    if m and len(m.group().split()) <= 7:
        out.append((title_end + 1, title_end + 1 + m.end()))  # القاهرة - / دبي، الإمارات (CNN) --
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


def _title_heads(
    text: str,
    title_end: int,
    tokens: Sequence[Token],
    found: Sequence[Found],
    cands: dict[str, _Cand],
) -> list[_Cand]:
    """When too few names are confirmed: organisations and places of the title that the
    rule layer's head rule finds (``وزارة المرأة``: a head word and its definite modifiers)."""
    n = sum(1 for t in tokens if t.start < title_end)
    types: list[str | None] = [None] * n
    for f in found:
        for k in range(f.first, min(f.last, n)):
            types[k] = f.type
    out = []
    for c in rules.head_phrases(tokens[:n], types):
        start = tokens[c.first].start + len(c.clitic)
        tag = hashtag(text[start : tokens[c.last - 1].end])
        if tag and norm_word(tag[1:]) not in cands:
            out.append(
                _Cand(
                    tag, c.type, c.kind, start, in_title=True, confidence=UNSURE, evidence={"head"}
                )
            )
    return out


def _merge_contained(cands: list[_Cand], n_par: int) -> list[_Cand]:
    """One tag for a name and the longer name containing it (#كيم / #كيم_جونغ_أون, #غزة /
    #قطاع_غزة): a person keeps the longer form, a place or organisation the more salient."""
    words = {c.tag: tuple(c.tag[1:].split("_")) for c in cands}
    gone: set[str] = set()
    for small in sorted(cands, key=lambda c: len(words[c.tag])):
        for big in cands:
            if big is small or big.tag in gone or small.tag in gone or big.type != small.type:
                continue
            w, big_w = words[small.tag], words[big.tag]
            n = len(w)
            if len(big_w) <= n or not any(big_w[i : i + n] == w for i in range(len(big_w) - n + 1)):
                continue
            keep, drop = (big, small)
            # A person keeps the full name unless it was said once and the short form is the
            # story's (والدا بيوني سيستو once, بيوني سيستو throughout).
            bonus = 1.0 if small.type == "person" else 0.0
            if small.score(n_par) > big.score(n_par) + bonus:
                keep, drop = small, big
            keep.in_title |= drop.in_title
            keep.in_lead |= drop.in_lead
            keep.mentions += drop.mentions
            keep.paragraphs |= drop.paragraphs
            keep.evidence |= drop.evidence
            keep.confidence = max(keep.confidence, drop.confidence)
            keep.first = min(keep.first, drop.first)
            gone.add(drop.tag)
            break
    return [c for c in cands if c.tag not in gone]


def _glued(word: str, segmenter: Segmenter, clusters: Mapping[str, object], ratio: int) -> bool:
    """Whether ``word`` is a proclitic + a word (the stem is far more common alone, or only the
    stem is in the news vocabulary of the word clusters)."""
    pre, stem = segmenter.split(word)
    if pre and segmenter.count(stem) > ratio * segmenter.count(word) + ratio:
        return True
    for letters in ("و", "ل", "ب", "ف"):
        rest = word[len(letters) :]
        known_rest = rest in clusters and word not in clusters and segmenter.count(word) == 0
        if word.startswith(letters) and len(rest) >= 3 and known_rest:
            return True
    return False


def clean_tag(
    tag: str,
    gazetteer: Gazetteer,
    segmenter: Segmenter | None,
    clusters: Mapping[str, object] | None = None,
    *,
    model_only: bool = False,
) -> bool:
    """Whether a tag is a name an editor keeps (see the module's list)."""
    clusters = clusters or {}
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
    if model_only and len(words) >= 4:
        return False  # a long guess no list confirms: #فحوى_الشكوى_طرد_أبوظبي_المواطنين
    if any(ch.isdigit() for w in words for ch in w):
        return False  # #نادي_ال800
    if len(folded) == 1 and folded[0] in GIVEN_NAMES:
        return False  # a given name alone (#أحمد, #فلاديمير) names no one
    if len(folded) == 2 and folded[0] in _GENERIC_HEADS and folded[1] in _GENERIC_MODIFIERS:
        return False  # #وزارة_الداخلية, #إدارة_الشباب: which one?
    if all(w.startswith("ال") and w.endswith("ي") for w in folded):
        return False  # adjectives only: #الكندي_المكسيكي
    if folded[0] in _AROUND:
        return False  # #مشارف_الحديدة: the place is the tag, not its outskirts
    if segmenter is not None:
        for k, w in enumerate(folded):
            if _glued(w, segmenter, clusters, 2 if k == 0 else 5):
                return False  # #لمحمد_عيسى, #مقهى_بمدينة_مالمو, #دي_نيرو_الشتائم_لترمب
            unknown = segmenter.count(w) == 0 and w not in clusters
            if k and w[:1] == "و" and len(w) >= 5 and unknown:
                return False  # two names joined by و: #ماريا_وكونسولاتا_مواكيكوتي
            glued_first = not k and w[:1] in "لب" and segmenter.count(w[1:]) > 0
            if glued_first and unknown and w not in GIVEN_NAMES:
                return False  # #لمصارع_ثيران
            stem = segmenter.split(w)[1]
            if k and stem[:1] == "ي" and len(stem) >= 4 and stem not in _KNOWN_T_Y:
                return False  # a verb inside: #منتخب_كوسوفو_يلعب, #وزارة_الإسكان_لينخفض
    first = folded[0]
    if first[:1] in ("ي", "ت") and len(first) >= 4 and first not in _KNOWN_T_Y:
        # يعاقب، تؤكد: an imperfect verb is no name, unless a gazetteer lists it.
        return False
    return all(len(w) >= 2 for w in folded)


_AROUND = frozenset(map(norm_word, ["مشارف", "محيط", "أطراف", "ضواحي", "تخوم", "قرب"]))
_GENERIC_MODIFIERS = frozenset(
    map(
        norm_word,
        [
            "الخارجية",
            "الداخلية",
            "الدفاع",
            "الصحة",
            "العدل",
            "المالية",
            "التعليم",
            "التربية",
            "الإسكان",
            "الزراعة",
            "النقل",
            "العمل",
            "الإعلام",
            "الثقافة",
            "الاقتصاد",
            "الطاقة",
            "النفط",
            "الأمن",
            "الشباب",
            "النواب",
            "الوزراء",
            "الشورى",
            "العليا",
            "الإدارة",
        ],
    )
)
_KNOWN_T_Y = frozenset(
    map(
        norm_word,
        [
            "تونس",
            "تركيا",
            "تايوان",
            "تايلاند",
            "تشاد",
            "تنزانيا",
            "توغو",
            "تيار",
            "يوسف",
            "يونس",
            "يحيى",
            "يعقوب",
            "يزيد",
            "ياسر",
            "ياسين",
            "يمنى",
            "تامر",
            "توفيق",
            "تيسير",
        ],
    )
)


def rank_entity_hashtags(
    text: str,
    title_end: int,
    tokens: Sequence[Token],
    found: Sequence[Found],
    *,
    gazetteer: Gazetteer,
    tagger: Tagger | None,
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
        key = norm_word(tag[1:])  # #كيم_جونغ_اون and #كيم_جونغ_أون are one tag
        c = cands.get(key)
        if c is None:
            c = cands[key] = _Cand(tag, f.type, f.kind, f.start)
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
        if not tag or policy.blocked(tag):
            continue
        c = cands.setdefault(norm_word(tag[1:]), _Cand(tag, entry.type, entry.kind, len(text)))
        c.evidence.add("gazetteer")
        c.in_lead = True  # the outlet filed the article under it
    clusters = tagger.clusters if tagger is not None else {}
    segmenter = tagger.segmenter if tagger is not None else None
    clean = [
        c
        for c in cands.values()
        if clean_tag(
            c.tag,
            gazetteer,
            segmenter,
            clusters,
            model_only=c.evidence <= {"model", "repeat"} and c.type != "person",
        )
    ]
    n_par = len(starts)
    clean = _merge_contained(clean, n_par)
    # The title's names first (an editor reads the title first), then by salience.
    clean.sort(key=lambda c: (not c.in_title, c.first if c.in_title else -c.score(n_par), c.first))
    limit = policy.max_tags
    # The topic takes a place only when names leave room (3 or more places in all).
    room = max(0, limit - (1 if topic in TOPIC_TAGS and limit >= 3 else 0))
    tags = [c.tag for c in clean if c.confirmed()][:room]
    if len(tags) < min(policy.min_tags, room):
        for c in _title_heads(text, title_end, tokens, found, cands):
            if clean_tag(c.tag, gazetteer, segmenter, clusters) and not policy.blocked(c.tag):
                clean.append(c)
    for c in clean:
        if len(tags) >= min(policy.min_tags, room):
            break
        if c.tag not in tags and c.salient() and c.confidence >= UNSURE and c.kind != "media":
            tags.append(c.tag)
    topic_tag = TOPIC_TAGS.get(topic or "")
    if topic_tag and len(tags) < limit and topic_tag not in tags and not policy.blocked(topic_tag):
        tags.append(topic_tag)
    for extra in source_tags:
        tag = hashtag(extra)
        if tag and tag not in tags and not all(is_stopword(w) for w in tag[1:].split("_")):
            tags.append(tag)
    return tuple(tags)
