"""Article HTML for our pages: nh3 (ammonia) with a short allow-list, links to http(s) only.

No svg, math, iframe, form, style or script survive (script and style lose their content too);
no ``on*`` or ``style`` attribute; relative URLs are dropped rather than pointed at our site. Every
other piece of text on the site goes through Jinja2's autoescape instead.
"""

from __future__ import annotations

import nh3

__all__ = ["ALLOWED_TAGS", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "em", "figcaption",
        "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "mark", "ol", "p", "pre",
        "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
        "time", "tr", "u", "ul",
    }
)  # fmt: skip
_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
}
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "noscript", "template", "svg", "math", "iframe"},
    attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow ugc",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Markup safe to insert into our pages (still under the site's Content-Security-Policy)."""
    return _CLEANER.clean(html)
