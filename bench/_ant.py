"""The ANT multi-source corpus (read in place from ../shared/data) and the story labels of
tests/eval/stories, for bench/eval_stories.py."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "corpora" / "ant_multisource_v2.1"
LABELS = ROOT / "tests" / "eval" / "stories" / "ant_stories.jsonl"
OUTLETS = {"AL": "العربية", "BB": "بي بي سي عربي", "CN": "سي إن إن بالعربية", "FR": "فرانس 24"}
OUTLETS["SK"] = "سكاي نيوز عربية"


@dataclass(frozen=True, slots=True)
class Doc:
    docno: str
    source: str  # the outlet's code: AL, BB, CN, FR, SK
    title: str
    body: str
    url: str
    at: datetime


def _tag(name: str, s: str) -> str:
    m = re.search(rf"<{name}>(.*?)</{name}>", s, re.S)
    return m.group(1).strip() if m else ""


def load_corpus() -> dict[str, Doc]:
    out: dict[str, Doc] = {}
    for z in sorted(CORPUS.glob("2018-*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                if not name.endswith(".txt"):
                    continue
                s = zf.read(name).decode("utf-8", "replace")
                docno = _tag("DOCNO", s)
                out[docno] = Doc(
                    docno,
                    docno[:2],
                    _tag("TITLE", s),
                    _tag("TEXT", s),
                    _tag("URL", s),
                    parsedate_to_datetime(_tag("TIME", s)),
                )
    return out


@dataclass(frozen=True, slots=True)
class Labels:
    stories: list[tuple[str, list[str]]]  # (id, docnos)
    pairs: list[tuple[str, str, str]]  # (kind, a, b): kind thread | unrelated


def load_labels(split: str) -> Labels:
    stories, pairs = [], []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["kind"] == "meta" or r["split"] != split:
            continue
        if r["kind"] == "story":
            stories.append((r["id"], r["articles"]))
        else:
            pairs.append((r["kind"], r["a"], r["b"]))
    return Labels(stories, pairs)


def positive_pairs(labels: Labels, docs: dict[str, Doc]) -> Iterator[tuple[str, str]]:
    """Every pair of one story's articles from two outlets, earlier first."""
    for _, members in labels.stories:
        for a, b in combinations(members, 2):
            if docs[a].source != docs[b].source:
                yield (a, b) if docs[a].at <= docs[b].at else (b, a)
