"""Entities from the trained tagger, with the gazetteers and the article's repetitions as evidence.

The tagger proposes spans (:mod:`nashra.enrich.tagger`); what confirms them:

* a gazetteer entry on exactly the same words gives the canonical form, the hashtag and the kind
  (and its type, the gazetteer being hand-checked);
* a gazetteer entry the tagger did not propose is kept too (``gazetteer``: the hand-checked lists
  are precise; measured on dev, keeping all of them or only the long ones differ by 0.002 F1);
* a name the tagger is sure of (marginal ≥ 0.8) is found again in the rest of the text
  (``repeat``), and a person's family name alone names them later (``وقال حسين`` after
  ``فؤاد حسين``).

Overlaps resolve to the longer span, so a place or organisation that contains another
(``جامعة دمشق``, ``مخيم الهول``) is one entity. Canonical forms join variants: a person's later,
shorter mention (``الحمد الله``, ``رامي الحمد``) takes the canonical form of the full name
(``رامي الحمد الله``) it is part of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nashra.enrich import rules
from nashra.enrich._text import Token, is_stopword, norm_word, proclitic_forms
from nashra.enrich.entities import Found, _local_gazetteer, _unique
from nashra.enrich.gazetteer import Entry, Gazetteer, Match
from nashra.enrich.rules import GIVEN_NAMES
from nashra.enrich.tagger import Tagged, Tagger, tagger_tokens

__all__ = ["find_model_entities", "gazetteer_labels"]

# Gazetteer kinds specific enough to stand without the tagger's proposal.
_SURE_KINDS = frozenset({"country", "capital"})
# Choices made on the dev blocks (bench/eval_enrich.py ner --dev).
GAZETTEER_ALONE = "all"  # none | long_or_sure | all
REPEAT_MIN_CONFIDENCE = 0.8  # a proposal this sure is looked for again in the text
REPEATS = True
EXTEND = False  # a given name before a tagged family name: measured worse on dev (0.760 vs 0.776)
DROP_COMPOUND = True
FAMILY2 = True
HARVEST = False  # the rule layer's given-name and head-phrase rules on untagged words
DOC_TYPES = False  # one type per name in a text (the mentions' confidence-weighted vote)


def find_model_entities(
    text: str, tokens: Sequence[Token], gazetteer: Gazetteer, tagger: Tagger
) -> list[Found]:
    """Entities of ``text`` (``tokens`` from ``word_spans(text)``), in reading order."""
    spans = tagger_tokens(text)
    at_word = {t.start: k for k, t in enumerate(tokens)}
    matches = gazetteer.find(tokens)
    gaz = gazetteer_labels(tokens, spans, matches)
    exact = {(m.first, m.last): m for m in matches}

    n = len(tokens)
    owner: list[Found | None] = [None] * n

    def place(f: Found) -> None:
        for k in range(f.first, f.last):
            owner[k] = f

    for p in tagger.tag(text, spans, gaz):
        words = _word_range(p, spans, at_word)
        if words is None:
            continue
        first, last = words
        if p.type == "person":
            first, last = _trim_person(tokens, first, last)
            if (
                EXTEND
                and first > 0
                and tokens[first].joined
                and tokens[first - 1].norm in GIVEN_NAMES
            ):
                first -= 1  # سامر المصري: the tagger saw only the family name
            words_ = [t.norm for t in tokens[first:last]]
            if (
                DROP_COMPOUND
                and len(words_) == 2
                and words_[0] in rules.PARTICLES
                and exact.get((first, last)) is None
            ):
                continue  # عبد العزيز alone is a given name, not yet a person

        m = exact.get((first, last))
        display = text[tokens[first].start : tokens[first].end]
        if m is not None:
            clitic = m.clitic  # the gazetteer's reading: بدمشق → ب, كابل stays Kabul
        else:
            clitic = _clitic(tagger, display, p.clitic)
            clitic = "" if clitic == "ك" else clitic  # a name after ك "like" is rare
        start = tokens[first].start + (len(clitic) if display.startswith(clitic) else 0)
        listed = gazetteer.get(text[start : tokens[last - 1].end]) if m is None else None
        place(_from_proposal(text, tokens, replace(p, clitic=clitic), first, last, m, listed))

    for m in matches:
        if any(owner[k] is not None for k in range(m.first, m.last)):
            continue
        if _gazetteer_alone_ok(m):
            place(_from_match(text, tokens, m, "gazetteer", 0.6))

    # The harvest rules of the rule layer, on words nothing else took: a given name + family
    # name, an organisation or place head + its definite modifiers (وكالة الأنباء الألمانية).
    if HARVEST:
        types = [o.type if o is not None else None for o in owner]
        for c in rules.names(tokens, types) + rules.head_phrases(tokens, types):
            if any(owner[k] is not None for k in range(c.first, c.last)):
                continue
            start = tokens[c.first].start
            if c.clitic and text[start : start + len(c.clitic)] == c.clitic:
                start += len(c.clitic)
            end = tokens[c.last - 1].end
            place(
                Found(c.first, c.last, start, end, c.type, text[start:end], "", c.kind, c.rule, 0.7)
            )

    # An acronym in parentheses is another name of the entity right before it.
    for acr, before in rules.acronyms(text, tokens):
        prev = owner[before]
        mine = owner[acr]
        free = mine is None or (mine.rule == "model" and mine.last - mine.first == 1)
        if free and prev is not None and prev is not mine and prev.type != "misc":
            place(
                replace(
                    prev,
                    first=acr,
                    last=acr + 1,
                    start=tokens[acr].start,
                    end=tokens[acr].end,
                    rule="acronym",
                )
            )

    found = _unique(owner)
    local = _local_gazetteer(tokens, [f for f in found if f.confidence >= REPEAT_MIN_CONFIDENCE])
    for f in found:
        names = tuple(t.norm for t in tokens[f.first : f.last])
        if FAMILY2 and f.type == "person" and len(names) >= 3 and names[1].startswith("ال"):
            # رامي الحمد الله → الحمد الله later names the same person
            local.add(Entry(f.canonical, f.type, f.hashtag, f.kind), [" ".join(names[1:])])
    if REPEATS and len(local):
        taken = [o is not None for o in owner]
        for m in local.find(tokens, taken):
            place(_from_match(text, tokens, m, "repeat", 0.7))
        found = _unique(owner)
    if DOC_TYPES:
        found = _one_type(tokens, found)
    return _join_variants(tokens, found)


def _one_type(tokens: Sequence[Token], found: list[Found]) -> list[Found]:
    """The tagger's mentions of one name take the type the text gives it most: a gazetteer's
    type outright, else the confidence-weighted vote of the mentions."""
    votes: dict[tuple[str, ...], dict[str, float]] = {}
    for f in found:
        if f.type == "misc":
            continue
        key = tuple(t.norm for t in tokens[f.first : f.last])
        weight = 10.0 if f.rule != "model" else f.confidence
        by_type = votes.setdefault(key, {})
        by_type[f.type] = by_type.get(f.type, 0.0) + weight
    out: list[Found] = []
    for f in found:
        if f.rule == "model" and f.type != "misc":
            by_type = votes[tuple(t.norm for t in tokens[f.first : f.last])]
            best = max(by_type, key=lambda k: by_type[k])
            if best != f.type:
                f = replace(f, type=best)
        out.append(f)
    return out


def gazetteer_labels(
    tokens: Sequence[Token], spans: Sequence[tuple[int, int]], matches: Sequence[Match]
) -> list[str]:
    """The tagger's gazetteer feature per tagger token: ``B-place``, ``I-organisation`` or ""."""
    at_span = {a: i for i, (a, _) in enumerate(spans)}
    gaz = [""] * len(spans)
    for m in matches:
        for k in range(m.first, m.last):
            i = at_span.get(tokens[k].start)
            if i is not None:
                gaz[i] = ("B-" if k == m.first else "I-") + m.entry.type
    return gaz


