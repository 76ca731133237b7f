"""Harvest rules that find entities no gazetteer lists.

* quoted spans (“…”, «…», "…") headed by an organisation or place word, or short enough to be
  a name (type ``misc`` when nothing tells the type);
* parenthesised acronyms, tied to the entity just before them: “قوات سوريا الديمقراطية” (قسد);
* role + name: ``وزير الخارجية العراقي فؤاد حسين`` gives the person ``فؤاد حسين``;
* given name + family name: ``أحمد الشرع``;
* a head word + its definite modifiers: ``منظمة الصحة العالمية``, ``مدينة …``.

Each rule returns candidates over the token list; :mod:`nashra.enrich.entities` resolves overlaps.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from nashra.enrich._text import Token, is_stopword, norm_word, proclitic_forms

__all__ = ["Candidate", "acronyms", "head_phrases", "names", "quoted"]


@dataclass(frozen=True, slots=True)
class Candidate:
    first: int  # token range [first, last)
    last: int
    type: str
    rule: str
    kind: str = ""
    clitic: str = ""  # proclitic letters of the first word, left out of the name (لوكالة → ل)


def _folded(words: str) -> frozenset[str]:
    return frozenset(norm_word(w) for w in words.split())


ORG_HEADS = _folded(
    "حركة حزب وكالة قوات جيش منظمة مجلس هيئة وزارة جبهة تنظيم مرصد شركة مؤسسة جامعة اتحاد"
    " إدارة تحالف صحيفة موقع قناة مركز لجنة جمعية نادي فرقة لواء كتائب كتيبة سرايا مجموعة بنك"
    " مصرف محكمة برنامج صندوق مفوضية رابطة نقابة ائتلاف تيار شبكة إذاعة مجلة بورصة أكاديمية"
    " معهد مستشفى"
)
PLACE_HEADS = _folded("مخيم معبر مدينة محافظة بلدة قرية مطار ميناء سجن جسر نهر جبل حي")
# For these the name after the head is the place (``مدينة حلب`` → حلب); for the others the head
# is part of the name (``مخيم الهول``).
_PLACE_NAME_ONLY = _folded("مدينة محافظة بلدة قرية حي")
ROLES = _folded(
    "وزير وزيرة رئيس رئيسة نائب متحدث المتحدث الناطق متحدثة سفير سفيرة مبعوث المبعوث"
    " قائد زعيم الملك الأمير الشيخ العاهل مدير مديرة محافظ الجنرال اللواء العميد العقيد"
    " الدكتور مستشار المستشار المرشد الكاتب الكاتبة الصحفي الصحفية الفنان الفنانة المدرب"
    " اللاعب النجم المهاجم الشاعر الباحث المحلل الناشط الناشطة القاضي المحامي الإعلامي مراسل"
    " السيد السيدة الرئيس الرئيسة الوزير النائب السفير القائد الزعيم المدير المحافظ الأمين"
)
# Words after a role that describe it rather than name the person (definite words are skipped
# anyway): وزير خارجية …، رئيس مجلس الوزراء …
_ROLE_DESCRIPTORS = _folded(
    "خارجية داخلية دفاع مالية مجلس حكومة جمهورية وزراء عام أركان هيئة لجنة حزب حركة جامعة"
    " شركة بنك منظمة وكالة إدارة الوزراء العام السابق الأسبق الحالي الجديد المؤقت"
)
PARTICLES = _folded("عبد أبو أبي بن بنت ابن آل ولد أم")
_NOT_NAME = _folded(
    "بقيادة برئاسة خلال أمام بعد قبل اليوم أمس غدا حاليا سابقا إن أن قد كان كانت وقال قال"
    " يقول أكد أوضح أشار أعلن عن في من إلى على مع بين حيث الذي التي أيضا فقط بينما لدى"
    " عام الأسبوع الشهر يوم الجمعة السبت الأحد الاثنين الثلاثاء الأربعاء الخميس"
)


# ``موقع الوزارة``, ``مقر الشركة``: a head with one generic noun is a description, not a name.
_GENERIC_MODIFIERS = _folded(
    "الوزارة الحكومة الشركة الدولة البلاد المدينة الحزب المنظمة الجامعة الهيئة الجمعية"
    " الإدارة المؤسسة البلدية الولاية المنطقة الجهة الحركة الجماعة المجموعة"
)
# Words that end a personal name: time words after a given name (``رمضان لهذه السنة``).
_NAME_STOPS = _folded("سنة السنة عام العام شهر الشهر يوم اليوم هذه هذا هذين تلك ذلك")


def _given_names() -> frozenset[str]:
    text = resources.files("nashra.enrich").joinpath("data").joinpath("given_names.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(norm_word(w) for w in lines if w.strip() and not w.startswith("#"))


GIVEN_NAMES = _given_names()

_QUOTE = re.compile(r"“([^”\n]{2,60})”|«([^»\n]{2,60})»|\"([^\"\n]{2,60})\"")
_ACRONYM = re.compile(r"\(\s*([^\W\d_]{2,10})\s*\)")


def _in(norm: str, words: frozenset[str]) -> bool:
    return any(f in words for f in proclitic_forms(norm))


@functools.lru_cache(maxsize=65536)
def _word_class(norm: str) -> tuple[bool, bool, bool, bool, bool]:
    """(role, org head, place head, place-name-only head, definite) for one folded word."""
    definite = any(f.startswith("ال") for f in proclitic_forms(norm))
    return (
        _in(norm, ROLES),
        _is_head(norm, ORG_HEADS),
        _is_head(norm, PLACE_HEADS),
        _is_head(norm, _PLACE_NAME_ONLY),
        definite,
    )


def _bare(norm: str) -> str:
    """A folded word without a proclitic and without its article (head-word lookups)."""
    for form in reversed(proclitic_forms(norm)):
        if form.startswith("ال") and len(form) > 4:
            return form[2:]
        return form
    return norm


def _is_head(norm: str, heads: frozenset[str]) -> bool:
    return norm in heads or _bare(norm) in heads or _in(norm, heads)


def lead_clitic(norm: str, heads: frozenset[str]) -> str:
    """The proclitic letters before a head word (``لوكالة`` → ``ل``, ``بمعبر`` → ``ب``)."""
    if norm in heads:
        return ""
    for form in proclitic_forms(norm)[1:]:
        if form in heads and norm.endswith(form):
            return norm[: len(norm) - len(form)]
    return ""


def _token_range(tokens: Sequence[Token], start: int, end: int) -> tuple[int, int]:
    first = next((i for i, t in enumerate(tokens) if t.start >= start), len(tokens))
    last = first
    while last < len(tokens) and tokens[last].end <= end:
        last += 1
    return first, last


def quoted(text: str, tokens: Sequence[Token]) -> list[Candidate]:
    """Short quoted spans: names, with a type when their head word tells it."""
    out: list[Candidate] = []
    for m in _QUOTE.finditer(text):
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        first, last = _token_range(tokens, m.start(g), m.end(g))
        n = last - first
        if n == 0 or n > 6 or not all(tokens[k].joined for k in range(first + 1, last)):
            continue
        head = tokens[first].norm
        if _is_head(head, ORG_HEADS):
            out.append(Candidate(first, last, "organisation", "quote"))
        elif _is_head(head, PLACE_HEADS):
            out.append(Candidate(first, last, "place", "quote"))
        elif n <= 4 and not is_stopword(head) and not is_stopword(tokens[last - 1].norm):
            out.append(Candidate(first, last, "misc", "quote"))
    return out


def acronyms(text: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(acronym token, index of the token just before the parenthesis) pairs."""
    out: list[tuple[int, int]] = []
    for m in _ACRONYM.finditer(text):
        first, last = _token_range(tokens, m.start(1), m.end(1))
        if last - first != 1 or first == 0 or tokens[first].norm.startswith("ال"):
            continue
        gap = text[tokens[first - 1].end : m.start()]
        if gap.strip(" \t\"”»'’") == "":
            out.append((first, first - 1))
    return out


