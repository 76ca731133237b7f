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


def test_one_name_takes_one_type_in_a_text() -> None:
    from nashra.enrich.combine import _one_type
    from nashra.enrich.entities import Found

    text = "زار حمدان دبي. وقال حمدان إن حمدان سيعود."
    tokens = word_spans(text)
    at = {text[t.start : t.end]: k for k, t in reversed(list(enumerate(tokens)))}
    k1 = at["حمدان"]
    mentions = [k for k, t in enumerate(tokens) if text[t.start : t.end] == "حمدان"]
    assert len(mentions) == 3 and mentions[0] == k1

    def model(k: int, kind: str, conf: float, rule: str = "model") -> Found:
        t = tokens[k]
        return Found(k, k + 1, t.start, t.end, kind, "حمدان", "", "", rule, conf)

    # Two sure person mentions outvote one unsure place mention.
    found = [model(mentions[0], "person", 0.9), model(mentions[1], "place", 0.5),
             model(mentions[2], "person", 0.8)]  # fmt: skip
    assert [f.type for f in _one_type(tokens, found)] == ["person"] * 3
    # A gazetteer's type wins over the tagger's votes, and the gazetteer's mention is kept.
    found = [model(mentions[0], "place", 1.0, "gazetteer"), model(mentions[1], "person", 0.9),
             model(mentions[2], "person", 0.9)]  # fmt: skip
    got = _one_type(tokens, found)
    assert [f.type for f in got] == ["place"] * 3
    assert got[0] is found[0]
    # Other names keep their own type.
    dubai = model(at["دبي"], "place", 0.6)
    assert _one_type(tokens, [dubai, model(mentions[1], "person", 0.4)])[0].type == "place"


def test_word_vector_clusters_are_features_of_the_word_and_its_neighbours() -> None:
    from nashra.enrich.rules import GIVEN_NAMES
    from nashra.enrich.tagger import sentence_features

    tagger = default_tagger()
    assert tagger is not None
    words = ["قال", "محمد", "في", "بغداد"]
    vectors = {"قال": [1, 11, 111], "محمد": [2, 22, 222], "في": [3, 33, 333], "بغداد": [4, 44, 444]}
    args = (words, tagger.segmenter, [""] * 4, GIVEN_NAMES, tagger.clusters)
    feats = sentence_features(*args, None, vectors)
    assert {"v0=4", "v1=44", "v2=444"} <= set(feats[3])  # every granularity of the word
    assert "v-1=33" in feats[3] and "v-2=22" in feats[3]  # the middle one of its neighbours
    assert "v1=44" in feats[2] and "v2=44" in feats[1]
    without = sentence_features(*args, {})
    assert not any(f[:1] == "v" and f[1:2] and f[1:2] in "-0123456789" for f in without[3])
    # A word the table lacks takes its stem's clusters (و + لبنان).
    vectors["لبنان"] = [5, 55, 555]
    glued = sentence_features(["ولبنان"], *args[1:3], GIVEN_NAMES, tagger.clusters, {}, vectors)
    assert "v2=555" in glued[0]
