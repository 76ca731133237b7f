"""Publishing to the fake Telegram Bot API over real sockets, through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nashra.channels import ledger
from nashra.render import telegram as tg
from nashra.store import outbox, schema
from nashra.store import parts as post_parts
from nashra.testing import FakeTelegram, Faults
from tests.publish.pubkit import TOKEN, article, make_store, queue, run, states, telegram


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASHRA_TEST_BOT_TOKEN", TOKEN)


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeTelegram({TOKEN}) as f:
        f.add_chat("@nashra_test")
        yield f


def test_posts_arrive_once_with_html_escaped(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    ids = queue(store, ch, [article(1), article(2)])
    report = run(store, [ch])
    assert report.outcomes["sent"] == 2
    assert set(states(store).values()) == {"sent"}
    texts = [m.text for m in fake.accepted]
    assert len(texts) == 2
    assert "عنوان الخبر رقم 1 <عاجل> & مهم" in texts[0]  # escaped on the way, shown verbatim
    assert "<b>" in fake.accepted[0].source
    with store.read() as conn:
        assert outbox.get(conn, ids[0]).remote_id == f"@nashra_test:{fake.accepted[0].message_id}"  # type: ignore[union-attr]


def test_long_article_is_split_and_every_part_fits(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [article(1, paragraphs=60, image="https://example.org/a.jpg")])
    run(store, [ch])
    msgs = fake.accepted
    assert len(msgs) >= 3
    assert msgs[0].method == "sendPhoto" and tg.u16(msgs[0].text) <= 1024
    assert all(tg.u16(m.text) <= 4096 for m in msgs[1:])
    joined = " ".join(m.text for m in msgs)
    for i in range(60):  # nothing lost between parts
        assert f"الفقرة {i} من الخبر رقم 1" in joined
    with store.read() as conn:
        parts = post_parts.parts(conn, 1)
    assert [p.state.value for p in parts] == ["sent"] * len(msgs)


def test_429_pauses_the_whole_bot_until_retry_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    faults = Faults(rate_limit=0.5, retry_after=1, seed=3)
    with FakeTelegram({TOKEN}, faults=faults) as fake:
        fake.add_chat("@nashra_test")
        fake.add_chat("@second")
        store = make_store(tmp_path)
        a, b = telegram(fake.url), telegram(fake.url, name="tg2", chat_id="@second")
        queue(store, a, [article(i) for i in range(4)])
        queue(store, b, [article(i) for i in range(10, 14)])
        for _ in range(6):
            run(store, [a, b], budget=4.0)
            if set(states(store).values()) == {"sent"}:
                break
    assert fake.rate_limited > 0
    assert fake.early == []  # no request through the bot before retry_after ran out
    assert set(states(store).values()) == {"sent"}
    assert len(fake.accepted) == 8


def test_kicked_bot_pauses_the_channel_with_an_arabic_reason(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    fake.kick("@nashra_test")
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [article(1), article(2)])
    report = run(store, [ch])
    assert "أُزيل البوت" in report.paused["tg"]
    assert set(states(store).values()) == {"pending"}  # kept, not dropped
    fake.chats["@nashra_test"].member = True
    report = run(store, [telegram(fake.url)])
    assert report.outcomes["sent"] == 0  # still paused until a person resumes it
    with store.tx() as conn:
        assert ledger.resume(conn, "tg")
    run(store, [telegram(fake.url)])
    assert set(states(store).values()) == {"sent"}
    assert len(fake.accepted) == 2


def test_chat_not_found_pauses(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url, chat_id="@nowhere")
    queue(store, ch, [article(1)])
    report = run(store, [ch])
    assert "غير موجودة" in report.paused["tg"]
    assert fake.accepted == []


def test_migrated_group_keeps_the_new_chat_id(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    fake.add_chat("-100")
    fake.migrate("-100", "-1001234")
    store = make_store(tmp_path)
    ch = telegram(fake.url, chat_id="-100")
    queue(store, ch, [article(1), article(2)])
    run(store, [ch])
    assert [m.chat_id for m in fake.accepted] == ["-1001234", "-1001234"]
    with store.read() as conn:
        assert ledger.state(conn, "tg").target == "-1001234"


def test_reply_lost_after_acceptance_without_a_reconcile_chat_is_unknown_and_never_resent(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    faults = Faults(timeout_after=1.0, hang=3.0)
    with FakeTelegram({TOKEN}, faults=faults) as fake:
        fake.add_chat("@nashra_test")
        store = make_store(tmp_path)
        queue(store, telegram(fake.url), [article(1)])
        run(store, [telegram(fake.url)])
        faults.timeout_after = 0.0
        run(store, [telegram(fake.url)])
    assert states(store) == {1: "unknown"}
    assert len(fake.accepted) == 1


def test_crash_between_parts_never_resends_an_accepted_part_nor_sends_past_the_cut(
    tmp_path, fake
) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [article(1, paragraphs=40)])
    run(store, [ch])
    first = len(fake.accepted)
    assert first >= 3
    # rewind as if the process died while part 1 was in flight: part 0 accepted, part 1 unknown
    # to us, later parts never sent
    with store.tx() as conn:
        conn.execute(
            schema.post_parts.update()
            .where(schema.post_parts.c.idx >= 1)
            .values(state="pending", remote_id=None)
        )
        conn.execute(
            schema.post_parts.update().where(schema.post_parts.c.idx == 1).values(state="in_flight")
        )
        old = outbox.now() - timedelta(seconds=30)
        conn.execute(schema.posts.update().values(state="in_flight", claimed_at=old))
    run(store, [telegram(fake.url)])
    with store.read() as conn:
        parts = post_parts.parts(conn, 1)
    assert parts[0].state.value == "sent" and parts[1].state.value == "unknown"
    assert all(p.state.value == "pending" for p in parts[2:])  # nothing after the cut
    assert states(store) == {1: "unknown"}  # flagged for a person, never silent
    assert len(fake.accepted) == first  # nothing was sent again, nothing sent past the cut


def test_updated_article_edits_the_sent_message(tmp_path, fake) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from nashra.models import Enrichment
    from nashra.pipeline import channel_views
    from nashra.settings import load_config

    store = make_store(tmp_path)
    ch = telegram(fake.url)
    queue(store, ch, [article(1)])
    run(store, [ch])
    view = channel_views([ch], load_config(data={}))[0]
    changed = replace(article(1), id=1, title="عنوان مصحح بعد التحديث")
    with store.tx() as conn:
        outbox.rerender(conn, view.renderer.render(changed, Enrichment(), "tg"))
    run(store, [telegram(fake.url)])
    assert len(fake.accepted) == 1
    assert "عنوان مصحح بعد التحديث" in fake.accepted[0].text
    assert fake.accepted[0].edits
    with store.read() as conn:
        row = conn.execute(sa.select(schema.posts.c.needs_edit)).scalar()
    assert row is False or row == 0
