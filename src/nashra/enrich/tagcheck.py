"""Whether a hashtag is a name an editor keeps: the word-level checks, precision first.

A tag is never:

* a word the Arabic layer calls a stop-word (a preposition, a pronoun, ``في``, ``من``…), nor a
  tag with one inside (name particles ``بن``, ``أبو``, ``عبد``, ``آل`` excepted), nor a name that
  ends in a particle (``#عبد``);
* a word with a glued proclitic: :func:`unglue` strips ``و ف ب ل ك`` (and ``لل``/``وال``/``بال``
  … for ``ال``) when the rest is a listed name or a name the article writes without it, and
  otherwise the tag is dropped when the segmenter says the word is glued (``#لمحمد_عيسى``) or
  when it is a proclitic + a derived verbal noun (``#لاستفزاز_رونالدو``);
* a verb (:func:`looks_like_verb`): a word in one of the word clusters that hold the seed verbs
  below (the clusters group words by their contexts in 3.7 M words of news, so a verb's cluster
  is full of verbs), that word with a perfect or imperfect suffix (``اجتمعا``, ``فوجئوا``,
  ``يلعبون``), a perfect plural in ``-وا``, a future ``سأ…`` or ``س`` + a known imperfect
  (``#سيدلي_أردوغان``), or an imperfect ``ي…``/``ت…`` that no gazetteer lists (``#يعاقب``);
* a generic name that says which one only with its country (``#وزارة_الصحة``, any
  ``#وزارة_…`` of one word,
  ``#المحكمة_العليا``), a given name alone, adjectives only, ``#مشارف_الحديدة``, a word that is
  a common noun before a name (``#نظيره_الكولومبي``), digits.

A name a gazetteer lists passes the later checks (the lists are hand-checked).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from nashra.enrich._text import is_stopword, norm_word
from nashra.enrich.gazetteer import Gazetteer
from nashra.enrich.rules import GIVEN_NAMES
from nashra.enrich.tagger import Segmenter

__all__ = [
    "PARTICLES",
    "clean_tag",
    "folded_words",
    "generic_ministry",
    "glued_verbal_noun",
    "looks_like_verb",
    "unglue",
    "verb_clusters",
]


def folded_words(*lines: str) -> frozenset[str]:
    """The folded forms of the space-separated words of ``lines``."""
    return frozenset(norm_word(w) for line in lines for w in line.split())


PARTICLES = frozenset(
    map(norm_word, ["بن", "ابن", "بنت", "أبو", "أبي", "أم", "عبد", "آل", "ولد", "ذو", "ذي"])
)
# Common verbs in the forms news writes (perfect, imperfect, plural, feminine, first person):
# the word clusters that hold them are verb clusters (found at load time, so a rebuilt
# clusters file needs no new numbers).
VERB_SEEDS = tuple(
    sorted(
        folded_words(
            "قال أكد أعلن أضاف أشار اتهم اجتمع استقبل أعرب اعتبر أوضح أبدت أعربت أكدت أعلنت "
            "اتهموا أبلغوا أدان طالبوا رفضوا يعتقد يقول يلعب يحاول يتوقع يجب يريد يبدو تقول "
            "تريد تحاول تعتزم أتوقع أريد نريد نتوقع استضاف احتل أطلق اندلع انطلقت"
        )
    )
)
# Perfect and imperfect suffixes: a word whose stem is a verb is a verb (اجتمعا, يلعبون).
_VERB_SUFFIXES = ("وا", "ون", "تا", "تم", "ا")
_GENERIC_HEADS = folded_words("وزارة وزير مجلس الحكومة إدارة المحكمة البنك هيئة الدفاع")
_MINISTRY = norm_word("وزارة")
_GENERIC_MODIFIERS = folded_words(
    "الخارجية الداخلية الدفاع الصحة العدل المالية التعليم التربية الإسكان الزراعة "
    "النقل العمل الإعلام الثقافة الاقتصاد الطاقة النفط الأمن الشباب النواب الوزراء "
    "الشورى العليا الإدارة المركزي الدستورية الانتخابات المدني"
)
# Particles inside foreign names (دا سيلفا, فان دايك, دي ماريا): a name never ends in one.
_FOREIGN_PARTICLES = folded_words("دا دي دو دوس فان فون دير لا دل ديل")
# Head + modifier pairs that name one body the world over (the UN Security Council).
_ONE_OF_A_KIND = frozenset({(norm_word("مجلس"), norm_word("الأمن"))})
_AROUND = frozenset(map(norm_word, ["مشارف", "محيط", "أطراف", "ضواحي", "تخوم", "قرب"]))
# Common nouns that a tagger takes for the head of a name (his counterpart, news of …).
_NOT_A_HEAD = frozenset(
    map(norm_word, ["نظيره", "نظيرها", "نظيرته", "نظيرتها", "نظراؤه", "أخبار", "والدا", "والد"])
)
_KNOWN_T_Y = folded_words(
    "تونس تركيا تايوان تايلاند تشاد تنزانيا توغو تيار يوسف يونس يحيى يعقوب يزيد ياسر "
    "ياسين يمنى تامر توفيق تيسير"
)
# Proclitics, longest first: (written prefix, what replaces it).
_PROCLITICS = (
    ("وال", "ال"),
    ("فال", "ال"),
    ("بال", "ال"),
    ("كال", "ال"),
    ("ولل", "ال"),
    ("لل", "ال"),
    ("وب", ""),
    ("ول", ""),
    ("فب", ""),
    ("فل", ""),
    ("وك", ""),
    ("و", ""),
    ("ف", ""),
    ("ب", ""),
    ("ل", ""),
    ("ك", ""),
)


def verb_clusters(clusters: Mapping[str, Sequence[int]]) -> frozenset[int]:
    """The fine word clusters that hold a seed verb."""
    return frozenset(clusters[w][-1] for w in VERB_SEEDS if w in clusters)


_VERB_CACHE: dict[int, tuple[Mapping[str, Sequence[int]], frozenset[int]]] = {}


def _in_verb_cluster(word: str, clusters: Mapping[str, Sequence[int]]) -> bool:
    ids = clusters.get(word)
    if not ids:
        return False
    hit = _VERB_CACHE.get(id(clusters))
    if hit is None or hit[0] is not clusters:
        hit = _VERB_CACHE[id(clusters)] = (clusters, verb_clusters(clusters))
    return ids[-1] in hit[1]


def looks_like_verb(
    word: str, clusters: Mapping[str, Sequence[int]], written: str = "", *, first: bool = True
) -> bool:
    """Whether one folded word (``written``: as the article writes it; ``first``: the first
    word of a name) is a verb; the caller exempts listed names and given names."""
    if _in_verb_cluster(word, clusters):
        return True
    if first and word[:1] in ("ي", "ت") and len(word) >= 4 and word not in _KNOWN_T_Y:
        return True  # يعاقب، تؤكد: an imperfect (a later word: تحرير in a name is no verb)
    bases = [word]
    if word[:1] in ("و", "ف") and len(word) > 4:
        bases.append(word[1:])
    for base in bases:
        future = base[:1] == "س" and base[1:2] in ("ي", "ت", "ن", "ا")
        if future and _in_verb_cluster(base[1:], clusters):
            return True  # سيلعب, ستعلن: a future
    if written.lstrip("وف").startswith("سأ") and len(word) >= 5:
        return True  # سأفدي: a first-person future (no name starts with سأ)
    for base in bases:
        rest = base[1:]
        future = base[:1] == "س" and rest[:1] in ("ي", "ت", "ن") and len(rest) >= 4
        if future and base not in clusters and rest in clusters:
            return True  # سيدلي: an unknown word that is س + a known imperfect (يدلي)
    for base in bases:
        for suffix in _VERB_SUFFIXES:
            stem = base[: -len(suffix)]
            if base.endswith(suffix) and len(stem) >= 3 and _in_verb_cluster(stem, clusters):
                return True  # اجتمعا, اجتمعوا, يلعبون
    # فوجئوا: a perfect plural no news vocabulary lists
    return word.endswith("وا") and len(word) >= 5 and word not in clusters


# Verbal nouns of the derived forms (استفعال, افتعال, انفعال), folded: no name has this shape
# behind a proclitic (لاستفزاز، باعتقال، لانتخاب).
_VERBAL_NOUN = re.compile(r"^(?:است..ا.|ا.ت.ا.|ان..ا.)$")


def generic_ministry(tag: str) -> bool:
    """``#وزارة_السياحة``: a ministry of one definite word says which country's only with it
    (checked after the merges, so that it first joins ``#وزارة_التجارة_الأمريكية``)."""
    words = [norm_word(w) for w in tag[1:].split("_")]
    return len(words) == 2 and words[0] == _MINISTRY and words[1].startswith("ال")


def glued_verbal_noun(word: str, clusters: Mapping[str, object]) -> bool:
    """``ل``/``ب``/``ك``/``و``/``ف`` + a derived verbal noun the news vocabulary knows."""
    rest = word[1:]
    return word[:1] in "لبكوف" and bool(_VERBAL_NOUN.match(rest)) and rest in clusters


def _glued(word: str, segmenter: Segmenter, clusters: Mapping[str, object], ratio: int) -> bool:
    """Whether ``word`` is a proclitic + a word (the stem is far more common alone, or only the
    stem is in the news vocabulary of the word clusters, or a derived verbal noun)."""
    if glued_verbal_noun(word, clusters):
        return True
    pre, stem = segmenter.split(word)
    if pre and segmenter.count(stem) > ratio * segmenter.count(word) + ratio:
        return True
    for letters in ("و", "ل", "ب", "ف"):
        rest = word[len(letters) :]
        known_rest = rest in clusters and word not in clusters and segmenter.count(word) == 0
        if word.startswith(letters) and len(rest) >= 3 and known_rest:
            return True
    return False


def unglue(
    tag: str,
    gazetteer: Gazetteer,
    segmenter: Segmenter | None,
    clusters: Mapping[str, object],
    written: str,
) -> str | None:
    """The tag without a proclitic glued on its first word, or ``None`` when it has one and
    the rest is no known name.

    The rest is known when a gazetteer lists it or the article writes it without the proclitic
    (``written``: the article's folded words, space-separated and padded with spaces).
    """
    words = tag[1:].split("_")
    first = norm_word(words[0])
    if gazetteer.has(" ".join(words)) or first in GIVEN_NAMES:
        return tag
    for pre, repl in _PROCLITICS:
        if not first.startswith(pre) or len(first) - len(pre) < 2:
            continue
        rest_display = repl + words[0][len(pre) :]
        name = [rest_display, *words[1:]]
        folded = " ".join(norm_word(w) for w in name)
        if gazetteer.get(" ".join(name)) is not None or f" {folded} " in written:
            return "#" + "_".join(name)
    if _glued_word(first, segmenter, clusters):
        return None
    unknown = segmenter is not None and segmenter.count(first) == 0 and first not in clusters
    if first[:1] in "وفبلك" and unknown and f" {first[1:]} " in written:
        return None  # #لمصارع_ثيران: a word no vocabulary knows, the article writes مصارع alone
    return tag


def _glued_word(word: str, segmenter: Segmenter | None, clusters: Mapping[str, object]) -> bool:
    if segmenter is None:
        return False
    if word.startswith("لل") and len(word) >= 5:
        return segmenter.count("ا" + word[1:]) > segmenter.count(word)  # للتيار → التيار
    return _glued(word, segmenter, clusters, 2)


def _country_and_a_word(words: list[str], folded: list[str], gazetteer: Gazetteer) -> bool:
    """A guessed span that is a listed country and a word that is no part of a name."""
    for k, w in enumerate(words):
        entry = gazetteer.get(w)
        if entry is None or entry.kind != "country":
            continue
        rest = [f for j, f in enumerate(folded) if j != k]
        if k == 1 and folded[0] in _COUNTRY_HEADS and len(words) == 2:
            return False  # منتخب البرتغال, جمهورية الكونغو, شمال سوريا
        return not all(r in _COUNTRY_HEADS or r.endswith("ي") or r.endswith("يه") for r in rest)
    return False


_COUNTRY_HEADS = folded_words(
    "منتخب المنتخب جمهورية مملكة إمارة سلطنة دولة شمال جنوب شرق غرب وسط سفارة حكومة جيش برلمان"
)


def clean_tag(
    tag: str,
    gazetteer: Gazetteer,
    segmenter: Segmenter | None,
    clusters: Mapping[str, Sequence[int]] | None = None,
    *,
    model_only: bool = False,
) -> bool:
    """Whether a tag is a name an editor keeps (see the module's list)."""
    clusters = clusters or {}
    words = tag[1:].split("_")
    if not words or not words[0] or len(words) > 5:
        return False
    folded = [norm_word(w) for w in words]
    if any(is_stopword(w) and w not in PARTICLES for w in folded):
        return False
    if folded[-1] in PARTICLES or (len(folded) > 1 and folded[-1] in _FOREIGN_PARTICLES):
        return False  # a cut name: #عبد, #أبو_بكر_بن, #نيمار_دا (سيلفا)
    generic = len(folded) == 2 and folded[0] in _GENERIC_HEADS and folded[1] in _GENERIC_MODIFIERS
    if generic and (folded[0], folded[1]) not in _ONE_OF_A_KIND:
        return False  # #وزارة_الداخلية, #المحكمة_العليا: which one? (even when listed)
    if gazetteer.get(" ".join(words)) is not None:
        return True
    if model_only and len(words) >= 4:
        return False  # a long guess no list confirms: #فحوى_الشكوى_طرد_أبوظبي_المواطنين
    if model_only and len(words) >= 2 and _country_and_a_word(words, folded, gazetteer):
        return False  # #مصلحة_روسيا, #العراق_النصر, #منتخب_كوسوفو_اللعب: a country and more
    if any(ch.isdigit() for w in words for ch in w):
        return False  # #نادي_ال800
    if len(folded) == 1 and folded[0] in GIVEN_NAMES:
        return False  # a given name alone (#أحمد, #فلاديمير) names no one
    if all(w.startswith("ال") and w.endswith("ي") for w in folded):
        return False  # adjectives only: #الكندي_المكسيكي
    if folded[0] in _AROUND or folded[0] in _NOT_A_HEAD:
        return False  # #مشارف_الحديدة, #نظيره_الكولومبي
    for k, w in enumerate(folded):
        known = w in GIVEN_NAMES or gazetteer.get(words[k]) is not None
        if not known and looks_like_verb(w, clusters, words[k], first=k == 0):
            return False  # #فوجئوا, #كيم_اجتمعا, #عبد_الكريم_الخطابي_سأفدي_الريف
    if segmenter is not None:
        for k, w in enumerate(folded):
            if _glued(w, segmenter, clusters, 2 if k == 0 else 5):
                return False  # #لمحمد_عيسى, #مقهى_بمدينة_مالمو, #دي_نيرو_الشتائم_لترمب
            unknown = segmenter.count(w) == 0 and w not in clusters
            if k and w[:1] == "و" and len(w) >= 5 and unknown:
                return False  # two names joined by و: #ماريا_وكونسولاتا_مواكيكوتي
            glued_first = not k and w[:1] in "لب" and segmenter.count(w[1:]) > 0
            if glued_first and unknown and w not in GIVEN_NAMES:
                return False  # #لمصارع_ثيران
            stem = segmenter.split(w)[1]
            if k and stem[:1] == "ي" and len(stem) >= 4 and stem not in _KNOWN_T_Y:
                return False  # a verb inside: #منتخب_كوسوفو_يلعب, #وزارة_الإسكان_لينخفض
    return all(len(w) >= 2 for w in folded)
