"""The CPU-bound middle of an item: page → ``Extracted`` → ``Article`` → ``Enrichment``.

Pure functions (no store, no network), so they run in a worker process as well as in this one:

    prepare(job, enricher) -> Prepared        in this process
    prepare_remote(job) -> tuple              in a worker (``nashra.pool``): plain, picklable

``build_article`` and ``enrich_article`` are also what ``nashra post`` uses.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nashra.arabic import clean_display, normalize
from nashra.arabic.dates import find_dates
from nashra.dedupe.identity import content_hash
from nashra.dedupe.urls import canonical_url, is_web_url
from nashra.enrich import Enricher
from nashra.errors import ExtractError, NashraError, Rejected
from nashra.extract import SiteRules, byline, extract_page, from_feed
from nashra.images import merge
from nashra.models import Article, Discovered, Enrichment, Extracted

__all__ = [
    "EnrichOptions",
    "PrepJob",
    "Prepared",
    "build_article",
    "enrich_article",
    "prepare",
    "prepare_remote",
]


@dataclass(frozen=True, slots=True)
class EnrichOptions:
    """What builds an enricher (so a worker process can build the same one, once)."""

    gazetteers: tuple[str, ...] = ()
    max_hashtags: int = 6

    def build(self) -> Enricher:
        return Enricher(
            user_gazetteers=[Path(p) for p in self.gazetteers], max_hashtags=self.max_hashtags
        )


@dataclass(frozen=True, slots=True)
class PrepJob:
    """One item to prepare: the page's bytes (None: the feed entry's own text, for ``reason``),
    the source's name, tags and rule table, and the item's identity."""

    item: Discovered
    key: str
    source: str
    body: bytes | None = None
    url: str = ""
    reason: str = ""  # why the feed text stands in for the page (body is None)
    rules: Mapping[str, tuple[str, ...]] | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Prepared:
    article: Article
    enrichment: Enrichment
    fallback: str | None = None  # "code: message" when the page failed and the feed text served


def _outlet(page: str | None, feed: str | None, source: str, url: str) -> str:
    """The outlet's name: the page's own site name, unless extraction fell back to the bare host
    name, in which case the feed's title (or the configured source name) says it better."""
    host = (urlsplit(url).netloc or "").lower()
    weak = page is not None and page.lower().removeprefix("www.") in {
        host,
        host.removeprefix("www."),
        host.split(":")[0].removeprefix("www."),
    }
    if page and not weak:
        return page
    return feed or source or page or host


def build_article(source: str, item: Discovered, ex: Extracted, key: str) -> Article:
    """The article as stored: display text cleaned gently, folded forms for matching only.

    Feed data wins where both have it (the outlet's own title and date); drops (no title, no
    text, no web link) are raised as ``Rejected``."""
    title = clean_display(item.title or ex.title or "")
    if not title:
        raise Rejected("no_title", "عنصر بلا عنوان — an entry with no title")
    blocks = tuple(b for b in ex.blocks if b.text.strip())
    if not blocks:
        raise Rejected("empty", "لا نص للمقال — no article text")
    url = item.url or ex.url
    if not is_web_url(url):
        raise Rejected("bad_link", f"رابط غير صالح: {url!r}")
    body = "\n".join(b.text for b in blocks)
    published = item.published or ex.published
    outlet = _outlet(ex.outlet, item.outlet, source, url)
    categories = tuple(dict.fromkeys(item.categories + ex.tags))
    lead = item.image or ex.image
    images = merge((lead,), ex.images, item.images)
    return Article(
        identity=key,
        source=source,
        url=url,
        canonical_url=canonical_url(ex.canonical_url or url),
        title=title,
        blocks=blocks,
        # people only: a feed's author that is an agency or the outlet itself is no byline
        author=byline(item.author, not_names=(outlet, source, item.outlet)) or ex.author,
        published=published,
        modified=item.updated or ex.modified,
        outlet=clean_display(outlet),
        image=images[0] if images else lead,
        images=images,
        categories=categories,
        method=ex.method,
        fallback_reason=ex.fallback_reason,
        match_title=normalize(title),
        match_text=normalize(title + "\n" + body),
        content_hash=content_hash(title, body),
    )


def enrich_article(
    enricher: Enricher, article: Article, source_tags: Sequence[str] = ()
) -> Enrichment:
    """Entities, hashtags and topic, plus the dates the body mentions (read relative to the
    article's own publication date)."""
    result = enricher.enrich(
        article.title, article.text, categories=article.categories, source_tags=source_tags
    )
    return replace(result, dates=tuple(find_dates(article.text, article.published)))


@functools.lru_cache(maxsize=64)
def _site_rules(key: tuple[tuple[str, tuple[str, ...]], ...]) -> SiteRules:
    return SiteRules.from_dict(dict(key))


def _extracted(job: PrepJob) -> tuple[Extracted, str | None]:
    item = job.item
    if job.body is None:
        return from_feed(item, job.reason), None
    rules = _site_rules(tuple(sorted(job.rules.items()))) if job.rules else None
    try:
        return extract_page(job.body, job.url, hint=item, rules=rules), None
    except (NashraError, Rejected) as exc:  # no article on the page: the feed's text, if any
        if not (item.content_html or item.summary_html):
            raise
        return from_feed(item, exc.code), f"{exc.code}: {exc}"


def prepare(job: PrepJob, enricher: Enricher) -> Prepared:
    """Extract (or take the feed text), build the article and enrich it. Raises ``Rejected``
    for a drop and ``NashraError`` for a failure."""
    extracted, fallback = _extracted(job)
    article = build_article(job.source, job.item, extracted, job.key)
    return Prepared(article, enrich_article(enricher, article, job.tags), fallback)


@functools.lru_cache(maxsize=4)
def _worker_enricher(options: EnrichOptions) -> Enricher:
    return options.build()


def prepare_remote(job: PrepJob, options: EnrichOptions) -> tuple[Any, ...]:
    """``prepare`` in a worker process. The outcome comes back as plain data (exceptions with
    keyword arguments do not survive pickling): ``("ok", Prepared)``, ``("drop", reason,
    detail)`` or ``("error", code, message, where)``."""
    try:
        return ("ok", prepare(job, _worker_enricher(options)))
    except Rejected as drop:
        return ("drop", drop.reason, drop.detail)
    except NashraError as exc:
        return ("error", exc.code, exc.message, exc.where)


def outcome(result: tuple[Any, ...]) -> Prepared:
    """The worker's answer back as a value or the exception it stood for."""
    if result[0] == "ok":
        prepared: Prepared = result[1]
        return prepared
    if result[0] == "drop":
        raise Rejected(result[1], result[2])
    err = _CODES.get(result[1], ExtractError)(result[2], where=result[3])
    raise err


def _error_classes() -> dict[str, type[NashraError]]:
    import nashra.errors as errors

    found: dict[str, type[NashraError]] = {}
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, NashraError):
            code = getattr(value, "code", None)
            if isinstance(code, str) and value.__init__ is NashraError.__init__:
                found.setdefault(code, value)
    return found


_CODES = _error_classes()
