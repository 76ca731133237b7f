"""Maybe-sent Telegram parts settled through a private reconcile chat (forward, compare, delete).

Every test runs against the local Bot API stand-in over real sockets; the faults are injected by
the stand-in, before or after it accepts a message, as the real service would fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nashra.models import Part
from nashra.render import telegram as tg
from nashra.store import outbox
from nashra.store import parts as post_parts
from nashra.testing import FakeTelegram, Faults
from tests.publish.pubkit import TOKEN, article, make_store, queue, run, states, telegram

CHAT, CHECKS = "@nashra_test", "-100777"
SENDS = frozenset({"sendMessage", "sendPhoto"})


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASHRA_TEST_BOT_TOKEN", TOKEN)


def fake_with(faults: Faults) -> FakeTelegram:
    fake = FakeTelegram({TOKEN}, faults=faults)
    fake.add_chat(CHAT)
    fake.add_chat(CHECKS)
    return fake


def texts(fake: FakeTelegram, chat: str = CHAT) -> list[str]:
    return [m.text for m in fake.messages(chat)]


@pytest.fixture
def lost_reply() -> Iterator[FakeTelegram]:
    """The first send is accepted, then its reply never comes (the client times out)."""
    with fake_with(Faults(timeout_after=1.0, hang=3.0, methods=SENDS, limit=1)) as fake:
        yield fake


def test_a_lost_reply_is_found_in_the_channel_and_not_sent_again(tmp_path, lost_reply) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    queue(store, telegram(lost_reply.url, reconcile_chat=CHECKS), [article(1), article(2)])
    report = run(store, [telegram(lost_reply.url, reconcile_chat=CHECKS)], budget=8.0)
    assert states(store) == {1: "sent", 2: "sent"}
    assert report.outcomes["unknown"] == 0
    shown = texts(lost_reply)
    assert len(shown) == 2 and "رقم 1" in shown[0] and "رقم 2" in shown[1]
    assert texts(lost_reply, CHECKS) == []  # the forwarded copy was deleted
    with store.read() as conn:
        post = outbox.get(conn, 1)
    assert post is not None and post.remote_id == f"{CHAT}:1"  # the id the check found


@pytest.mark.parametrize("fault", ["error_before", "reset_before", "timeout_before"])
def test_a_send_that_never_landed_is_sent_again_once(tmp_path, fault: str) -> None:  # type: ignore[no-untyped-def]
    faults = Faults(hang=1.5, methods=SENDS, limit=1, **{fault: 1.0})
    with fake_with(faults) as fake:
        store = make_store(tmp_path)
        queue(store, telegram(fake.url, reconcile_chat=CHECKS), [article(1), article(2)])
        run(store, [telegram(fake.url, reconcile_chat=CHECKS)], budget=8.0)
        assert faults.counts == {f"{fault.split('_')[0].replace('error', '5xx')}_before": 1}
        shown = texts(fake)
    assert states(store) == {1: "sent", 2: "sent"}
    assert len(shown) == 2 and "رقم 1" in shown[0] and "رقم 2" in shown[1]


def test_a_5xx_after_acceptance_is_settled_as_sent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with fake_with(Faults(error_after=1.0, methods=SENDS, limit=1)) as fake:
        store = make_store(tmp_path)
        queue(store, telegram(fake.url, reconcile_chat=CHECKS), [article(1)])
        run(store, [telegram(fake.url, reconcile_chat=CHECKS)], budget=8.0)
        shown = texts(fake)
    assert states(store) == {1: "sent"} and len(shown) == 1


def test_messages_of_others_between_are_skipped_by_their_text(tmp_path, lost_reply) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(lost_reply.url, reconcile_chat=CHECKS)
    queue(store, ch, [article(1), article(2), article(3)])
    lost_reply.faults.limit = 0  # the first post goes through cleanly: an anchor id
    run(store, [ch], limit=1)
    other = lost_reply.faults
    other.limit, other.counts = 1, {}
    # an editor posts by hand while post 2's reply is lost: the check must look past it
    lost_reply.inject(CHAT, "رسالة من المحرر")
    run(store, [telegram(lost_reply.url, reconcile_chat=CHECKS)], budget=8.0)
    assert states(store) == {1: "sent", 2: "sent", 3: "sent"}
    shown = texts(lost_reply)
    assert len(shown) == 4 and sum("رقم 2" in t for t in shown) == 1


def test_a_long_post_continues_after_its_checked_part_in_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    faults = Faults(timeout_after=1.0, hang=3.0, methods=SENDS, limit=1)
    with fake_with(faults) as fake:
        faults.limit = 0
        store = make_store(tmp_path)
        ch = telegram(fake.url, reconcile_chat=CHECKS)
        queue(store, ch, [article(1), article(2, paragraphs=40, image="https://e.org/a.jpg")])
        run(store, [ch], limit=1)
        faults.limit = 2  # the photo's reply and the next part's are lost
        run(store, [telegram(fake.url, reconcile_chat=CHECKS)], budget=15.0)
        msgs = fake.messages(CHAT)
    with store.read() as conn:
        parts = post_parts.parts(conn, 2)
    assert states(store) == {1: "sent", 2: "sent"}
    assert [m.text for m in msgs[1:]] == _shown(parts)
    assert msgs[1].method == "sendPhoto"


def _shown(parts: list[Part]) -> list[str]:
    return [tg.plain(p.body).strip() for p in parts]


def test_without_a_confirmed_id_the_check_scans_a_new_channel_from_its_first_id(
    tmp_path, lost_reply
) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    queue(store, telegram(lost_reply.url, reconcile_chat=CHECKS), [article(1)])
    with store.read() as conn:
        assert post_parts.last_remote(conn, "tg") is None
    run(store, [telegram(lost_reply.url, reconcile_chat=CHECKS)], budget=8.0)
    assert states(store) == {1: "sent"} and len(texts(lost_reply)) == 1


def test_a_channel_too_busy_to_tell_is_unknown_not_resent(tmp_path, lost_reply) -> None:  # type: ignore[no-untyped-def]
    from nashra.channels import telegram as tgc

    store = make_store(tmp_path)
    ch = telegram(lost_reply.url, reconcile_chat=CHECKS)
    queue(store, ch, [article(1)])
    for i in range(tgc.MAX_SCAN + 1):  # a channel with a long history and no anchor
        lost_reply.inject(CHAT, f"رسالة قديمة {i}")
    run(store, [ch], budget=8.0)
    assert states(store) == {1: "unknown"}
    assert sum("رقم 1" in t for t in texts(lost_reply)) == 1
