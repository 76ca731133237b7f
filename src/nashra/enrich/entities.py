"""Entities in one text: gazetteer matches first, then the harvest rules, then repeats.

The order is what resolves overlaps: a gazetteer match is kept unless a quoted or acronym-tied
organisation/place contains it; rule candidates only take free tokens; at the end every name
found once (its full form, and a person's family name) is looked up again in the rest of the
text, so ``وقال حسين`` after ``فؤاد حسين`` is the same person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from nashra.enrich import rules
from nashra.enrich._text import Token, is_stopword
from nashra.enrich.gazetteer import Entry, Gazetteer, Match

__all__ = ["Found", "find_entities"]


@dataclass(frozen=True, slots=True)
class Found:
    first: int  # token range [first, last)
    last: int
    start: int  # character offsets into the text
    end: int
    type: str
    canonical: str
    hashtag: str  # the entry's hashtag form ("" → derived from ``canonical``)
    kind: str
    rule: str  # gazetteer, quote, acronym, role, name, head, repeat, model, model+gazetteer
    confidence: float = 1.0  # the tagger's marginal probability (1.0 for the rule layer)


def _found(
    text: str,
    tokens: Sequence[Token],
    first: int,
    last: int,
    entry: Entry,
    rule: str,
    clitic: str = "",
) -> Found:
    start = tokens[first].start
    if clitic and text[start : start + len(clitic)] == clitic:
        start += len(clitic)
    elif clitic:
        # The display word carries marks inside its clitic: keep the whole word.
        pass
    end = tokens[last - 1].end
    return Found(
        first, last, start, end, entry.type, entry.canonical, entry.hashtag, entry.kind, rule
    )


def _display(text: str, tokens: Sequence[Token], first: int, last: int) -> str:
    return text[tokens[first].start : tokens[last - 1].end]


def find_entities(text: str, tokens: Sequence[Token], gazetteer: Gazetteer) -> list[Found]:
    """Entities of ``text`` (tokens from ``word_spans(text)``), in reading order."""
    n = len(tokens)
    owner: list[Found | None] = [None] * n

    def place(f: Found) -> None:
        for k in range(f.first, f.last):
            owner[k] = f

    def free(first: int, last: int) -> bool:
        return all(owner[k] is None for k in range(first, last))

    for m in gazetteer.find(tokens):
        place(_from_match(text, tokens, m))

    # Quoted names: an organisation/place head wins over what the gazetteer found inside.
    for c in rules.quoted(text, tokens):
        inside = {id(owner[k]) for k in range(c.first, c.last) if owner[k] is not None}
        covered = [owner[k] for k in range(c.first, c.last)]
        if c.type == "misc" and inside:
            continue
        if (
            c.type != "misc"
            and covered
            and all(f is not None and f.first == c.first and f.last == c.last for f in covered)
        ):
            continue
        if any(f is not None and (f.first < c.first or f.last > c.last) for f in covered):
            continue
        name = _display(text, tokens, c.first, c.last)
        entry = gazetteer.get(name) or Entry(name, c.type)
        for k in range(c.first, c.last):
            owner[k] = None
        place(_found(text, tokens, c.first, c.last, entry, "quote"))

    types = [o.type if o is not None else None for o in owner]
    for c in rules.names(tokens, types) + rules.head_phrases(tokens, types):
        if not free(c.first, c.last):
            continue
        hit = _found(text, tokens, c.first, c.last, Entry("", c.type, "", c.kind), c.rule, c.clitic)
        name = text[hit.start : hit.end]  # the name without a proclitic (لوكالة → وكالة)
        place(replace(hit, canonical=name))

    # An acronym in parentheses is another name of the entity right before it.
    for acr, before in rules.acronyms(text, tokens):
        prev = owner[before]
        if owner[acr] is None and prev is not None and prev.type != "misc":
            entry = Entry(prev.canonical, prev.type, prev.hashtag, prev.kind)
            place(_found(text, tokens, acr, acr + 1, entry, "acronym"))

    found = _unique(owner)
    local = _local_gazetteer(tokens, found)
    if len(local):
        taken = [o is not None for o in owner]
        for m in local.find(tokens, taken):
            place(_found(text, tokens, m.first, m.last, m.entry, "repeat", m.clitic))
        found = _unique(owner)
    return found


def _from_match(text: str, tokens: Sequence[Token], m: Match) -> Found:
    return _found(text, tokens, m.first, m.last, m.entry, "gazetteer", m.clitic)


def _unique(owner: Sequence[Found | None]) -> list[Found]:
    out: list[Found] = []
    for f in owner:
        if f is not None and (not out or out[-1] is not f):
            out.append(f)
    return out


def _local_gazetteer(tokens: Sequence[Token], found: Sequence[Found]) -> Gazetteer:
    """Names this text introduced, to find their other mentions (and a person's family name)."""
    local = Gazetteer()
    for f in found:
        entry = Entry(f.canonical, f.type, f.hashtag, f.kind)
        words = tuple(t.norm for t in tokens[f.first : f.last])
        if f.rule != "gazetteer" and f.type != "misc":
            local.add(entry, [" ".join(words)])
        if f.type == "person" and len(words) >= 2 and _family_ok(f, words):
            local.add(entry, [words[-1]])
    return local


def _family_ok(f: Found, words: tuple[str, ...]) -> bool:
    """Whether a person's last word may name them alone later (``حسين`` for ``فؤاد حسين``)."""
    family = words[-1]
    if len(family) < 3 or is_stopword(family) or family in _NOT_FAMILY:
        return False
    if words[-2] in rules.PARTICLES:
        return False  # عبد الله، بن زايد: the last word is half of a compound
    return f.rule in ("gazetteer", "role") or words[0] in rules.GIVEN_NAMES


_NOT_FAMILY = frozenset({"الله", "الدين", "الرحمن", "الثاني", "الاول", "الثالث"})
