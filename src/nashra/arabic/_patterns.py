"""The folded copy dates are matched on, and the date regular expressions over it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from nashra.arabic import _names as names
from nashra.arabic.normalize import _DIGITS, _INVISIBLE, _LETTERS, _MARKS

_ONE_TO_ONE = {**_DIGITS, **{ord(k): v for k, v in _LETTERS.items()}}
_DROPPED = frozenset(chr(c) for c in (*_MARKS, *_INVISIBLE))
_DROPPED_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_DROPPED)) + "]")


_MARK_CHARS = frozenset(chr(c) for c in _MARKS)

Span = Callable[[int, int], tuple[int, int]]


def fold_with_map(text: str) -> tuple[str, Span]:
    """``text`` folded letter for letter (as ``normalize`` folds), marks and invisibles dropped.

    Returns the folded copy and a function from a folded span to the span in ``text``; the
    original span runs on over the marks (tashkeel, tatweel) that end its last word.
    """
    folded = text.translate(_ONE_TO_ONE)
    if not _DROPPED_RE.search(folded):
        return folded, lambda start, end: (start, end)
    keep = [i for i, ch in enumerate(folded) if ch not in _DROPPED]

    def span(start: int, end: int) -> tuple[int, int]:
        stop = keep[end - 1] + 1
        while stop < len(text) and text[stop] in _MARK_CHARS:
            stop += 1
        return keep[start], stop

    return "".join(folded[i] for i in keep), span


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any run of space."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)


_B = r"(?:(?<!\w)|(?<=(?<!\w)[وف]))"  # start of a word, after و/ف as a conjunction or not
_E = r"(?!\w)"  # end of a word
_MONTH = _alt(names.MONTHS)
_REL = _alt(names.PAST | names.NEXT | names.CURRENT)
_WEEKDAY = _alt(names.WEEKDAYS)
_YEAR = r"(?:1[89]|20|21)\d\d"

_MONTH_RE = re.compile(
    rf"""{_B}
    (?:(?:(?:يوم|اليوم)\s+)?(?:{_WEEKDAY})\s*[،,]?\s*)?
    (?:
        (?P<day>[0-3]?\d)(?:\s+من)?\s+
      | (?P<ord>{_alt(names.ORDINAL_DAYS)})\s+من\s+(?:شهر\s+)?
      | (?P<period>{_alt(names.PERIOD_WORDS)})\s+
    )?
    (?P<shahr>شهر\s+)?
    (?P<month>{_MONTH}){_E}
    (?:\s*[/(\\-]\s*(?P<month2>{_MONTH}){_E}(?:\s*\))?)?
    (?:
        \s*[،,]?\s*(?:من\s+)?(?:(?:عام|العام|سنه)\s+)?(?P<year>{_YEAR})(?:\s*م)?{_E}
      | \s+(?P<rel>{_REL}){_E}
    )?
    """,
    re.VERBOSE,
)
_NUMERIC_RE = re.compile(
    rf"""{_B}(?:
        (?P<day>[0-3]?\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)(?P<year>{_YEAR})
      | (?P<year2>{_YEAR})-(?P<month2>[01]\d)-(?P<day2>[0-3]\d)
    ){_E}""",
    re.VERBOSE,
)
_HIJRI_RE = re.compile(
    rf"""{_B}(?:(?P<day>[0-3]?\d)\s+(?:من\s+)?)?(?:شهر\s+)?
    (?P<hmonth>{_alt(names.HIJRI_MONTHS)})\s*[،,]?\s*(?:(?:عام|سنه)\s+)?
    (?P<year>1[34]\d\d)\s*(?:ه|هجري|هجريه|للهجره){_E}\.?""",
    re.VERBOSE,
)
_YEAR_RE = re.compile(
    rf"{_B}(?:(?:عام|العام|سنه|السنه)\s+(?P<year>{_YEAR}){_E}|\((?P<y2>{_YEAR})\))"
)
_RELYEAR_RE = re.compile(
    rf"""{_B}(?:(?:{_alt(names.PERIOD_WORDS)})\s+)?(?:
        (?P<unit>العام|السنه|الشهر)\s+(?P<rel>{_REL})
      | (?:هذا|هذه)\s+(?P<unit2>العام|السنه|الشهر)
    ){_E}""",
    re.VERBOSE,
)
_YESTERDAY_RE = re.compile(rf"{_B}(?:(?P<before>اول\s+(?:من\s+)?)?امس|البارحه){_E}")
_WEEKDAY_RE = re.compile(
    rf"""{_B}(?:(?P<lead>{_alt(names.WEEKDAY_LEADS)})\s+)?(?P<wd>{_WEEKDAY}){_E}
    (?:\s+(?P<rel>{_alt(names.PAST | names.NEXT)}){_E})?""",
    re.VERBOSE,
)


class _Pattern:
    """One form of date: a compiled regex whose matches all expose the same group names."""

    def __init__(self, regex: re.Pattern[str], rename: dict[str, str] | None = None) -> None:
        self.regex = regex
        self.rename = rename or {}

    def finditer(self, text: str) -> Iterable[_Match]:
        for m in self.regex.finditer(text):
            yield _Match(m, self.rename)


class _Match:
    def __init__(self, m: re.Match[str], rename: dict[str, str]) -> None:
        self._m, self._rename = m, rename

    def start(self) -> int:
        return self._m.start()

    def end(self) -> int:
        return self._m.end()

    def groupdict(self) -> dict[str, str | None]:
        g = self._m.groupdict()
        for alias, name in self._rename.items():
            if g.get(alias) is not None:
                g[name] = g[alias]
        return g


DATE_PATTERNS: tuple[tuple[str, _Pattern], ...] = (
    ("numeric", _Pattern(_NUMERIC_RE, {"day2": "day", "month2": "month", "year2": "year"})),
    ("hijri", _Pattern(_HIJRI_RE)),
    ("month", _Pattern(_MONTH_RE)),
    ("year", _Pattern(_YEAR_RE, {"y2": "year"})),
    ("relyear", _Pattern(_RELYEAR_RE, {"unit2": "unit"})),
    ("yesterday", _Pattern(_YESTERDAY_RE)),
    ("weekday", _Pattern(_WEEKDAY_RE)),
)

TIME_RE = re.compile(
    r"(?<!\d)(?P<h>[0-2]?\d):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?"
    r"(?:\s*(?:(?P<am>ص|صباحا|am|a\.m\.)|(?P<pm>م|مساء|مساءا|ظهرا|عصرا|ليلا|pm|p\.m\.)))?(?!\w)",
    re.IGNORECASE,
)
ZONE_RE = re.compile(
    rf"""(?:بتوقيت|توقيت)\s+(?P<zone>{_alt(names.ZONES)}){_E}
    | (?:GMT|UTC|ت\.?\s?غ\.?)\s*(?:(?P<sign>[+-])(?P<oh>\d{{1,2}})(?::?(?P<om>\d\d))?)?
    | (?<=\d)\s?(?P<sign2>[+-])(?P<oh2>[01]\d):?(?P<om2>[0-5]\d)(?!\d)""",
    re.VERBOSE | re.IGNORECASE,
)
