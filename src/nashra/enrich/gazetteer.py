"""Gazetteers: the documented TSV format, loading, and the token-sequence matcher.

One entity a line, tab-separated (``#`` starts a comment line; see docs/enrich.md)::

    canonical <TAB> type <TAB> aliases (|-separated) <TAB> hashtag <TAB> kind

Only the first two columns are required. ``canonical`` is the one display form the entity is
known by (its hashtag is derived from it unless a hashtag is given); ``type`` is ``person``,
``place``, ``organisation`` or another lower-case word; ``kind`` refines it (``country``, ``city``,
``camp``, ``media``...) and is used in ranking. Every alias and the canonical form are folded
with the Arabic layer and indexed as token sequences; a later file overrides an earlier one for
the same alias, so a user's file extends and corrects the shipped ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from nashra.enrich._text import Token, proclitic_forms, tokenize
from nashra.errors import ConfigError

__all__ = ["SHIPPED_FILES", "Entry", "Gazetteer", "Match", "load_gazetteer", "parse_tsv"]

SHIPPED_FILES = ("countries.tsv", "places.tsv", "organisations.tsv", "people.tsv")
_TYPE = re.compile(r"^[a-z][a-z_]*$")


@dataclass(frozen=True, slots=True)
class Entry:
    canonical: str
    type: str
    hashtag: str = ""  # empty: derived from ``canonical``
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    first: int  # token index range [first, last)
    last: int
    entry: Entry
    clitic: str  # the proclitic letters before the entity in the first token ("" if none)


def parse_tsv(text: str, *, where: str = "") -> list[tuple[Entry, tuple[str, ...]]]:
    """Parse gazetteer TSV text into (entry, aliases) pairs; raise ConfigError on a bad line."""
    out: list[tuple[Entry, tuple[str, ...]]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or not cols[0] or not _TYPE.match(cols[1]):
            raise ConfigError(
                f"سطر غير صالح في المعجم: يلزم «الاسم<TAB>النوع» — bad gazetteer line {number}",
                where=f"{where}:{number}" if where else str(number),
            )
        cols += [""] * (5 - len(cols))
        aliases = tuple(a.strip() for a in cols[2].split("|") if a.strip())
        out.append((Entry(cols[0], cols[1], cols[3], cols[4]), aliases))
    return out


class Gazetteer:
    """Folded token sequences → entries; lookup tolerates proclitics on the first word."""

    def __init__(self, items: Iterable[tuple[Entry, Sequence[str]]] = ()) -> None:
        self._index: dict[tuple[str, ...], Entry] = {}
        self._longest: dict[str, int] = {}  # first folded word → longest sequence it starts
        self._words: dict[str, tuple[str, ...]] = {}  # name → its folded words (get/has ask often)
        for entry, aliases in items:
            self.add(entry, aliases)

    def __len__(self) -> int:
        return len(self._index)

    def add(self, entry: Entry, aliases: Sequence[str] = ()) -> None:
        for name in (entry.canonical, *aliases):
            key = tuple(tokenize(name))
            if not key:
                continue
            self._index[key] = entry
            self._words.clear()
            if len(key) > self._longest.get(key[0], 0):
                self._longest[key[0]] = len(key)

    def _folded(self, name: str) -> tuple[str, ...]:
        words = self._words.get(name)
        if words is None:
            if len(self._words) > 100_000:
                self._words.clear()  # a worker that runs for months stays bounded
            words = self._words[name] = tuple(tokenize(name))
        return words

    def get(self, name: str) -> Entry | None:
        """The entry whose alias is exactly ``name`` (folded), trying proclitic forms."""
        words = self._folded(name)
        if not words:
            return None
        for form in proclitic_forms(words[0]):
            entry = self._index.get((form, *words[1:]))
            if entry is not None:
                return entry
        return None

    def has(self, name: str) -> bool:
        """Whether ``name`` (folded) is an alias exactly as written, no proclitic tried."""
        words = self._folded(name)
        return bool(words) and words in self._index

    def aliases(self) -> dict[tuple[str, ...], Entry]:
        return dict(self._index)

    def match_at(self, tokens: Sequence[Token], i: int) -> Match | None:
        """The longest entry starting at token ``i`` (never across punctuation)."""
        best: Match | None = None
        first = tokens[i].norm
        for form in proclitic_forms(first):
            longest = self._longest.get(form)
            if longest is None:
                continue
            span = 1
            while span < longest and i + span < len(tokens) and tokens[i + span].joined:
                span += 1
            for n in range(span, 0, -1):
                if best is not None and n <= best.last - best.first:
                    break
                key = (form, *(t.norm for t in tokens[i + 1 : i + n]))
                entry = self._index.get(key)
                if entry is not None:
                    best = Match(i, i + n, entry, _clitic(first, form))
                    break
        return best

    def find(self, tokens: Sequence[Token], taken: Sequence[bool] | None = None) -> list[Match]:
        """Non-overlapping longest matches, left to right, skipping tokens already ``taken``."""
        out: list[Match] = []
        i = 0
        while i < len(tokens):
            if taken is not None and taken[i]:
                i += 1
                continue
            m = self.match_at(tokens, i)
            if m is not None and (taken is None or not any(taken[m.first : m.last])):
                out.append(m)
                i = m.last
            else:
                i += 1
        return out


def _clitic(word: str, form: str) -> str:
    """The letters before ``form`` inside ``word`` ("" when ال was restored after لل)."""
    if word == form or not word.endswith(form):
        return ""
    return word[: len(word) - len(form)]


def _shipped_text(name: str) -> str:
    return (
        resources.files("nashra.enrich").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )


def load_gazetteer(extra: Sequence[str | Path] = (), *, shipped: bool = True) -> Gazetteer:
    """The shipped gazetteers, then each user file in order (later lines win)."""
    gaz = Gazetteer()
    if shipped:
        for name in SHIPPED_FILES:
            for entry, aliases in parse_tsv(_shipped_text(name), where=name):
                gaz.add(entry, aliases)
    for path in extra:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                "تعذرت قراءة ملف المعجم — cannot read the gazetteer file", where=str(path)
            ) from exc
        for entry, aliases in parse_tsv(text, where=str(path)):
            gaz.add(entry, aliases)
    return gaz
