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
related        a related/recommended box's heading: «قد يعجبك أيضا», «اخترنا لك», «الأكثر قراءة»,
               «مواضيع مقترحة», Recommended, You may also like, Empfohlene Beiträge, Top-Themen,
               Weiterlesen, Le puede interesar, Vous aimerez aussi
comments       the comment section's heading: «التعليقات», «لا توجد تعليقات», 3 Comments, Keine
               Kommentare, Aucun commentaire
share_bar      only share words: «شارك فيسبوك تويتر واتساب» (with or without spaces), Share …
tag_row        «الوسوم:», «الكلمات الدالة:», «كلمات مفتاحية», Tags:, Schlagwörter:
newsletter     «اشترك في النشرة», «النشرة البريدية», newsletter, subscribe
cookies        a cookie notice: «نستخدم ملفات تعريف الارتباط», We use cookies, Wir verwenden Cookies
paywall        the paywall's offer: «هذا المحتوى للمشتركين», To continue reading, Pour lire la
               suite, Jetzt weiterlesen mit: it and everything after it go (the rest is the offer)
caption        a photo credit line: «(صورة أرشيفية)», «- أرشيفية», «تصوير: …», «حقوق الصورة»,
               Foto:/Photo:, Crédits photos, Bildnachweis, «©iStock»
=============  ===============================================================================

A box's heading alone («اقرأ أيضا:», «Weiterlesen:», «Diese Artikel könnten dich auch
interessieren:») takes the headline lines listed under it (short, no sentence end) with it.
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
    r"(?:^|[\s_-])(?:lead|lede|standfirst|summary|intro|excerpt|dek|deck|chapo|announce-text|"
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
_RELATED = re.compile(
    r"^(?:قد (?:يعجبك|يهمك|تهمك)|اخترنا لك|الاكثر (?:قراءه|مشاهده|تداولا)|"
    r"(?:مواضيع|مقالات|اخبار|موضوعات) (?:مقترحه|متعلقه|مشابهه|قد تهمك)|ننصحك بقراءه|"
    r"المزيد من (?:الاخبار|المقالات)|(?:اخبار|مقالات) اخري|"
    r"recommended|you (?:may|might) (?:also )?like|more from|more stories|top stories|"
    r"empfohlene (?:beitr[aä]ge|artikel)|top themen|weiterlesen|mehr lesen|"
    r"(?:diese|weitere) artikel k[oö]nnten (?:dich|sie|euch) (?:auch |ebenfalls )*interessieren|"
    r"das k[oö]nnte (?:dich|sie|euch) (?:auch )?interessieren|"
    r"(?:le|te|les) (?:puede|pueden) interesar|lea tambi[eé]n|vea tambi[eé]n|"
    r"vous aimerez (?:aussi|egalement|également)|[aà] voir aussi|sur le m[eê]me sujet)\b"
)
_COMMENTS = re.compile(
    r"^(?:\d+ )?(?:التعليقات|تعليقات|تعليق|comments?|kommentare?|commentaires?|comentarios?)$|"
    r"^(?:لا توجد تعليقات|لا تعليقات|no comments|keine kommentare|aucun commentaire|"
    r"sin comentarios|(?:leave|post|write) a (?:comment|reply)|"
    r"schreibe(?:n sie)? einen kommentar|اترك تعليقا|اضف تعليقا)\b"
)
_COOKIES = re.compile(
    r"ملفات تعريف الارتباط|الكوكيز|\b(?:we|nous|wir) (?:use|utilisons|verwenden|nutzen) "
    r"(?:des )?cookies|\b(?:utilizamos|usamos) cookies|\b(?:site|website|seite|webseite) "
    r"(?:uses|verwendet|nutzt|utilise) (?:des )?cookies"
)
_COOKIE_MAX_WORDS = 80
_PAYWALL = re.compile(
    r"^(?:هذا (?:المحتوي|المقال) (?:متاح )?(?:للمشتركين|حصري للمشتركين)|"
    r"لقراءه (?:المقال كاملا|باقي المقال|المزيد) (?:اشترك|سجل)|"
    r"(?:to )?continue reading|subscribe to (?:continue|read)|this (?:article|content) is "
    r"(?:for|reserved for|available to) subscribers|pour lire la suite|la suite est r[eé]serv[eé]e|"
    r"jetzt weiterlesen mit|weiterlesen mit|lesen sie jetzt weiter|"
    r"(?:para )?(?:seguir|continuar) leyendo|contenido exclusivo para suscriptores)\b"
)
_BOX_ITEM_WORDS = 16
_SENTENCE_END = re.compile(r"[.!?؟…]\W*$")
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
    r"^(?:\(?صوره ارشيفيه\)?|ارشيفيه|تصوير|صوره|الصوره|حقوق الصوره|مصدر الصوره|photo|foto|bild|"
    r"image|credits?|cr[eé]dits? photos?|bildnachweis|bildquelle|fotos?)\b"
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
    if words <= _COOKIE_MAX_WORDS and _COOKIES.search(folded):
        return "cookies"
    if words > _BLOCK_MAX_WORDS:
        return None
    if _PAYWALL.search(folded):
        return "paywall"
    if _READ_ALSO.search(folded):
        return "read_also"
    if _RELATED.search(folded) and words <= 12:
        return "related"
    if _COMMENTS.search(folded) and words <= 12:
        return "comments"
    squeezed = folded.replace(" ", "")
    if len(squeezed) <= 120 and not _SHARE.sub("", squeezed):
        return "share_bar"
    if _TAG_ROW.search(folded) and words <= 20:
        return "tag_row"
    if _NEWSLETTER.search(folded) and words <= 25:
        return "newsletter"
    if words <= 8 and (_CAPTION.search(folded) or text.startswith("©")):
        return "caption"
    return None


def _box_heading(block: Block, reason: str | None) -> bool:
    """Is ``block`` a read-also/related/comments box's heading on its own (the items follow)?"""
    if reason not in ("read_also", "related", "comments"):
        return False
    text = block.text.strip()
    return text.endswith((":", "：")) or len(normalize(text).split()) <= 6


def _box_item(block: Block) -> bool:
    """A headline line of a box: short, not a sentence."""
    text = block.text.strip()
    return len(text.split()) <= _BOX_ITEM_WORDS and not _SENTENCE_END.search(text)


def drop_blocks(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` without the boilerplate ones, wherever they sit: a box's heading alone takes
    the headline lines under it with it."""
    out: list[Block] = []
    in_box = False
    for block in blocks:
        reason = block_reason(block)
        if reason == "paywall":
            break  # the offer, never the article, follows
        if reason is None and in_box and _box_item(block):
            continue
        in_box = _box_heading(block, reason) or (in_box and reason is not None)
        if reason is None:
            out.append(block)
    return out


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
