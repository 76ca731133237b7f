"""The local Bot API stand-in's sendMediaGroup and deleteMessages, over a real socket: Telegram's
limits and error texts (nashra.testing._tgalbum says where each comes from)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from nashra.testing import FakeTelegram

TOKEN = "123456:TEST"


def photos(n: int, **first: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"type": "photo", "media": f"https://cdn.example.org/p{i}.jpg"} for i in range(n)
    ]
    if items:
        items[0].update(first)
    return items


@pytest.fixture
def api() -> Iterator[tuple[FakeTelegram, Any]]:
    with FakeTelegram({TOKEN}, chat_limit=8) as fake, httpx.Client() as client:
        fake.add_chat("@channel")
        fake.add_chat("-100200")

        def call(method: str, *, form: bool = False, **payload: Any) -> dict[str, Any]:
            url = f"{fake.url}/bot{TOKEN}/{method}"
            if form:  # multipart/form-style: arrays as JSON-serialized strings
                data = {k: json.dumps(v) if isinstance(v, list) else v for k, v in payload.items()}
                resp = client.post(url, data=data)
            else:
                resp = client.post(url, json=payload)
            body: dict[str, Any] = resp.json()
            assert (resp.status_code == 200) == body["ok"]
            return body

        yield fake, call


def test_an_album_is_an_array_of_messages_sharing_one_media_group_id(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    call("sendMessage", chat_id="@channel", text="قبل")
    got = call(
        "sendMediaGroup",
        chat_id="@channel",
        media=photos(3, caption="<b>عاجل</b> &amp; مهم", parse_mode="HTML"),
    )["result"]
    assert [m["message_id"] for m in got] == [2, 3, 4]  # consecutive ids
    assert len({m["media_group_id"] for m in got}) == 1
    assert got[0]["caption"] == "عاجل & مهم" and all("caption" not in m for m in got[1:])
    assert all(m["photo"] for m in got)
    [album] = fake.albums("@channel").values()
    assert [m.photo for m in album] == [p["media"] for p in photos(3)]


def test_media_as_a_json_serialized_string(api) -> None:  # type: ignore[no-untyped-def]
    _, call = api
    got = call("sendMediaGroup", form=True, chat_id="@channel", media=photos(2, caption="نص"))
    assert [m["message_id"] for m in got["result"]] == [1, 2]


@pytest.mark.parametrize(
    ("media", "description"),
    [
        (None, 'Bad Request: parameter "media" is required'),
        ("not json", "Bad Request: can't parse media JSON object"),
        ({"type": "photo"}, "Bad Request: can't parse media JSON object"),
        ([], "Bad Request: there are no messages to send"),
        (photos(11), "Bad Request: too many messages to send as an album"),
        (
            [{"type": "animation", "media": "https://e.org/a.mp4"}, *photos(1)],
            'Bad Request: can\'t parse InputMedia: type "animation" is unsupported',
        ),
        (photos(2, caption="ن" * 1025), "Bad Request: message caption is too long"),
        (
            photos(2, caption="<b>غير مغلق", parse_mode="HTML"),
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            [*photos(1), {"type": "photo", "media": "file.jpg"}],
            "Bad Request: wrong file identifier/HTTP URL specified",
        ),
        (
            [*photos(1), {**photos(2)[1], "show_caption_above_media": True}],
            "Bad Request: parameter show_caption_above_media must be the same for all messages",
        ),
    ],
)
def test_refused_albums_post_nothing(api, media, description) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    payload: dict[str, Any] = {"chat_id": "@channel"}
    if media is not None:
        payload["media"] = media
    got = call("sendMediaGroup", **payload)
    assert got == {"ok": False, "error_code": 400, "description": description}
    assert fake.messages("@channel") == []


def test_a_photo_telegram_cannot_fetch_is_named_by_its_position(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    media = photos(3, caption="نص")
    fake.refuse_photo(media[1]["media"], "WEBPAGE_CURL_FAILED")
    got = call("sendMediaGroup", chat_id="@channel", media=media)
    assert got["description"] == (
        'Bad Request: failed to send message #2 with the error message "WEBPAGE_CURL_FAILED"'
    )
    alone = call("sendPhoto", chat_id="@channel", photo=media[1]["media"], caption="نص")
    assert alone["description"] == "Bad Request: WEBPAGE_CURL_FAILED"
    assert fake.messages("@channel") == []
    with pytest.raises(ValueError, match="not a Telegram photo error"):
        fake.refuse_photo("https://e.org/x.jpg", "some other words")


def test_an_album_counts_as_its_messages_in_the_flood_limit(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    assert call("sendMediaGroup", chat_id="@channel", media=photos(5))["ok"]
    for i in range(2):
        assert call("sendMessage", chat_id="@channel", text=f"خبر {i}")["ok"]
    # 7 of the chat's 8 messages per window are used: an album of 2 does not fit, 1 text does
    got = call("sendMediaGroup", chat_id="@channel", media=photos(2))
    assert got["error_code"] == 429 and got["parameters"]["retry_after"] >= 1
    assert len(fake.messages("@channel")) == 7


def test_a_keyboard_is_not_a_parameter_of_sendmediagroup_and_is_ignored(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    markup = {"inline_keyboard": [[{"text": "اقرأ", "url": "https://e.org/"}]]}
    assert call("sendMediaGroup", chat_id="@channel", media=photos(2), reply_markup=markup)["ok"]
    assert all(m.buttons == () for m in fake.messages("@channel"))


def test_delete_messages_removes_the_album_and_skips_ids_not_found(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    call("sendMediaGroup", chat_id="@channel", media=photos(3, caption="نص"))
    call("sendMessage", chat_id="@channel", text="بعد")
    assert call("deleteMessages", chat_id="@channel", message_ids=[1, 2, 3, 99])["result"] is True
    assert [m.text for m in fake.messages("@channel")] == ["بعد"]
    got = call("deleteMessages", chat_id="@channel", message_ids=[])
    assert got["description"] == "Bad Request: message identifiers are not specified"


def test_the_album_caption_is_edited_and_forwarded_like_a_photos(api) -> None:  # type: ignore[no-untyped-def]
    _, call = api
    call("sendMediaGroup", chat_id="@channel", media=photos(2, caption="قديم"))
    edited = call("editMessageCaption", chat_id="@channel", message_id=1, caption="جديد")
    assert edited["result"]["caption"] == "جديد"
    as_text = call("editMessageText", chat_id="@channel", message_id=1, text="نص")
    assert as_text["description"] == "Bad Request: there is no text in the message to edit"
    call("sendMessage", chat_id="@channel", text="رسالة")
    no_caption = call("editMessageCaption", chat_id="@channel", message_id=3, caption="x")
    assert no_caption["description"] == "Bad Request: there is no caption in the message to edit"
    copy = call("forwardMessage", chat_id="-100200", from_chat_id="@channel", message_id=2)
    assert copy["result"]["photo"] and not copy["result"].get("caption")
