"""Bylines: the people a printed byline names, or none.

An editor's byline names people only. A printed byline mixes them with a dateline, agencies,
the outlet and the desk: «القاهرة - أحمد الريدي», «العربية.نت - إسلام سيف», «موسكو - د ب أ»,
«دبي، اليمن - قناة العربية، إسلام سيف», «Frankfurter Allgemeine Zeitung GmbH; Ralf Euler». The
rules, in order:

1. Clean: bidi and zero-width marks, URLs, e-mail addresses, social handles, lead-in words
   («بقلم», «كتب», «By», «Von», «Par», «Auteur» …) and bracketed asides («(كيبيك)») go.
2. Segments: a byline is cut at dashes with a space on one side (or between two Arabic letters,
   «اليمن-إسلام سيف»), tatweel used as a dash, ``|`` and a colon. When there are several
   segments, the first is a *dateline* (a place: «موسكو - …», «ريو دي جانيرو - …») unless it
   starts with a known given name and a later segment is a place, an agency or an outlet
   («فهد الشهري - موسكو», «هاني الصفيان-العربية.نت»).
3. Items: each segment is cut into names at «،», ``,``, ``;``, «و» between spaces, ``&``,
   ``/`` and "and", "und", "y", "et", "og"; and at an attached «و» before a known given name
   after a name of two words at least («سارة محمود وأحمد علي»).
4. Each item is a person unless it is an agency («وكالات», «د ب أ», «فرانس برس», dpa, AFP …), an
   outlet or organisation (a word such as «قناة», «موقع», «نت», GmbH, Redaktion, News …; or equal
   to a name the page gives itself, ``not_names``), a known place, a hex id, a URL or host, logo
   or CDN words, or has digits or more than six words. An Arabic person has two words at least
   and does not start with «ال» (one Arabic word is a city or an outlet: «كان», «القافلة»).

No byline rather than a wrong one: what is left is the answer, possibly nothing. Names are kept
as printed (display text is never folded); duplicates (``Chuck Ross`` / ``chuck-ross``) once.
Measured on a hand-labelled set of real Arabic bylines: ``tests/eval/ant_bylines.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from nashra.arabic import normalize

__all__ = ["byline", "join_people", "people"]

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|@\w+", re.I)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ARABIC = re.compile("[\u0600-\u06ff]")
# a dash with a space on one side, a dash between Arabic letters, tatweel as a dash, | and :
_SEGMENT = re.compile(
    r"\s+[-–—ـ_|:]+\s*|\s*[-–—ـ_|:]+\s+|(?<=[\u0600-\u06ff.])[-–—_|:]+(?=[\u0600-\u06ff])"
    r"|\s*[–—|]\s*"
)
_ITEM = re.compile(r"\s*[،,;؛&/]\s*|\s+(?:و|and|und|y|et|og|e|und|i)\s+", re.I)
_LEAD_IN = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|كتبها|إعداد|اعداد|تقرير|تحرير|حوار|ترجمة|المحرر|"
    r"by|von|par|por|door|av|auteur|autor|author|written by|text|texto|reporting by)"
    r"\s*[:：]?\s+",
    re.I,
)
_HEX_ID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$|^[0-9a-f]{16,}$", re.I)
_HOST = re.compile(r"\b[\w-]+\.(?:com|net|org|de|at|ch|fr|es|it|uk|lt|is|tv|ae|eg|sa|info|news)\b")

# Folded forms (nashra.arabic.normalize): news agencies, as they are printed in bylines.
_AGENCIES = frozenset(
    normalize(a)
    for a in (
        "وكالات", "وكالة", "الوكالات", "د ب أ", "د.ب.أ", "أ ف ب", "ا ف ب", "أ.ف.ب", "فرانس برس",
        "فرانس بريس", "فراني برس", "فراس برس", "رويترز", "رويتر", "أسوشيتد برس", "اسوشيتد برس",
        "أسوشيتدبرس", "أسوشييتد برس", "أسوشيتدر برس", "أب", "أ ب", "الأناضول", "الاناضول",
        "الأناضول للأنباء", "واس", "وام", "قنا", "كونا", "بترا", "سانا", "سبوتنيك", "شينخوا",
        "يو بي آي", "أ ش أ", "إرنا", "ايرنا", "معا", "وفا", "تاس", "نوفوستي", "إفي", "أكي",
        "dpa", "afp", "ap", "reuters", "associated press", "the associated press", "ansa", "efe",
        "agencia efe", "sda", "sid", "kna", "epd", "apa", "ats", "belga", "anp", "tt", "ntb",
        "xinhua", "tass", "ria novosti", "sputnik", "anadolu", "anadolu ajansı", "aa", "iana",
        "deutsche presse-agentur", "agence france-presse", "agence france presse", "upi", "pa",
        "press association", "bloomberg", "agenturen", "wires", "wire services", "agencies",
        "staff", "redaktion", "red", "newsroom", "editorial", "team", "admin", "administrator",
    )
)  # fmt: skip
# Words that make a name an outlet, a desk or an organisation (folded).
_ORG_WORDS = frozenset(
    normalize(w)
    for w in (
        "قناة", "قناه", "موقع", "صحيفة", "جريدة", "مجلة", "شبكة", "تلفزيون", "تلفزيونية",
        "إذاعة", "البوابة", "البواية", "مكتب", "وكالة", "شركة", "مؤسسة", "هيئة", "مركز", "نت",
        "نم", "نيوز", "عربية", "عربي", "أونلاين", "الإخبارية", "التحرير", "فريق", "المحرر",
        "gmbh", "ag", "inc", "ltd", "llc", "plc", "sa", "se", "corp", "corporation", "group",
        "media", "médias", "média", "medien", "verlag", "news", "nachrichten", "zeitung",
        "zeitungen", "online", "redaktion", "staff", "team", "desk", "editors", "editorial",
        "press", "presse", "agentur", "agency", "agencia", "agence", "times", "tribune",
        "herald", "gazette", "journal", "magazin", "magazine", "radio", "tv", "fernsehen", "blog",
        "digital", "network", "networks", "channel", "redacción", "rédaction", "redazione",
        "nast", "designed", "drupal", "wordpress", "facebook", "twitter", "instagram",
        "youtube", "telegram", "whatsapp", "logo", "png", "jpg", "jpeg", "svg", "webp", "cdn",
        "icon", "image", "images", "photo", "foto", "https", "http", "www", "صورة", "أرشيفية",
        "universiteto", "university", "universität", "université", "fakultät", "institut",
        "institute", "ministry", "ministerium", "company", "foundation", "stiftung", "partei",
        "party", "club", "verein", "council", "commission",
    )
)  # fmt: skip
_OUTLETS = frozenset(
    normalize(o)
    for o in (
        "العربية", "العربية نت", "الحدث", "سكاي نيوز عربية", "فرانس 24", "فرانس 2",
        "بي بي سي", "بي بي سي عربي", "الجزيرة", "الجزيرة نت", "سي إن إن", "سي ان ان", "cnn",
        "bbc", "bbc news", "الشرق الأوسط", "الأمم المتحدة",
    )
)  # fmt: skip
_PLACE_WORDS = frozenset(
    normalize(w)
    for w in ("مدينة", "محافظة", "ولاية", "الحدود", "جنوب", "شمال", "شرق", "غرب", "وسط", "ضواحي")
)
_MAX_WORDS = 6
_LOGO = re.compile(r"cdn|logo|\.(?:png|jpe?g|svg|webp)\b|favicon|placeholder|avatar", re.I)


def _gazetteer_names(filename: str) -> set[str]:
    text = (resources.files("nashra.enrich") / "data" / filename).read_text(encoding="utf-8")
    out: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        out.add(normalize(cols[0]))
        if len(cols) > 2:
            out.update(normalize(a) for a in cols[2].split("|") if a.strip())
    return out


@cache
def _places() -> frozenset[str]:
    return frozenset(_gazetteer_names("places.tsv") | _gazetteer_names("countries.tsv"))


@cache
def _given_names() -> frozenset[str]:
    text = (resources.files("nashra.enrich") / "data" / "given_names.txt").read_text("utf-8")
    return frozenset(
        normalize(line) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _clean(raw: str) -> str:
    text = _INVISIBLE.sub("", raw)
    text = _URL.sub(" ", text)
    text = _BRACKETS.sub(" ", text)
    text = " ".join(text.split())
    for _ in range(2):
        text = _LEAD_IN.sub("", text).strip()
    return text.strip(" -–—ـ_|:،,;.")


def _is_agency(folded: str) -> bool:
    # «ووكالات»: an attached «و»
    return folded in _AGENCIES or (folded.startswith("و") and folded[1:] in _AGENCIES)


def _kind(item: str, not_names: frozenset[str]) -> str:
    """``agency``, ``outlet``, ``place``, ``junk`` or ``person``."""
    folded = normalize(item)
    if not folded:
        return "junk"
    words = folded.split()
    if _is_agency(folded):
        return "agency"
    if folded in _OUTLETS or folded in not_names or _HOST.search(item.lower()):
        return "outlet"
    if any(w in _ORG_WORDS for w in words) or (
        words[0].startswith("و") and words[0][1:] in _ORG_WORDS
    ):
        return "outlet"
    if folded in _places() or words[0] in _PLACE_WORDS:
        return "place"
    if _HEX_ID.match(item) or any(c.isdigit() for c in folded) or len(words) > _MAX_WORDS:
        return "junk"
    if _ARABIC.search(item):
        if len(words) < 2 or (words[0].startswith("ال") and words[0] not in _given_names()):
            return "place"  # one Arabic word or «ال…» first: a city, a region or an outlet
        return "person"
    if sum(c.isalpha() for c in item) < 2 or _LOGO.search(folded):
        return "junk"  # «I», «Cdnarabic», «Logo Png»
    return "person"


def _split_attached_waw(item: str) -> list[str]:
    """«سارة محمود وأحمد علي»: an attached «و» before a known given name joins two people."""
    words = item.split()
    for i in range(1, len(words) - 1):
        w = words[i]
        if w.startswith("و") and normalize(w[1:]) in _given_names() and i >= 2:
            return [" ".join(words[:i]), " ".join([w[1:], *words[i + 1 :]])]
    return [item]


def _strip_agency_tail(item: str) -> str:
    """«برلين رويترز» (no separator): trailing agency words go."""
    words = item.split()
    while len(words) > 1:
        for n in (3, 2, 1):
            if len(words) > n and _is_agency(normalize(" ".join(words[-n:]))):
                words = words[:-n]
                break
        else:
            break
    return " ".join(words)


def _dateline_first(segments: list[list[tuple[str, str]]]) -> bool:
    """Is the first segment a dateline (a place) rather than the person?"""
    first = segments[0]
    if any(kind in ("agency", "outlet") for _, kind in first):
        return False  # «العربية.نت - إسلام سيف»: not a place, and dropped anyway
    later = [kind for seg in segments[1:] for _, kind in seg]
    lead = normalize(first[0][0]).split() if first else []
    starts_with_name = bool(lead) and lead[0] in _given_names()
    # «فهد الشهري - موسكو»: a name first, then only a place, an agency or an outlet
    not_people = all(k in ("place", "agency", "outlet", "junk") for k in later)
    return not (starts_with_name and later and not_people)


def people(raw: str | None, *, not_names: Iterable[str] = ()) -> tuple[str, ...]:
    """The people the byline ``raw`` names, as printed, in order; ``()`` when it names none.

    ``not_names`` are names that are never a person here: the outlet's, the site's, the title.
    """
    if not raw:
        return ()
    text = _clean(raw)
    if not text:
        return ()
    banned = frozenset(normalize(n) for n in not_names if n and n.strip())
    pieces = [p for p in _SEGMENT.split(text) if p and p.strip(" -–—ـ_|:")]
    segments: list[list[tuple[str, str]]] = []
    for piece in pieces:
        split = [w for i in _ITEM.split(piece) if i and i.strip() for w in _split_attached_waw(i)]
        items = [_strip_agency_tail(_clean(i)) for i in split]
        seg = [(i, _kind(i, banned)) for i in items if i]
        if seg:
            segments.append(seg)
    if not segments:
        return ()
    if len(segments) > 1 and _dateline_first(segments):
        segments = segments[1:]
    out: dict[str, str] = {}
    for seg in segments:
        for item, kind in seg:
            if kind == "person":
                out.setdefault(normalize(item), item)
    return tuple(out.values())


def join_people(names: Iterable[str]) -> str | None:
    """Several people as one byline: «أ و ب» for Arabic names, ``A, B`` otherwise."""
    names = [n for n in names if n]
    if not names:
        return None
    sep = " و " if any(_ARABIC.search(n) for n in names) else ", "
    return sep.join(names)


def byline(raw: str | None, *, not_names: Iterable[str | None] = ()) -> str | None:
    """``raw`` (a feed entry's or a page's author) as an editor's byline: its people joined,
    or None when it names none (an agency, the outlet itself)."""
    return join_people(people(raw, not_names=[n for n in not_names if n]))
