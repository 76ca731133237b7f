"""Hashtag rules that read a name's mentions in their context.

* **A venue is not a subject.** A place mention is a *venue* mention when a tournament word
  comes just before it (``مونديال روسيا``, ``كأس العالم المقامة في روسيا``, ``الدولة المضيفة
  للبطولة روسيا``) or a year just after it (``روسيا 2018``). Once the article names a place as
  the venue, its locative mentions (``في روسيا``, ``بروسيا``, ``إلى روسيا``) are about the venue
  too. A place whose every mention is a venue or locative one, with at least one venue mention,
  is where the story happens, not what it is about: the host of a World Cup in a story about a
  match. It gets no tag; the same country playing (``أمام روسيا``, ``منتخب روسيا``) does.
  A competition named after a place is no mention of the place either (``بطولة فرنسا
  المفتوحة``, ``دوري أبطال أوروبا``).
* **A national team is its country.** ``#منتخب_البرتغال`` or ``#المنتخب_البرتغالي`` beside
  ``#البرتغال`` is one name twice: the team's tag joins the country's.
"""

from __future__ import annotations

from collections.abc import Sequence

from nashra.enrich._text import Token, norm_word, proclitic_forms
from nashra.enrich.tagcheck import folded_words

__all__ = ["MentionKind", "mention_kind", "team_country"]

_TOURNAMENT = folded_words(
    "مونديال المونديال كأس نهائيات النهائيات البطولة بطولة أبطال دوري الأولمبياد أولمبياد "
    "الألعاب تستضيف استضافة المضيفة المستضيفة المقامة المقام"
)
_EVENT_AFTER = folded_words("المفتوحة")
_LOCATIVE_WORDS = frozenset(map(norm_word, ["في", "إلى", "الى", "من", "داخل", "حاليا"]))
_WINDOW = 5  # words before a mention where a tournament word makes it a venue


class MentionKind:
    VENUE = "venue"
    LOCATIVE = "locative"
    OTHER = "other"


def _year(token: Token) -> bool:
    return len(token.norm) == 4 and token.norm.isdigit() and token.norm[:2] in ("19", "20")


def mention_kind(tokens: Sequence[Token], first: int, last: int, clitic: str) -> str:
    """Venue, locative or other, for the mention ``tokens[first:last]`` (``clitic``: the
    letters of the first word before the name, ``ب`` in ``بروسيا``)."""
    k = first
    while k > 0 and first - k < _WINDOW and tokens[k].joined:
        k -= 1
        if any(form in _TOURNAMENT for form in proclitic_forms(tokens[k].norm)):
            return MentionKind.VENUE  # بمونديال روسيا, ببطولة فرنسا المفتوحة, دوري أبطال أوروبا
    after = tokens[last] if last < len(tokens) and tokens[last].joined else None
    if after is not None and (_year(after) or after.norm in _EVENT_AFTER):
        return MentionKind.VENUE  # روسيا 2018, فرنسا المفتوحة
    if clitic[-1:] in ("ب", "ل"):
        return MentionKind.LOCATIVE
    if first > 0 and tokens[first].joined and tokens[first - 1].norm in _LOCATIVE_WORDS:
        return MentionKind.LOCATIVE
    return MentionKind.OTHER


def _nisbas(country: str) -> set[str]:
    """``البرتغال`` → ``البرتغالي``, ``سويسرا`` → ``السويسري``, ``السعودية`` → ``السعودي``,
    ``ألمانيا`` → ``الألماني`` (folded forms)."""
    out = set()
    for stem in {country, country[2:] if country.startswith("ال") else country}:
        for ending in ("يه", "ا", "ه", ""):
            if stem.endswith(ending) and len(stem) - len(ending) >= 2:
                out.add("ال" + stem[: len(stem) - len(ending)] + "ي")
    return out


def team_country(tag: str, countries: dict[str, str]) -> str | None:
    """The country tag (a value of ``countries``: folded country name → tag) a national team's
    tag names, or ``None``."""
    words = [norm_word(w) for w in tag[1:].split("_")]
    if len(words) != 2 or words[0] not in ("منتخب", "المنتخب"):
        return None
    if words[0] == "منتخب" and words[1] in countries:
        return countries[words[1]]
    if words[0] == "المنتخب":
        for name, country_tag in countries.items():
            if words[1] in _nisbas(name):
                return country_tag
    return None
