"""Data-driven cases: each line of tests/fixtures/arabic/*.jsonl carries its description."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from nashra.arabic import clean_display, is_stopword, normalize, strip_clitics, tokenize
from nashra.arabic.dates import find_dates, parse_date

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "arabic"


def _cases(name: str) -> list[Any]:
    lines = (FIXTURES / name).read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [pytest.param(row, id=row["description"][:60]) for row in rows]


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@pytest.mark.parametrize("case", _cases("dates.jsonl"))
def test_find_dates(case: dict[str, Any]) -> None:
    text = case["text"]
    found = find_dates(text, _when(case["published"]))
    got = [{"text": m.text, "value": m.value, "precision": m.precision} for m in found]
    assert got == case["expect"], case["description"]
    for m in found:  # spans point into the text exactly as written
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize("case", _cases("parse_date.jsonl"))
def test_parse_date(case: dict[str, Any]) -> None:
    got = parse_date(case["text"], _when(case["reference"]))
    assert (got.isoformat() if got else None) == case["expect"], case["description"]


FUNCTIONS = {
    "normalize": normalize,
    "tokenize": tokenize,
    "strip_clitics": lambda token: strip_clitics(normalize(token)),
    "is_stopword": is_stopword,
    "clean_display": clean_display,
}


@pytest.mark.parametrize("case", _cases("text.jsonl"))
def test_text_functions(case: dict[str, Any]) -> None:
    assert FUNCTIONS[case["function"]](case["input"]) == case["expect"], case["description"]
