"""The interface in Arabic and English: the language of a request, a small message catalogue,
counted nouns (CLDR plural rules through ``nashra.i18n``) and the outlet's own time with its zone.

The language is, in order: the ``nashra_lang`` cookie set by the switch (``/lang/en``), then the
browser's ``Accept-Language``, then Arabic. Content (headlines, posts, articles) is never
translated: it keeps ``lang="ar"`` and its own direction whatever the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from nashra.i18n import plural

__all__ = ["LANGS", "MESSAGES", "STATES", "Tr", "pick_lang"]

LANGS = ("ar", "en")
COOKIE = "nashra_lang"

# key: (Arabic, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "site": ("نشرة", "Nashra"),
    "tagline": (
        "نشرة — الأخبار العربية من مصادرها، مرة واحدة لكل قصة.",
        "Nashra — Arabic news from its outlets, once per story.",
    ),
    "nav.latest": ("الأحدث", "Latest"),
    "nav.stories": ("القصص", "Stories"),
    "nav.search": ("البحث", "Search"),
    "nav.trends": ("الاتجاهات", "Trends"),
    "nav.entities": ("الأعلام", "Entities"),
    "nav.sources": ("المصادر", "Sources"),
    "nav.outbox": ("صندوق الإرسال", "Outbox"),
    "nav.review": ("المراجعة", "Review"),
    "nav.login": ("دخول المشرف", "Admin login"),
    "nav.logout": ("خروج", "Log out"),
    "nav.admin": ("لوحة المشرف", "Dashboard"),
    "search.placeholder": ("ابحث في الأرشيف", "Search the archive"),
    "search.label": ("بحث", "Search"),
    "lang.other": ("English", "العربية"),
    "home.title": ("آخر المنشورات", "Latest posts"),
    "home.all_channels": ("كل القنوات", "All channels"),
    "home.stories": ("قصص تتناقلها عدة مصادر", "Stories carried by several outlets"),
    "home.empty": (
        "لا منشورات بعد. شغّل nashra once أو make demo ثم عد إلى هنا.",
        "No posts yet. Run nashra once or make demo, then come back.",
    ),
    "pager.newer": ("الأحدث", "Newer"),
    "pager.older": ("الأقدم", "Older"),
    "pager.prev": ("السابق", "Previous"),
    "pager.next": ("التالي", "Next"),
    "card.also": ("نقلته أيضًا", "Also carried by"),
    "card.article": ("المقال", "Article"),
    "card.story": ("القصة", "Story"),
    "zone.unknown": ("دون منطقة زمنية", "no time zone"),
    "article.original": ("المصدر الأصلي ↗", "Original ↗"),
    "article.story": ("القصة كاملة", "The whole story"),
    "article.first": ("النسخة الأولى", "First copy"),
    "article.posts": ("كما نُشر في القنوات", "As posted to the channels"),
    "article.others": ("المصادر الأخرى لهذه القصة", "Other outlets of this story"),
    "story.outlets": ("المصادر", "Outlets"),
    "story.timeline": ("التسلسل الزمني", "Timeline"),
    "story.dup": ("مكرر", "duplicate"),
    "story.original": ("الأصل ↗", "original ↗"),
    "story.threads": ("قصص ذات صلة", "Related stories"),
    "stories.title": ("القصص", "Stories"),
    "stories.empty": (
        "لا قصص متعددة المصادر بعد: تظهر هنا عندما تنقل عدة مصادر الخبر نفسه.",
        "No multi-outlet stories yet: they appear when several outlets carry the same news.",
    ),
    "search.title": ("البحث في الأرشيف", "Search the archive"),
    "search.hint": (
        'كلمات، "عبارة"، بادئة*، OR، ‎-استبعاد',
        'words, "a phrase", prefix*, OR, -exclude',
    ),
    "search.outlet": ("المصدر", "Outlet"),
    "search.all": ("الكل", "All"),
    "search.from": ("من", "From"),
    "search.to": ("إلى", "To"),
    "search.topic": ("الموضوع", "Topic"),
    "search.entity": ("كيان", "Entity"),
    "search.sort": ("الترتيب", "Order"),
    "search.newest": ("الأحدث", "Newest"),
    "search.relevant": ("الأكثر صلة", "Most relevant"),
    "search.go": ("ابحث", "Search"),
    "search.none": (
        "لا نتائج. جرّب كلمة أخرى أو أزل بعض المرشحات.",
        "Nothing found. Try another word or remove some filters.",
    ),
    "entities.title": ("الأعلام في الأرشيف", "People, organisations and places"),
    "entities.all": ("الكل", "All"),
    "entities.person": ("أشخاص", "People"),
    "entities.organisation": ("منظمات", "Organisations"),
    "entities.place": ("أماكن", "Places"),
    "entities.empty": ("لا أعلام بعد في الأرشيف.", "No entities in the archive yet."),
    "trends.title": ("الاتجاهات", "Trends"),
    "trends.entities": ("الكيانات", "Entities"),
    "trends.hashtags": ("الوسوم", "Hashtags"),
    "trends.empty": (
        "لا بيانات بعد: تظهر عندما تُستخرج الكيانات والوسوم من المقالات.",
        "No data yet: it appears once entities and hashtags are extracted.",
    ),
    "login.title": ("دخول المشرف", "Admin login"),
    "login.password": ("كلمة المرور", "Password"),
    "login.go": ("دخول", "Log in"),
    "login.disabled": (
        "لم تُضبط كلمة مرور المشرف. أنشئ تجزئة بالأمر nashra web hash-password وضعها في متغير"
        " البيئة NASHRA_ADMIN_PASSWORD_HASH.",
        "No admin password is set. Make a hash with nashra web hash-password and put it in the"
        " NASHRA_ADMIN_PASSWORD_HASH environment variable.",
    ),
    "login.wrong": ("كلمة المرور غير صحيحة", "Wrong password"),
    "login.throttled": ("محاولات كثيرة، انتظر قليلًا", "Too many attempts, wait a few minutes"),
    "login.off": ("الدخول معطّل: لم تُضبط كلمة مرور المشرف", "Login is off: no admin password"),
    "admin.title": ("لوحة المشرف", "Dashboard"),
    "admin.articles": ("المقالات", "Articles"),
    "admin.duplicates": ("المكررات", "Duplicates"),
    "admin.posts": ("المنشورات", "Posts"),
    "sources.title": ("المصادر وصحتها", "Sources and their health"),
    "sources.bad": ("اسم ورابط http(s) صالحان مطلوبان.", "A name and an http(s) URL are required."),
    "sources.name": ("المصدر", "Source"),
    "sources.last_fetch": ("آخر جلب", "Last fetch"),
    "sources.last_ok": ("آخر نجاح", "Last success"),
    "sources.next": ("الجلب التالي", "Next fetch"),
    "sources.errors": ("أخطاء متتالية", "Errors in a row"),
    "sources.last_error": ("آخر خطأ", "Last error"),
    "sources.state": ("الحالة", "State"),
    "sources.not_in_config": ("غير موجود في ملف الإعدادات", "not in the config file"),
    "sources.off": ("معطّل", "Disabled"),
    "sources.on": ("يعمل", "Active"),
    "sources.enable": ("إعادة التفعيل", "Re-enable"),
    "sources.disable": ("تعطيل", "Disable"),
    "sources.add": ("إضافة مصدر", "Add a source"),
    "sources.url": ("الرابط", "URL"),
    "sources.kind": ("النوع", "Kind"),
    "sources.auto": ("يُكتشف تلقائيًا", "Detect"),
    "sources.add_go": ("أضف", "Add"),
    "sources.empty": ("لا مصادر بعد.", "No sources yet."),
    "outbox.title": ("صندوق الإرسال", "Outbox"),
    "outbox.channels": ("القنوات", "Channels"),
    "outbox.paused": ("متوقفة", "Paused"),
    "outbox.active": ("تعمل", "Active"),
    "outbox.resume": ("استئناف القناة", "Resume the channel"),
    "outbox.arrived": ("وصل فعلًا", "It arrived"),
    "outbox.resend": ("أعد الإرسال", "Send again"),
    "outbox.drop": ("تخلَّ عنه", "Drop it"),
    "outbox.edit_sent": ("عدّل المنشور المرسَل", "Edit the sent post"),
    "outbox.delete_sent": ("احذفه من القناة", "Delete it from the channel"),
    "outbox.none": ("لا شيء.", "Nothing."),
    "outbox.sent_at": ("أُرسل", "Sent"),
    "outbox.remote": ("رقم الرسالة", "Message id"),
    "review.title": ("قائمة المراجعة", "Review queue"),
    "review.intro": (
        "منشورات القنوات التي تطلب مراجعة محرر قبل النشر (review = true)، كما ستظهر في القناة.",
        "Posts of channels that ask for an editor first (review = true), as the channel will"
        " show them.",
    ),
    "review.preview": ("كما سيظهر", "As it will appear"),
    "review.edit": ("النص (نص عادي)", "Text (plain)"),
    "review.approve": ("اعتماد", "Approve"),
    "review.save_approve": ("حفظ التعديل واعتماد", "Save and approve"),
    "review.save": ("حفظ التعديل", "Save"),
    "review.reject": ("رفض", "Reject"),
    "review.bulk": ("اعتماد المحدَّد", "Approve selected"),
    "review.pick": ("تحديد", "Select"),
    "review.empty": ("لا منشورات بانتظار المراجعة.", "Nothing waiting for review."),
    "review.excluded": (
        "منشورات محتجزة لا تأخذها القناة حسب مرشحاتها (ستُتخطّى)",
        "Held posts the channel's filters exclude (they will be skipped)",
    ),
    "review.source": ("المصدر", "Source"),
    "review.part": ("رسالة", "message"),
    "review.photo": ("صورة", "photo"),
    "review.album": ("ألبوم صور", "album"),
    "error.title": ("خطأ", "Error"),
}

# Post states as people call them.
STATES: dict[str, tuple[str, str]] = {
    "pending": ("بانتظار الإرسال", "Waiting"),
    "held": ("بانتظار المراجعة", "In review"),
    "in_flight": ("قيد الإرسال", "Sending"),
    "sent": ("أُرسل", "Sent"),
    "failed": ("فشل", "Failed"),
    "unknown": ("نتيجة مجهولة (تحتاج قرارًا)", "Outcome unknown (needs a decision)"),
    "rejected": ("مرفوض", "Rejected"),
    "skipped": ("متخطّى", "Skipped"),
    "deleted": ("محذوف", "Deleted"),
}

MONTHS_AR = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pick_lang(cookie: str | None, accept: str | None) -> str:
    """The cookie, else the best of Accept-Language (by q), else Arabic."""
    if cookie in LANGS:
        return str(cookie)
    best, best_q = "ar", -1.0
    for i, item in enumerate((accept or "").split(",")):
        tag, _, params = item.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= i * 1e-6  # earlier wins a tie
        if code in LANGS and q > best_q:
            best, best_q = code, q
    return best


def _zone(offset: timedelta | None) -> str:
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


@dataclass(frozen=True, slots=True)
class Tr:
    """The interface strings of one language, for the templates (``t``, ``n``, ``state``)."""

    lang: str

    @property
    def dir(self) -> str:
        return "rtl" if self.lang == "ar" else "ltr"

    @property
    def other(self) -> str:
        return "en" if self.lang == "ar" else "ar"

    def __call__(self, key: str) -> str:
        ar, en = MESSAGES[key]
        return ar if self.lang == "ar" else en

    def n(self, count: int, noun: str) -> str:
        return plural(self.lang, count, noun)

    def state(self, name: str) -> str:
        ar, en = STATES.get(name, (name, name))
        return ar if self.lang == "ar" else en

    def when(self, value: datetime | str | None) -> tuple[str, str]:
        """(date and time as the outlet gave it, its zone as ``UTC+3``; empty when unknown)."""
        if value is None:
            return "", ""
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return str(value), ""
        months = MONTHS_AR if self.lang == "ar" else MONTHS_EN
        shown = f"{value.day} {months[value.month - 1]} {value.year}، {value:%H:%M}"
        if self.lang == "en":
            shown = shown.replace("،", ",")
        return shown, _zone(value.utcoffset())
