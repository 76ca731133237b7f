"""Hashtags of real articles, for reading by hand, and the figures of the judged sample.

    .venv/bin/python bench/judge_hashtags.py show tune      # the tuning sample (100 articles)
    .venv/bin/python bench/judge_hashtags.py show report    # the reported sample (200 articles)
    .venv/bin/python bench/judge_hashtags.py score          # figures of the judged fixture

Articles: ANT multi-source v2.1, June 2018 (``2018-06.zip``; April and May feed the tagger's word
clusters), read in place. Order: sha1 of the document number; the first 200 are the REPORTED
sample, the next 100 the TUNING sample (the hashtag rules were changed while reading those
only). The judged sample is ``tests/fixtures/enrich/hashtags_judged.tsv``: one row per article,
the document number, the tags Nashra gave when it was judged, a verdict per tag, and whether the
article's main person or place is among the tags; never the article's text.

Verdicts (the reading rules are written in docs/enrich.md, "How the hashtags were judged"):
``k`` an editor keeps it, ``x`` an editor drops it; per article ``main=y|n|-`` (``-``: the
article has no main person or place, e.g. a product review or a how-to).
Reasons for an ``x`` are coded: ``clitic`` glued proclitic, ``verb``, ``boiler`` from
boilerplate text, ``frag`` a fragment or wrong span, ``type`` not a name (a common noun), ``off``
a name the article only mentions in passing, ``dup`` a variant of another tag.
"""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT.parent / "shared/data/corpora/ant_multisource_v2.1/2018-06.zip"
FIXTURE = ROOT / "tests/fixtures/enrich/hashtags_judged.tsv"
_FIELDS = re.compile(r"<(DOCNO|TITLE|TEXT)>\s*(.*?)\s*</\1>", re.S)


def sample(which: str) -> list[tuple[str, str, str]]:
    """(docno, title, text) of the reported (first 200) or tuning (next 100) articles."""
    docs = []
    with zipfile.ZipFile(ZIP) as z:
        for name in z.namelist():
            if name.endswith(".txt"):
                f = dict(_FIELDS.findall(z.read(name).decode("utf-8", "replace")))
                if f.get("DOCNO") and f.get("TEXT"):
                    docs.append((f["DOCNO"], f.get("TITLE", ""), f["TEXT"]))
    docs.sort(key=lambda d: hashlib.sha1(d[0].encode()).hexdigest())
    return docs[:200] if which == "report" else docs[200:300]


def show(which: str) -> None:
    from nashra.enrich import default_enricher

    enricher = default_enricher()
    for docno, title, text in sample(which):
        r = enricher.enrich(title, text)
        lead = " ".join(text.split()[:45])
        people = sorted({e.canonical or e.text for e in r.entities if e.type == "person"})
        print(f"## {docno}\n   {title}\n   {lead} …\n   persons: {'، '.join(people[:8])}")
        print(f"   TAGS {' '.join(r.hashtags)}\n")


def score() -> None:
    rows = [
        line.split("\t")
        for line in FIXTURE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    tags = kept = 0
    reasons: dict[str, int] = {}
    main_yes = main_all = 0
    counts = []
    for docno, tagged, verdicts, main in rows:
        marks = verdicts.split()
        names = tagged.split()
        assert len(marks) == len(names), docno
        counts.append(len(names))
        for m in marks:
            tags += 1
            if m == "k":
                kept += 1
            else:
                reason = m.split(":", 1)[1] if ":" in m else "other"
                reasons[reason] = reasons.get(reason, 0) + 1
        if main != "-":
            main_all += 1
            main_yes += main == "y"
    print(f"judged sample: {len(rows)} articles, {tags} tags ({tags / len(rows):.2f} per article)")
    print(f"  kept by an editor: {kept}/{tags} = {kept / tags:.1%}")
    print(f"  main person or place present: {main_yes}/{main_all} = {main_yes / main_all:.1%}")
    print(f"  articles with 3-7 tags: {sum(3 <= c <= 7 for c in counts)}/{len(counts)}")
    for reason in ("clitic", "verb", "boiler", "frag", "type", "off", "dup", "other"):
        print(f"  dropped, {reason}: {reasons.get(reason, 0)}")


def main() -> None:
    if sys.argv[1:2] == ["show"]:
        show(sys.argv[2] if len(sys.argv) > 2 else "tune")
    else:
        score()


if __name__ == "__main__":
    main()
