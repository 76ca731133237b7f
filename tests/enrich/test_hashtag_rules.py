"""The hashtag rules, one self-describing case each: tests/fixtures/enrich/hashtag_rules.json.

Article cases run through the trained tagger's path (the rules live in
:mod:`nashra.enrich.salience`, :mod:`nashra.enrich.tagcheck` and
:mod:`nashra.enrich.tagcontext`); word cases call the verb and proclitic checks directly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nashra.enrich import HASHTAG_PATTERN, Enricher
from nashra.enrich._text import norm_word
from nashra.enrich.tagcheck import generic_ministry, glued_verbal_noun, looks_like_verb, unglue

RULES = json.loads(
    (Path(__file__).parent.parent / "fixtures/enrich/hashtag_rules.json").read_text(
        encoding="utf-8"
    )
)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    e = Enricher()
    if e.tagger is None:
        pytest.fail("the shipped entity model is missing")
    return e


@pytest.mark.parametrize(
    "case",
    RULES["articles"],
    ids=[f"{c['rule']}: {c['description'][:50]}" for c in RULES["articles"]],
)
def test_article_rule(enricher: Enricher, case: dict[str, Any]) -> None:
    tags = enricher.enrich(case["title"], case["body"]).hashtags
    assert all(HASHTAG_PATTERN.match(t) for t in tags)
    for tag in case["include"]:
        assert tag in tags, f"{tag} not in {tags}"
    for tag in case["exclude"]:
        assert tag not in tags, f"{tag} in {tags}"


@pytest.mark.parametrize("word", RULES["verbs"])
def test_verbs_are_found(enricher: Enricher, word: str) -> None:
    assert enricher.tagger is not None
    assert looks_like_verb(norm_word(word), enricher.tagger.clusters, word)


@pytest.mark.parametrize("word", RULES["not_verbs"])
def test_names_are_no_verbs(enricher: Enricher, word: str) -> None:
    assert enricher.tagger is not None
    assert not looks_like_verb(norm_word(word), enricher.tagger.clusters, word)


@pytest.mark.parametrize("case", RULES["unglue"], ids=[c["tag"] for c in RULES["unglue"]])
def test_unglue(enricher: Enricher, case: dict[str, Any]) -> None:
    assert enricher.tagger is not None
    written = " " + " ".join(norm_word(w) for w in case["written"].split()) + " "
    got = unglue(
        case["tag"],
        enricher.gazetteer,
        enricher.tagger.segmenter,
        enricher.tagger.clusters,
        written,
    )
    assert got == case["expect"]


def test_glued_verbal_noun(enricher: Enricher) -> None:
    assert enricher.tagger is not None
    clusters = enricher.tagger.clusters
    for word in ("لاستفزاز", "لانتخاب", "باستقبال"):
        assert glued_verbal_noun(norm_word(word), clusters), word
    for word in ("استفزاز", "لاتسيو", "بانكوك", "التيار"):
        assert not glued_verbal_noun(norm_word(word), clusters), word


def test_generic_ministry() -> None:
    assert generic_ministry("#وزارة_السياحة") and generic_ministry("#وزارة_الأوقاف")
    assert not generic_ministry("#وزارة_التجارة_الأمريكية")
    assert not generic_ministry("#وزارة_الخارجية_السعودية")
