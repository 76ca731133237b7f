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

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nashra.enrich import rules
from nashra.enrich._text import Token, is_stopword, norm_word
from nashra.enrich.entities import Found
from nashra.enrich.gazetteer import Gazetteer
from nashra.enrich.hashtags import hashtag
from nashra.enrich.policy import TagPolicy
from nashra.enrich.tagcheck import clean_tag, folded_words, generic_ministry, unglue
from nashra.enrich.tagcontext import MentionKind, mention_kind, team_country
from nashra.enrich.tagger import Tagger

__all__ = ["TOPIC_TAGS", "boilerplate_ranges", "clean_tag", "rank_entity_hashtags"]

TOPIC_TAGS = {
    "sport": "#رياضة",
    "economy": "#اقتصاد",
    "culture": "#ثقافة",
    "technology": "#تكنولوجيا",
}
_TYPE_WEIGHT = {"person": 1.4, "organisation": 1.0, "place": 0.9}
_KIND_WEIGHT = {"country": 0.7, "region": 0.8, "media": 0.5}
_BOILER = re.compile(
    r"^\s*(?:اقرأ|إقرأ|اقرا|شاهد|طالع|تابع|اقرأ أيضا|للمزيد|المزيد|روابط|مواضيع|أخبار ذات صلة|"
    r"ذات صلة|مقالات|اقرأ المزيد|شاهد أيضا|شاهد أيضًا|تابعونا|اشترك)"
)
_MENU_LINE_WORDS = 4
_HEADLINE_WORDS = 14  # two or more such lines running, no sentence end: links to other stories
_SENTENCE_END = frozenset('.؟?!:"»”)…')
CONFIDENT = 0.8
LIST_COUNTRIES = 3  # a list of two (الصين والهند) is often the story's pair
SPORT_COUNTRY_MENTIONS = 4  # chosen on the tuning samples (bench/judge_hashtags.py)
EARLY_WORDS = 80  # the body's first words, where a story names its subjects
UNSURE = 0.7  # a fallback name: 0.6 let in 6 dropped and 10 kept tags, 0.7 3 of the kept (tuning)
_SURE_KINDS = frozenset({"country", "capital", "city"})
_FILLER = folded_words("مدينة")
_LISTED = frozenset({"gazetteer", "model+gazetteer"})
_TEAM_WORDS = frozenset(["منتخب", "المنتخب"])
_HYPHENS = frozenset("-‐‑–")
_MEDIA_HEADS = folded_words(
    "صحيفة لصحيفة بصحيفة وصحيفة وكالة لوكالة بوكالة ووكالة قناة لقناة بقناة موقع لموقع "
    "مجلة لمجلة شبكة لشبكة إذاعة لإذاعة تلفزيون"
)
# A news agency or an outlet, whatever list it comes from: quoted, not the story.
_MEDIA_WORDS = frozenset(map(norm_word, ["أنباء", "الأنباء", "للأنباء", "وكالة"]))
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
    venue: int = 0  # mentions as the venue (مونديال روسيا, روسيا 2018)
    venue_lead: int = 0  # of which in the lead
    title_words: bool = False  # the title has the name's words (even when no span found them)
    locative: int = 0  # mentions after في/إلى/ب…
    other: int = 0  # every other mention
    written_h: int = 0  # mentions written with ه where the name ends in ة (جده: his grandfather)
    sport_story: bool = False
    listed: int = 0  # mentions in a list of countries (إسبانيا، البرتغال، البرازيل والمغرب)
    early: bool = False  # in the title or the body's first EARLY_WORDS words

    def passing_team(self) -> bool:
        """In a sport story, a country that neither the title nor the body's first words name
        and the body names fewer than four times is another team of the group, a past opponent
        or a player's league (the match's teams come first)."""
        if not self.sport_story or self.kind != "country" or self.in_title or self.early:
            return False
        return self.mentions < SPORT_COUNTRY_MENTIONS

    def one_of_a_list(self) -> bool:
        """In a sport story, a country the body names only in lists of countries, never in the
        title: one of several (a group's other teams), not the story's. Elsewhere a list is
        often the story's subject (السعودية والإمارات والكويت)."""
        if not self.sport_story or self.kind != "country" or self.in_title:
            return False
        return self.listed >= self.mentions

    def passing_club(self) -> bool:
        """In a sport story, a club (or an organisation of no known kind: a club no list has)
        neither the title nor the lead names and the body names at most twice: a player's former
        club or a past opponent."""
        club = self.kind == "club" or (self.type == "organisation" and not self.kind)
        if not self.sport_story or not club or self.in_title or self.in_lead:
            return False
        return self.mentions <= 2 and not any(w in _TEAM_WORDS for w in self.tag[1:].split("_"))

    def venue_only(self) -> bool:
        """Where the story happens, not what it is about (see nashra.enrich.tagcontext)."""
        return self.type == "place" and self.venue > 0 and self.other == 0

    def possessive_only(self) -> bool:
        """``#جدة`` from «جده» «his grandfather»: a one-word name in ة that the article, which
        writes ة elsewhere, writes only with the pronoun ه."""
        return self.written_h > 0 and self.written_h == self.mentions + self.in_title

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

    def passing(self) -> bool:
        """Named, but not what the story is about (never a tag, not even to fill the line)."""
        if self.venue_only() or self.possessive_only() or self.passing_team():
            return True
        if self.one_of_a_list() or self.passing_club() or self.setting():
            return True
        return self.passing_city()

    def passing_city(self) -> bool:
        """In a sport story, a city the title does not name and the body names once: where a
        club is based or a player lives (باريس، لندن), not the story."""
        city = self.kind in ("capital", "city")
        return self.sport_story and city and not self.in_title and self.mentions <= 1

    def setting(self) -> bool:
        """In a sport story, a place the lead names as a tournament's venue (``مونديال روسيا``)
        and the title does not name: where the match is played, not who plays it."""
        if not self.sport_story or self.type != "place" or self.in_title or self.title_words:
            return False
        return self.venue_lead > 0

    def confirmed(self) -> bool:
        if self.passing():
            return False
        if self.kind == "media" and not self.in_title:
            return False  # the outlet or an agency named in passing (بي بي سي، الأناضول)
        if self.kind == "platform" and not self.in_title and self.mentions < 3:
            return False  # where a person posted (تويتر، إنستغرام), unless the story is about it
        return self.salient() and self.evidenced()

    def score(self, paragraphs: int) -> float:
        weight = _TYPE_WEIGHT.get(self.type, 0.8) * _KIND_WEIGHT.get(self.kind, 1.0)
        spread = len(self.paragraphs) / max(paragraphs, 1)
        return weight * (
            3.0 * self.in_title + 1.5 * self.in_lead + math.log2(1 + self.mentions) + spread
        )


