"""The one place where enrichment touches the Arabic layer.

Everything folded here comes from :mod:`nashra.arabic` (``normalize``, ``tokenize``,
``strip_clitics`` and, once the Arabic layer ships them, ``is_stopword`` / ``strip_tashkeel``).
What this module adds is only what enrichment needs on top: word spans with offsets into the
display text, the proclitic forms tried when looking a word up in a gazetteer, and the
display-safe cleaning of a hashtag (marks removed, letters never folded).
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from nashra.arabic import normalize, strip_clitics, tokenize

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

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
_MARKS_RE = re.compile(f"[{_MARKS}]")

# Used only until ``nashra.arabic.is_stopword`` lands (the Arabic-layer issue ships the full
# list). Folded forms, as ``normalize`` writes them.


def _wordset(text: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in text.split())


_FALLBACK_STOPWORDS = _wordset(
    "من إلى الى عن على في مع منذ حتى خلال عبر بين دون ضد نحو لدى عند قبل بعد فوق تحت أمام"
    " وراء حول ضمن لكن لكنه لكنها بل ثم أو أم إما إن أن إنه أنه إنها أنها كان كانت يكون"
    " تكون كانوا قد لقد لا لم لن ما ماذا لماذا كيف أين متى هل هذا هذه ذلك تلك هؤلاء أولئك"
    " هنا هناك هنالك الذي التي الذين اللذين اللتين اللواتي اللاتي كل بعض غير سوى أي أيضا"
    " فقط جدا كما مثل وفق وفقا بحسب حسب إذ إذا إذن لو لولا كي لكي حيث بينما عندما فيما"
    " لدي هو هي هم هن نحن أنا أنت أنتم ومن وفي وعلى وإلى وعن ومع فإن وإن وأن وقد ولا ولم"
    " وما وهو وهي وهذا وهذه وكان وكانت بأن لأن كذلك ذاته نفسه أكثر أقل أول آخر عدة عدد"
    " اليوم أمس غدا الآن العام الماضي المقبل الجاري قال قالت وقال وقالت يقول تقول أكد"
    " أضاف أوضح أشار أعلن وأكد وأضاف تم يتم لها له لهم به بها فيه فيها عليه عليها منه"
    " منها إليه إليها عنه عنها بينهم أجل"
)

_arabic = importlib.import_module("nashra.arabic")
_layer_is_stopword: Callable[[str], bool] | None = getattr(_arabic, "is_stopword", None)
_layer_strip_tashkeel: Callable[[str], str] | None = getattr(_arabic, "strip_tashkeel", None)


def is_stopword(word: str) -> bool:
    """True for a function word (the Arabic layer's list when it exists, else a small one)."""
    folded = norm_word(word)
    if _layer_is_stopword is not None and _layer_is_stopword(folded):
        return True
    return folded in _FALLBACK_STOPWORDS or strip_clitics(folded) in _FALLBACK_STOPWORDS


def strip_marks(text: str) -> str:
    """Remove harakat and tatweel (display-safe: letters are not folded)."""
    if _layer_strip_tashkeel is not None:
        text = _layer_strip_tashkeel(text)
    return _MARKS_RE.sub("", text)


@functools.lru_cache(maxsize=131072)
def norm_word(word: str) -> str:
    """The matching form of one word, as the Arabic layer writes it (never empty for a word)."""
    return normalize(word).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Token:
    start: int  # offsets into the display text
    end: int
    norm: str  # the matching form (nashra.arabic.normalize)
    joined: bool  # only whitespace (no punctuation, no line break) since the previous token


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
    if word[:1] in ("ب", "ل", "ك") and len(word) > 3:
        yield word[1:]
