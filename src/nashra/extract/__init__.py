"""Article extraction: trafilatura behind one module, per-site rules, dates, cleanup.

extract_page(html, url, hint=, rules=) → Extracted     the article on a fetched page
from_feed(item, reason)                 → Extracted     fallback: the feed entry's content
SiteRules(keep=, drop=) / SiteRules.from_dict(table)    per-site CSS selectors
preview(html, url, rules)               → str           a text report (``nashra preview``)
byline(raw, not_names=)                 → str | None    the people a printed byline names
"""

from nashra.extract._byline import byline
from nashra.extract._page import MIN_TEXT_CHARS, PAGE_DROPS, extract_page, from_feed
from nashra.extract._preview import preview
from nashra.extract._rules import RuleEffect, SiteRules

__all__ = [
    "MIN_TEXT_CHARS",
    "PAGE_DROPS",
    "RuleEffect",
    "SiteRules",
    "byline",
    "extract_page",
    "from_feed",
    "preview",
]
