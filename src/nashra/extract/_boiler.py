"""Boilerplate inside an article, wherever it sits: before trafilatura on the page, after it on
the blocks; and the lead paragraph that a page keeps outside its body container.

On the page (``prune``), small elements whose class or id says what they are go before
extraction: share bars, photo captions (``figcaption`` too), tag rows, newsletter boxes,
"read also"/related boxes. *Small* means at most ``SMALL_CHARS`` of text and no paragraph of
prose inside, so a wrapper that happens to carry such a class never takes the article with it.

Leads (``find_leads``): an element whose class says lead/standfirst/summary/intro (Sputnik's
``b-article__lead``, ``article__announce-text``), in the article's region, with one to three
sentences of text. Trafilatura keeps only the body container and drops it, so it goes back in
front of the body when the body does not hold it already.

On the blocks (``drop_blocks``), patterns on the folded text (``nashra.arabic.normalize``):

=============  ===============================================================================
name           what it matches (a short block)
=============  ===============================================================================
read_also      «اقرأ أيضا: …», «طالع أيضا», «شاهد أيضا», «للمزيد», Read more/also, Lesen Sie auch
share_bar      only share words: «شارك فيسبوك تويتر واتساب» (with or without spaces), Share …
tag_row        «الوسوم:», «الكلمات الدالة:», «كلمات مفتاحية», Tags:, Schlagwörter:
newsletter     «اشترك في النشرة», «النشرة البريدية», newsletter, subscribe
caption        a photo credit line: «(صورة أرشيفية)», «- أرشيفية», «تصوير: …», Foto:/Photo:
=============  ===============================================================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml.html import HtmlElement

from nashra.arabic import normalize
from nashra.extract._meta import _off_limits, marked
from nashra.models import Block

__all__ = ["drop_blocks", "find_leads", "prune"]

SMALL_CHARS = 400
PROSE_CHARS = 160  # a paragraph this long inside means the element holds the article
_BLOCK_MAX_WORDS = 30

_JUNK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|caption|figcaption|credit|tags?|tag-?list|keywords|"
    r"newsletter|subscribe|subscription|related|read-?also|readmore|read-more|also-read|"
    r"more-?news|recommend\w*|inline-?article|article__article|print|copy-?link)(?:$|[\s_-])",
    re.I,
)
_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:lead|lede|standfirst|summary|intro|excerpt|dek|chapo|announce-text|"
    r"article__announce-text|subtitle|sub-title|teaser-text)(?:$|[\s_-])",
    re.I,
)
_LEAD_CHARS = (40, 700)
_NOT_IN_LEAD = frozenset(
    ("div", "section", "article", "figure", "figcaption", "img", "picture", "video", "iframe",
     "script", "style", "ul", "ol", "table", "h1", "h2", "h3", "button", "time", "form")
)  # fmt: skip

_READ_ALSO = re.compile(
    r"^(?:اقرا|اقراوا|طالع|طالعوا|شاهد|شاهدوا|تابع|اطلع|انظر) (?:ايضا|كذلك|المزيد)\b|^للمزيد\b|"
    r"^(?:ذات صله|مواضيع ذات صله|اخبار ذات صله|مقالات ذات صله|قد يهمك|اقرا المزيد)\b|"
    r"^(?:read (?:more|also)|also read|related|see also|more on this|lesen sie (?:auch|mehr)|"
    r"mehr zum thema|auch interessant|lire aussi|a lire aussi|leia tambem|lee tambien)\b"
)
_SHARE_WORDS = sorted(
    (
        normalize(w).replace(" ", "")
        for w in (
            "شارك", "شاركها", "مشاركة", "شارك الخبر", "فيسبوك", "فيس بوك", "تويتر", "إكس", "واتساب",
            "واتس اب", "تلغرام", "تيليجرام", "تليجرام", "لينكدإن", "لينكد إن", "ماسنجر", "انستغرام",
            "طباعة", "نسخ الرابط", "البريد الإلكتروني", "ارسل", "share", "facebook", "twitter",
            "whatsapp", "telegram", "linkedin", "email", "e-mail", "print", "copy link", "x",
            "messenger", "reddit", "pinterest", "teilen", "partager",
        )
    ),
    key=len,
    reverse=True,
)  # fmt: skip
_SHARE = re.compile("|".join(re.escape(w) for w in _SHARE_WORDS))
_TAG_ROW = re.compile(
    r"^(?:الوسوم|وسوم|الكلمات الداله|كلمات داله|كلمات مفتاحيه|الكلمات المفتاحيه|موضوعات|"
    r"tags|schlagworter|schlagwörter|themen|mots cles|etiquetas)\b"
)
_NEWSLETTER = re.compile(
    r"(?:اشترك|اشتركوا|سجل) (?:في|ب)?\s?(?:النشره|نشرتنا)|النشره البريديه|newsletter|subscribe to"
)
_CAPTION = re.compile(
    r"^(?:\(?صوره ارشيفيه\)?|ارشيفيه|تصوير|صوره|الصوره|photo|foto|bild|image|credit)\b"
    r"|(?:ارشيفيه|getty images|afp|reuters|dpa)\)?$"
)


def _marks(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _text_len(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


def _has_prose(el: HtmlElement) -> bool:
    return any(_text_len(p) >= PROSE_CHARS for p in el.iter("p"))


def prune(tree: HtmlElement) -> int:
    """Remove small share/caption/tag/newsletter/related elements from ``tree`` in place;
    return how many went."""
    body = tree.find("body")
    if body is None:
        return 0
    doomed = [
        el
        for el in marked(body, _JUNK_CLASS, tags=("figcaption",))
        if el.tag not in ("body", "html", "article", "main")
        and _text_len(el) <= SMALL_CHARS
        and not _has_prose(el)
    ]
    gone = 0
    for el in doomed:
        parent = el.getparent()
        if parent is not None and not any(a in doomed for a in el.iterancestors()):
            tail = el.tail
            prev = el.getprevious()
            if tail:
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            parent.remove(el)
            gone += 1
    return gone


def find_leads(tree: HtmlElement) -> list[str]:
    """The text of lead elements in the article's region, in page order."""
    body = tree.find("body")
    if body is None:
        return []
    out: list[str] = []
    for el in marked(body, _LEAD_CLASS):
        if el.tag in ("a", "meta", "script", "style") or _off_limits(el):
            continue
        if any(isinstance(d.tag, str) and d.tag in _NOT_IN_LEAD for d in el.iterdescendants()):
            continue  # a wrapper (the lead story's teaser, a video box), not a lead paragraph
        if any(a.tag in ("figure", "figcaption") for a in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        fits = _LEAD_CHARS[0] <= len(text) <= _LEAD_CHARS[1]
        if fits and not any(text in o or o in text for o in out):
            out.append(text)
    return out[:1]


def block_reason(block: Block) -> str | None:
    """The boilerplate pattern ``block`` matches, or None."""
    text = block.text.strip()
    folded = normalize(text)
    if not folded:
        return "empty"
    words = len(folded.split())
    if words > _BLOCK_MAX_WORDS:
        return None
    if _READ_ALSO.search(folded):
        return "read_also"
    squeezed = folded.replace(" ", "")
    if len(squeezed) <= 120 and not _SHARE.sub("", squeezed):
        return "share_bar"
    if _TAG_ROW.search(folded) and words <= 20:
        return "tag_row"
    if _NEWSLETTER.search(folded) and words <= 25:
        return "newsletter"
    if words <= 8 and _CAPTION.search(folded):
        return "caption"
    return None


def drop_blocks(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` without the boilerplate ones, wherever they sit."""
    return [b for b in blocks if block_reason(b) is None]


_DATE_LINE = re.compile(
    r"^(?:(?:نشر|تم نشره|نشر في|اخر تحديث|تحديث|بتاريخ|updated|published|veroffentlicht)\s*)?"
    r"[\w\s]{0,40}?\b(?:19|20)\d\d\b[\w\s]{0,30}$"
)


def drop_header_lines(blocks: Sequence[Block], bylines: Sequence[str]) -> list[Block]:
    """Leading blocks that repeat the page's byline or are only a date line (short articles,
    where trafilatura falls back to the whole page text)."""
    keys = {normalize(b) for b in bylines if b}
    start = 0
    while start < len(blocks) and start < 4:
        folded = normalize(blocks[start].text)
        words = len(folded.split())
        if folded in keys or (words <= 10 and _DATE_LINE.match(folded)):
            start += 1
        else:
            break
    return list(blocks[start:])
