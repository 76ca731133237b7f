"""The one place where enrichment touches the Arabic layer.

Everything folded here comes from :mod:`nashra.arabic` (``normalize``, ``tokenize``,
``strip_clitics``, ``is_stopword``, ``strip_tashkeel``, ``MARKS_CLASS``).
What this module adds is only what enrichment needs on top: word spans with offsets into the
display text, the proclitic forms tried when looking a word up in a gazetteer, and the
display-safe cleaning of a hashtag (marks removed, letters never folded).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from nashra.arabic import MARKS_CLASS, normalize, strip_clitics, strip_tashkeel, tokenize
from nashra.arabic import is_stopword as _layer_is_stopword

__all__ = [
    "Token",
    "is_stopword",
    "norm_word",
    "normalize",
    "proclitic_forms",
    "strip_clitics",
    "strip_marks",
    "tokenize",
    "word_spans",
]

_WORD = re.compile(rf"(?:[^\W_]|[{MARKS_CLASS}])+")


def strip_marks(text: str) -> str:
    """Remove harakat and tatweel (display-safe: letters are not folded)."""
    return strip_tashkeel(text)


@functools.lru_cache(maxsize=131072)
def norm_word(word: str) -> str:
    """The matching form of one word, as the Arabic layer writes it (never empty for a word)."""
    return normalize(word).replace(" ", "")


class Token(NamedTuple):
    start: int  # offsets into the display text
    end: int
    norm: str  # the matching form (nashra.arabic.normalize)
    joined: bool  # only whitespace (no punctuation, no line break) since the previous token


@functools.lru_cache(maxsize=131072)
def is_stopword(word: str) -> bool:
    """The Arabic layer's stop-word test, memoised (enrichment asks about the same words often)."""
    return _layer_is_stopword(word)


def word_spans(text: str) -> list[Token]:
    """Words of ``text`` with their offsets and matching forms."""
    out: list[Token] = []
    prev_end = 0
    for m in _WORD.finditer(text):
        norm = norm_word(m.group())
        if not norm:
            continue
        gap = text[prev_end : m.start()]
        joined = bool(out) and (gap == "" or (gap.isspace() and "\n" not in gap))
        out.append(Token(m.start(), m.end(), norm, joined))
        prev_end = m.end()
    return out


@functools.lru_cache(maxsize=131072)
def proclitic_forms(norm: str) -> tuple[str, ...]:
    """The forms a gazetteer lookup tries for one folded word, the word itself first.

    ``وواشنطن`` → ``واشنطن``; ``بدمشق`` → ``دمشق``; ``للتنظيم`` → ``التنظيم``;
    ``وبالعراق`` → ``العراق``. At least two letters must remain.
    """
    forms = [norm]
    seen = {norm}

    def add(form: str) -> None:
        if len(form) >= 2 and form not in seen:
            seen.add(form)
            forms.append(form)

    for base in _conj_forms(norm):
        add(base)
        for form in _prep_forms(base):
            add(form)
    return tuple(forms)


def _conj_forms(word: str) -> Iterator[str]:
    yield word
    if word[:1] in ("و", "ف") and len(word) > 3:
        yield word[1:]


def _prep_forms(word: str) -> Iterator[str]:
    if word.startswith("لل") and len(word) > 3:
        yield "ال" + word[2:]
    shortest = 4 if word[:1] == "ك" else 3  # كابل is Kabul, not ك + ابل
    if word[:1] in ("ب", "ل", "ك") and len(word) > shortest:
        yield word[1:]
