"""The extraction evaluation: two sets of real pages; Nashra and trafilatura alone; one set of
rules.

Sets (read in place from ``../shared/data/extraction``, never copied):

* ``fundus``: 258 pages of 200+ publishers, gold title, authors, publishing date with its zone
  and body paragraphs (what fundus's hand-written per-publisher parsers return). Each
  ``<Publisher>.json`` is keyed by layout version (``V1``, ``V1_1``, ``V2`` …); fundus maps a page
  to the version valid on its crawl date, so versions in natural order pair with the pages in
  date order.
* ``trafilatura``: trafilatura's own 200 evaluation pages with gold title, author, day and
  ``with``/``without`` body snippets.

Comparison rules (the same for both extractors, decided before the figures were read):

* **title**: equal after NFKC, casefold, one space, and typographic quotes/dashes unified.
* **author**: the *set of people* the page names, each folded as a title is and with ``.``,
  ``_``, ``-`` and ``'`` as spaces (trafilatura drops the dot of ``María R. Sahuquillo``). Gold
  names that are not people (agencies, outlets, desks, places: ``dpa``, ``Associated Press``,
  ``ORF.at``, ``Lille``) are removed by hand-made labels (``author_labels.json``, every gold
  name read once); an empty set means the right answer is no byline. Our ``author`` string
  is split on «،», ``,``, ``;``, « و » and `` and ``. Trafilatura's rows with no gold author
  are not counted (that set leaves them unannotated); fundus counts every page (its parsers
  return ``[]`` when a page names nobody).
* **date** (gated): the calendar day of the published date in the zone it is given in, against
  the gold's day in its own zone. **instant** (fundus only, reported): within 60 s of the gold
  instant (wall clock when the gold has no zone). Trafilatura alone only gives a day.
* **body**: trafilatura set, its own rule (every ``with`` snippet in the text, no ``without``);
  fundus, paragraphs: at least 90 % of the gold body's characters are in paragraphs found in our
  text (recall) and at least 90 % of our text's characters are in lines found in the gold body
  (precision), on the same folded form as titles.

Halves: ``tune`` and ``held`` by the first byte of SHA-1 of the page's file name (even: tune).
Rules are chosen on ``tune``; ``held`` is reported and never looked at page by page.

    .venv/bin/python -m tests.eval.extraction_sets     # the figures, both halves
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import trafilatura

from nashra.errors import ExtractError, Rejected
from nashra.extract import extract_page

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent.parent / "shared" / "data" / "extraction"
LABELS = json.loads((HERE / "author_labels.json").read_text(encoding="utf-8"))
FIELDS = ("title", "author", "date", "body")


def half_of(name: str) -> str:
    """The fixed split: ``tune`` or ``held``, by a hash of the file name."""
    return "tune" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "held"


_QUOTES = str.maketrans(
    {
        **dict.fromkeys("’‘‚", "'"),
        **dict.fromkeys("“”„«»", '"'),
        **dict.fromkeys("–—", "-"),
        "\u00a0": " ",
        "\u200f": "",
        "\u200e": "",
        "\u00ad": "",
        "\u200b": "",
    }
)


def key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())


@dataclass(frozen=True, slots=True)
class Case:
    set: str
    name: str
    url: str
    html: bytes
    title: str | None
    people: frozenset[str] | None  # folded names; None = not annotated
    date: str | None
    paragraphs: tuple[str, ...] = ()
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    @property
    def half(self) -> str:
        return half_of(self.name)


@dataclass(frozen=True, slots=True)
class Got:
    title: str
    people: frozenset[str]
    published: datetime | None
    day: str | None
    text: str


def name_key(text: str) -> str:
    """An author name's folded form: ``key`` with ``.``, ``_`` and ``-`` as spaces (``Maria R.
    Sahuquillo`` = ``maria r sahuquillo``, ``Herr_Rein`` = ``herr rein``)."""
    return " ".join(re.sub(r"[._\-']", " ", key(text)).split())


def gold_people(names: Iterable[str]) -> frozenset[str]:
    """Gold author names → the folded set of people (labels: organisations out, joins split)."""
    orgs = {name_key(n) for n in LABELS["not_people"]}
    split = {name_key(k): v for k, v in LABELS["split"].items()}
    out: set[str] = set()
    for raw in names:
        for name in split.get(name_key(raw), [raw]):
            if name.strip() and name_key(name) not in orgs:
                out.add(name_key(name))
    return frozenset(out)


_OUR_JOINS = re.compile(r"\s*[،,;]\s*|\s+و\s+|\s+and\s+", re.I)


def our_people(author: str | None) -> frozenset[str]:
    return frozenset(name_key(n) for n in _OUR_JOINS.split(author or "") if n.strip())


def _natural(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def fundus_cases(root: Path = DATA / "fundus") -> Iterator[Case]:
    for gold_file in sorted(root.glob("*/*.json")):
        country = gold_file.parent.name
        meta = json.loads((gold_file.parent / "meta.info").read_text(encoding="utf-8"))
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pages = sorted(
            gold_file.parent.glob(f"{gold_file.stem}_*.html.gz"),
            key=lambda p: meta[p.name]["crawl_date"],
        )
        versions = sorted(gold, key=_natural)
        for page, version in zip(pages, versions, strict=True):
            want = gold[version]
            body = want.get("body") or {}
            paragraphs = [*body.get("summary", [])]
            for section in body.get("sections", []):
                paragraphs += [*section.get("headline", []), *section.get("paragraphs", [])]
            yield Case(
                set="fundus",
                name=f"{country}/{page.name}",
                url=meta[page.name]["url"],
                html=gzip.decompress(page.read_bytes()),
                title=want.get("title"),
                people=gold_people(want.get("authors") or []),
                date=want.get("publishing_date"),
                paragraphs=tuple(p for p in paragraphs if p.strip()),
            )


def trafilatura_cases(root: Path = DATA / "trafilatura_eval") -> Iterator[Case]:
    lines = (root / "sample_groundtruth.jsonl").read_text(encoding="utf-8").splitlines()
    for row in map(json.loads, filter(None, lines)):
        author = row["author"]
        names = author if isinstance(author, list) else [author] if author else []
        yield Case(
            set="trafilatura",
            name=row["file"],
            url=row["url"],
            html=(root / row["html_path"]).read_bytes(),
            title=row["title"] or None,
            people=gold_people(names) if names else None,
            date=row["date"] or None,
            with_=tuple(row["with"]),
            without=tuple(row["without"]),
        )


def all_cases() -> list[Case]:
    return [*fundus_cases(), *trafilatura_cases()]


# -- the two extractors -------------------------------------------------------------------------
def run_nashra(case: Case) -> Got | None:
    try:
        got = extract_page(case.html, case.url)
    except (ExtractError, Rejected):
        return None
    day = got.published.date().isoformat() if got.published else None
    return Got(got.title, our_people(got.author), got.published, day, got.text)


def run_trafilatura(case: Case) -> Got | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            case.html, url=case.url, with_metadata=True, include_comments=False
        )
    if doc is None or isinstance(doc, dict):
        return None
    people = frozenset(name_key(n) for n in (doc.author or "").split(";") if n.strip())
    return Got(doc.title or "", people, None, doc.date or None, doc.text or "")


EXTRACTORS: dict[str, Callable[[Case], Got | None]] = {
    "nashra": run_nashra,
    "trafilatura": run_trafilatura,
}


# -- judging one field --------------------------------------------------------------------------
def _gold_instant(value: str) -> datetime | None:
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(value)
    return None


def _covered(pieces: Iterable[str], haystack: str) -> float:
    sizes = [(len(p), p in haystack) for p in pieces if p]
    total = sum(n for n, _ in sizes)
    return sum(n for n, ok in sizes if ok) / total if total else 0.0


def judge(case: Case, got: Got | None, name: str) -> bool | None:
    """Is ``got`` right on field ``name`` of ``case``? None when the case has no gold for it."""
    if name == "title":
        return None if not case.title else got is not None and key(got.title) == key(case.title)
    if name == "author":
        return None if case.people is None else got is not None and got.people == case.people
    if name in ("date", "instant"):
        if not case.date or (name == "instant" and case.set != "fundus"):
            return None
        gold = _gold_instant(case.date[:10] if name == "date" else case.date)
        if gold is None or got is None:
            return False
        if name == "date":
            return got.day == gold.date().isoformat()
        if got.published is None:
            return False
        ours = got.published if gold.tzinfo else got.published.replace(tzinfo=None)
        return abs(ours - gold) <= timedelta(seconds=60)
    if name == "body":
        if got is None:
            return False
        text = key(got.text)
        if case.set == "trafilatura":
            return all(w in got.text for w in case.with_) and not any(
                w in got.text for w in case.without
            )
        gold_keys = [key(p) for p in case.paragraphs]
        recall = _covered(gold_keys, text)
        gold_text = "\n".join(gold_keys)
        precision = _covered([key(line) for line in got.text.splitlines()], gold_text)
        return recall >= 0.9 and precision >= 0.9
    raise ValueError(name)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total} ({self.rate:.3f})"


@dataclass
class Report:
    """tallies[(set, half, extractor, field)]; ``misses`` for reading tuning-half failures."""

    tallies: dict[tuple[str, str, str, str], Tally] = field(default_factory=dict)
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    no_article: dict[str, int] = field(default_factory=dict)

    def tally(self, *k: str) -> Tally:
        return self.tallies.setdefault((k[0], k[1], k[2], k[3]), Tally())

    def pooled(self, set_: str, extractor: str, name: str, halves: Iterable[str]) -> Tally:
        out = Tally()
        for h in halves:
            t = self.tallies.get((set_, h, extractor, name), Tally())
            out.right += t.right
            out.total += t.total
        return out


def evaluate(
    cases: Iterable[Case], extractors: Iterable[str] = ("nashra", "trafilatura")
) -> Report:
    report = Report()
    for case in cases:
        for ex in extractors:
            got = EXTRACTORS[ex](case)
            if got is None:
                report.no_article[ex] = report.no_article.get(ex, 0) + 1
            for name in (*FIELDS, "instant"):
                verdict = judge(case, got, name)
                if verdict is None or (name == "instant" and ex != "nashra"):
                    continue
                t = report.tally(case.set, case.half, ex, name)
                t.right += verdict
                t.total += 1
                if not verdict and ex == "nashra" and case.half == "tune":
                    report.misses.append((case.set, case.name, name))
    return report


def print_report(report: Report) -> None:
    print("field      set          half   nashra              trafilatura alone")
    for set_ in ("fundus", "trafilatura"):
        for name in (*FIELDS, "instant"):
            for half in ("tune", "held", "all"):
                halves = ("tune", "held") if half == "all" else (half,)
                ours = report.pooled(set_, "nashra", name, halves)
                if not ours.total:
                    continue
                theirs = report.pooled(set_, "trafilatura", name, halves)
                shown = str(theirs) if theirs.total else "—"
                print(f"{name:10s} {set_:12s} {half:6s} {ours!s:19s} {shown}")
    print(f"pages without an article: {report.no_article}")


if __name__ == "__main__":
    import sys

    rep = evaluate(all_cases())
    print_report(rep)
    if "--misses" in sys.argv:
        for m in rep.misses:
            print("miss", *m)
