"""One article, no store: fetch, extract, enrich and render with the default template."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from nashra.arabic import clean_display, normalize
from nashra.arabic.dates import find_dates
from nashra.dedupe.identity import content_hash
from nashra.dedupe.urls import canonical_url
from nashra.enrich import enricher_from_config
from nashra.extract import extract_page
from nashra.fetch import Fetcher
from nashra.models import Article
from nashra.render import Renderer
from nashra.settings import Config


async def render_url(config: Config, url: str, template: str = "default.txt.j2") -> str:
    from nashra.runner import fetch_policy

    async with Fetcher(fetch_policy(config)) as fetcher:
        page = await fetcher.get(url, kind="page")
    ex = await asyncio.to_thread(extract_page, page.body, page.url)
    title = clean_display(ex.title)
    body = "\n".join(b.text for b in ex.blocks)
    article = Article(
        identity="url:" + canonical_url(page.url),
        source=ex.outlet or "",
        url=url,
        title=title,
        blocks=ex.blocks,
        canonical_url=ex.canonical_url,
        author=ex.author,
        published=ex.published,
        modified=ex.modified,
        outlet=ex.outlet,
        image=ex.image,
        categories=ex.tags,
        match_title=normalize(title),
        match_text=normalize(title + "\n" + body),
        content_hash=content_hash(title, body),
    )
    result = enricher_from_config(config).enrich(title, body, categories=ex.tags)
    result = replace(result, dates=tuple(find_dates(body, ex.published)))
    renderer = Renderer(template, timezone=config["render.timezone"] or None)
    return renderer.render(replace(article, id=0), result, "stdout").text
