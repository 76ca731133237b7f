"""The shipped entity tagger: its files, its segmenter, and what it proposes on real sentences."""

from __future__ import annotations

from pathlib import Path

import nashra.enrich.tagger as tagger_module
from nashra.enrich import default_enricher
from nashra.enrich._text import word_spans
from nashra.enrich.combine import find_model_entities
from nashra.enrich.tagger import default_tagger, tagger_tokens

DATA = Path(tagger_module.__file__).parent / "data"


def test_model_files_ship_with_their_licence() -> None:
    model = DATA / "ner.crfsuite"
    assert model.is_file()
    assert model.stat().st_size <= 30 * 1024 * 1024
    licence = (DATA / "ner.LICENSE.md").read_text(encoding="utf-8")
    assert "Alotaibi" in licence and "CC BY-SA 3.0" in licence and "COLING 2014" in licence


def test_loaded_once_per_process() -> None:
    assert default_tagger() is default_tagger()
    assert default_tagger() is not None


def test_segmenter_splits_proclitics_only_where_the_stem_is_a_word() -> None:
    tagger = default_tagger()
    assert tagger is not None
    seg = tagger.segmenter
    assert seg.split("ولبنان") == ("و", "لبنان")
    assert seg.split("بغداد") == ("", "بغداد")
    assert seg.split("للاتحاد") == ("ل", "الاتحاد")


def test_tokens_keep_punctuation_apart() -> None:
    text = "قال (أ ف ب)، إن"
    assert [text[a:b] for a, b in tagger_tokens(text)] == [
        "قال",
        "(",
        "أ",
        "ف",
        "ب",
        ")",
        "،",
        "إن",
    ]


def _entities(text: str) -> set[tuple[str, str]]:
    tagger = default_tagger()
    assert tagger is not None
    found = find_model_entities(text, word_spans(text), default_enricher().gazetteer, tagger)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
    return {(text[f.start : f.end], f.type) for f in found}


def test_people_places_organisations_with_clitics_left_out() -> None:
    text = (
        "وقال الرئيس الفرنسي إيمانويل ماكرون في باريس إن فرنسا ستعمل مع الأمم المتحدة. "
        "وأضاف ماكرون أن وزير الخارجية جان إيف لودريان سيزور بيروت."
    )
    got = _entities(text)
    assert ("إيمانويل ماكرون", "person") in got
    assert ("باريس", "place") in got
    assert ("الأمم المتحدة", "organisation") in got
    assert ("بيروت", "place") in got
    assert ("ماكرون", "person") in got  # the later mention alone
    assert not any(name.startswith(("وقال", "وأضاف")) for name, _ in got)


def test_a_later_shorter_mention_takes_the_full_name() -> None:
    text = (
        "استقبل رئيس الوزراء الفلسطيني رامي الحمد الله وفدا أوروبيا في رام الله. "
        "وقال الحمد الله إن الحكومة ماضية في عملها."
    )
    tagger = default_tagger()
    assert tagger is not None
    found = find_model_entities(text, word_spans(text), default_enricher().gazetteer, tagger)
    people = {(text[f.start : f.end], f.canonical) for f in found if f.type == "person"}
    assert ("رامي الحمد الله", "رامي الحمد الله") in people
    assert ("الحمد الله", "رامي الحمد الله") in people
