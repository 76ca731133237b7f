"""Edge cleanup of a body: data-driven cases from edge_cases.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nashra.extract._cleanup import strip_edges
from nashra.models import Block, BlockKind

CASES = json.loads(Path(__file__).with_name("edge_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["description"][:60])
def test_edge_case(case: dict[str, Any]) -> None:
    blocks = [Block(BlockKind(kind), text) for kind, text in case["lines"]]
    kept = [b.text for b in strip_edges(blocks, case["title"])]
    assert kept == case["keep"], case["description"]
