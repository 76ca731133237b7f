"""Hashtags from confirmed entities: precision rules, the editor's blocklist and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nashra.enrich import HASHTAG_PATTERN, Enricher
from nashra.enrich.policy import load_policy
from nashra.enrich.salience import boilerplate_ranges, clean_tag
from nashra.errors import ConfigError

TITLE = "ماكرون يلتقي ميركل في برلين لبحث ملف الهجرة"
BODY = (
    "التقى الرئيس الفرنسي إيمانويل ماكرون المستشارة الألمانية أنغيلا ميركل في برلين يوم الثلاثاء.\n"
    "وقال ماكرون إن أوروبا تحتاج إلى سياسة مشتركة للهجرة، فيما أكدت ميركل أن الاتحاد الأوروبي "
    "يجب أن يتحرك.\n"
    "وكان لمحمد عيسى، وهو مسؤول في المفوضية الأوروبية، تصريح عن الملف.\n"
    "اقرأ أيضا: حركة حماس تعلن موقفها من التهدئة\n"
    "ويتوقع أن يلتقي ماكرون وميركل مرة أخرى في باريس الشهر المقبل."
)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher()


def test_tags_are_clean_names_of_the_story(enricher: Enricher) -> None:
    tags = enricher.enrich(TITLE, BODY).hashtags
    assert 3 <= len(tags) <= 7
    assert tags[0] in ("#ماكرون", "#إيمانويل_ماكرون")
    assert any("ميركل" in t for t in tags)
    assert "#برلين" in tags
    assert all(HASHTAG_PATTERN.match(t) for t in tags)
    for bad in ("#لمحمد_عيسى", "#حماس", "#حركة_حماس", "#يلتقي"):
        assert bad not in tags


def test_boilerplate_lines_are_found() -> None:
    text = TITLE + "\n" + BODY
    ranges = boilerplate_ranges(text, len(TITLE))
    lines = [text[a:b] for a, b in ranges]
    assert lines == ["اقرأ أيضا: حركة حماس تعلن موقفها من التهدئة"]
    menu = "عنوان\nسياسة\nاقتصاد\nرياضة\nثقافة\nنص المقال الطويل الذي يشرح الخبر كاملا."
    assert len(boilerplate_ranges(menu, len("عنوان"))) == 4


def test_clean_tag_rules(enricher: Enricher) -> None:
    seg = enricher.tagger.segmenter if enricher.tagger else None
    gaz = enricher.gazetteer
    assert clean_tag("#محمد_عيسى", gaz, seg)
    assert not clean_tag("#لمحمد_عيسى", gaz, seg)
    assert not clean_tag("#وأحمد_مكنون", gaz, seg)
    assert not clean_tag("#يعاقب", gaz, seg)
    assert not clean_tag("#عمر_في", gaz, seg)
    assert not clean_tag("#عبد", gaz, seg)
    assert clean_tag("#تونس", gaz, seg)
    assert clean_tag("#لبنان", gaz, seg)


def test_blocklist_and_aliases_from_the_editor(tmp_path: Path) -> None:
    block = tmp_path / "block.txt"
    block.write_text("# never\n#برلين\n", encoding="utf-8")
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("إيمانويل ماكرون\tالرئيس_ماكرون\nماكرون\tالرئيس_ماكرون\n", encoding="utf-8")
    policy = load_policy([block], [aliases])
    tags = Enricher(policy=policy).enrich(TITLE, BODY).hashtags
    assert "#برلين" not in tags
    assert "#الرئيس_ماكرون" in tags
    assert not any(t in ("#ماكرون", "#إيمانويل_ماكرون") for t in tags)


def test_a_bad_alias_line_names_the_file(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("اسم بلا وسم\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_policy((), [aliases])
    assert "aliases.tsv:1" in str(err.value.where)


def test_shipped_blocklist_stops_section_names(enricher: Enricher) -> None:
    policy = enricher.policy
    assert policy.blocked("#أخبار_وتقارير")
    assert policy.blocked("#عبر_الإمارات")
    assert not policy.blocked("#برلين")
