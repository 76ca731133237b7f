"""The local Bot API stand-in answers forwardMessage, deleteMessage and editMessageText as
Telegram does (ids per chat, its error texts), over a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from nashra.testing import FakeTelegram

TOKEN = "123456:TEST"


@pytest.fixture
def api() -> Iterator[tuple[FakeTelegram, Any]]:
    with FakeTelegram({TOKEN}) as fake, httpx.Client() as client:
        fake.add_chat("@channel")
        fake.add_chat("-100200")

        def call(method: str, **payload: Any) -> dict[str, Any]:
            resp = client.post(f"{fake.url}/bot{TOKEN}/{method}", json=payload)
            body: dict[str, Any] = resp.json()
            assert (resp.status_code == 200) == body["ok"]
            return body

        yield fake, call


def test_message_ids_count_up_per_chat(api) -> None:  # type: ignore[no-untyped-def]
    _, call = api
    ids = [call("sendMessage", chat_id="@channel", text=f"خبر {i}")["result"] for i in range(3)]
    other = call("sendMessage", chat_id="-100200", text="أخرى")["result"]
    assert [r["message_id"] for r in ids] == [1, 2, 3]
    assert other["message_id"] == 1


def test_forward_returns_the_message_and_the_copy_can_be_deleted(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    call("sendMessage", chat_id="@channel", text="<b>عاجل</b> نص", parse_mode="HTML")
    got = call("forwardMessage", chat_id="-100200", from_chat_id="@channel", message_id=1)
    msg = got["result"]
    assert msg["text"] == "عاجل نص"  # what readers see, after entity parsing
    assert msg["forward_origin"]["message_id"] == 1 and msg["chat"]["id"] == "-100200"
    assert call("deleteMessage", chat_id="-100200", message_id=msg["message_id"])["result"] is True
    assert fake.messages("-100200") == [] and len(fake.messages("@channel")) == 1


def test_telegrams_error_texts(api) -> None:  # type: ignore[no-untyped-def]
    _, call = api
    call("sendMessage", chat_id="@channel", text="نص")
    missing = call("forwardMessage", chat_id="-100200", from_chat_id="@channel", message_id=9)
    assert missing == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message to forward not found",
    }
    assert call("deleteMessage", chat_id="@channel", message_id=1)["ok"]
    gone = call("deleteMessage", chat_id="@channel", message_id=1)
    assert gone["description"] == "Bad Request: message to delete not found"
    edit = call("editMessageText", chat_id="@channel", message_id=1, text="جديد")
    assert edit["description"] == "Bad Request: message to edit not found"
    again = call("forwardMessage", chat_id="-100200", from_chat_id="@channel", message_id=1)
    assert again["description"] == "Bad Request: message to forward not found"
    call("sendMessage", chat_id="@channel", text="ثابت")
    same = call("editMessageText", chat_id="@channel", message_id=2, text="ثابت")
    assert same["description"].startswith("Bad Request: message is not modified")
    nowhere = call("forwardMessage", chat_id="-100999", from_chat_id="@channel", message_id=2)
    assert nowhere["description"] == "Bad Request: chat not found"


def test_a_forward_counts_against_the_chats_limit(api) -> None:  # type: ignore[no-untyped-def]
    fake, call = api
    fake.chat_limit = 2
    call("sendMessage", chat_id="@channel", text="نص")
    for _ in range(2):
        assert call("forwardMessage", chat_id="-100200", from_chat_id="@channel", message_id=1)[
            "ok"
        ]
    limited = call("forwardMessage", chat_id="-100200", from_chat_id="@channel", message_id=1)
    assert limited["error_code"] == 429 and limited["parameters"]["retry_after"] >= 1
