"""Telegram channel options: parsing, the request fields they add, quiet hours, teaser fit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nashra.channels.tgoptions import TelegramOptions
from nashra.errors import ConfigError
from nashra.render import telegram as tg

URL = "https://example.org/news/1"
IMG = "https://example.org/a.jpg"


def _opts(**kw: object) -> TelegramOptions:
    return TelegramOptions.from_mapping(kw, "tg", timezone=str(kw.pop("tz", "Asia/Riyadh")))


def test_defaults_add_nothing() -> None:
    o = TelegramOptions.from_mapping({}, "tg")
    assert o.extras(kind="text", last=True, url=URL, image=IMG) == {}


def test_button_goes_on_the_last_message_only() -> None:
    o = _opts(button=True)
    assert o.button == "اقرأ المزيد"
    last = o.extras(kind="text", last=True, url=URL, image=None)
    assert last["reply_markup"] == {"inline_keyboard": [[{"text": "اقرأ المزيد", "url": URL}]]}
    assert "reply_markup" not in o.extras(kind="text", last=False, url=URL, image=None)
    assert "reply_markup" in o.extras(kind="photo", last=True, url=URL, image=None)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"link_preview": "off"}, {"is_disabled": True}),
        ({"link_preview": False}, {"is_disabled": True}),
        ({"link_preview": "above"}, {"show_above_text": True}),
        (
            {"link_preview": "below", "preview_url": "article"},
            {"show_above_text": False, "url": URL},
        ),
        ({"link_preview": "above", "preview_url": "image"}, {"show_above_text": True, "url": IMG}),
    ],
)
def test_link_preview_options(options: dict[str, object], expected: dict[str, object]) -> None:
    o = _opts(**options)
    assert o.extras(kind="text", last=True, url=URL, image=IMG)["link_preview_options"] == expected
    # A photo's caption has no link preview: the field is not sent with sendPhoto.
    assert "link_preview_options" not in o.extras(kind="photo", last=True, url=URL, image=IMG)


def test_silent_and_quiet_hours_in_the_channels_time_zone() -> None:
    assert _opts(silent=True).extras(kind="text", last=True, url=URL, image=None) == {
        "disable_notification": True
    }
    o = _opts(quiet_hours=[23, 7])  # Riyadh is UTC+3
    night = datetime(2025, 3, 1, 21, 30, tzinfo=UTC)  # 00:30 in Riyadh
    day = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # 12:00
    evening = datetime(2025, 3, 1, 19, 59, tzinfo=UTC)  # 22:59
    assert o.quiet(night) and not o.quiet(day) and not o.quiet(evening)
    assert o.extras(kind="text", last=True, url=URL, image=None, at=night) == {
        "disable_notification": True
    }
    assert o.extras(kind="text", last=True, url=URL, image=None, at=day) == {}
    assert _opts(quiet_hours=[1, 5]).quiet(datetime(2025, 3, 1, 0, 0, tzinfo=UTC))  # 03:00


@pytest.mark.parametrize(
    "bad",
    [
        {"link_preview": "sometimes"},
        {"preview_url": "elsewhere"},
        {"mode": "summary"},
        {"quiet_hours": [23]},
        {"quiet_hours": [25, 3]},
        {"quiet_hours": [7, 7]},
        {"silent": "yes"},
        {"button": "x" * 65},
    ],
)
def test_bad_options_are_config_errors(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        TelegramOptions.from_mapping(bad, "tg")


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ConfigError):
        TelegramOptions.from_mapping({"quiet_hours": [1, 2]}, "tg", timezone="Mars/Olympus")


@pytest.mark.parametrize("limit", [tg.CAPTION_LIMIT, tg.TEXT_LIMIT])
def test_fit_cuts_the_lead_never_the_link(limit: int) -> None:
    lead = "<b>عنوان الخبر</b>\n\n" + "جملة عربية طويلة في متن الخبر، ثم تستمر. " * 400
    link = f'🔍 <a href="{URL}">اقرأ المزيد</a>'
    out = tg.fit(lead, limit, keep_tail=link)
    assert tg.length(out) <= limit
    assert out.endswith(link) and out.startswith("<b>عنوان الخبر</b>")
    assert tg.ELLIPSIS in out
    tg.parse(out)  # balanced: Telegram parses it
    short = tg.fit("<b>قصير</b>\n\nنص قصير.", limit, keep_tail=link)
    assert short == f"<b>قصير</b>\n\nنص قصير.\n\n{link}"
