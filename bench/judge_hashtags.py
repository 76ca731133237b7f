"""Hashtags of real articles, for reading by hand, and the figures of the judged samples.

    .venv/bin/python bench/judge_hashtags.py show report      # the reported sample (200)
    .venv/bin/python bench/judge_hashtags.py show tune        # the tuning samples (500)
    .venv/bin/python bench/judge_hashtags.py show old-report  # tuning: articles 1-200
    .venv/bin/python bench/judge_hashtags.py show old-tune    # tuning: articles 201-300
    .venv/bin/python bench/judge_hashtags.py show round2      # tuning: articles 301-500
    .venv/bin/python bench/judge_hashtags.py show report --tsv  # docno<TAB>tags, to judge
    .venv/bin/python bench/judge_hashtags.py score            # figures of the judged fixtures
    .venv/bin/python bench/judge_hashtags.py score --now      # the same verdicts, tags of now
    .venv/bin/python bench/judge_hashtags.py score --now -v   # and the tags still unjudged

Articles: ANT multi-source v2.1, June 2018 (``2018-06.zip``; April and May feed the tagger's word
clusters), read in place, ordered by sha1 of the document number:

* articles 501-700 are the **reported** sample (``report``), drawn and judged once, after the
  last rule change, on tags the rules were never changed on. Its verdicts:
  ``tests/fixtures/enrich/hashtags_judged.tsv``.
* articles 1-500 are the **tuning** samples (``tune``), each once a reported or tuning sample:
  ``old-report`` (1-200) was the first session's reported sample, its verdicts kept as
  ``hashtags_judged_tuning.tsv``; ``old-tune`` (201-300) was the first session's tuning sample;
  ``round2`` (301-500) was the second session's reported sample, read on the tags of e14ea7a,
  its verdicts kept as ``hashtags_judged_round2.tsv``. Once read, their errors were seen, so
  they are tuning data. Verdicts given to tags that later rule changes brought on the tuning
  articles are in ``hashtags_judged_tuning_added.tsv`` (``score --now`` uses them).

A judged fixture has one row per article: the document number, the tags Nashra gave when it was
judged, a verdict per tag, and whether the article's main person or place is among the tags;
never the article's text. Verdicts (the reading rules: docs/enrich.md, "How the hashtags were
judged"): ``k`` an editor keeps it, ``x:REASON`` an editor drops it; per article ``main=y|n|-``
(``-``: the article has no main person or place, e.g. a product review or a how-to). Reasons:
``clitic`` glued proclitic, ``verb``, ``boiler`` from boilerplate text, ``frag`` a fragment or
wrong span, ``type`` not a name (a common noun), ``off`` a name the article only mentions in
passing, ``dup`` a variant of another tag.

``score --now`` enriches the judged articles again and scores today's tags with the verdicts on
file; a tag nobody judged is counted apart (``unjudged``), and the main person or place is taken
from the judged row when every tag kept then is still given (else from an ``added`` line
``docno<TAB>main<TAB>y|n``, or counted ``main unknown``).
"""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT.parent / "shared/data/corpora/ant_multisource_v2.1/2018-06.zip"
FIXTURES = ROOT / "tests/fixtures/enrich"
FIXTURE = FIXTURES / "hashtags_judged.tsv"  # the reported sample's verdicts (501-700)
TUNING_FIXTURE = FIXTURES / "hashtags_judged_tuning.tsv"  # old-report's verdicts (session 1)
ROUND2_FIXTURE = FIXTURES / "hashtags_judged_round2.tsv"  # round2's verdicts (session 2)
TUNING_ADDED = FIXTURES / "hashtags_judged_tuning_added.tsv"  # docno, tag, verdict
SAMPLES = {
    "report": (500, 700),
    "tune": (0, 500),
    "old-report": (0, 200),
    "old-tune": (200, 300),
    "round2": (300, 500),
}
# The tuning samples scored by ``score --now``, with the fixture of their first reading.
TUNING = {"old-report": TUNING_FIXTURE, "old-tune": None, "round2": ROUND2_FIXTURE}
REASONS = ("clitic", "verb", "boiler", "frag", "type", "off", "dup", "other")
_FIELDS = re.compile(r"<(DOCNO|TITLE|TEXT)>\s*(.*?)\s*</\1>", re.S)

Row = tuple[str, list[str], list[str], str]


def sample(which: str) -> list[tuple[str, str, str]]:
    """(docno, title, text) of one named sample (``SAMPLES``)."""
    first, last = SAMPLES[which]
    docs = []
    with zipfile.ZipFile(ZIP) as z:
        for name in z.namelist():
            if name.endswith(".txt"):
                f = dict(_FIELDS.findall(z.read(name).decode("utf-8", "replace")))
                if f.get("DOCNO") and f.get("TEXT"):
                    docs.append((f["DOCNO"], f.get("TITLE", ""), f["TEXT"]))
    docs.sort(key=lambda d: hashlib.sha1(d[0].encode()).hexdigest())
    return docs[first:last]