def _known(tagger: Tagger, word: str) -> bool:
    return tagger.segmenter.count(word) > 0 or word in tagger.clusters


def _clitic(tagger: Tagger, display: str, clitic: str) -> str:
    """The proclitic of a name's first word: the segmenter's, or و/ل on a word no lexicon knows
    whose rest is a known word (``لغاريث``), or و on an unknown word (``وكونسولاتا``)."""
    if clitic:
        return clitic
    word = norm_word(display)
    if len(word) < 5 or word[0] not in "ول" or _known(tagger, word):
        return ""
    if (word[0] == "و" and word[1] != "ي") or _known(tagger, word[1:]):
        return display[0] if display[:1] == word[0] else ""
    return ""


def _trim_person(tokens: Sequence[Token], first: int, last: int) -> tuple[int, int]:
    """A person's name without a leading role or nationality (المهندس، المصري) and without a
    trailing accusative adverb (``مصطفى السيد خلفا``)."""
    while last - first >= 2:
        w = tokens[first].norm
        # A definite word before a name of two or more words is a description (المصري، الداخلية).
        described = w.startswith("ال") and last - first >= 3 and w not in GIVEN_NAMES
        if w in rules.ROLES or w in _HONORIFICS or described:
            first += 1
        else:
            break
    if last - first >= 3:
        w = tokens[last - 1].norm
        if w.endswith("ا") and not w.startswith("ال") and len(w) >= 4:
            last -= 1
    return first, last


