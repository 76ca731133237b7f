"""A plain-text report of what extraction finds on a page, and what a site rule changes.

Behind ``nashra preview URL`` (the command fetches; this only reads bytes).
"""

from __future__ import annotations

from nashra.errors import ExtractError, Rejected
from nashra.extract._page import run_extraction
from nashra.extract._rules import SiteRules
from nashra.models import BlockKind, Extracted

__all__ = ["preview"]

_MARK = {
    BlockKind.HEADING: "## ",
    BlockKind.QUOTE: "> ",
    BlockKind.LIST_ITEM: "- ",
    BlockKind.PARAGRAPH: "",
}


def _fields(ex: Extracted) -> list[str]:
    def show(value: object) -> str:
        return "—" if value in (None, "", ()) else str(value)

    published = ex.published.isoformat() if ex.published else None
    return [
        f"العنوان / title:       {show(ex.title)}",
        f"الكاتب / author:       {show(ex.author)}",
        f"النشر / published:     {show(published)} ({show(ex.date_source)})",
        f"التعديل / modified:    {show(ex.modified.isoformat() if ex.modified else None)}",
        f"الموقع / outlet:       {show(ex.outlet)}",
        f"الرابط / canonical:    {show(ex.canonical_url)}",
        f"الصورة / image:        {show(ex.image)}",
        f"الوسوم / tags:         {show('، '.join(ex.tags))}",
    ]


def _size(ex: Extracted) -> str:
    return f"{len(ex.blocks)} blocks, {len(ex.text)} chars"


def preview(html: bytes | str, url: str, rules: SiteRules | None = None) -> str:
    """The extracted article as text, with each rule's matches and its effect on the body."""
    lines = [f"المعاينة / preview: {url}"]
    try:
        bare = run_extraction(html, url, None, None).extracted
        bare_size = _size(bare)
    except ExtractError as exc:
        bare, bare_size = None, f"no article ({exc.message})"
    except Rejected as drop:
        bare, bare_size = None, f"no article ({drop.detail or drop.reason})"
    ruled = bare
    if rules:
        lines.append("القواعد / rules:")
        try:
            run = run_extraction(html, url, None, rules)
        except ExtractError as exc:
            lines.append(f"  with rules: no article ({exc.message})")
            ruled = None
        except Rejected as drop:
            lines.append(f"  with rules: no article ({drop.detail or drop.reason})")
            ruled = None
        else:
            ruled = run.extracted
            for effect in run.effects:
                lines.append(f"  {effect.action} {effect.selector!r}: {effect.matched} matched")
            lines.append(f"  without rules: {bare_size}")
            lines.append(f"  with rules:    {_size(ruled)}")
    if ruled is None:
        lines.append(f"لا مقال / no article: {bare_size}")
        return "\n".join(lines) + "\n"
    lines.extend(_fields(ruled))
    lines.append(f"النص / body ({_size(ruled)}):")
    lines.extend(f"  {_MARK[b.kind]}{b.text}" for b in ruled.blocks)
    return "\n".join(lines) + "\n"