def boilerplate_ranges(text: str, title_end: int) -> list[tuple[int, int]]:
    """Body lines that are not the article: read-also pointers, menus (3+ short lines), runs of
    headline-like lines (links to other stories) and the dateline; each range once, in order."""
    out: list[tuple[int, int]] = []
    lines: list[tuple[int, int, str]] = []
    pos = title_end + 1
    for line in text[title_end + 1 :].split("\n"):
        lines.append((pos, pos + len(line), line.strip()))
        pos += len(line) + 1
    m = _DATELINE.match(text[title_end + 1 :])
    if m and len(m.group().split()) <= 7:
        out.append((title_end + 1, title_end + 1 + m.end()))  # القاهرة - / دبي، الإمارات (CNN) --
    headlines: list[tuple[int, int]] = []
    for a, b, line in lines:
        bare = bool(line) and line[-1] not in _SENTENCE_END and len(line.split()) <= _HEADLINE_WORDS
        if bare:
            headlines.append((a, b))
            continue
        if len(headlines) >= 2:
            out.extend(headlines)  # related-story headlines between paragraphs (BBC, CNN)
        headlines = []
    if len(headlines) >= 2:
        out.extend(headlines)
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
    return sorted(set(out))


def _country_lists(found: Sequence[Found], tokens: Sequence[Token]) -> set[tuple[int, int]]:
    """Token spans of the country mentions in a list of three or more countries, one next to
    the other (``، `` or ``و`` between): ``إسبانيا، البرتغال، البرازيل والمغرب``."""
    spans = sorted({(f.first, f.last) for f in found if f.kind == "country"})
    out: set[tuple[int, int]] = set()
    run: list[tuple[int, int]] = []
    for span in spans:
        if run:
            gap = span[0] - run[-1][1]
            if not (gap == 0 or (gap == 1 and tokens[run[-1][1]].norm == "و")):
                if len(run) >= LIST_COUNTRIES:
                    out.update(run)
                run = []
        run.append(span)
    if len(run) >= LIST_COUNTRIES:
        out.update(run)
    return out


