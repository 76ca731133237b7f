"""scripts/build_demo.py: deterministic, faithful to the corpus, and small."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parents[2]
ANT = "corpora/ant_v1.1_jawharafm"
SCRIPT = ROOT / "scripts" / "build_demo.py"


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def build(shared_data: Path, out: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--corpus", str(shared_data / ANT), "--out", str(out)],
        check=True,
        capture_output=True,
    )


def test_a_rebuild_gives_the_committed_bytes(
    shared_data: Path, site_root: Path, tmp_path: Path
) -> None:
    build(shared_data, tmp_path / "site")
    rebuilt, committed = files_of(tmp_path / "site"), files_of(site_root)
    assert sorted(rebuilt) == sorted(committed)
    changed = [name for name in committed if rebuilt[name] != committed[name]]
    assert changed == [], "the committed demo site is stale: run scripts/build_demo.py"


def test_the_builder_refuses_to_replace_a_folder_that_is_not_a_demo_site(
    shared_data: Path, tmp_path: Path
) -> None:
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(subprocess.CalledProcessError):
        build(shared_data, tmp_path)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_the_site_stays_small(site_root: Path) -> None:
    assert sum(len(b) for b in files_of(site_root).values()) < 1_000_000


def _words(text: str) -> str:
    return " ".join(text.split())


def _tag(source: str, name: str) -> str:
    found = re.search(rf"<{name}>(.*?)</{name}>", source, re.S)
    assert found is not None, name
    return _words(found.group(1))


def test_pages_keep_the_corpus_text_and_title(
    shared_data: Path, site_root: Path, manifest: dict[str, Any]
) -> None:
    """Every paragraph is the corpus's own text, in order, and together they are all of it."""
    assert len(manifest["articles"]) == 36
    categories = {"national": "localNews", "economy": "economy", "culture": "culture"}
    legacy = manifest["legacy_charsets"]
    for article in manifest["articles"]:
        category = categories[article["path"].split("/")[2]]
        source = (shared_data / ANT / category / f"{article['docno']}.txt").read_text("utf-8")
        text, title = _tag(source, "TEXT"), _tag(source, "TITLE")
        raw = (site_root / article["path"].lstrip("/")).read_bytes()
        assert (article["path"] in legacy) == (b"charset=windows-1256" in raw[:400])
        tree = lxml.html.document_fromstring(raw)
        assert tree.xpath("//h1/text()") == [title]
        paragraphs = [_words(p) for p in tree.xpath("//div[@class='post-body']/p/text()")]
        assert len(paragraphs) == article["paragraphs"] >= 2
        assert " ".join(paragraphs) == text
        # long blocks are cut at sentence ends; a list with no full stop may stay long
        assert max(len(p) for p in paragraphs) < 1300, article["path"]
