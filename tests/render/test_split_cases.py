"""Telegram splitting, driven by tests/fixtures/render/split_cases.jsonl.

Each line is one case: ``description``, ``input`` (a string, or ``[[piece, times], ...]`` joined
in order for long inputs), ``limit``, optional ``first_limit`` (a photo caption), and ``expect``:
``parts`` (the exact parts), ``min_parts``, ``first_max``, ``parts_end_with_any`` (every part but
the last ends with one of these), ``no_part_starts_with_mark``. Every case also checks the
invariants: no part over its limit in UTF-16 units after entity parsing, every part is balanced
Telegram HTML (a cut never falls inside a tag or an entity), and the text is preserved (only the
whitespace at the cuts is dropped).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from nashra.render import telegram as tg

CASES = Path(__file__).parents[1] / "fixtures" / "render" / "split_cases.jsonl"


def _load() -> list[dict[str, Any]]:
    with CASES.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _input(case: dict[str, Any]) -> str:
    raw = case["input"]
    return raw if isinstance(raw, str) else "".join(piece * times for piece, times in raw)


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("case", _load(), ids=lambda c: c["description"][:60])
def test_split_case(case: dict[str, Any]) -> None:
    source, limit = _input(case), case["limit"]
    first = case.get("first_limit")
    parts = tg.split(source, limit, first_limit=first)
    assert parts, case["description"]
    for i, part in enumerate(parts):
        cap = first if (first is not None and i == 0) else limit
        assert tg.length(part) <= cap, (i, tg.length(part))
        assert tg.parse(part) is not None  # balanced: raises BadHTML otherwise
        assert part == part.strip()
    assert _squeeze("".join(tg.plain(p) for p in parts)) == _squeeze(tg.plain(source))
    expect = case["expect"]
    if "parts" in expect:
        assert parts == expect["parts"]
    if "min_parts" in expect:
        assert len(parts) >= expect["min_parts"]
    if "first_max" in expect:
        assert tg.length(parts[0]) <= expect["first_max"]
    if "parts_end_with_any" in expect:
        for part in parts[:-1]:
            assert tg.plain(part).rstrip()[-1] in expect["parts_end_with_any"], part[-40:]
    if expect.get("no_part_starts_with_mark"):
        assert all(not unicodedata.combining(tg.plain(p)[0]) for p in parts)


def test_every_case_describes_itself() -> None:
    cases = _load()
    assert len(cases) >= 10
    for case in cases:
        assert {"description", "input", "limit", "expect"} <= set(case), case
        assert case["expect"], case["description"]
