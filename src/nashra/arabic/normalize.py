"""Matching form and gentle display cleaning (first cut; the Arabic-layer issue completes it)."""

from __future__ import annotations

import re
import unicodedata

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The matching form: folded, without diacritics, punctuation turned into spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _TASHKEEL.sub("", text)
    text = text.translate(_FOLD).lower()
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """Tokens of the matching form."""
    return normalize(text).split()


_CLITIC = re.compile(r"^(?:وال|فال|بال|كال|لل|ال|و|ف|ب|ل|ك)")


def strip_clitics(token: str) -> str:
    """Remove one conservative proclitic when at least three letters remain."""
    m = _CLITIC.match(token)
    if m and len(token) - m.end() >= 3:
        return token[m.end() :]
    return token


_DISPLAY_JUNK = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def clean_display(text: str) -> str:
    """Gentle cleaning for display: junk invisibles and spoofing bidi overrides, whitespace."""
    text = _DISPLAY_JUNK.sub("", text)
    return _SPACES.sub(" ", text).strip()
