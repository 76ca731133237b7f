"""The interface languages: Accept-Language, the switch, CLDR plurals, state names, zones."""

from __future__ import annotations

import httpx
import pytest

from nashra.i18n import plural
from nashra.web.i18n import MESSAGES, STATES, Tr, pick_lang
from tests.web.conftest import STORY, Site
from tests.web.test_http import _login


@pytest.mark.parametrize(
    ("n", "ar"),
    [
        (1, "مقال واحد"),
        (2, "مقالان"),
        (3, "3 مقالات"),
        (10, "10 مقالات"),
        (11, "11 مقالًا"),
        (99, "99 مقالًا"),
        (100, "100 مقال"),
        (103, "103 مقالات"),
    ],
)
def test_arabic_number_agreement_from_cldr(n: int, ar: str) -> None:
    assert plural("ar", n, "article") == ar


def test_english_plurals_and_sources() -> None:
    assert plural("en", 1, "article") == "1 article"
    assert plural("en", 4, "article") == "4 articles"
    assert plural("ar", 4, "source") == "4 مصادر"
    assert plural("ar", 12, "source") == "12 مصدرًا"


def test_every_message_has_both_languages() -> None:
    for key, (ar, en) in {**MESSAGES, **STATES}.items():
        assert ar.strip() and en.strip(), key


@pytest.mark.parametrize(
    ("cookie", "accept", "lang"),
    [
        (None, None, "ar"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "fr-FR,ar;q=0.8,en;q=0.5", "ar"),
        (None, "de,en;q=0.3", "en"),
        ("ar", "en-US", "ar"),
        ("xx", "en", "en"),
    ],
)
def test_language_choice(cookie: str | None, accept: str | None, lang: str) -> None:
    assert pick_lang(cookie, accept) == lang


def test_outlet_time_keeps_its_zone() -> None:
    assert Tr("ar").when("2025-03-02T10:00:00+03:00") == ("2 مارس 2025، 10:00", "UTC+3")
    assert Tr("en").when("2025-03-02T10:00:00+05:30") == ("2 Mar 2025, 10:00", "UTC+5:30")
    assert Tr("en").when("2025-03-02T10:00:00")[1] == ""  # no zone given: none invented


def test_accept_language_and_the_switch(site: Site) -> None:
    en = httpx.get(site.base + "/", headers={"accept-language": "en-US,en;q=0.9"}).text
    assert '<html lang="en" dir="ltr">' in en and "Latest posts" in en
    ar = httpx.get(site.base + "/").text
    assert '<html lang="ar" dir="rtl">' in ar and "آخر المنشورات" in ar
    with httpx.Client(base_url=site.base) as c:
        r = c.get("/lang/en", params={"next": "/stories"})
        assert r.status_code == 303 and r.headers["location"] == "/stories"
        assert 'lang="en"' in c.get("/stories").text  # the cookie wins over Accept-Language
        assert c.get("/lang/en", params={"next": "//evil.example"}).headers["location"] == "/"
        assert c.get("/lang/fr").status_code == 404


def test_counts_agree_in_arabic_and_english(site: Site) -> None:
    ar = httpx.get(f"{site.base}/story/{STORY}").text
    assert "3 مقالات · منفذان" in ar  # not «3 مقالات من 2 مصادر»
    en = httpx.get(f"{site.base}/story/{STORY}", headers={"accept-language": "en"}).text
    assert "3 articles · 2 outlets" in en


def test_cards_headline_lead_zone_and_tags(site: Site) -> None:
    html = httpx.get(site.base + "/").text
    card = html[html.index(f'id="post-{site.posts["washington"]}"') :]
    card = card[: card.index("</article>")]
    assert '<h2 class="headline"' in card and "وفد يصل إلى العاصمة الأمريكية" in card
    assert '<bdi class="tz" dir="ltr">UTC+3</bdi>' in card
    assert 'class="lead"' in card and "الاتصالات بين دمشق" in card
    assert "صحيفة ب" in card  # the story's other outlet
    assert "##" not in card and "#واشنطن" in card
    assert 'class="entity" href="/search?entity=%D9%88%D8%A7%D8%B4' not in card  # shown once
    assert 'href="/search?entity=%D8%AF%D9%85%D8%B4%D9%82"' in card  # entity → filtered search
    assert 'href="/search?q=%22%D9%88%D9%81%D8%AF%20%D8%B1%D8%B3%D9%85%D9%8A%22"' in card


def test_state_names_translated_and_metrics_link_kept_ltr(site: Site) -> None:
    with httpx.Client(base_url=site.base) as c:
        _login(c)
        admin = c.get("/admin").text
        assert '<a href="/metrics" dir="ltr"><bdi>/metrics</bdi></a>' in admin
        assert "أُرسل: <strong>منشوران</strong>" in admin and "sent:" not in admin
        outbox = c.get("/admin/outbox", headers={"accept-language": "en"}).text
        assert "Outcome unknown (needs a decision)" in outbox
        sources = c.get("/admin/sources").text
        assert 'value="disable" class="danger"' in sources  # never styled as the primary action