def read_fixture(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            doc, tags, marks, main = line.split("\t")
            rows.append((doc, tags.split(), marks.split(), main))
    return rows


def show(which: str, tsv: bool) -> None:
    from nashra.enrich import default_enricher

    enricher = default_enricher()
    for docno, title, text in sample(which):
        r = enricher.enrich(title, text)
        if tsv:
            print(f"{docno}\t{' '.join(r.hashtags)}")
            continue
        lead = " ".join(text.split()[:45])
        people = sorted({e.canonical or e.text for e in r.entities if e.type == "person"})
        print(f"## {docno}\n   {title}\n   {lead} …\n   persons: {'، '.join(people[:8])}")
        print(f"   TAGS {' '.join(r.hashtags)}\n")


@dataclass(frozen=True)
class Figures:
    articles: int
    tags: int
    kept: int
    reasons: dict[str, int]
    main_yes: int
    main_all: int
    three_to_seven: int
    unjudged: int = 0
    main_unknown: int = 0


def tally(rows: list[Row], unjudged: int = 0, main_unknown: int = 0) -> Figures:
    tags = kept = main_yes = main_all = 0
    reasons: dict[str, int] = {}
    counts = []
    for docno, names, marks, main in rows:
        assert len(marks) == len(names), docno
        counts.append(sum(m != "?" for m in marks))
        for m in marks:
            if m == "?":
                continue
            tags += 1
            if m == "k":
                kept += 1
            else:
                reason = m.split(":", 1)[1] if ":" in m else "other"
                reasons[reason] = reasons.get(reason, 0) + 1
        if main in ("y", "n"):
            main_all += 1
            main_yes += main == "y"
    three = sum(3 <= c <= 7 for c in counts)
    return Figures(
        len(rows), tags, kept, reasons, main_yes, main_all, three, unjudged, main_unknown
    )


def figures(name: str, f: Figures) -> None:
    per = f.tags / max(f.articles, 1)
    print(f"{name}: {f.articles} articles, {f.tags} tags ({per:.2f} per article)")
    print(f"  kept by an editor: {f.kept}/{f.tags} = {f.kept / max(f.tags, 1):.1%}")
    share = f.main_yes / max(f.main_all, 1)
    print(f"  main person or place present: {f.main_yes}/{f.main_all} = {share:.1%}")
    print(f"  articles with 3-7 tags: {f.three_to_seven}/{f.articles}")
    print("  dropped: " + ", ".join(f"{r} {f.reasons.get(r, 0)}" for r in REASONS))
    if f.unjudged or f.main_unknown:
        print(f"  unjudged tags: {f.unjudged}; articles whose main is unknown: {f.main_unknown}")


def _added() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    verdicts: dict[tuple[str, str], str] = {}
    mains: dict[str, str] = {}
    if TUNING_ADDED.is_file():
        for line in TUNING_ADDED.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                doc, tag, mark = line.split("\t")
                if tag == "main":
                    mains[doc] = mark
                else:
                    verdicts[doc, tag] = mark
    return verdicts, mains


def rescore(
    which: str, rows: list[Row], *, verbose: bool = False, added: bool = True
) -> tuple[Figures, list[Row]]:
    """Today's tags on one sample's articles, scored with the verdicts on file (``?``: none)."""
    from nashra.enrich import default_enricher

    enricher = default_enricher()
    extra, mains = _added() if added else ({}, {})
    judged = {r[0]: r for r in rows}
    now_rows: list[Row] = []
    unjudged = unknown = 0
    for docno, title, text in sample(which):
        tags = list(enricher.enrich(title, text).hashtags)
        old = judged.get(docno)
        before = dict(zip(old[1], old[2], strict=True)) if old else {}
        marks = [before.get(t) or extra.get((docno, t)) or "?" for t in tags]
        missing = [t for t, m in zip(tags, marks, strict=True) if m == "?"]
        unjudged += len(missing)
        kept_then = {t for t, m in before.items() if m == "k"}
        if docno in mains:
            main = mains[docno]
        elif old and (kept_then <= set(tags) or old[3] == "-"):
            main = old[3]
        else:
            main = "?"
            unknown += 1
        if verbose and (missing or main == "?"):
            lost = " ".join(sorted(kept_then - set(tags)))
            print(f"{docno}\t{' '.join(missing)}\tmain={main}\tlost: {lost}")
        now_rows.append((docno, tags, marks, main))
    return tally(now_rows, unjudged, unknown), now_rows


def tuning_rows(which: str) -> list[Row]:
    """The verdicts of a tuning sample's first reading (none for ``old-tune``)."""
    path = TUNING[which]
    return read_fixture(path) if path is not None else []


def score(now: bool, verbose: bool) -> None:
    if FIXTURE.is_file():
        figures("REPORTED sample (articles 501-700), as judged", tally(read_fixture(FIXTURE)))
    figures("tuning old-report (1-200), as judged in session 1", tally(tuning_rows("old-report")))
    figures("tuning round2 (301-500), as judged on e14ea7a", tally(tuning_rows("round2")))
    if now:
        for which in TUNING:
            first, last = SAMPLES[which]
            rows = tuning_rows(which)
            name = f"tuning {which} ({first + 1}-{last}), tags of now"
            figures(name, rescore(which, rows, verbose=verbose)[0])
        if FIXTURE.is_file():
            fixture = read_fixture(FIXTURE)
            figures("REPORTED (501-700), tags of now", rescore("report", fixture, added=False)[0])


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["show"]:
        which = next((a for a in args[1:] if not a.startswith("-")), "tune")
        show(which, "--tsv" in args)
    else:
        score("--now" in args, "-v" in args)


if __name__ == "__main__":
    main()
