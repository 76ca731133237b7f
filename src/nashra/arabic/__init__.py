"""The Arabic language layer: small pure functions every stage calls.

Matching form (``normalize``) is for matching, dedupe and search only; display text is cleaned
gently with ``clean_display`` and never folded. Dates as Arabic news writes them are in
``nashra.arabic.dates``.
"""

from nashra.arabic.normalize import (
    MARKS_CLASS,
    arabic_digits,
    clean_display,
    fold_digits,
    normalize,
    strip_clitics,
    strip_tashkeel,
    tokenize,
)
from nashra.arabic.stopwords import STOPWORDS, is_stopword

__all__ = [
    "MARKS_CLASS",
    "STOPWORDS",
    "arabic_digits",
    "clean_display",
    "fold_digits",
    "is_stopword",
    "normalize",
    "strip_clitics",
    "strip_tashkeel",
    "tokenize",
]
