"""extract_page on the sample article's pages: the whole body in order, none of the shell."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from nashra.errors import ExtractError, Rejected
from nashra.extract import extract_page
from nashra.models import Block, BlockKind, Discovered

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
EXPECTED = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
BLOCKS = tuple(Block(BlockKind(kind), text) for kind, text in EXPECTED["blocks"])
MARKERS = EXPECTED["boilerplate"]["markers"]


def _page(name: str) -> bytes:
    return (SAMPLE / name).read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECTED["pages"]))
def test_sample_pages_give_the_whole_body_in_order(name: str) -> None:
    case = EXPECTED["pages"][name]
    got = extract_page(_page(name), case["url"])
    if case.get("quote_as_paragraph"):  # the repost flattened the blockquote into paragraphs
        want = tuple(
            Block(BlockKind.PARAGRAPH, b.text) if b.kind is BlockKind.QUOTE else b for b in BLOCKS
        )
    else:
        want = BLOCKS
    assert got.blocks == want, case["description"]
    for marker in MARKERS:
        assert marker not in got.text, f"{name}: boilerplate {marker!r} leaked"
    assert got.title == case["title"]
    assert got.outlet == case["outlet"]
    assert got.published == datetime.fromisoformat(case["published"])
    assert (
        got.published is not None
        and got.published.utcoffset() == datetime.fromisoformat(case["published"]).utcoffset()
    ), "the outlet's own zone is kept"
    assert got.date_source == case["date_source"]
    assert got.method == "page" and got.fallback_reason is None


def test_sample_article_metadata() -> None:
    case = EXPECTED["pages"]["article.html"]
    got = extract_page(_page("article.html"), case["url"])
    assert got.author == case["author"]
    assert got.modified == datetime.fromisoformat(case["modified"])
    assert got.image == case["image"]
    assert got.canonical_url == case["url"]
    assert list(got.tags) == case["tags"]
    headings = [b.text for b in got.blocks if b.kind is BlockKind.HEADING]
    assert len(headings) == 3 and headings[1].startswith("فؤاد حسين")


def test_repost_additions_are_there_before_stripping() -> None:
    """The repost test is only meaningful if trafilatura itself keeps the aggregator's lines."""
    raw = trafilatura.extract(_page("repost.html").decode(), include_comments=False) or ""
    for line in ("تفاصيل إضافية عن", "اقرأ المزيد", "المصدر الأصلي", "مقيم أوروبا وعوغل", "📅"):
        assert line in raw


def test_feed_hint_wins_for_date_and_title() -> None:
    case = EXPECTED["pages"]["article.html"]
    published = datetime(2025, 10, 7, 8, 53, 41, tzinfo=UTC)
    hint = Discovered(source="الحل نت", url=case["url"], title=case["title"], published=published)
    got = extract_page(_page("article.html"), case["url"], hint=hint)
    assert got.published == published and got.date_source == "feed"
    assert got.modified == datetime.fromisoformat(case["modified"]), "modified kept apart"


def _without(html: str, *patterns: str) -> str:
    for pattern in patterns:
        html, n = re.subn(pattern, "", html)
        assert n, f"fixture no longer has {pattern!r}"
    return html


META_DATES = (
    r'<meta property="article:(?:published|modified)_time"[^>]*>',
    r'<script type="application/ld\+json">.*?</script>',
)


def test_without_meta_the_byline_time_gives_the_date_not_a_related_link() -> None:
    case = EXPECTED["pages"]["article.html"]
    html = _without(_page("article.html").decode(), *META_DATES)
    got = extract_page(html, case["url"])
    assert got.published == datetime.fromisoformat(case["published"])
    assert got.date_source == "byline"


def test_without_meta_or_byline_the_own_url_gives_the_date() -> None:
    case = EXPECTED["pages"]["article.html"]
    html = _without(
        _page("article.html").decode(), *META_DATES, r"<time class=\"entry-date[^<]*</time>"
    )
    got = extract_page(html, case["url"])
    assert got.published is not None and got.published.date().isoformat() == "2025-10-07"
    assert got.date_source == "url"


def test_no_date_at_all_rather_than_a_related_links_date() -> None:
    html = _without(
        _page("article.html").decode(),
        *META_DATES,
        r"<time class=\"entry-date[^<]*</time>",
        r'<link rel="canonical"[^>]*>',
        r'<meta property="og:url"[^>]*>',
    )
    got = extract_page(html, "https://7al.net/?p=81234")
    assert got.published is None and got.date_source is None


def test_an_empty_document_is_an_extract_error_with_where() -> None:
    with pytest.raises(ExtractError) as info:
        extract_page(b"", "https://example.org/empty")
    assert info.value.where == "https://example.org/empty"
    assert info.value.code == "extract"


@pytest.mark.parametrize(
    ("description", "html"),
    [
        (
            "a page with navigation only",
            "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>",
        ),
        (
            "a login form",
            "<html><body><form><input name=u><button>دخول</button></form></body></html>",
        ),
        ("a one-line page", "<html><body><p>قريبا.</p></body></html>"),
    ],
)
def test_no_article_is_a_drop_not_an_error(description: str, html: str | bytes) -> None:
    url = "https://example.org/empty"
    with pytest.raises(Rejected) as info:
        extract_page(html, url)
    assert info.value.reason in ("no_article", "too_short"), description
    assert url in info.value.detail


def test_an_arabic_byline_in_words_beats_the_site_headers_date_of_today() -> None:
    """No meta, no machine stamp: the byline's Arabic date is read, not the header's today."""
    case = EXPECTED["pages"]["article.html"]
    html = _without(_page("article.html").decode(), *META_DATES)
    html, n = re.subn(
        r"<time class=\"entry-date[^<]*</time>",
        '<span class="post-date">الثلاثاء ٧ تشرين الأول ٢٠٢٥ - 11:53</span>',
        html,
    )
    assert n == 1 and "الثلاثاء 14 تشرين الأول 2025" in html
    got = extract_page(html, "https://7al.net/?p=81234")
    assert got.date_source == "byline"
    assert got.published is not None
    assert (got.published.date().isoformat(), got.published.hour) == ("2025-10-07", 11)
    assert got.published.tzinfo is not None
    assert case["title"] == got.title
