"""Bylines as Arabic outlets print them (the ANT corpus's ``<AUTHOR>``), parsed to the people.

The labels and how they were made: ``tests/eval/ant_bylines.json``. A byline is parsed right when
``people`` returns exactly the labelled names, in order (an empty list: no person). The goal
is 98 % on every half; ``tune`` was used to write the rules, ``held`` was read while labelling,
``fresh`` was labelled after the rules were written. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nashra.extract._byline import join_people, people

LABELS = json.loads(
    (Path(__file__).resolve().parent.parent / "eval" / "ant_bylines.json").read_text("utf-8")
)
GOAL = 0.98


@pytest.mark.parametrize("half", ["tune", "held", "fresh"])
def test_bylines_parsed_right(half: str) -> None:
    rows = [r for r in LABELS["rows"] if r["half"] == half]
    wrong = [(r["byline"], r["people"], people(r["byline"])) for r in rows]
    wrong = [w for w in wrong if list(w[2]) != w[1]]
    rate = 1 - len(wrong) / len(rows)
    print(f"\nANT bylines, {half}: {len(rows) - len(wrong)}/{len(rows)} parsed right ({rate:.3f})")
    assert len(rows) >= 100
    assert rate >= GOAL, wrong[:10]


@pytest.mark.parametrize(
    ("byline", "outlet", "expected"),
    [
        ("القاهرة - أحمد الريدي", None, ("أحمد الريدي",)),
        ("أبوظبي - سكاي نيوز عربية", None, ()),
        ("دبي - قناة العربية", None, ()),
        ("موسكو - فرانس برس", None, ()),
        ("واشنطن - ناديا البلبيسي", None, ("ناديا البلبيسي",)),
        ("بي بي سي عربي", "بي بي سي عربي", ()),
        ("Sputnik https; Cdnarabic; I; Logo Png", "Sputnik", ()),
        ("Akhbarelyom; هبة موسى", "Akhbarelyom", ("هبة موسى",)),
        ("أبوظبي", None, ()),
        ("بقلم: سارة محمود وأحمد علي", None, ("سارة محمود", "أحمد علي")),
        ("كتب: سارة محمود و أحمد علي", None, ("سارة محمود", "أحمد علي")),
        ("اليوم", "اليوم", ()),
        ("@SputnikAr", None, ()),
        ("By Chuck Ross; chuck-ross", None, ("Chuck Ross",)),
        ("Frankfurter Allgemeine Zeitung GmbH; Ralf Euler", None, ("Ralf Euler",)),
    ],
)
def test_editor_rules(byline: str, outlet: str | None, expected: tuple[str, ...]) -> None:
    assert people(byline.replace(";", "،"), not_names=[outlet] if outlet else []) == expected


def test_several_people_are_joined_with_waw() -> None:
    assert join_people(["سارة محمود", "أحمد علي"]) == "سارة محمود و أحمد علي"
    assert join_people(["Ralf Euler", "Anna Fink"]) == "Ralf Euler, Anna Fink"
    assert join_people([]) is None