_HONORIFICS = frozenset(
    map(norm_word, ["المهندس", "الدكتور", "د", "الشيخ", "السيد", "السيدة", "النجم", "النجمة"])
)


def _word_range(
    p: Tagged, spans: Sequence[tuple[int, int]], at_word: dict[int, int]
) -> tuple[int, int] | None:
    """The word-token range of a proposal (punctuation at its edges left out)."""
    idx = [at_word[spans[i][0]] for i in range(p.first, p.last) if spans[i][0] in at_word]
    if not idx:
        return None
    return idx[0], idx[-1] + 1


def _from_proposal(
    text: str,
    tokens: Sequence[Token],
    p: Tagged,
    first: int,
    last: int,
    m: Match | None,
    entry: Entry | None = None,
) -> Found:
    start = tokens[first].start
    if p.clitic and text[start : start + len(p.clitic)] == p.clitic:
        start += len(p.clitic)
    end = tokens[last - 1].end
    if m is not None:
        e = m.entry
        # The hand-checked gazetteer knows the type; the tagger confirmed the span.
        return Found(
            first,
            last,
            start,
            end,
            e.type,
            e.canonical,
            e.hashtag,
            e.kind,
            "model+gazetteer",
            max(p.confidence, 0.9),
        )
    name = text[start:end]
    if entry is not None and entry.type == p.type:
        # A listed spelling in another extent or form (دونالد ترمب → دونالد ترامب).
        return Found(
            first,
            last,
            start,
            end,
            p.type,
            entry.canonical,
            entry.hashtag,
            entry.kind,
            "model",
            p.confidence,
        )
    return Found(first, last, start, end, p.type, name, "", "", "model", p.confidence)


def _from_match(text: str, tokens: Sequence[Token], m: Match, rule: str, conf: float) -> Found:
    start = tokens[m.first].start
    if m.clitic and text[start : start + len(m.clitic)] == m.clitic:
        start += len(m.clitic)
    e = m.entry
    return Found(
        m.first,
        m.last,
        start,
        tokens[m.last - 1].end,
        e.type,
        e.canonical,
        e.hashtag,
        e.kind,
        rule,
        conf,
    )


def _gazetteer_alone_ok(m: Match) -> bool:
    if m.entry.type not in ("person", "organisation", "place") or GAZETTEER_ALONE == "none":
        return False
    return GAZETTEER_ALONE == "all" or m.last - m.first >= 2 or m.entry.kind in _SURE_KINDS


def _join_variants(tokens: Sequence[Token], found: list[Found]) -> list[Found]:
    """A person's shorter mention takes the canonical form of the full name that contains it."""
    people = [f for f in found if f.type == "person" and f.last - f.first >= 2]
    if not people:
        return found
    full = {tuple(t.norm for t in tokens[f.first : f.last]): f for f in people}
    out: list[Found] = []
    for f in found:
        words = tuple(t.norm for t in tokens[f.first : f.last])
        if f.type == "person" and words:
            longer = _containing(words, full)
            if longer is None and len(words) == 1:
                # لكيروش after كارلوس كيروش: the family name behind a proclitic
                for form in proclitic_forms(words[0])[1:]:
                    longer = _containing((form,), full)
                    if longer is not None:
                        cut = len(words[0]) - len(form)
                        f = replace(f, start=f.start + cut) if cut > 0 else f
                        break
            if longer is not None:
                f = replace(f, canonical=longer.canonical, hashtag=longer.hashtag)
        out.append(f)
    return out


def _inside(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def _containing(words: tuple[str, ...], full: dict[tuple[str, ...], Found]) -> Found | None:
    """The one full name that ends or starts with ``words`` (a given name alone never joins)."""
    if len(words) == 1 and (len(words[0]) < 3 or is_stopword(words[0])):
        return None
    hits = []
    for key, f in full.items():
        if len(key) <= len(words):
            continue
        suffix = key[-len(words) :] == words
        prefix = key[: len(words)] == words and (len(words) >= 2 or words[0] not in GIVEN_NAMES)
        if suffix or prefix:
            hits.append((key, f))
    if not hits:
        return None
    hits.sort(key=lambda kf: -len(kf[0]))
    longest = hits[0][0]
    # Two different people sharing the family name (هادي: عبد ربه منصور هادي, مهدي هادي): none.
    if all(_inside(longest, k) for k, _ in hits):
        return hits[0][1]
    return None


def as_entry(f: Found) -> Entry:
    return Entry(f.canonical, f.type, f.hashtag, f.kind)
