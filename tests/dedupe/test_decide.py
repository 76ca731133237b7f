"""Each layer of ``decide`` on a real SQLite store, and the bad inputs the issue names."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from nashra.store import Store
from tests.dedupe.desk import Desk, make_article

# Recent: the index keeps 30 days (backfill.RETENTION) and prunes older entries on start.
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
VOCAB = [
    "أعلنت",
    "وزارة",
    "الصحة",
    "اليوم",
    "عن",
    "افتتاح",
    "مستشفى",
    "جديد",
    "في",
    "مدينة",
    "الرياض",
    "بطاقة",
    "ثلاثمئة",
    "سرير",
    "وقال",
    "المتحدث",
    "الرسمي",
    "إن",
    "المشروع",
    "يخدم",
    "سكان",
    "الأحياء",
    "الشمالية",
    "ويضم",
    "أقساما",
    "للطوارئ",
    "والأطفال",
    "وأضاف",
    "أن",
    "العمل",
    "بدأ",
    "قبل",
    "عامين",
    "بتكلفة",
    "بلغت",
    "مليار",
    "ريال",
    "وسط",
    "متابعة",
    "من",
    "أمير",
    "المنطقة",
    "فاز",
    "الفريق",
    "الأول",
    "بالمباراة",
    "النهائية",
    "بعد",
    "ركلات",
    "الترجيح",
    "أمام",
    "جمهور",
    "كبير",
    "في",
    "الملعب",
    "ارتفعت",
    "أسعار",
    "النفط",
    "في",
    "التعاملات",
    "الآسيوية",
    "مع",
    "تراجع",
    "المخزونات",
    "الأمريكية",
    "وتوقعات",
    "الطلب",
    "حذر",
    "خبراء",
    "الأرصاد",
    "من",
    "موجة",
    "حر",
    "شديدة",
    "تضرب",
    "المنطقة",
    "الشرقية",
    "خلال",
    "الأيام",
    "المقبلة",
]


LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def story(seed: int, n: int = 120) -> str:
    """A body of ``n`` words in sentences; each seed has its own made-up vocabulary, so two
    seeds share (almost) no words, as two unrelated stories share few."""
    rng = random.Random(seed)
    own = ["".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7))) for _ in range(80)]
    words = [rng.choice(own) for _ in range(n)]
    return "\n".join(" ".join(words[i : i + 20]) + "." for i in range(0, n, 20))


def perturb(text: str, seed: int, rate: float = 0.04) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) if rng.random() < rate else w for w in text.split(" "))


TITLE = "افتتاح مستشفى جديد في الرياض بطاقة ثلاثمئة سرير"


def test_first_article_is_new(desk: Desk) -> None:
    _, v = desk.ingest(make_article("a", "https://a.example/1", TITLE, story(1), published=T0))
    assert v.duplicate_of is None and v.reason is None


def test_same_body_from_another_outlet_is_content_duplicate(desk: Desk) -> None:
    first, _ = desk.ingest(make_article("a", "https://a.example/1", TITLE, story(1), published=T0))
    _, v = desk.ingest(
        make_article(
            "b", "https://b.example/x", "عنوان آخر تماما للخبر نفسه", story(1), published=T0
        )
    )
    assert (v.duplicate_of, v.reason) == (first, "content")


def test_same_canonical_url_is_one_article(desk: Desk) -> None:
    first, _ = desk.ingest(
        make_article(
            "a", "https://www.a.example/news/1?utm_source=x", TITLE, story(1), published=T0
        )
    )
    _, v = desk.ingest(
        make_article(
            "agg",
            "https://m.a.example/news/1/",
            TITLE,
            perturb(story(1), 3),
            published=T0,
            guid="7",
        )
    )
    assert (v.duplicate_of, v.reason) == (first, "url")


def test_same_url_with_different_content_is_a_reused_link(desk: Desk) -> None:
    desk.ingest(make_article("a", "https://a.example/live", TITLE, story(1), published=T0))
    _, v = desk.ingest(
        make_article(
            "b",
            "https://a.example/live",
            "نتائج مباريات الدوري في الجولة الأولى",
            story(2),
            guid="8",
        )
    )
    assert v.duplicate_of is None


def test_home_page_links_never_match(desk: Desk) -> None:
    desk.ingest(make_article("a", "https://a.example/", TITLE, story(1), published=T0))
    _, v = desk.ingest(
        make_article(
            "a2",
            "https://www.a.example/",
            "نتائج مباريات الدوري في الجولة الأولى",
            story(5),
            guid="9",
        )
    )
    assert v.duplicate_of is None


def test_same_title_within_window(desk: Desk) -> None:
    first, _ = desk.ingest(make_article("a", "https://a.example/1", TITLE, story(1), published=T0))
    _, v = desk.ingest(
        make_article("b", "https://b.example/1", TITLE, story(2), published=T0 + timedelta(hours=5))
    )
    assert (v.duplicate_of, v.reason) == (first, "title")


def test_same_title_outside_window_is_new(desk: Desk) -> None:
    desk.ingest(make_article("a", "https://a.example/1", TITLE, story(1), published=T0))
    _, v = desk.ingest(
        make_article("b", "https://b.example/1", TITLE, story(2), published=T0 + timedelta(days=5))
    )
    assert v.duplicate_of is None


def test_titles_that_prove_nothing(desk: Desk) -> None:
    # Short titles, and titles that are only the outlet's name, never match on their own.
    for i, title in enumerate(["عاجل", "صحيفة الوطن اليوم", "صحيفة الوطن"]):
        a = make_article(
            "watan", f"https://w.example/{i}", title, story(10 + i), outlet="صحيفة الوطن"
        )
        b = make_article(
            "agg", f"https://g.example/{i}", title, story(20 + i), outlet="صحيفة الوطن"
        )
        desk.ingest(a)
        _, v = desk.ingest(b)
        assert v.duplicate_of is None, title


def test_one_outlets_recurring_headline_with_new_body_is_new(desk: Desk) -> None:
    title = "أسعار الذهب في السوق المحلية اليوم"
    desk.ingest(make_article("a", "https://a.example/1", title, story(1), published=T0))
    _, v = desk.ingest(
        make_article(
            "a", "https://a.example/2", title, story(2), published=T0 + timedelta(hours=20)
        )
    )
    assert v.duplicate_of is None


def test_reworded_repost_with_footer_is_body_duplicate(desk: Desk) -> None:
    body = story(1, 200)
    first, _ = desk.ingest(make_article("a", "https://a.example/1", TITLE, body, published=T0))
    repost = "#مستشفى #الرياض\n" + perturb(body, 4) + "\nاقرأ المزيد على قناتنا\nالمصدر الأصلي"
    _, v = desk.ingest(
        make_article("agg", "https://agg.example/p/9", "مستشفى بثلاثمئة سرير", repost, published=T0)
    )
    assert (v.duplicate_of, v.reason) == (first, "body")
    assert v.score is not None and v.score >= 0.5


def test_short_bodies_skip_the_body_layer(desk: Desk) -> None:
    desk.ingest(make_article("a", "https://a.example/1", "خبر قصير أول", "سطر واحد قصير جدا"))
    _, v = desk.ingest(
        make_article("b", "https://b.example/1", "خبر قصير ثان", "سطر واحد قصير جدا هنا")
    )
    assert v.duplicate_of is None


BOILER = (
    "تابعونا على مواقع التواصل الاجتماعي واشتركوا في النشرة البريدية اليومية لتصلكم آخر الأخبار "
    "جميع الحقوق محفوظة للصحيفة ويمنع نسخ المحتوى أو إعادة نشره دون إذن مكتوب من إدارة التحرير "
    "اقرأ أيضا أخبار الاقتصاد والرياضة والثقافة والمنوعات في أقسام الموقع المختلفة كل يوم "
) * 3


def test_site_boilerplate_does_not_merge_its_stories(desk: Desk) -> None:
    # Two short stories drowned in the same page furniture: body Jaccard alone is over 0.5.
    a = make_article("s", "https://s.example/1", TITLE, story(1, 40) + "\n" + BOILER, published=T0)
    b = make_article(
        "s",
        "https://s.example/2",
        "نتائج مباريات الدوري في الجولة الأولى",
        story(2, 40) + "\n" + BOILER,
        published=T0,
    )
    desk.ingest(a)
    _, v = desk.ingest(b)
    assert v.duplicate_of is None


def test_learnt_boilerplate_is_removed_before_comparing(desk: Desk) -> None:
    # Once the site has a few pages, its furniture is known and removed; what remains differs.
    for i in range(4):
        desk.ingest(
            make_article(
                "s",
                f"https://s.example/{i}",
                f"خبر رقم {i} عن موضوع مختلف تماما",
                story(100 + i, 40) + "\n" + BOILER,
                published=T0,
            )
        )
    _, v = desk.ingest(
        make_article(
            "s",
            "https://s.example/9",
            "خبر رقم 1 عن موضوع مختلف تماما اليوم",
            story(200, 40) + "\n" + BOILER,
            published=T0,
        )
    )
    assert v.duplicate_of is None


def test_unrelated_stories_stay_apart(desk: Desk) -> None:
    titles = [
        TITLE,
        "نتائج مباريات الدوري في الجولة الأولى",
        "ارتفاع أسعار النفط في التعاملات الآسيوية",
        "موجة حر شديدة تضرب المنطقة الشرقية",
    ]
    for i, t in enumerate(titles):
        _, v = desk.ingest(
            make_article(f"s{i}", f"https://s{i}.example/1", t, story(i), published=T0)
        )
        assert v.duplicate_of is None, t


def test_index_survives_a_restart(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nashra.dedupe import backfill

    body = story(1, 200)
    first, _ = Desk(store).ingest(
        make_article("a", "https://a.example/1", TITLE, body, published=T0)
    )
    store.close()
    backfill.forget_process_state()
    again = Store(store.url)
    _, v = Desk(again).ingest(
        make_article(
            "b", "https://b.example/1", "مستشفى بثلاثمئة سرير", perturb(body, 8), published=T0
        )
    )
    again.close()
    assert (v.duplicate_of, v.reason) == (first, "body")


def test_one_template_about_two_countries_is_two_stories(desk: Desk) -> None:
    # Routine wire items share a template; the place in the title tells them apart.
    lead = "بعث خادم الحرمين الشريفين برقية تهنئة بمناسبة ذكرى استقلال بلاده متمنيا له التوفيق"
    for i, country in enumerate(["النيجر", "بوليفيا"]):
        _, v = desk.ingest(
            make_article(
                f"s{i}",
                f"https://s{i}.example/1",
                f"خادم الحرمين الشريفين يهنئ رئيس {country} بذكرى استقلال بلاده",
                lead + "\n" + story(40 + i),
                published=T0,
            )
        )
        assert v.duplicate_of is None, country


def test_outlet_name_inside_a_longer_word_is_not_removed() -> None:
    from nashra.dedupe.decide import usable_title

    watan = "صحيفة الوطن"
    # The outlet name is removed as whole words only; "الوطني" stays a word of the title.
    ok = make_article(
        "w", "https://w.example/1", "المنتخب الوطني يفوز بالبطولة", "x", outlet="الوطن"
    )
    assert usable_title(ok)
    only_name = make_article("w", "https://w.example/2", f"{watan} اليوم", "x", outlet=watan)
    assert not usable_title(only_name)
    with_news = make_article(
        "w", "https://w.example/3", f"{watan}: المنتخب الوطني يفوز بالبطولة", "x", outlet=watan
    )
    assert usable_title(with_news)
