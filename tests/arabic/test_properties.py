"""Hypothesis properties of the Arabic layer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from nashra.arabic import (
    arabic_digits,
    clean_display,
    fold_digits,
    normalize,
    strip_clitics,
    tokenize,
)
from nashra.arabic._names import MONTHS
from nashra.arabic.dates import find_dates

_JUNK = set("\u200b\u2060\u180e\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TASHKEEL = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640\u0670"
# Arabic letters, hamza forms, marks, digits of three scripts, punctuation, invisibles, space.
_ARABIC_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىةٱ"
    + _TASHKEEL
    + "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
    + "،؛؟.,:!«»“”()/- \n\t"
    + "\u200b\u200c\u200d\u200e\u200f\u202b\u202e\u2066\ufeff"
    + "ﻻﷲﺑabcXYZ"
)
arabic_text = st.text(alphabet=_ARABIC_ALPHABET, max_size=80)
any_text = st.text(max_size=80)


@given(st.one_of(arabic_text, any_text))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(arabic_text)
def test_normalize_leaves_no_marks_invisibles_or_double_spaces(text: str) -> None:
    out = normalize(text)
    assert not any(ch in _TASHKEEL or ch in _JUNK or ch in "أإآٱىةؤئ" for ch in out)
    assert "  " not in out and out == out.strip()


@given(st.one_of(arabic_text, any_text))
def test_clean_display_never_changes_a_letter(text: str) -> None:
    """Only junk invisibles and white space may differ: every other character stays, in order."""
    out = clean_display(text)
    kept = [ch for ch in text if ch not in _JUNK and not ch.isspace()]
    assert [ch for ch in out if not ch.isspace()] == kept
    assert clean_display(out) == out


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_round_trip(n: int) -> None:
    ascii_digits = str(n)
    eastern = arabic_digits(ascii_digits)
    assert all("٠" <= ch <= "٩" for ch in eastern)
    assert fold_digits(eastern) == ascii_digits
    assert normalize(eastern) == ascii_digits
    persian = "".join(chr(0x06F0 + int(ch)) for ch in ascii_digits)
    assert normalize(persian) == ascii_digits


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_a_date_reads_the_same_in_eastern_and_western_digits(day: date) -> None:
    names = [name for name, number in MONTHS.items() if number == day.month]
    for name in names:
        western = f"في {day.day} {name} {day.year}"
        for text in (western, arabic_digits(western)):
            found = find_dates(text, None)
            assert [(m.value, m.precision) for m in found] == [(day.isoformat(), "day")], text


@settings(max_examples=200)
@given(
    arabic_text,
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2070, 1, 1)),
)
def test_find_dates_spans_point_into_the_text(text: str, published: datetime) -> None:
    mentions = find_dates(text, published)
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.precision in ("day", "month", "year")
        assert len(m.value) == {"day": 10, "month": 7, "year": 4}[m.precision]
    assert all(a.end <= b.start for a, b in pairwise(mentions))


@given(st.sampled_from(list(MONTHS)), st.dates(date(2001, 1, 1), date(2060, 12, 31)))
def test_month_with_al_madi_is_in_the_year_before_publication(name: str, pub: date) -> None:
    """«<month> الماضي» is never the publication month itself nor after it, and within a year."""
    (m,) = find_dates(f"في {name} الماضي", datetime(pub.year, pub.month, pub.day))
    year, month = map(int, m.value.split("-"))
    months_back = (pub.year - year) * 12 + pub.month - month
    assert 1 <= months_back <= 12
    assert m.precision == "month"
    assert date(year, month, 1) < pub.replace(day=1) + timedelta(days=1)


@given(arabic_text)
def test_strip_clitics_returns_a_non_empty_suffix(text: str) -> None:
    for token in normalize(text).split():
        stripped = strip_clitics(token)
        assert stripped and token.endswith(stripped)


@given(st.one_of(arabic_text, any_text))
def test_tokenize_is_the_split_matching_form(text: str) -> None:
    assert tokenize(text) == normalize(text).split()