_DEFINITE_AFTER_CLITIC = re.compile("^(?:[وف]?[بكل]ال|[وف]?لل|[وف]ال)")


def _looks_like_verb(norm: str) -> bool:
    """An imperfect verb after a name (``هادي يعين``, ``الشرع يستقبل``), not a family name."""
    return norm[:1] in ("ي", "ت") and len(norm) >= 4 and norm not in GIVEN_NAMES


def _may_start_name(norm: str) -> bool:
    """After a role, the first word of a name: not a verb (``يربط``, ``سجلت``) and not a
    preposition + noun (``بقرار``), unless it is a known given name."""
    if norm in GIVEN_NAMES:
        return True
    if _looks_like_verb(norm):
        return False
    if len(norm) == 4 and norm.endswith("ت"):
        return False  # a past-tense verb (فعلت), ``سجلت``, ``أكدت``
    return len(proclitic_forms(norm)) == 1 or norm[:1] in ("و", "ف")


def _name_at(tokens: Sequence[Token], j: int, taken: Sequence[str | None]) -> int:
    """End of a 1-3 word personal name starting at ``j`` (== j when there is none)."""

    def ok(k: int) -> bool:
        if k >= len(tokens) or taken[k] is not None or (k > j and not tokens[k].joined):
            return False
        norm = tokens[k].norm
        return (
            norm.isalpha()
            and len(norm) >= 2
            and not is_stopword(norm)
            and norm not in _NOT_NAME
            and not any(f in _NAME_STOPS or is_stopword(f) for f in proclitic_forms(norm)[1:])
            and (k == j or not any(f in _NAME_STOPS for f in proclitic_forms(norm)))
            and not _word_class(norm)[0]
            and not _DEFINITE_AFTER_CLITIC.match(norm)
            and (k == j or not _looks_like_verb(norm))
        )

    if not ok(j) or tokens[j].norm.startswith("ال"):
        return j
    end, real = j + 1, 1
    while end < len(tokens) and end - j < 6 and ok(end):
        norm = tokens[end].norm
        if norm in PARTICLES:
            if not ok(end + 1):
                break
            end, real = end + 2, real + 1
            continue
        if real >= 2 and tokens[end - 1].norm not in PARTICLES:
            break
        if norm[:1] == "و" and len(norm) > 3 and norm not in GIVEN_NAMES:
            break  # ``وإخراج``: a conjunction starts a new phrase, not a family name
        end, real = end + 1, real + 1
    if tokens[end - 1].norm in PARTICLES:
        end -= 1
    return end


