"""The matching form of Arabic text, tokens, clitics, and gentle cleaning for display.

Two different jobs, kept apart:

``normalize``      the *matching form*, for dedupe, search, hashtags and stop-words only. It folds
                   letters (أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي), drops tashkeel, tatweel, bidi
                   controls and zero-width characters, maps Arabic-Indic and Persian digits to
                   ASCII, applies NFKC (presentation forms, ligatures), lower-cases Latin, and turns
                   punctuation into single spaces. Never shown to readers.
``clean_display``  what readers see: removes invisible junk and bidi overrides, tidies whitespace,
                   and changes no letter, digit or mark.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

# Tashkeel (harakat, tanween, shadda, sukun, Quranic marks, dagger alef) and tatweel.
_MARKS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E5),
    0x06E7,
    0x06E8,
    *range(0x06EA, 0x06EE),
    *range(0x08D3, 0x08E2),
    *range(0x08E3, 0x0900),
    0x0640,  # tatweel
    *range(0x0300, 0x0370),  # stray Latin combining marks (after NFKC they are rare)
]
# Zero-width characters and every bidi control (matching form only).
_INVISIBLE = [
    *range(0x200B, 0x2010),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x206A),  # isolates
    0x061C,  # Arabic letter mark
    0xFEFF,  # BOM / ZWNBSP
    0x00AD,  # soft hyphen
    0x180E,  # Mongolian vowel separator
]
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"

_DIGITS = {
    **{ord(d): str(i) for i, d in enumerate(ARABIC_INDIC_DIGITS)},
    **{ord(d): str(i) for i, d in enumerate(PERSIAN_DIGITS)},
}
_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",  # Persian yeh, common in copy-pasted text
    "ک": "ك",  # Persian keheh
    "ة": "ه",
    "ۀ": "ه",
    "ؤ": "و",
    "ئ": "ي",
}
# Folding is a deletion regex plus one str.replace per letter present: on news text this runs
# about eight times faster than str.translate with a dict (bench/bench_arabic.py measures it).
_DROP = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted({*_MARKS, *_INVISIBLE})) + "]+")
_REPLACE = (*_LETTERS.items(), *((chr(k), v) for k, v in _DIGITS.items()))


def _fold(text: str) -> str:
    text = _DROP.sub("", text)
    for old, new in _REPLACE:
        if old in text:
            text = text.replace(old, new)
    return text


_DIGITS_ONLY: dict[int, str] = dict(_DIGITS)
_TO_ARABIC_INDIC = str.maketrans("0123456789", ARABIC_INDIC_DIGITS)

_WORD = re.compile(r"[^\W_]+")  # a run of letters, digits and marks: what is left is punctuation


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _folded(text: str) -> str:
    text = _nfkc(text).casefold()
    # Removing a mark or folding a letter can leave a pair NFKC composes (Hangul jamo): recheck.
    return _nfkc(_fold(text))


def normalize(text: str) -> str:
    """The matching form of ``text``: folded, unmarked, ASCII digits, punctuation as spaces.

    >>> normalize("إِنَّ «الحـــلّ» في ٢٠٢٥!")
    'ان الحل في 2025'
    """
    return " ".join(_WORD.findall(_folded(text)))


# The same marks as a regex character class, for callers that match words with their marks.
MARKS_CLASS = "".join(re.escape(chr(c)) for c in _MARKS)
_MARKS_ONLY = re.compile(f"[{MARKS_CLASS}]+")


def strip_tashkeel(text: str) -> str:
    """Remove harakat, Quranic marks and tatweel only: display-safe, letters are never folded
    (for hashtags, where a mark would split the tag)."""
    return _MARKS_ONLY.sub("", text)


def tokenize(text: str) -> list[str]:
    """Tokens of the matching form: ``normalize(text).split()``, without building the string."""
    return _WORD.findall(_folded(text))


def fold_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII; nothing else changes."""
    return text.translate(_DIGITS_ONLY)


def arabic_digits(text: str) -> str:
    """ASCII digits to Arabic-Indic ones (٠-٩), for display in an Arabic-digit style."""
    return text.translate(_TO_ARABIC_INDIC)


@cache
def _keep_words() -> frozenset[str]:
    """Words that begin with a clitic-like letter which is part of the word (واشنطن, بغداد)."""
    raw = resources.files("nashra.arabic").joinpath("clitic_keep.txt").read_text("utf-8")
    return frozenset(
        normalize(line) for line in raw.splitlines() if line.strip() and not line.startswith("#")
    )


# و/ف (conjunction), then ب/ك (preposition), then the article; or ل + article written لل.
_ARTICLE = re.compile(r"^[وف]?(?:[بك]?ال|لل)")
_PROCLITIC = re.compile(r"^(?:[وف][بكل]|[وفبكل])")
_MIN_AFTER_ARTICLE = 3
_MIN_AFTER_LETTER = 4


def strip_clitics(token: str) -> str:
    """Remove proclitics (و ف ب ل ك ال لل) from one matching-form token, conservatively.

    The article forms (ال، وال، بال، فبال، لل، ولل …) are removed when three letters or more
    remain. Single-letter proclitics (و ف ب ل ك, or و/ف followed by ب/ك/ل) are removed only when
    four letters or more remain and the token is not a listed word that starts with such a letter
    (``clitic_keep.txt``: واشنطن، بغداد، فلسطين …); when removing one letter leaves a listed word,
    that is the answer (وبغداد → بغداد). Document and query go through the same function.
    """
    keep = _keep_words()
    if token in keep:
        return token
    m = _ARTICLE.match(token)
    if m and len(token) - m.end() >= _MIN_AFTER_ARTICLE:
        return token[m.end() :]
    m = _PROCLITIC.match(token)
    if not m:
        return token
    for n in range(1, m.end() + 1):
        if token[n:] in keep:
            return token[n:]
    if len(token) - m.end() >= _MIN_AFTER_LETTER:
        return token[m.end() :]
    if m.end() == 2 and len(token) - 1 >= _MIN_AFTER_LETTER:
        return token[1:]  # و/ف alone: وبيان → بيان
    return token


# Display cleaning: zero-width junk and the bidi controls used to spoof or break text direction.
# Kept: ZWNJ/ZWJ (Persian and Urdu spelling, emoji sequences) and LRM/RLM/ALM, which writers
# use on purpose to place punctuation and Latin runs in right-to-left text.
_DISPLAY_JUNK = re.compile("[\u200b\u2060\u180e\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
_HSPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def clean_display(text: str) -> str:
    """Gentle cleaning for display: no folding, no letter, digit or mark ever changes.

    Removes zero-width spaces, BOMs, soft hyphens and bidi embeddings, overrides and isolates;
    turns runs of spaces, tabs and other horizontal white space into one space; trims each line;
    keeps paragraph breaks (at most one blank line).
    """
    text = _DISPLAY_JUNK.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()
