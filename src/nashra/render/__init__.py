"""Rendering: Jinja2 templates per channel turn an article into a post's text.

Templates render, channels send: nothing here knows about Telegram or WordPress limits beyond the
text they are given. Every variable a template can use is listed in ``TEMPLATE_VARIABLES``.
"""

from __future__ import annotations

from nashra.render.engine import TEMPLATE_FILTERS, TEMPLATE_VARIABLES, Renderer, format_when

__all__ = ["TEMPLATE_FILTERS", "TEMPLATE_VARIABLES", "Renderer", "format_when"]
