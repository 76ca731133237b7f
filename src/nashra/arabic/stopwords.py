"""The stop-word list Nashra ships (``stopwords_ar.txt``, written for Nashra, Apache-2.0).

Checked on the matching form: ``is_stopword`` normalizes its argument, so أن، ان and إنّ are the
same word, and tries a leading و or ف off (وفي، فإن، ولكن) because a conjunction never makes a
function word into a content word.
"""

from __future__ import annotations

from importlib import resources

from nashra.arabic.normalize import normalize


def _load() -> frozenset[str]:
    raw = resources.files("nashra.arabic").joinpath("stopwords_ar.txt").read_text("utf-8")
    words: set[str] = set()
    for line in raw.splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(normalize(line).split())
    return frozenset(words)


STOPWORDS: frozenset[str] = _load()
"""Every stop-word, in the matching form."""

_CONJUNCTIONS = ("و", "ف")


def is_stopword(token: str) -> bool:
    """Whether ``token`` (any form; it is normalized here) is a stop-word, و/ف-aware."""
    word = token if token in STOPWORDS else normalize(token)
    if word in STOPWORDS:
        return True
    return len(word) > 2 and word.startswith(_CONJUNCTIONS) and word[1:] in STOPWORDS