def _verb_before_name(
    text: str, tokens: Sequence[Token], f: Found, gazetteer: Gazetteer, clusters: object
) -> bool:
    """A guessed person whose first word opens a sentence and has the shape of a derived
    perfect verb (``ا…``, 4-6 letters: افتعل، انفعل، استفعل) that no vocabulary knows, and is
    no given name nor listed: Arabic puts the verb first (``ادخر حسني، وهو مواطن تونسي``)."""
    if f.rule not in ("model", "repeat") or f.last - f.first < 2 or f.first >= len(tokens):
        return False
    first = tokens[f.first]
    w = first.norm
    if not (w[:1] == "ا" and not w.startswith("ال") and 4 <= len(w) <= 6):
        return False
    if w in rules.GIVEN_NAMES or w in clusters:  # type: ignore[operator]
        return False
    if gazetteer.get(text[first.start : first.end]) is not None:
        return False
    before = text[tokens[f.first - 1].end : first.start] if f.first else "\n"
    return any(ch in before for ch in ".!؟?\n")


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


def _absorb(keep: _Cand, drop: _Cand, *, team: bool = False) -> None:
    keep.in_title |= drop.in_title
    keep.in_lead |= drop.in_lead
    keep.mentions += drop.mentions
    keep.paragraphs |= drop.paragraphs
    keep.evidence |= drop.evidence
    keep.confidence = max(keep.confidence, drop.confidence)
    keep.first = min(keep.first, drop.first)
    if team:
        keep.other += drop.mentions + drop.in_title  # the team plays: the country is no venue
    else:
        keep.venue += drop.venue
        keep.venue_lead += drop.venue_lead
        keep.locative += drop.locative
        keep.other += drop.other


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one inserted, dropped or changed letter (بيتزي / بييتزي)."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 4:
        return False
    if len(a) > len(b):
        a, b = b, a
    k = 0
    while k < len(a) and a[k] == b[k]:
        k += 1
    return a[k + 1 :] == b[k + 1 :] if len(a) == len(b) else a[k:] == b[k + 1 :]


def _merge_spellings(cands: list[_Cand]) -> list[_Cand]:
    """A person's family name alone, spelt another way, joins the full name (#بيتزي beside
    #خوان_أنطونيو_بييتزي)."""
    gone: set[str] = set()
    people = [c for c in cands if c.type == "person"]
    for small in people:
        if "_" in small.tag:
            continue
        w = norm_word(small.tag[1:])
        for big in people:
            last = norm_word(big.tag[1:].split("_")[-1])
            if big is not small and "_" in big.tag and big.tag not in gone and _one_edit(w, last):
                _absorb(big, small)
                gone.add(small.tag)
                break
    return [c for c in cands if c.tag not in gone]


def _merge_teams(cands: list[_Cand]) -> list[_Cand]:
    """A national team's tag joins its country's (#منتخب_البرتغال, #المنتخب_البرتغالي →
    #البرتغال) when the country is tagged too."""
    countries = {
        norm_word(c.tag[1:]): c.tag
        for c in cands
        if c.kind == "country" or (c.type == "place" and "_" not in c.tag and not c.kind)
    }
    by_tag = {c.tag: c for c in cands}
    gone: set[str] = set()
    for c in cands:
        country = team_country(c.tag, countries)
        if country and country in by_tag:
            _absorb(by_tag[country], c, team=True)
            gone.add(c.tag)
    return [c for c in cands if c.tag not in gone]


