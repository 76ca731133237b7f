"""One article, no store: fetch, extract, enrich and render with the default template."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from nashra.dedupe.identity import identity
from nashra.enrich import enricher_from_config
from nashra.extract import extract_page
from nashra.fetch import Fetcher
from nashra.models import Discovered
from nashra.prepare import build_article, enrich_article
from nashra.render import Renderer
from nashra.runner import fetch_policy
from nashra.settings import Config


async def render_url(config: Config, url: str, template: str = "default.txt.j2") -> str:
    """The post the default template makes of the article at ``url`` (raises ``NashraError``
    or ``Rejected``)."""
    async with Fetcher(fetch_policy(config)) as fetcher:
        page = await fetcher.get(url, kind="page")
    ex = await asyncio.to_thread(extract_page, page.body, page.url)
    item = Discovered(source="", url=url)
    source = ex.outlet or ""
    key = identity(source, guid=None, url=url, title=ex.title, body=ex.text)
    article = build_article(source, item, ex, key)
    result = enrich_article(enricher_from_config(config), article)
    renderer = Renderer(template, timezone=config["render.timezone"] or None)
    return renderer.render(replace(article, id=0), result, "stdout").text
