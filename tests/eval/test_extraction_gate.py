"""The extraction quality gate: fundus's 258 pages and trafilatura's 200, Nashra beside
trafilatura alone in the same run (``extraction_sets.py`` holds the sets and the comparison
rules).

For each set and each of title, author, date and body: Nashra's pass rate on all the pages is at
or above the floor pinned in ``baseline.json`` (floors may only be raised, see README.md), and
above trafilatura alone's. The tuning and held-back halves are printed (``-s``) and pinned too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.eval.extraction_sets import FIELDS, Report, all_cases, evaluate, print_report

BASELINE = json.loads((Path(__file__).with_name("baseline.json")).read_text(encoding="utf-8"))
SETS = ("fundus", "trafilatura")
# Where Nashra does not beat trafilatura alone yet (measured; see baseline.json "measured").
NOT_YET: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def report(shared_data: Path) -> Report:
    rep = evaluate(all_cases())
    print()
    print_report(rep)
    return rep


def test_the_corpora_are_all_there(report: Report) -> None:
    for set_ in SETS:
        pages = report.pooled(set_, "nashra", "body", ("tune", "held")).total
        assert pages == BASELINE["pages"][set_], "an evaluation corpus changed: re-measure"


@pytest.mark.parametrize("half", ["all", "tune", "held"])
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("set_", SETS)
def test_at_or_above_the_floor(report: Report, set_: str, field: str, half: str) -> None:
    halves = ("tune", "held") if half == "all" else (half,)
    ours = report.pooled(set_, "nashra", field, halves)
    assert ours.rate >= BASELINE["floors"][set_][half][field], f"{set_} {field} {half}: {ours}"


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("set_", SETS)
def test_beats_trafilatura_alone(report: Report, set_: str, field: str) -> None:
    ours = report.pooled(set_, "nashra", field, ("tune", "held"))
    theirs = report.pooled(set_, "trafilatura", field, ("tune", "held"))
    if (set_, field) in NOT_YET:
        assert ours.rate <= theirs.rate, "Nashra beats trafilatura here now: take it off NOT_YET"
        pytest.xfail(NOT_YET[(set_, field)])
    assert ours.rate > theirs.rate, f"{set_} {field}: Nashra {ours}, trafilatura {theirs}"
