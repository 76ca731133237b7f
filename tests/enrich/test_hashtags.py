"""hashtag(): one clean form; and a property: every hashtag enrich() makes is clean."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nashra.enrich import HASHTAG_PATTERN, enrich, hashtag
from nashra.enrich._text import is_stopword


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("فؤاد حسين", "#فؤاد_حسين"),
        ("“داعش”.", "#داعش"),
        ("#داعش", "#داعش"),
        ("أحمَد الشـــرع", "#أحمد_الشرع"),
        ("قوات سوريا  الديمقراطية (قسد)", "#قوات_سوريا_الديمقراطية_قسد"),
        ("ﻻ", "#لا"),
        ("...،؛", ""),
        ("", ""),
    ],
)
def test_hashtag(text: str, expected: str) -> None:
    assert hashtag(text) == expected


_WORDS = [
    "من",
    "مع",
    "في",
    "على",
    "إلى",
    "داعش",
    "بغداد",
    "وواشنطن",
    "بدمشق",
    "للتنظيم",
    "قال",
    "وزير",
    "الخارجية",
    "العراقي",
    "فؤاد",
    "حسين",
    "الرئيس",
    "أحمد",
    "الشرع",
    "هيئة",
    "الإنقاذ",
    "“",
    "”",
    "(",
    ")",
    "،",
    ".",
    "؟",
    "!",
    ":",
    "«",
    "»",
    '"',
    "ـ",
    "ً",
    "ّ",
    "#",
    "_",
    "قسد",
    "مخيم",
    "الهول",
    "٢٠٢٥",
    "2025",
    "\n",
    "أن",
    "هذا",
    "التي",
    "مدينة",
    "سامر",
    "حزب",
]
_text = st.lists(st.sampled_from(_WORDS), max_size=60).map(" ".join)
_noise = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=40)


@settings(max_examples=300, deadline=None)
@given(title=_text, body=st.one_of(_text, _noise), cats=st.lists(_noise | _text, max_size=3))
def test_every_hashtag_is_clean(title: str, body: str, cats: list[str]) -> None:
    result = enrich(title, body, categories=cats, source_tags=cats)
    assert len(result.hashtags) <= 6 + len(cats)
    assert len(set(result.hashtags)) == len(result.hashtags)
    for tag in result.hashtags:
        assert HASHTAG_PATTERN.match(tag), tag
        assert "\u0640" not in tag
        assert not any("\u064b" <= ch <= "\u065f" for ch in tag)
        assert not all(is_stopword(w) for w in tag[1:].split("_"))


def test_cap_is_configurable() -> None:
    title = "بغداد ودمشق وعمان وبيروت والقاهرة والرياض والدوحة"
    assert len(enrich(title, "", max_hashtags=3).hashtags) == 3
    assert len(enrich(title, "", max_hashtags=10).hashtags) == 7
    assert enrich(title, "", max_hashtags=0).hashtags == ()
