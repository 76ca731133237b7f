"""The editor's say over hashtags: a blocklist and an alias file (settings ``enrich.blocklist``
and ``enrich.aliases``).

* Blocklist: one name or tag a line (``#`` optional at the start, ``_`` or spaces between words;
  lines starting with ``# `` are comments). A tag whose folded words equal a blocked line is
  never used. The shipped ``data/hashtag_blocklist.txt`` (section names and menus seen on
  Arabic news sites) is always read first.
* Aliases: ``name<TAB>hashtag`` a line: an entity whose canonical form is ``name`` (folded) is
  tagged ``#hashtag`` (``تنظيم الدولة	داعش``); an alias also confirms the entity.

A bad line stops loading with a ``ConfigError`` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from nashra.enrich._text import tokenize
from nashra.errors import ConfigError

__all__ = ["TagPolicy", "load_policy"]


def _key(name: str) -> str:
    return " ".join(tokenize(name.replace("_", " ").replace("#", " ")))


@dataclass(frozen=True, slots=True)
class TagPolicy:
    blocklist: frozenset[str] = frozenset()  # folded names
    aliases: dict[str, str] = field(default_factory=dict)  # folded name → hashtag text
    min_tags: int = 3
    max_tags: int = 7

    def blocked(self, tag: str) -> bool:
        return _key(tag) in self.blocklist

    def alias(self, name: str) -> str:
        return self.aliases.get(_key(name), "")


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("تعذرت قراءة الملف — cannot read the file", where=str(path)) from exc


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("# ") or line == "#":
            continue
        out.append((number, line))
    return out


def load_policy(
    blocklist: Sequence[str | Path] = (),
    aliases: Sequence[str | Path] = (),
    *,
    max_tags: int = 7,
    min_tags: int = 3,
) -> TagPolicy:
    """The shipped blocklist, then the editor's files."""
    shipped = resources.files("nashra.enrich").joinpath("data").joinpath("hashtag_blocklist.txt")
    texts = [("hashtag_blocklist.txt", shipped.read_text(encoding="utf-8"))]
    texts += [(str(p), _read(p)) for p in blocklist]
    blocked = {_key(line) for _, text in texts for _, line in _lines(text)} - {""}
    table: dict[str, str] = {}
    for path in aliases:
        for number, line in _lines(_read(path)):
            name, sep, tag = line.partition("\t")
            if not sep or not _key(name) or not _key(tag):
                raise ConfigError(
                    "سطر غير صالح في ملف الأسماء البديلة: يلزم «الاسم<TAB>الوسم» — "
                    f"bad alias line {number}",
                    where=f"{path}:{number}",
                )
            table[_key(name)] = tag.strip().lstrip("#").replace("_", " ")
    return TagPolicy(frozenset(blocked), table, min_tags=min(min_tags, max_tags), max_tags=max_tags)
