"""The public names of the Arabic layer, and choosing the publication date."""

from __future__ import annotations

from datetime import datetime

import pytest

import nashra.arabic
import nashra.arabic.dates
from nashra.arabic import STOPWORDS, is_stopword, normalize
from nashra.arabic.dates import choose_published


def test_public_names_are_complete_and_importable() -> None:
    """Other stages call these names: the list changes only on purpose."""
    assert set(nashra.arabic.__all__) == {
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
    }
    assert set(nashra.arabic.dates.__all__) == {
        "PRIORITY",
        "choose_published",
        "find_dates",
        "parse_date",
    }
    for module in (nashra.arabic, nashra.arabic.dates):
        for name in module.__all__:
            assert getattr(module, name) is not None


def test_stopwords_are_stored_in_the_matching_form_and_cover_the_basics() -> None:
    assert all(normalize(w) == w for w in STOPWORDS)
    assert {"في", "من", "علي", "الي", "ان", "التي", "هذا"} <= STOPWORDS
    assert len(STOPWORDS) > 200
    assert not is_stopword("بغداد")


A = datetime(2025, 10, 7, 11, 53)
B = datetime(2025, 10, 1)
C = datetime(2025, 9, 30)


@pytest.mark.parametrize(
    ("candidates", "expect"),
    [
        pytest.param([("url", C), ("meta", B), ("feed", A)], (A, "feed"), id="feed wins"),
        pytest.param([("url", C), ("byline", B), ("meta", None)], (B, "byline"), id="skip None"),
        pytest.param([("url", C), ("related", A)], (C, "url"), id="unknown ranks last"),
        pytest.param([("meta", A), ("meta", B)], (A, "meta"), id="first among equals"),
        pytest.param([("feed", None)], (None, None), id="nothing known"),
        pytest.param([], (None, None), id="no candidates"),
    ],
)
def test_choose_published_by_priority(
    candidates: list[tuple[str, datetime | None]], expect: tuple[datetime | None, str | None]
) -> None:
    assert choose_published(candidates) == expect


def test_strip_tashkeel_removes_marks_and_never_folds_letters() -> None:
    from nashra.arabic import strip_tashkeel

    assert strip_tashkeel("يُنفِّذ الحـــل") == "ينفذ الحل"
    assert strip_tashkeel("أحمد إلى مستشفى الرقة") == "أحمد إلى مستشفى الرقة"
