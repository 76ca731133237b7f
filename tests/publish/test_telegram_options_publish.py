"""Per-channel Telegram options against the local Bot API, with Telegram's limits.

Button present (on the post's last message only, kept through an edit), link preview flags,
silent posts and quiet hours, the photo with the whole post as its caption when it fits 1024,
a longer post as text with the image previewed above (``preview_url = "image"``), and teaser
mode in one message (≤ 4096 UTF-16 units, ≤ 1024 as a caption).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from nashra.errors import ConfigError
from nashra.render import telegram as tg
from nashra.store import outbox
from nashra.testing import FakeTelegram
from tests.publish.pubkit import TOKEN, article, make_store, queue, run, states, telegram

IMG = "https://example.org/lead.jpg"
READ_MORE = "اقرأ المزيد"


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASHRA_TEST_BOT_TOKEN", TOKEN)


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeTelegram({TOKEN}) as f:
        f.add_chat("@nashra_test")
        yield f


def test_read_more_button_on_the_last_message_and_kept_by_an_edit(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, button=True)
    [pid] = queue(store, ch, [article(1, paragraphs=60)])
    run(store, [ch])
    msgs = fake.messages("@nashra_test")
    assert len(msgs) >= 3
    url = "https://example.org/news/1"
    assert msgs[-1].buttons == ((READ_MORE, url),)
    assert all(m.buttons == () for m in msgs[:-1])
    # An edit of the last message sends the keyboard again (without it Telegram drops it).
    with store.tx() as conn:
        post = outbox.get(conn, pid)
        assert post is not None
        outbox.rerender(conn, replace(post, text=post.text.replace("الفقرة 59", "الفقرة الأخيرة")))
    run(store, [ch])
    assert "الفقرة الأخيرة" in msgs[-1].text and msgs[-1].edits
    assert msgs[-1].buttons == ((READ_MORE, url),)


def test_a_custom_button_label(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, button="التفاصيل")
    queue(store, ch, [article(2)])
    run(store, [ch])
    assert fake.accepted[0].buttons == (("التفاصيل", "https://example.org/news/2"),)


@pytest.mark.parametrize(
    ("options", "preview", "above"),
    [
        ({}, "https://example.org/news/3", False),  # Telegram's choice: the text's first link
        ({"link_preview": "off"}, None, False),
        ({"link_preview": "above"}, "https://example.org/news/3", True),
        ({"link_preview": "below", "preview_url": "article"}, "https://example.org/news/3", False),
    ],
)
def test_link_preview_flags(tmp_path, fake, options, preview, above) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, **options)
    queue(store, ch, [article(3)])
    run(store, [ch])
    [msg] = fake.accepted
    assert msg.method == "sendMessage"
    assert (msg.preview, msg.preview_above) == (preview, above)


def test_silent_posts(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    loud, quiet = telegram(fake.url, name="loud"), telegram(fake.url, name="quiet", silent=True)
    queue(store, loud, [article(4)])
    queue(store, quiet, [article(5)])
    run(store, [loud, quiet])
    by_text = {m.text.split("\n")[0]: m.silent for m in fake.accepted}
    assert by_text == {
        "عنوان الخبر رقم 4 <عاجل> & مهم": False,
        "عنوان الخبر رقم 5 <عاجل> & مهم": True,
    }


def test_quiet_hours_in_the_channels_zone(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    hour = datetime.now(UTC).hour
    now_quiet = [hour, (hour + 1) % 24]
    later = [(hour + 2) % 24, (hour + 3) % 24]
    store = make_store(tmp_path)
    a = telegram(fake.url, name="a", timezone="UTC", quiet_hours=now_quiet)
    b = telegram(fake.url, name="b", timezone="UTC", quiet_hours=later)
    queue(store, a, [article(6)])
    queue(store, b, [article(7)])
    run(store, [a, b])
    silent = {n: next(m for m in fake.accepted if f"رقم {n} " in m.text).silent for n in (6, 7)}
    assert silent == {6: True, 7: False}  # 6 inside its quiet hours, 7 outside


def test_photo_with_the_whole_post_as_its_caption_when_it_fits(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [article(8, paragraphs=2, image=IMG)])
    run(store, [ch])
    [msg] = fake.accepted  # one message: no photo + second message with the body
    assert msg.method == "sendPhoto" and msg.photo == IMG
    assert tg.u16(msg.text) <= 1024
    assert "الفقرة 1 من الخبر رقم 8" in msg.text


def test_a_longer_post_is_text_with_the_image_previewed_above(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, link_preview="above", preview_url="image")
    queue(store, ch, [article(9, paragraphs=8, image=IMG)])
    run(store, [ch])
    msgs = fake.accepted
    assert [m.method for m in msgs] == ["sendMessage"] * len(msgs)
    assert msgs[0].preview == IMG and msgs[0].preview_above
    assert all(tg.u16(m.text) <= 4096 for m in msgs)
    assert set(states(store).values()) == {"sent"}


@pytest.mark.parametrize("options", [{}, {"link_preview": "off", "preview_url": "image"}])
def test_otherwise_the_photo_carries_the_first_part(tmp_path, fake, options) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, **options)
    queue(store, ch, [article(10, paragraphs=8, image=IMG)])
    run(store, [ch])
    msgs = fake.accepted
    assert msgs[0].method == "sendPhoto" and tg.u16(msgs[0].text) <= 1024
    assert [m.method for m in msgs[1:]] == ["sendMessage"] * (len(msgs) - 1)
    if options.get("link_preview") == "off":
        assert all(m.preview is None for m in msgs[1:])


@pytest.mark.parametrize(
    ("image", "limit", "method"), [(None, 4096, "sendMessage"), (IMG, 1024, "sendPhoto")]
)
def test_teaser_always_fits_one_message(tmp_path, fake, image, limit, method) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, mode="teaser")
    queue(store, ch, [article(11, paragraphs=60, image=image)])
    run(store, [ch])
    [msg] = fake.accepted
    assert msg.method == method and tg.u16(msg.text) <= limit
    assert msg.text.startswith("عنوان الخبر رقم 11")
    assert "الفقرة 0 من الخبر رقم 11" in msg.text and "الفقرة 2 " not in msg.text
    assert 'href="https://example.org/news/11"' in msg.source  # the link, never cut
    assert msg.text.rstrip().endswith(READ_MORE)


def test_teaser_with_a_button_has_no_link_line(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, mode="teaser", button=True)
    queue(store, ch, [article(12, paragraphs=1)])
    run(store, [ch])
    [msg] = fake.accepted
    assert msg.buttons == ((READ_MORE, "https://example.org/news/12"),)
    assert "href=" not in msg.source


def test_a_long_lead_is_cut_to_fit(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, mode="teaser")
    long = article(13, paragraphs=1)
    body = (replace(long.blocks[0], text="جملة طويلة جدًا في الفقرة الأولى، ثم تستمر. " * 300),)
    queue(store, ch, [replace(long, blocks=body, image=IMG)])
    run(store, [ch])
    [msg] = fake.accepted
    assert msg.method == "sendPhoto" and tg.u16(msg.text) <= 1024
    assert "…" in msg.text and 'href="https://example.org/news/13"' in msg.source


@pytest.mark.parametrize(
    "bad",
    [
        {"disable_web_page_preview": True},  # the old flag: link_preview replaces it
        {"link_preview": "sometimes"},
        {"mode": "summary"},
        {"quiet_hours": [23]},
        {"silent": "yes"},
    ],
)
def test_bad_options_are_refused_at_load(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        telegram("http://127.0.0.1:9", **bad)


def test_the_stand_in_refuses_what_telegram_refuses(fake) -> None:  # type: ignore[no-untyped-def]
    import httpx

    base = f"{fake.url}/bot{TOKEN}/sendMessage"
    ok = {"chat_id": "@nashra_test", "text": "نص"}
    bad = [
        {"reply_markup": {"inline_keyboard": [[{"text": "x"}]]}},
        {"reply_markup": {"inline_keyboard": [[{"text": "x", "url": "javascript:alert(1)"}]]}},
        {"link_preview_options": {"is_disabled": "yes"}},
        {"link_preview_options": {"hide": True}},
        {"disable_notification": "true"},
    ]
    for extra in bad:
        r = httpx.post(base, json={**ok, **extra})
        assert r.status_code == 400, extra
    assert fake.accepted == []
    assert httpx.post(base, json={**ok, "disable_notification": True}).status_code == 200
