"""Quality of an article's pictures (``Extracted.images``) on the fundus pages (slow-ish; outside
``make test``).

    .venv/bin/python bench/eval_images.py [--half tune|held|all] [--show N]

Gold: fundus's hand-written per-publisher parsers return each page's article images (``images``:
each picture with its ``versions``, the same picture at several sizes, and ``is_cover`` for the
lead), read in place from ``../shared/data/extraction/fundus``. Pages whose parser gives no
``images`` key are not counted. Halves as ``tests/eval/extraction_sets.py`` splits them (a hash of
the page's file name): rules are chosen on ``tune``, ``held`` is reported and never looked at page
by page.

A picture of ours **matches** a gold picture, two ways (both reported):

* ``strict``: its URL equals one of the gold picture's versions, or the two share
  ``nashra.images.same_key`` (host and path without a size suffix), or the same file name (the
  last path segment, lower-cased, at least 8 characters);
* ``same``: strict, or the two share a picture id (``nashra.images.picture_keys``'s rule, copied
  here: a UUID, a
  hex digest or a 6+ digit number in the file name, or a long file name): another crop or size
  of the same photo, which fundus lists under one picture only at the sizes its parser saw.

Each of our pictures is credited to one gold picture at most (so merging two different photos
into one costs recall). Per half:

* recall: gold pictures matched / gold pictures;
* precision: our pictures (at most 10, what an album takes) credited to a gold picture / ours;
* lead: pages whose first picture of ours matches the gold cover (pages with a cover);
* albums: pages where both sides have ≥ 2 pictures / pages where the gold has ≥ 2.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.eval.extraction_sets import DATA, _natural, half_of  # noqa: E402

from nashra.errors import ExtractError, Rejected  # noqa: E402
from nashra.extract import extract_page  # noqa: E402
from nashra.images import same_key  # noqa: E402


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    url: str
    html: bytes
    gold: tuple[frozenset[str], ...]  # each picture: its versions' URLs
    cover: frozenset[str] | None

    @property
    def half(self) -> str:
        return half_of(self.name)


def pages(root: Path = DATA / "fundus") -> Iterator[Page]:
    for gold_file in sorted(root.glob("*/*.json")):
        meta = json.loads((gold_file.parent / "meta.info").read_text(encoding="utf-8"))
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        files = sorted(
            gold_file.parent.glob(f"{gold_file.stem}_*.html.gz"),
            key=lambda p: meta[p.name]["crawl_date"],
        )
        for page, version in zip(files, sorted(gold, key=_natural), strict=True):
            images = gold[version].get("images")
            if images is None:
                continue
            pictures = tuple(
                frozenset(v["url"] for v in img.get("versions", []) if v.get("url"))
                for img in images
            )
            cover = next(
                (p for p, img in zip(pictures, images, strict=True) if img.get("is_cover")), None
            )
            yield Page(
                f"{gold_file.parent.name}/{page.name}",
                meta[page.name]["url"],
                gzip.decompress(page.read_bytes()),
                tuple(p for p in pictures if p),
                cover,
            )


def _file(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return name if len(name) >= 8 else ""


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _ids(url: str) -> frozenset[str]:
    """The picture ids in a URL's file name (its own copy of the rule, so that the measure does
    not move with the code it measures): UUIDs, hex digests of 16+, numbers of 6+ digits, the
    file name itself when it has 12+ characters; a resizer's embedded URL is read instead."""
    path = unquote(urlsplit(url).path)
    inner = re.search(r"https?://[^?#]+", path)
    if inner:
        path = urlsplit(inner.group(0)).path
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    out = set(_UUID.findall(name))
    rest = _UUID.sub(" ", name)
    out |= set(re.findall(r"(?<![0-9a-z])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}", rest))
    out |= set(re.findall(r"(?<![0-9a-z])\d{6,}(?![0-9a-z])", rest))
    stem = re.sub(r"-\d{2,4}x\d{2,4}(?=\.)", "", name).rsplit(".", 1)[0]
    if len(stem) >= 12:
        out.add(stem)
    return frozenset(out)


def matches(ours: str, gold: frozenset[str], rule: str = "strict") -> bool:
    if ours in gold:
        return True
    key, name = same_key(ours), _file(ours)
    if any(same_key(g) == key or (name and _file(g) == name) for g in gold):
        return True
    return rule == "same" and any(_ids(ours) & _ids(g) for g in gold)


def credited(got: tuple[str, ...], gold: tuple[frozenset[str], ...], rule: str) -> int:
    """Gold pictures matched, each of ours used once (greedy, in the gold's order)."""
    used: set[int] = set()
    for picture in gold:
        for i, url in enumerate(got):
            if i not in used and matches(url, picture, rule):
                used.add(i)
                break
    return len(used)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", choices=("tune", "held", "all"), default="all")
    ap.add_argument("--show", type=int, default=0, help="print N tune pages' misses")
    args = ap.parse_args()
    halves = ("tune", "held") if args.half == "all" else (args.half,)
    shown = 0
    for half in halves:
        n = gold_n = ours_n = covers = multi = both = failed = 0
        found = {"strict": 0, "same": 0}
        lead = {"strict": 0, "same": 0}
        for page in pages():
            if page.half != half:
                continue
            n += 1
            try:
                got = extract_page(page.html, page.url).images[:10]
            except (ExtractError, Rejected):
                got, failed = (), failed + 1
            gold_n += len(page.gold)
            ours_n += len(got)
            for rule in found:
                found[rule] += credited(got, page.gold, rule)
                if page.cover is not None and got:
                    lead[rule] += matches(got[0], page.cover, rule)
            covers += page.cover is not None
            if len(page.gold) >= 2:
                multi += 1
                both += len(got) >= 2
            if half == "tune" and shown < args.show:
                wrong = [u for u in got if not any(matches(u, g, "same") for g in page.gold)]
                missed = [
                    sorted(g)[0] for g in page.gold if not any(matches(u, g, "same") for u in got)
                ]
                if wrong or missed:
                    shown += 1
                    print(f"-- {page.name}\n   extra: {wrong}\n   missed: {missed}")
        print(f"{half}: {n} pages ({failed} not extracted), {gold_n} gold pictures, {ours_n} ours")
        for rule in ("strict", "same"):
            print(
                f"  {rule:6}: recall {found[rule]}/{gold_n} = {found[rule] / max(gold_n, 1):.1%}"
                f" · precision {found[rule]}/{ours_n} = {found[rule] / max(ours_n, 1):.1%}"
                f" · lead {lead[rule]}/{covers} = {lead[rule] / max(covers, 1):.1%}"
            )
        print(f"  albums (both ≥ 2): {both}/{multi}")


if __name__ == "__main__":
    main()
