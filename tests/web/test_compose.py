"""Plain-text editing of Telegram posts: what the editor sees, and the markup kept on save."""

from __future__ import annotations

import pytest

from nashra.render import telegram as tg
from nashra.web.compose import from_plain, preview_parts, to_plain

POST = (
    "#بغداد #دمشق\n\n"
    "<b>وفد &lt;رسمي&gt; يصل &amp; يلتقي</b>\n"
    "📅 التاريخ: 2025-03-02\n\n"
    "قال المتحدث إن الاتصالات مستمرة.\n"
    "<blockquote>نص الاقتباس\nعلى سطرين</blockquote>\n"
    '🔍 <a href="https://example.org/a?x=1&amp;y=2">اقرأ الخبر في موقعه الأصلي</a>'
)


def test_the_editor_sees_text_not_tags_or_entities() -> None:
    plain = to_plain(POST, True)
    assert "<b>" not in plain and "&lt;" not in plain and "&#34;" not in plain
    assert "وفد <رسمي> يصل & يلتقي" in plain
    assert "اقرأ الخبر في موقعه الأصلي: https://example.org/a?x=1&y=2" in plain


def test_unchanged_text_is_the_original() -> None:
    assert from_plain(to_plain(POST, True), POST, True) == POST


def test_a_changed_line_is_escaped_and_the_rest_keeps_its_markup() -> None:
    plain = to_plain(POST, True).replace("مستمرة.", "مستمرة <منذ أسابيع> & أكثر.")
    out = from_plain(plain, POST, True)
    assert "مستمرة &lt;منذ أسابيع&gt; &amp; أكثر." in out
    assert "<b>وفد &lt;رسمي&gt; يصل &amp; يلتقي</b>" in out
    assert "<blockquote>نص الاقتباس\nعلى سطرين</blockquote>" in out
    assert '<a href="https://example.org/a?x=1&amp;y=2">' in out
    tg.parse(out)


def test_editing_inside_a_multiline_quote_drops_only_that_quote_markup() -> None:
    out = from_plain(to_plain(POST, True).replace("على سطرين", "على سطر آخر"), POST, True)
    assert "<blockquote>" not in out and "نص الاقتباس\nعلى سطر آخر" in out
    assert out.startswith("#بغداد") and "<b>وفد" in out
    tg.parse(out)


def test_new_lines_typed_with_tags_stay_text() -> None:
    out = from_plain(to_plain(POST, True) + "\n<b>غير مسموح</b> <script>", POST, True)
    assert out.endswith("&lt;b&gt;غير مسموح&lt;/b&gt; &lt;script&gt;")


@pytest.mark.parametrize("text", ["سطر\r\nوسطر", "سطر\rوسطر"])
def test_plain_channels_take_the_text_as_typed(text: str) -> None:
    assert from_plain(text, "قديم", False) == "سطر\nوسطر"


def test_an_albums_preview_shows_its_photos_and_counts_against_the_caption_limit() -> None:
    photos = ("https://e.org/1.jpg", "https://e.org/2.jpg")
    [album, text] = preview_parts(
        [("album", "<b>العنوان</b>", photos[0], photos), ("text", "نص", None)], True
    )
    assert (album.kind, album.images, album.limit, album.length) == ("album", photos, 1024, 7)
    assert text.images == () and text.limit == 4096
