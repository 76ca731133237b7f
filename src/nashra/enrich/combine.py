"""Entities from the trained tagger, with the gazetteers and the article's repetitions as evidence.

The tagger proposes spans (:mod:`nashra.enrich.tagger`); what confirms them:

* a gazetteer entry on exactly the same words gives the canonical form, the hashtag and the kind
  (and its type, the gazetteer being hand-checked);
* a gazetteer entry the tagger did not propose is kept only when it is a name the gazetteers
  list in a longer form or a country/capital (``gazetteer`` evidence alone);
* a name found once is found again in the rest of the text (``repeat``), and a person's family
  name alone names them later (``وقال حسين`` after ``فؤاد حسين``).

Overlaps resolve to the longer span, so a place or organisation that contains another
(``جامعة دمشق``, ``مخيم الهول``) is one entity. Canonical forms join variants: a person's later,
shorter mention (``الحمد الله``, ``رامي الحمد``) takes the canonical form of the full name
(``رامي الحمد الله``) it is part of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nashra.enrich import rules
from nashra.enrich._text import Token, is_stopword
from nashra.enrich.entities import Found, _local_gazetteer, _unique
from nashra.enrich.gazetteer import Entry, Gazetteer, Match
from nashra.enrich.tagger import Tagged, Tagger, tagger_tokens

__all__ = ["find_model_entities", "gazetteer_labels"]

# Gazetteer kinds specific enough to stand without the tagger's proposal.
_SURE_KINDS = frozenset({"country", "capital"})


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
        m = exact.get((first, last))
        place(_from_proposal(text, tokens, p, first, last, m))

    for m in matches:
        if any(owner[k] is not None for k in range(m.first, m.last)):
            continue
        if _gazetteer_alone_ok(m):
            place(_from_match(text, tokens, m, "gazetteer", 0.6))

    # An acronym in parentheses is another name of the entity right before it.
    for acr, before in rules.acronyms(text, tokens):
        prev = owner[before]
        if owner[acr] is None and prev is not None and prev.type != "misc":
            place(replace(prev, first=acr, last=acr + 1, start=tokens[acr].start,
                          end=tokens[acr].end, rule="acronym"))  # fmt: skip

    found = _unique(owner)
    local = _local_gazetteer(tokens, [f for f in found if f.confidence >= 0.5])
    if len(local):
        taken = [o is not None for o in owner]
        for m in local.find(tokens, taken):
            place(_from_match(text, tokens, m, "repeat", 0.7))
        found = _unique(owner)
    return _join_variants(tokens, found)


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


def _word_range(
    p: Tagged, spans: Sequence[tuple[int, int]], at_word: dict[int, int]
) -> tuple[int, int] | None:
    """The word-token range of a proposal (punctuation at its edges left out)."""
    idx = [at_word[spans[i][0]] for i in range(p.first, p.last) if spans[i][0] in at_word]
    if not idx:
        return None
    return idx[0], idx[-1] + 1


def _from_proposal(
    text: str, tokens: Sequence[Token], p: Tagged, first: int, last: int, m: Match | None
) -> Found:
    start = tokens[first].start
    if p.clitic and text[start : start + len(p.clitic)] == p.clitic:
        start += len(p.clitic)
    end = tokens[last - 1].end
    if m is not None:
        e = m.entry
        # The hand-checked gazetteer knows the type; the tagger confirmed the span.
        return Found(first, last, start, end, e.type, e.canonical, e.hashtag, e.kind,
                     "model+gazetteer", max(p.confidence, 0.9))  # fmt: skip
    name = text[start:end]
    return Found(first, last, start, end, p.type, name, "", "", "model", p.confidence)


def _from_match(text: str, tokens: Sequence[Token], m: Match, rule: str, conf: float) -> Found:
    start = tokens[m.first].start
    if m.clitic and text[start : start + len(m.clitic)] == m.clitic:
        start += len(m.clitic)
    e = m.entry
    return Found(m.first, m.last, start, tokens[m.last - 1].end, e.type, e.canonical, e.hashtag,
                 e.kind, rule, conf)  # fmt: skip


def _gazetteer_alone_ok(m: Match) -> bool:
    if m.entry.type not in ("person", "organisation", "place"):
        return False
    return m.last - m.first >= 2 or m.entry.kind in _SURE_KINDS


def _join_variants(tokens: Sequence[Token], found: list[Found]) -> list[Found]:
    """A person's shorter mention takes the canonical form of the full name that contains it."""
    people = [f for f in found if f.type == "person" and f.last - f.first >= 2]
    if not people:
        return found
    full = {tuple(t.norm for t in tokens[f.first : f.last]): f for f in people}
    out: list[Found] = []
    for f in found:
        words = tuple(t.norm for t in tokens[f.first : f.last])
        if f.type == "person" and words not in full and words:
            longer = _containing(words, full)
            if longer is not None:
                f = replace(f, canonical=longer.canonical, hashtag=longer.hashtag)
        out.append(f)
    return out


def _containing(words: tuple[str, ...], full: dict[tuple[str, ...], Found]) -> Found | None:
    """The one full name that ends with ``words`` or starts with them (2+ words)."""
    if len(words) == 1 and (len(words[0]) < 3 or is_stopword(words[0])):
        return None
    hits = []
    for key, f in full.items():
        if len(key) <= len(words):
            continue
        if key[-len(words) :] == words or (len(words) >= 2 and key[: len(words)] == words):
            hits.append(f)
    canon = {f.canonical for f in hits}
    return hits[0] if len(canon) == 1 else None


def as_entry(f: Found) -> Entry:
    return Entry(f.canonical, f.type, f.hashtag, f.kind)
