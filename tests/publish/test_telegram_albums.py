"""Albums (sendMediaGroup) end to end: outbox → channel → the local Bot API stand-in on 127.0.0.1.

An article with several pictures goes out once, as an album in the article's order, the post as
the first photo's caption when it fits 1024 UTF-16 units, else the headline there and the text
next; more than 10 pictures are cut to 10; the «اقرأ المزيد» button sits on the text message
under the album; a photo Telegram refuses is left out (down to a photo, or the text alone);
edits change the first photo's caption, a delete removes every photo; a reply lost after
Telegram took the album, and a process killed there, are settled by reconcile, never by a
second album.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from nashra.models import Article, Enrichment
from nashra.pipeline import channel_views
from nashra.render import telegram as tg
from nashra.settings import load_config
from nashra.store import outbox, schema
from nashra.store import parts as post_parts
from nashra.testing import FakeTelegram, Faults
from nashra.web.desk import Desk
from tests.publish.pubkit import TOKEN, article, make_store, queue, run, states, telegram

CHAT, CHECKS = "@nashra_test", "-100777"
READ_MORE = "اقرأ المزيد"


def pictures(n: int, story: int = 1) -> tuple[str, ...]:
    return tuple(f"https://cdn.example.org/{story}/photo-{i}.jpg" for i in range(n))


def with_pictures(n: int, count: int, *, paragraphs: int = 2) -> Article:
    images = pictures(count, n)
    return replace(article(n, paragraphs=paragraphs, image=images[0]), images=images)


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASHRA_TEST_BOT_TOKEN", TOKEN)


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeTelegram({TOKEN}) as f:
        f.add_chat(CHAT)
        f.add_chat(CHECKS)
        yield f


def only_album(fake: FakeTelegram) -> list:  # type: ignore[type-arg]
    albums = fake.albums(CHAT)
    assert len(albums) == 1, albums
    return next(iter(albums.values()))


def test_an_album_goes_out_once_in_order_with_the_post_as_its_caption(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    [pid] = queue(store, ch, [with_pictures(1, 3)])
    run(store, [ch])
    run(store, [telegram(fake.url)])  # a second round sends nothing again
    album = only_album(fake)
    assert [m.photo for m in album] == list(pictures(3, 1))
    assert len(fake.messages(CHAT)) == 3  # the album and nothing else
    first, *rest = album
    assert "الفقرة 1 من الخبر رقم 1" in first.text and tg.u16(first.text) <= 1024
    assert first.text.startswith("عنوان الخبر رقم 1 <عاجل> & مهم")  # entities parsed
    assert all(m.text == "" for m in rest)  # one caption, under the album
    assert states(store) == {pid: "sent"}
    with store.read() as conn:
        [part] = post_parts.parts(conn, pid)
        paced = conn.execute(sa.select(sa.func.count()).select_from(schema.sends)).scalar()
    assert part.remote_id == f"{CHAT}:1,2,3" and part.images == pictures(3, 1)
    assert paced == 3  # pacing counts the album's three messages


def test_more_than_ten_pictures_are_cut_to_ten(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [with_pictures(2, 14)])
    run(store, [ch])
    assert [m.photo for m in only_album(fake)] == list(pictures(14, 2)[:10])


def test_one_picture_is_a_photo_not_an_album(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [with_pictures(3, 1)])
    run(store, [ch])
    [msg] = fake.messages(CHAT)
    assert msg.method == "sendPhoto" and fake.albums(CHAT) == {}


def test_a_post_too_long_for_a_caption_is_the_album_with_the_headline_then_the_text(
    tmp_path, fake
) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [with_pictures(4, 3, paragraphs=30)])
    run(store, [ch])
    msgs = fake.messages(CHAT)
    album = only_album(fake)
    assert msgs[:3] == album
    assert album[0].text == "عنوان الخبر رقم 4 <عاجل> & مهم"  # the headline, bold in the source
    assert album[0].source.startswith("<b>")
    text = msgs[3:]
    assert text and all(m.method == "sendMessage" and tg.u16(m.text) <= 4096 for m in text)
    assert "الفقرة 0 من الخبر رقم 4" in text[0].text and "الفقرة 29" in text[-1].text


def test_the_read_more_button_rides_on_the_text_after_the_album(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, button=True)
    queue(store, ch, [with_pictures(5, 2)])  # short enough for a caption, but the button
    run(store, [ch])
    msgs = fake.messages(CHAT)
    album = only_album(fake)
    assert len(msgs) == 3 and msgs[:2] == album
    assert all(m.buttons == () for m in album)  # a media group takes no keyboard
    assert msgs[2].method == "sendMessage"
    assert msgs[2].buttons == ((READ_MORE, "https://example.org/news/5"),)
    assert "الفقرة 1 من الخبر رقم 5" in msgs[2].text


def test_teaser_mode_albums(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    plain = telegram(fake.url, name="teaser", mode="teaser")
    button = telegram(fake.url, name="teaser-button", mode="teaser", button=True)
    queue(store, plain, [with_pictures(6, 3, paragraphs=30)])
    queue(store, button, [with_pictures(7, 3, paragraphs=30)])
    run(store, [plain, button])
    by_story = {}
    for group in fake.albums(CHAT).values():
        by_story[group[0].photo.split("/")[3]] = group
    # without a button: the teaser is the album's caption (one unit, cut to 1024, link kept)
    six = by_story["6"]
    assert tg.u16(six[0].text) <= 1024 and READ_MORE in six[0].text
    # with the button: the headline under the album, the teaser (≤ 4096) with the button after
    seven = by_story["7"]
    after = [m for m in fake.messages(CHAT) if m.method == "sendMessage"]
    assert seven[0].text == "عنوان الخبر رقم 7 <عاجل> & مهم"
    assert len(after) == 1 and tg.u16(after[0].text) <= 4096
    assert after[0].buttons == ((READ_MORE, "https://example.org/news/7"),)
    assert after[0].message_id == seven[-1].message_id + 1


def test_albums_can_be_turned_off(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, albums=False)
    queue(store, ch, [with_pictures(8, 3)])
    run(store, [ch])
    [msg] = fake.messages(CHAT)
    assert msg.method == "sendPhoto" and msg.photo == pictures(3, 8)[0]


@pytest.mark.parametrize(
    ("refused", "error", "want"),
    [
        # one photo Telegram cannot fetch: the album again without it
        ([1], "failed to get HTTP URL content", ("sendMediaGroup", [0, 2])),
        ([0], "WEBPAGE_CURL_FAILED", ("sendMediaGroup", [1, 2])),
        # two of three: the last one as a photo with the caption
        ([0, 2], "WEBPAGE_MEDIA_EMPTY", ("sendPhoto", [1])),
        # a URL refused outright names no photo: the lead alone, then (refused too) the text
        ([0], "wrong file identifier/HTTP URL specified", ("sendMessage", [])),
        ([0, 1, 2], "failed to get HTTP URL content", ("sendMessage", [])),
    ],
)
def test_a_refused_photo_is_left_out_and_the_post_is_never_lost(
    tmp_path, fake, refused, error, want
) -> None:  # type: ignore[no-untyped-def]
    images = pictures(3, 9)
    for i in refused:
        fake.refuse_photo(images[i], error)
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    [pid] = queue(store, ch, [with_pictures(9, 3)])
    run(store, [ch])
    method, kept = want
    msgs = fake.messages(CHAT)
    assert {m.method for m in msgs} == {method}
    assert [m.photo for m in msgs if m.photo] == [images[i] for i in kept]
    assert "الفقرة 1 من الخبر رقم 9" in msgs[0].text  # the post went out, with its text
    assert states(store) == {pid: "sent"}


def test_an_edit_after_sending_changes_the_first_photos_caption(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    [pid] = queue(store, ch, [with_pictures(10, 3)])
    run(store, [ch])
    view = channel_views([ch], load_config(data={}))[0]
    changed = replace(with_pictures(10, 3), id=1, title="عنوان مصحح بعد التحديث")
    with store.tx() as conn:
        outbox.rerender(conn, view.renderer.render(changed, Enrichment(), "tg"))
    run(store, [telegram(fake.url)])
    album = only_album(fake)
    assert len(fake.messages(CHAT)) == 3  # edited in place, nothing sent again
    assert album[0].text.startswith("عنوان مصحح بعد التحديث") and album[0].edits
    assert [m.edits for m in album[1:]] == [[], []]
    assert states(store) == {pid: "sent"}


def test_delete_removes_every_photo_of_the_album(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, button=True)
    [pid] = queue(store, ch, [with_pictures(11, 4)])
    run(store, [ch])
    assert len(fake.messages(CHAT)) == 5  # four photos and the text with the button
    desk = Desk(load_config(data={}), {"tg": telegram(fake.url, button=True)})
    assert asyncio.run(desk.delete_sent(store, pid)) is True
    assert fake.messages(CHAT) == []
    assert [r[2] for r in fake.requests if r[2].startswith("delete")] == [
        "deleteMessage",
        "deleteMessages",
    ]
    assert states(store) == {pid: "deleted"}


def test_a_lost_reply_after_the_album_landed_is_reconciled_not_sent_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    faults = Faults(timeout_after=1.0, hang=3.0, methods=frozenset({"sendMediaGroup"}), limit=1)
    with FakeTelegram({TOKEN}, faults=faults) as fake:
        fake.add_chat(CHAT)
        fake.add_chat(CHECKS)
        store = make_store(tmp_path)
        ch = telegram(fake.url, reconcile_chat=CHECKS)
        [pid] = queue(store, ch, [with_pictures(12, 3), article(13)])[:1]
        report = run(store, [telegram(fake.url, reconcile_chat=CHECKS)], budget=10.0)
        assert faults.counts == {"timeout_after": 1}
        assert len(fake.albums(CHAT)) == 1  # one album, not two
        assert [m.method for m in fake.messages(CHAT)] == ["sendMediaGroup"] * 3 + ["sendMessage"]
        assert fake.messages(CHECKS) == []  # the forwarded copies were deleted
    assert report.outcomes["unknown"] == 0
    assert states(store) == {pid: "sent", pid + 1: "sent"}
    with store.read() as conn:
        [part] = post_parts.parts(conn, pid)
    assert part.remote_id == f"{CHAT}:1,2,3"  # every photo's id, found by the check


_SENDER = """
import sys
from pathlib import Path
from tests.publish.pubkit import make_store, run, telegram
store = make_store(Path(sys.argv[1]))
run(store, [telegram(sys.argv[2], reconcile_chat=sys.argv[3], timeout=30.0)], budget=60.0)
"""


def test_a_process_killed_between_the_album_and_its_confirmation_reconciles(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Telegram takes the album, then holds the reply; the sending process is SIGKILLed before
    # it can record anything. The next process finds the part cut by a crash and checks it.
    faults = Faults(timeout_after=1.0, hang=30.0, methods=frozenset({"sendMediaGroup"}), limit=1)
    with FakeTelegram({TOKEN}, faults=faults) as fake:
        fake.add_chat(CHAT)
        fake.add_chat(CHECKS)
        store = make_store(tmp_path)
        [pid] = queue(store, telegram(fake.url), [with_pictures(14, 3)])
        env = {
            **os.environ,
            "NASHRA_TEST_BOT_TOKEN": TOKEN,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
        proc = subprocess.Popen(
            [sys.executable, "-c", _SENDER, str(tmp_path), fake.url, CHECKS],
            env=env,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not fake.albums(CHAT) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert fake.albums(CHAT), "the album never reached the stand-in"
            with store.read() as conn:
                assert post_parts.parts(conn, pid)[0].state.value == "in_flight"
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        time.sleep(1.2)  # the claim's lease (1 s) runs out
        report = run(store, [telegram(fake.url, reconcile_chat=CHECKS)], budget=10.0)
        assert len(fake.albums(CHAT)) == 1 and len(fake.messages(CHAT)) == 3  # never twice
    assert report.outcomes["unknown"] == 0
    assert states(store) == {pid: "sent"}
    with store.read() as conn:
        [part] = post_parts.parts(conn, pid)
    assert part.remote_id == f"{CHAT}:1,2,3"
