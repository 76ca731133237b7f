"""Counted nouns in Arabic and English, with CLDR's plural rules (babel).

Arabic has six plural categories and the noun changes with each: «مقال واحد، مقالان، 3 مقالات،
11 مقالًا، 100 مقال». ``plural("ar", n, "article")`` asks babel for the category of ``n`` (CLDR's
rule for the language, not hand-written cases) and picks the phrase of that category. The web UI's
message catalogue (``nashra.web.i18n``) and the command line both use it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

__all__ = ["NOUNS", "plural", "plural_category"]

# Per noun and language, one phrase per CLDR category; ``{n}`` is the number. A missing category
# falls back to "other".
NOUNS: dict[str, dict[str, dict[str, str]]] = {
    "article": {
        "ar": {
            "zero": "لا مقالات",
            "one": "مقال واحد",
            "two": "مقالان",
            "few": "{n} مقالات",
            "many": "{n} مقالًا",
            "other": "{n} مقال",
        },
        "en": {"one": "{n} article", "other": "{n} articles"},
    },
    "source": {
        "ar": {
            "zero": "لا مصادر",
            "one": "مصدر واحد",
            "two": "مصدران",
            "few": "{n} مصادر",
            "many": "{n} مصدرًا",
            "other": "{n} مصدر",
        },
        "en": {"one": "{n} source", "other": "{n} sources"},
    },
    "outlet": {
        "ar": {
            "zero": "لا منافذ",
            "one": "منفذ واحد",
            "two": "منفذان",
            "few": "{n} منافذ",
            "many": "{n} منفذًا",
            "other": "{n} منفذ",
        },
        "en": {"one": "{n} outlet", "other": "{n} outlets"},
    },
    "post": {
        "ar": {
            "zero": "لا منشورات",
            "one": "منشور واحد",
            "two": "منشوران",
            "few": "{n} منشورات",
            "many": "{n} منشورًا",
            "other": "{n} منشور",
        },
        "en": {"one": "{n} post", "other": "{n} posts"},
    },
    "story": {
        "ar": {
            "zero": "لا قصص",
            "one": "قصة واحدة",
            "two": "قصتان",
            "few": "{n} قصص",
            "many": "{n} قصة",
            "other": "{n} قصة",
        },
        "en": {"one": "{n} story", "other": "{n} stories"},
    },
    "day": {
        "ar": {
            "zero": "لا أيام",
            "one": "يوم واحد",
            "two": "يومان",
            "few": "{n} أيام",
            "many": "{n} يومًا",
            "other": "{n} يوم",
        },
        "en": {"one": "{n} day", "other": "{n} days"},
    },
    "record": {
        "ar": {
            "zero": "لا سجلات",
            "one": "سجل واحد",
            "two": "سجلان",
            "few": "{n} سجلات",
            "many": "{n} سجلًا",
            "other": "{n} سجل",
        },
        "en": {"one": "{n} record", "other": "{n} records"},
    },
    "attempt": {
        "ar": {
            "zero": "لا محاولات",
            "one": "محاولة واحدة",
            "two": "محاولتان",
            "few": "{n} محاولات",
            "many": "{n} محاولة",
            "other": "{n} محاولة",
        },
        "en": {"one": "{n} attempt", "other": "{n} attempts"},
    },
}


@cache
def _rule(lang: str) -> Callable[[float], str]:
    from babel import Locale

    rule: Callable[[float], str] = Locale.parse(lang).plural_form
    return rule


def plural_category(lang: str, n: int) -> str:
    """CLDR's category of ``n`` in ``lang``: zero, one, two, few, many or other."""
    return str(_rule(lang)(abs(n)))


def plural(lang: str, n: int, noun: str) -> str:
    """``n`` and the noun agreeing with it: ``plural("ar", 11, "article")`` → «11 مقالًا»."""
    lang = lang if lang in ("ar", "en") else "ar"
    forms = NOUNS[noun][lang]
    phrase = forms.get(plural_category(lang, n)) or forms["other"]
    return phrase.format(n=n)
