"""The shipped topic model: its file, its classes, and plausible answers on hand-written text."""

from __future__ import annotations

from importlib import resources

import pytest

from nashra.enrich import TOPICS, classify
from nashra.enrich.topics import ANT_TO_TOPIC, features, load_model


def test_model_file_is_small_and_complete() -> None:
    path = resources.files("nashra.enrich").joinpath("data").joinpath("topics.json.gz")
    assert len(path.read_bytes()) < 2_000_000
    assert set(load_model().classes) == set(TOPICS) == set(ANT_TO_TOPIC.values())


@pytest.mark.parametrize(
    ("title", "body", "topic"),
    [
        (
            "الترجي يفوز على النجم الساحلي",
            "فاز فريق الترجي على النجم الساحلي بهدفين دون رد في مباراة الجولة العاشرة من الدوري"
            " وسجل المهاجم الهدف الأول في الشوط الأول أمام جماهير الملعب.",
            "sport",
        ),
        (
            "ارتفاع نسبة التضخم وتراجع الدينار",
            "أعلن البنك المركزي ارتفاع نسبة التضخم خلال الشهر الماضي وتراجع سعر صرف الدينار أمام"
            " الأورو والدولار مع تباطؤ نسق النمو الاقتصادي وارتفاع عجز الميزان التجاري.",
            "economy",
        ),
        (
            "مهرجان للسينما والمسرح",
            "تنطلق الدورة الجديدة من مهرجان المسرح بمشاركة فرق مسرحية وعروض سينمائية وأفلام"
            " قصيرة ومعرض للفنون التشكيلية والكتاب.",
            "culture",
        ),
    ],
)
def test_plausible_topics(title: str, body: str, topic: str) -> None:
    assert classify(title, body) == topic


def test_no_known_word_gives_no_topic() -> None:
    assert classify("", "") is None
    assert classify("xyzzy", "qwerty") is None


def test_features_drop_stopwords_and_count_title_twice() -> None:
    feats = features("الدوري الممتاز", "في الدوري")
    assert feats.count("دوري") == 3
    assert "في" not in feats
