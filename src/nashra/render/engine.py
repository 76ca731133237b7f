"""The template engine and the variables every template gets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2

from nashra.errors import ConfigError
from nashra.models import Article, BlockKind, Enrichment, Post

TEMPLATE_VARIABLES: dict[str, str] = {
    "title": "العنوان كما نشره الموقع — the title as the outlet wrote it",
    "hashtags": "الوسوم دون # — hashtags without the leading #; use the `tag` filter",
    "date": "تاريخ النشر YYYY-MM-DD HH:MM:SS بتوقيت الموقع أو القناة — or empty",
    "author": "الكاتب أو فارغ — author or empty",
    "outlet": "اسم الموقع أو فارغ — outlet name or empty",
    "meta": "سطر التاريخ والكاتب والموقع مجزأً — the 📅 / ✍️ / 🌐 parts that are known",
    "blocks": "فقرات المتن: block.kind (p, h, quote, li) و block.text",
    "body": "المتن نصًا واحدًا — the body as one text",
    "url": "رابط المقال الأصلي (لا يكون فارغًا) — the original article's URL",
    "image": "رابط الصورة الرئيسية أو فارغ — lead image URL or empty",
    "images": "روابط صور المقال بالترتيب، الرئيسية أولًا — the article's pictures, lead first",
    "topic": "الموضوع — topic or empty",
    "entities": "الكيانات: entity.text, entity.type, entity.canonical",
    "also_reported_by": "مواقع أخرى نقلت الخبر نفسه — other outlets that carried the story",
    "source": "اسم المصدر في الإعدادات — the configured source name",
}


def format_when(when: datetime | None, timezone: str | None = None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in the outlet's own zone, or the channel's when it sets one."""
    if when is None:
        return ""
    if timezone:
        try:
            when = when.astimezone(ZoneInfo(timezone))
        except ZoneInfoNotFoundError as exc:
            raise ConfigError(f"منطقة زمنية غير معروفة: {timezone}") from exc
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _tag(value: str) -> str:
    return "#" + value.lstrip("#")


def _ltr(value: str) -> str:
    """Isolate a left-to-right run (a date, a URL, a Latin name) inside Arabic text."""
    return f"\u2066{value}\u2069" if value else value


TEMPLATE_FILTERS: dict[str, str] = {
    "tag": "يضيف # إلى الوسم — adds the leading # to a hashtag",
    "ltr": "يعزل نصًا من اليسار لليمين (تاريخ، رابط، اسم لاتيني) — wraps it in LRI…PDI",
}


class Renderer:
    """Renders posts from a channel's template (a file, or a built-in name)."""

    def __init__(
        self,
        template: str = "default.txt.j2",
        *,
        template_dir: Path | None = None,
        timezone: str | None = None,
    ) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if template_dir is not None:
            loaders.append(jinja2.FileSystemLoader(str(template_dir)))
        loaders.append(jinja2.PackageLoader("nashra.render", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html.j2", "xml.j2"], default=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self.env.filters["tag"] = _tag
        self.env.filters["ltr"] = _ltr
        try:
            self.template = self.env.get_template(template)
        except jinja2.TemplateError as exc:
            raise ConfigError(f"القالب غير صالح: {exc}", where=template) from exc
        self.timezone = timezone or None

    def context(
        self, article: Article, enrichment: Enrichment, also_reported_by: Sequence[str] = ()
    ) -> dict[str, Any]:
        date = format_when(article.published, self.timezone)
        meta = []
        if date:
            meta.append(f"📅 {date}")
        if article.author:
            meta.append(f"✍️ {article.author}")
        if article.outlet:
            meta.append(f"🌐 {article.outlet}")
        return {
            "title": article.title,
            "hashtags": list(enrichment.hashtags),
            "date": date,
            "author": article.author or "",
            "outlet": article.outlet or "",
            "meta": meta,
            "blocks": [b for b in article.blocks if b.text.strip()],
            "body": "\n".join(b.text for b in article.blocks),
            "url": article.url,
            "image": article.image or "",
            "images": list(article.images),
            "topic": enrichment.topic or "",
            "entities": list(enrichment.entities),
            "also_reported_by": [o for o in also_reported_by if o and o != article.outlet],
            "source": article.source,
            "BlockKind": BlockKind,
        }

    def render(
        self,
        article: Article,
        enrichment: Enrichment,
        channel: str,
        also_reported_by: Sequence[str] = (),
    ) -> Post:
        if article.id is None:
            raise ValueError("the article must be stored before it is rendered")
        try:
            text = self.template.render(self.context(article, enrichment, also_reported_by))
        except jinja2.TemplateError as exc:
            raise ConfigError(f"خطأ في القالب: {exc}", where=channel) from exc
        return Post(
            article_id=article.id,
            channel=channel,
            text=text.strip() + "\n",
            title=article.title,
            url=article.url,
            image=article.image,
            images=article.images,
            hashtags=tuple(enrichment.hashtags),
        )