def _title_guesses(cands: list[_Cand]) -> list[_Cand]:
    """A person guessed in the title only, with a word more than a name the body gives
    (``#رونالدو_الخائف``, ``#فيديو_بوتفليقة`` beside the body's ``#كريستيانو_رونالدو``,
    ``#عبد_العزيز_بوتفليقة``): the body's name is the tag, and the title names it."""
    body_people = [c for c in cands if c.type == "person" and c.mentions > 0]
    gone: set[str] = set()
    for c in cands:
        if c.type != "person" or c.mentions or c.evidence & _LISTED or "_" not in c.tag:
            continue
        words = set(_name_words(c.tag))
        for other in body_people:
            if words & set(_name_words(other.tag)):
                other.in_title = True
                other.first = min(other.first, c.first)
                gone.add(c.tag)
                break
    return [c for c in cands if c.tag not in gone]


def _name_words(tag: str) -> tuple[str, ...]:
    """A tag's folded words, without ``مدينة`` (``#مطار_مدينة_الحديدة`` is ``#مطار_الحديدة``)."""
    return tuple(w for w in (norm_word(x) for x in tag[1:].split("_")) if w not in _FILLER)


def _merge_contained(cands: list[_Cand], n_par: int) -> list[_Cand]:
    """One tag for a name and the longer name containing it (#كيم / #كيم_جونغ_أون, #غزة /
    #قطاع_غزة): a person keeps the longer form, a place or organisation the more salient."""
    words = {c.tag: _name_words(c.tag) for c in cands}
    gone: set[str] = set()
    for small in sorted(cands, key=lambda c: len(words[c.tag])):
        for big in cands:
            if big is small or big.tag in gone or small.tag in gone:
                continue
            if big.type != small.type and len(words[small.tag]) < 2:
                continue  # #سوريا inside #قوات_سوريا_الديمقراطية is another name
            w, big_w = words[small.tag], words[big.tag]
            n = len(w)
            same = big_w == w
            starts = range(len(big_w) - n + 1)
            inside = len(big_w) > n and any(big_w[i : i + n] == w for i in starts)
            if not (same or inside):
                continue
            keep, drop = (small, big) if same else (big, small)
            # A person keeps the full name unless it was said once and the short form is the
            # story's (والدا بيوني سيستو once, بيوني سيستو throughout).
            bonus = 1.0 if small.type == "person" else 0.0
            listed_big = small.type == "person" and bool(big.evidence & _LISTED)
            if small.score(n_par) > big.score(n_par) + bonus and not listed_big:
                keep, drop = small, big  # (a listed full name always wins: #كيم_جونغ_أون)
            _absorb(keep, drop)
            gone.add(drop.tag)
            break
    return [c for c in cands if c.tag not in gone]


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
    story_topic: str | None = None,
    categories: Sequence[str] = (),
    source_tags: Sequence[str] = (),
) -> tuple[str, ...]:
    """3–7 hashtags: confirmed entities by salience, the topic, then the source's fixed tags."""
    boiler = boilerplate_ranges(text, title_end)  # sorted lines, none inside another
    boiler_starts = [a for a, _ in boiler]
    starts = _paragraph_starts(text, title_end)
    lead_end = starts[1] if len(starts) > 1 else len(text)
    body_words = [t for t in tokens if t.start > title_end]
    early_end = body_words[EARLY_WORDS].start if len(body_words) > EARLY_WORDS else len(text)
    clusters = tagger.clusters if tagger is not None else {}
    segmenter = tagger.segmenter if tagger is not None else None
    written = " " + " ".join(t.norm for t in tokens) + " "
    uses_ta = text.count("ة") >= 5  # an outlet that writes every ة as ه is read as written
    in_lists = _country_lists(found, tokens)
    cands: dict[str, _Cand] = {}
    tag_of: dict[tuple[str, str], tuple[str | None, bool]] = {}  # one lookup per name
    for f in found:
        if f.type not in _TYPE_WEIGHT:
            continue
        k = bisect.bisect_right(boiler_starts, f.start) - 1
        if k >= 0 and f.start < boiler[k][1]:
            continue  # in a boilerplate line
        name = (f.canonical, f.hashtag)
        if name not in tag_of:
            alias = policy.alias(f.canonical)
            tag: str | None = hashtag(alias or f.hashtag or f.canonical)
            if tag and not alias:
                tag = unglue(tag, gazetteer, segmenter, clusters, written)
            tag_of[name] = (tag if tag and not policy.blocked(tag) else None, bool(alias))
        tag, alias_given = tag_of[name]
        if not tag:
            continue
        if text[f.end : f.end + 1] in _HYPHENS and text[f.end + 1 : f.end + 2].isalpha():
            continue  # مون جاي-إن: the name goes on past the span
        if f.type == "person" and _verb_before_name(text, tokens, f, gazetteer, clusters):
            continue  # «ادخر حسني، وهو مواطن تونسي»: a verb opens the sentence, then the name
        key = norm_word(tag[1:])  # #كيم_جونغ_اون and #كيم_جونغ_أون are one tag
        c = cands.get(key)
        if c is None:
            c = cands[key] = _Cand(tag, f.type, f.kind, f.start)
        if not c.kind and f.kind:
            c.kind = f.kind  # the tagger's span first, the gazetteer's kind later
        if not c.kind and f.first > 0 and tokens[f.first - 1].norm in _MEDIA_HEADS:
            c.kind = "media"  # صحيفة "ديلي ميل", وكالة رويترز: quoted, not the story
        if alias_given:
            c.evidence.add("alias")
        c.evidence.add(f.rule)
        c.confidence = max(c.confidence, f.confidence)
        clitic = text[tokens[f.first].start : f.start] if f.first < len(tokens) else ""
        how = mention_kind(tokens, f.first, f.last, clitic)
        c.venue += how == MentionKind.VENUE
        c.locative += how == MentionKind.LOCATIVE
        c.other += how == MentionKind.OTHER
        if uses_ta and "_" not in c.tag and c.tag.endswith("ة") and text[f.end - 1 : f.end] == "ه":
            c.written_h += 1
        if f.kind == "country":
            c.listed += (f.first, f.last) in in_lists
        if f.start < title_end:
            c.in_title = c.early = True
        else:
            c.mentions += 1
            c.in_lead = c.in_lead or f.start < lead_end
            c.venue_lead += how == MentionKind.VENUE and f.start < lead_end
            c.early = c.early or f.start < early_end
            c.paragraphs.add(bisect.bisect_right(starts, f.start))
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
    title_norm = " " + " ".join(t.norm for t in tokens if t.start < title_end) + " "
    for c in cands.values():
        c.title_words = f" {' '.join(_name_words(c.tag))} " in title_norm
        if c.kind != "media" and any(norm_word(w) in _MEDIA_WORDS for w in c.tag[1:].split("_")):
            c.kind = "media"  # #وكالة_الأنباء_الإماراتية: quoted, not the story
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
    clean = _merge_teams(_merge_spellings(_merge_contained(clean, n_par)))
    clean = [c for c in clean if not generic_ministry(c.tag)]  # after it joined a longer name
    clean = _title_guesses(clean)
    # The title's names first (an editor reads the title first), then by salience.
    clean.sort(key=lambda c: (not c.in_title, c.first if c.in_title else -c.score(n_par), c.first))
    limit = policy.max_tags
    # The topic takes a place only when names leave room (3 or more places in all).
    room = max(0, limit - (1 if topic in TOPIC_TAGS and limit >= 3 else 0))
    if (story_topic or topic) == "sport":
        for c in clean:
            c.sport_story = True
    tags = [c.tag for c in clean if c.confirmed()][:room]
    if len(tags) < min(policy.min_tags, room):
        for c in _title_heads(text, title_end, tokens, found, cands):
            if clean_tag(c.tag, gazetteer, segmenter, clusters) and not policy.blocked(c.tag):
                clean.append(c)
    for c in clean:
        if len(tags) >= min(policy.min_tags, room):
            break
        unsure_ok = c.salient() and c.confidence >= UNSURE
        unsure_ok = unsure_ok and not c.passing()
        if c.tag not in tags and unsure_ok and c.kind not in ("media", "platform"):
            tags.append(c.tag)
    topic_tag = TOPIC_TAGS.get(topic or "")
    if topic_tag and len(tags) < limit and topic_tag not in tags and not policy.blocked(topic_tag):
        tags.append(topic_tag)
    for extra in source_tags:
        tag = hashtag(extra)
        if tag and tag not in tags and not all(is_stopword(w) for w in tag[1:].split("_")):
            tags.append(tag)
    return tuple(tags)