def _full_name(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Two words or more, and not a compound given name alone (``عبد العزيز``, ``أبو محمد``)."""
    if last - first < 2:
        return False
    return not (last - first == 2 and tokens[first].norm in PARTICLES)


def names(tokens: Sequence[Token], taken: Sequence[str | None]) -> list[Candidate]:
    """People: role + name, and given name + family name.

    ``taken`` holds the type of the entity already found on each token (None: free). A place or
    organisation after a role describes it (``وزير خارجية العراق …``); a person ends the search.
    """
    out: list[Candidate] = []
    i = 0
    n = len(tokens)
    while i < n:
        norm = tokens[i].norm
        if taken[i] is None and _word_class(norm)[0]:
            j = i + 1
            while (
                j < n
                and j - i <= 5
                and tokens[j].joined
                and not is_stopword(tokens[j].norm)  # ``الذي``: a relative clause, no name
                and (
                    tokens[j].norm.startswith("ال")
                    or taken[j] in ("place", "organisation")
                    or tokens[j].norm in _ROLE_DESCRIPTORS
                )
            ):
                j += 1
            if j < n and tokens[j].joined and _may_start_name(tokens[j].norm):
                end = _name_at(tokens, j, taken)
                if _full_name(tokens, j, end):
                    out.append(Candidate(j, end, "person", "role"))
                    i = end
                    continue
        if taken[i] is None and any(f in GIVEN_NAMES for f in proclitic_forms(norm)[:2]):
            end = _name_at(tokens, i, taken)
            if _full_name(tokens, i, end):
                out.append(Candidate(i, end, "person", "name"))
                i = end
                continue
        i += 1
    return out


def head_phrases(tokens: Sequence[Token], taken: Sequence[str | None]) -> list[Candidate]:
    """A head word followed by definite modifiers: organisations and places."""
    out: list[Candidate] = []
    n = len(tokens)
    i = 0
    while i < n:
        if taken[i] is not None:
            i += 1
            continue
        norm = tokens[i].norm
        _, org_head, place_head, name_only_head, definite = _word_class(norm)
        is_org = not definite and org_head
        is_place = not definite and place_head
        if not (is_org or is_place):
            i += 1
            continue
        j = i + 1
        name_only = is_place and name_only_head
        while j < n and j - i <= 3 and tokens[j].joined and taken[j] is None:
            nxt = tokens[j].norm
            if not nxt.isalpha() or is_stopword(nxt) or nxt in _NOT_NAME:
                break
            if name_only:
                # مدينة نيو أورليانز: one or two words that are not definite adjectives.
                if nxt.startswith("ال") or j - i > 2:
                    break
            elif not nxt.startswith("ال") and not (is_place and j == i + 1):
                break
            j += 1
        if j - i >= 2 and not (j - i == 2 and tokens[i + 1].norm in _GENERIC_MODIFIERS):
            if is_place:
                clitic = "" if name_only else lead_clitic(norm, PLACE_HEADS)
                out.append(Candidate(i + 1 if name_only else i, j, "place", "head", "", clitic))
            else:
                clitic = lead_clitic(norm, ORG_HEADS)
                out.append(Candidate(i, j, "organisation", "head", "", clitic))
            i = j
            continue
        i += 1
    return out
