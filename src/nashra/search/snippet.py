"""Highlighted snippets cut from the *display* text (never the folded form).

Each word of the article as published is folded on the fly and compared with the query's terms
(exact, clitic-free, or prefix); matching words are wrapped in ``<mark>``. Every other character
is HTML-escaped here, so the result is safe to insert as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from nashra.arabic import MARKS_CLASS, normalize
from nashra.search.query import Term, stripped

__all__ = ["highlight", "snippet_html"]

# A word as written: letters and digits with the harakat and tatweel that may sit inside them.
_WORD = re.compile(rf"[\w{MARKS_CLASS}]+")
SNIPPET_WORDS = 32


@lru_cache(maxsize=131_072)
def _fold(word: str) -> tuple[str, str]:
    """A word's matching form and that form without proclitics (news vocabulary repeats)."""
    folded = normalize(word)
    return folded, stripped(folded) if folded else ""


class _Matcher:
    MEMO = 50_000  # words remembered per query (display words repeat across one page's hits)

    def __init__(self, terms: Sequence[Term]) -> None:
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.memo: dict[str, bool] = {}
        for term in terms:
            for tok, bare in zip(term.tokens, term.shadow, strict=True):
                if term.prefix:
                    self.prefixes += [tok, bare]
                else:
                    self.exact |= {tok, bare}

    def __call__(self, word: str) -> bool:
        hit = self.memo.get(word)
        if hit is None:
            if len(self.memo) >= self.MEMO:
                self.memo.clear()
            hit = self.memo[word] = self._test(word)
        return hit

    def _test(self, word: str) -> bool:
        folded, bare = _fold(word)
        if not folded:
            return False
        if folded in self.exact or bare in self.exact:
            return True
        return any(folded.startswith(p) or bare.startswith(p) for p in self.prefixes)


@lru_cache(maxsize=64)
def _matcher(terms: tuple[Term, ...]) -> _Matcher:
    """One matcher per query: the page's titles and snippets share its memo."""
    return _Matcher(terms)


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def highlight(text: str, terms: Sequence[Term]) -> str:
    """All of ``text``, escaped, with the matching words marked."""
    match = _matcher(tuple(terms))
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text) if match(m.group())]
    return _render(text, spans)


def snippet_html(text: str, terms: Sequence[Term], *, words: int = SNIPPET_WORDS) -> str:
    """About ``words`` words of ``text`` around the first match, escaped, matches marked."""
    match = _matcher(tuple(terms))
    found = list(_WORD.finditer(text[:20_000]))
    if not found:
        return escape(text[:200])
    # Only the words up to the first match and those shown are folded (not all 20,000 chars).
    first = next((i for i, m in enumerate(found) if match(m.group())), 0)
    lo = max(0, first - words // 3)
    hi = min(len(found), lo + words)
    hits = [i for i in range(lo, hi) if match(found[i].group())]
    start = found[lo].start()
    end = found[hi - 1].end()
    piece = text[start:end]
    spans = [(found[i].start() - start, found[i].end() - start) for i in hits if lo <= i < hi]
    body = _render(piece, spans)
    return ("… " if lo > 0 else "") + body + (" …" if hi < len(found) else "")
