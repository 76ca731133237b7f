"""Name tables for dates, in the matching form (see ``nashra.arabic.dates``).

Every key is written as ``normalize`` leaves it: أ/إ/آ → ا, ة → ه, ى → ي, no tashkeel.
"""

from __future__ import annotations

# Gregorian months: Modern Standard (Egypt, Gulf), Levantine/Iraqi (Syriac names), Maghrebi
# (Tunisia, Algeria: French names) and Moroccan spellings.
MONTHS: dict[str, int] = {
    # MSA
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Levantine / Iraqi
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
    # Maghrebi (Tunisia, Algeria)
    "جانفي": 1,
    "فيفري": 2,
    "افريل": 4,
    "ماي": 5,
    "جوان": 6,
    "جويليه": 7,
    "جويلييه": 7,
    "اوت": 8,
    # Morocco
    "يوليوز": 7,
    "غشت": 8,
    "شتنبر": 9,
    "نونبر": 11,
    "دجنبر": 12,
}

# Month names that are also common words (آب / أب "father", ماي, مارس "he practised", نيسان the
# car maker, آذار the Lebanese coalitions): read only with a day, a year, a dual form or a
# relative word (الماضي، المقبل …), never alone.
AMBIGUOUS_MONTHS = frozenset({"اب", "ماي", "مارس", "نيسان", "اذار", "تموز"})

HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1,
    "صفر": 2,
    "ربيع الاول": 3,
    "ربيع الثاني": 4,
    "ربيع الاخر": 4,
    "جمادي الاولي": 5,
    "جمادي الاول": 5,
    "جمادي الثانيه": 6,
    "جمادي الاخره": 6,
    "جمادي الثاني": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعده": 11,
    "ذي القعده": 11,
    "ذو الحجه": 12,
    "ذي الحجه": 12,
}

# Ordinal day numbers as news writes them before "من <month>" (masculine: يوم is masculine).
_UNITS = {
    "الاول": 1,
    "الحادي": 1,
    "الثاني": 2,
    "الثالث": 3,
    "الرابع": 4,
    "الخامس": 5,
    "السادس": 6,
    "السابع": 7,
    "الثامن": 8,
    "التاسع": 9,
}
ORDINAL_DAYS: dict[str, int] = {k: v for k, v in _UNITS.items() if k != "الحادي"}
ORDINAL_DAYS["العاشر"] = 10
for _word, _n in _UNITS.items():
    if _word != "الاول":
        ORDINAL_DAYS[f"{_word} عشر"] = 10 + _n
ORDINAL_DAYS["العشرين"] = 20
ORDINAL_DAYS["الثلاثين"] = 30
for _word, _n in _UNITS.items():
    if _word != "الاول":
        ORDINAL_DAYS[f"{_word} والعشرين"] = 20 + _n
ORDINAL_DAYS["الحادي والثلاثين"] = 31

# Parts of a month or a year: they bound the period, so the mention keeps month (or year)
# precision; the day is not invented.
PERIOD_WORDS = frozenset(
    {
        "مطلع",
        "مستهل",
        "اوايل",
        "بدايه",
        "اول",
        "منتصف",
        "اواسط",
        "اواخر",
        "نهايه",
        "اخر",
        "ختام",
    }
)

PAST = frozenset({"الماضي", "الفايت", "المنصرم", "المنقضي", "السابق", "الفارط"})
NEXT = frozenset({"المقبل", "القادم"})
CURRENT = frozenset({"الجاري", "الحالي"})

WEEKDAYS: dict[str, int] = {  # datetime.weekday(): Monday is 0
    "الاثنين": 0,
    "الاتنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}
# الأحد also means "the one", الاثنين "the two": they need يوم / اليوم / أمس … before them.
AMBIGUOUS_WEEKDAYS = frozenset({"الاثنين", "الاتنين", "الاحد"})
WEEKDAY_LEADS = frozenset({"اليوم", "يوم", "امس", "مساء", "صباح", "ليله", "فجر", "ظهر", "عصر"})

# Time zones named in bylines ("بتوقيت مكة المكرمة", "بتوقيت غرينتش").
ZONES: dict[str, str] = {
    "غرينتش": "UTC",
    "غرينيتش": "UTC",
    "جرينتش": "UTC",
    "جرينيتش": "UTC",
    "مكه": "Asia/Riyadh",
    "مكه المكرمه": "Asia/Riyadh",
    "الرياض": "Asia/Riyadh",
    "السعوديه": "Asia/Riyadh",
    "القدس": "Asia/Jerusalem",
    "فلسطين": "Asia/Gaza",
    "غزه": "Asia/Gaza",
    "بغداد": "Asia/Baghdad",
    "العراق": "Asia/Baghdad",
    "دمشق": "Asia/Damascus",
    "سوريا": "Asia/Damascus",
    "بيروت": "Asia/Beirut",
    "لبنان": "Asia/Beirut",
    "عمان": "Asia/Amman",
    "الاردن": "Asia/Amman",
    "القاهره": "Africa/Cairo",
    "مصر": "Africa/Cairo",
    "تونس": "Africa/Tunis",
    "الجزاير": "Africa/Algiers",
    "الرباط": "Africa/Casablanca",
    "المغرب": "Africa/Casablanca",
    "طرابلس": "Africa/Tripoli",
    "ليبيا": "Africa/Tripoli",
    "الخرطوم": "Africa/Khartoum",
    "الدوحه": "Asia/Qatar",
    "قطر": "Asia/Qatar",
    "ابوظبي": "Asia/Dubai",
    "ابو ظبي": "Asia/Dubai",
    "دبي": "Asia/Dubai",
    "الامارات": "Asia/Dubai",
    "الكويت": "Asia/Kuwait",
    "المنامه": "Asia/Bahrain",
    "البحرين": "Asia/Bahrain",
    "مسقط": "Asia/Muscat",
    "صنعاء": "Asia/Aden",
    "اليمن": "Asia/Aden",
}
