"""Data-driven enrichment cases: tests/fixtures/enrich/cases.json (each case describes itself).

Each case runs on both entity layers (the trained tagger and the rule layer of ``model=False``)
unless its ``layers`` names one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nashra.enrich import Enricher

CASES = json.loads(
    (Path(__file__).parent.parent / "fixtures/enrich/cases.json").read_text(encoding="utf-8")
)["cases"]


LAYERS = {"model": Enricher(), "rules": Enricher(model=False)}
RUNS = [(layer, c) for c in CASES for layer in c.get("layers", LAYERS)]


@pytest.mark.parametrize(
    ("layer", "case"), RUNS, ids=[f"{layer}: {c['description'][:60]}" for layer, c in RUNS]
)
def test_case(layer: str, case: dict[str, Any]) -> None:
    result = LAYERS[layer].enrich(
        case["title"],
        case["body"],
        categories=case.get("categories", ()),
        source_tags=case.get("source_tags", ()),
        max_hashtags=case.get("max_hashtags", 6),
    )
    text = f"{case['title']}\n{case['body']}"
    found = {(e.text, e.type) for e in result.entities}
    for e in result.entities:
        assert text[e.start : e.end] == e.text
    for want in case.get("entities", []):
        assert (want["text"], want["type"]) in found, f"{want} not in {sorted(found)}"
    for unwanted in case.get("not_entities", []):
        assert unwanted not in {t for t, _ in found}
    first = case.get("hashtags_first", [])
    assert list(result.hashtags[: len(first)]) == first
    for tag in case.get("hashtags_include", []):
        assert tag in result.hashtags
    for tag in case.get("hashtags_exclude", []):
        assert tag not in result.hashtags
