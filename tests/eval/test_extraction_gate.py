"""The extraction quality gate: trafilatura's evaluation pages through ``extract_page``.

A page passes when every ``with`` snippet is in the extracted body and no ``without`` snippet is
(the corpus's own rule, see ``../shared/data/README.md``). The pass rate, and the title, author
and date accuracy where the corpus has gold values, must stay at or above the floors pinned in
``baseline.json``. Floors may only be raised (see README.md here). Run with ``-s`` to see the
figures.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from nashra.errors import ExtractError
from nashra.extract import extract_page

BASELINE = json.loads((Path(__file__).with_name("baseline.json")).read_text(encoding="utf-8"))


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _names(value: str | list[str] | None) -> set[str]:
    """Author names as a set: gold may be a list, trafilatura joins several with '; '."""
    items = value if isinstance(value, list) else (value or "").split(";")
    return {_key(n) for n in items if n.strip()}


@dataclass
class Score:
    pages: int = 0
    passed: int = 0
    errors: int = 0
    title: tuple[int, int] = (0, 0)  # (right, with gold)
    author: tuple[int, int] = (0, 0)
    date: tuple[int, int] = (0, 0)


def _bump(pair: tuple[int, int], right: bool) -> tuple[int, int]:
    return pair[0] + right, pair[1] + 1


@pytest.fixture(scope="module")
def score(shared_data: Path) -> Score:
    root = shared_data / "extraction" / "trafilatura_eval"
    lines = (root / "sample_groundtruth.jsonl").read_text(encoding="utf-8").splitlines()
    s = Score()
    for row in map(json.loads, filter(None, lines)):
        s.pages += 1
        try:
            got = extract_page((root / row["html_path"]).read_bytes(), row["url"])
        except ExtractError:
            s.errors += 1
            continue
        text = got.text
        s.passed += all(w in text for w in row["with"]) and not any(
            w in text for w in row["without"]
        )
        if row["title"]:
            s.title = _bump(s.title, _key(got.title) == _key(row["title"]))
        if row["author"]:
            s.author = _bump(s.author, _names(got.author) == _names(row["author"]))
        if row["date"]:
            day = got.published.date().isoformat() if got.published else None
            s.date = _bump(s.date, day == row["date"])
    return s


def _rate(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 0.0


def test_the_corpus_is_all_there(score: Score) -> None:
    assert score.pages == BASELINE["pages"], "the evaluation corpus changed: re-measure the floors"


def test_pass_rate_at_or_above_the_floor(score: Score) -> None:
    rate = score.passed / score.pages
    print(
        f"\nextraction gate: {score.passed}/{score.pages} pages pass ({rate:.3f}), "
        f"{score.errors} without an article"
    )
    assert rate >= BASELINE["floors"]["pass_rate"]


@pytest.mark.parametrize("field", ["title", "author", "date"])
def test_metadata_accuracy_at_or_above_the_floor(score: Score, field: str) -> None:
    pair = getattr(score, field)
    print(f"\n{field} accuracy: {pair[0]}/{pair[1]} ({_rate(pair):.3f})")
    assert _rate(pair) >= BASELINE["floors"][field]
