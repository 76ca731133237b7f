"""from_feed (the fallback), per-site rules, preview and the public names."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import nashra.extract
from nashra.errors import ConfigError, ExtractError
from nashra.extract import SiteRules, extract_page, from_feed, preview
from nashra.models import Block, BlockKind, Discovered

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
EXPECTED = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
ARTICLE_URL = EXPECTED["pages"]["article.html"]["url"]
BAGHDAD = timezone(timedelta(hours=3))


def _item(**kw: object) -> Discovered:
    base: dict[str, object] = {
        "source": "الحل نت",
        "url": "https://7al.net/2025/10/07/x/",
        "title": "بغداد تدعو للتنسيق مع دمشق",
        "published": datetime(2025, 10, 7, 11, 53, 41, tzinfo=BAGHDAD),
        "outlet": "الحل نت",
    }
    base.update(kw)
    return Discovered(**base)  # type: ignore[arg-type]


def test_from_feed_turns_content_html_into_blocks() -> None:
    content = (
        "<p>بغداد تدعو للتنسيق مع دمشق</p>"  # the title repeated as the first line
        "<p>الفقرة <b>الأولى</b> من الخبر.</p><h2>عنوان فرعي</h2>"
        "<blockquote>قال المسؤول ما قال.</blockquote><ul><li>أولا</li><li>ثانيا</li></ul>"
        "<script>alert(1)</script><p>📌 المصدر الأصلي:</p><p>قناة ما</p>"
    )
    got = from_feed(_item(content_html=content, summary_html="<p>ملخص</p>"), "fetch.status 404")
    assert got.blocks == (
        Block(BlockKind.PARAGRAPH, "الفقرة الأولى من الخبر."),
        Block(BlockKind.HEADING, "عنوان فرعي"),
        Block(BlockKind.QUOTE, "قال المسؤول ما قال."),
        Block(BlockKind.LIST_ITEM, "أولا"),
        Block(BlockKind.LIST_ITEM, "ثانيا"),
    )
    assert got.method == "feed" and got.fallback_reason == "fetch.status 404"
    assert got.published == datetime(2025, 10, 7, 11, 53, 41, tzinfo=BAGHDAD)
    assert got.date_source == "feed" and got.outlet == "الحل نت"


def test_from_feed_uses_the_summary_when_there_is_no_content() -> None:
    got = from_feed(_item(summary_html="ملخص الخبر<br>سطر ثان"), "extract")
    assert [b.text for b in got.blocks] == ["ملخص الخبر", "سطر ثان"]


def test_from_feed_without_any_text_raises() -> None:
    with pytest.raises(ExtractError) as info:
        from_feed(_item(summary_html="<p> </p>"), "extract")
    assert info.value.where == "https://7al.net/2025/10/07/x/"


def test_drop_rule_removes_a_paragraph_before_extraction() -> None:
    html = (SAMPLE / "article.html").read_text(encoding="utf-8")
    plain = extract_page(html, ARTICLE_URL)
    rules = SiteRules(drop=(".entry-content h2",))
    ruled = extract_page(html, ARTICLE_URL, rules=rules)
    assert [b for b in plain.blocks if b.kind is not BlockKind.HEADING] == list(ruled.blocks)
    assert ruled.title == plain.title and ruled.published == plain.published


def test_keep_rule_makes_the_article_what_it_matches() -> None:
    html = (SAMPLE / "article.html").read_text(encoding="utf-8")
    rules = SiteRules(keep=(".entry-content blockquote",))
    got = extract_page(html, ARTICLE_URL, rules=rules)
    assert [b.kind for b in got.blocks] == [BlockKind.QUOTE, BlockKind.QUOTE]
    assert got.author == "علي الكرملي", "the page's metadata survives a keep rule"


def test_a_keep_rule_that_matches_nothing_leaves_the_page_whole() -> None:
    html = (SAMPLE / "article.html").read_text(encoding="utf-8")
    got = extract_page(html, ARTICLE_URL, rules=SiteRules(keep=(".no-such-class",)))
    assert len(got.blocks) == len(EXPECTED["blocks"])


def test_rules_from_the_config_table() -> None:
    rules = SiteRules.from_dict({"keep": "article .entry-content", "drop": [".share", "aside"]})
    assert rules == SiteRules(keep=("article .entry-content",), drop=(".share", "aside"))
    assert not SiteRules.from_dict({})


@pytest.mark.parametrize(
    ("description", "table"),
    [
        ("an unknown key", {"keep": [], "remove": [".x"]}),
        ("a selector that is not CSS", {"drop": ["div[["]}),
        ("a number instead of selectors", {"keep": 3}),
    ],
)
def test_bad_rules_are_config_errors(description: str, table: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        SiteRules.from_dict(table)


def test_preview_shows_fields_blocks_and_each_rules_effect() -> None:
    html = (SAMPLE / "article.html").read_bytes()
    report = preview(html, ARTICLE_URL, SiteRules(drop=(".entry-content h2", ".nothing-here")))
    assert "علي الكرملي" in report and "2025-10-07T11:53:41+03:00 (meta)" in report
    assert "drop '.entry-content h2': 3 matched" in report
    assert "drop '.nothing-here': 0 matched" in report
    assert "without rules: 20 blocks" in report and "with rules:    17 blocks" in report
    assert "## " not in report, "the dropped subheadings are gone from the body"


def test_preview_of_a_page_without_article() -> None:
    report = preview(b"<html><body><nav>x</nav></body></html>", "https://example.org/")
    assert "no article" in report


def test_public_names_are_complete() -> None:
    public = {n for n in dir(nashra.extract) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(nashra.extract, n)).__name__ == "module"}
    assert set(nashra.extract.__all__) == public - modules
