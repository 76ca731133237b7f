"""Snippets and highlighted titles share one matcher per query (``nashra.search.snippet``): the
words it remembers for one query never mark words for another, and the memo's bound holds."""

from __future__ import annotations

import pytest

from nashra.search import snippet
from nashra.search.query import parse_query
from nashra.search.snippet import highlight, snippet_html

TEXT = "زار وفدٌ واشنطنَ أمس، ثم عاد الوفد إلى الرياض. وفي الرياض قال الوزير إن واشنطن شريك."


def test_each_query_marks_its_own_words() -> None:
    for _ in range(2):  # the second time from the remembered words
        assert highlight(TEXT, parse_query("واشنطن").terms).count("<mark>") == 2
        got = highlight(TEXT, parse_query("الرياض").terms)
        assert got.count("<mark>") == 2 and "<mark>واشنطن" not in got
        assert "<mark>واشنطنَ</mark>" in snippet_html(TEXT, parse_query("واشنطن").terms)


def test_a_full_memo_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snippet._Matcher, "MEMO", 3)
    terms = parse_query("الوفد").terms
    match = snippet._matcher(tuple(terms))
    for word in ["زار", "أمس", "ثم", "عاد", "إلى"]:
        assert not match(word)
        assert len(match.memo) <= 3
    assert match("والوفد") and match("الوفد") and not match("الوزير")
    assert highlight(TEXT, terms).count("<mark>") == 2  # وفدٌ (clitic-free) and الوفد
