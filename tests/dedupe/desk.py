"""Helpers for the dedupe tests: articles built like the pipeline's, and its store step."""

from __future__ import annotations

from datetime import datetime

from nashra.arabic import normalize
from nashra.dedupe.decide import Decision, decide, remember
from nashra.dedupe.identity import content_hash, identity
from nashra.dedupe.urls import canonical_url
from nashra.enrich import enrich
from nashra.models import Article, Block, BlockKind, Enrichment, PostState
from nashra.render import Renderer
from nashra.store import Store, articles, outbox


def make_article(
    source: str,
    url: str,
    title: str,
    body: str,
    *,
    published: datetime | None = None,
    outlet: str | None = None,
    guid: str | None = None,
) -> Article:
    blocks = tuple(Block(BlockKind.PARAGRAPH, p) for p in body.split("\n") if p.strip())
    text = "\n".join(b.text for b in blocks)
    return Article(
        identity=identity(source, guid=guid, url=url, title=title, body=text),
        source=source,
        url=url,
        canonical_url=canonical_url(url),
        title=title,
        blocks=blocks,
        published=published,
        outlet=outlet or source,
        match_title=normalize(title),
        match_text=normalize(title + "\n" + text),
        content_hash=content_hash(title, text),
    )


class Desk:
    """The pipeline's store step, for tests: decide, insert, remember, queue a post."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.renderer = Renderer()

    def ingest(
        self, article: Article, *, priority: int = 0, enrichment: Enrichment | None = None
    ) -> tuple[int, Decision]:
        result = enrichment or enrich(article.title, article.text)
        with self.store.tx() as conn:
            verdict = decide(conn, article, result, priority=priority)
            article_id = articles.insert(
                conn,
                article,
                result,
                duplicate_of=verdict.duplicate_of,
                story_id=verdict.story_id,
            )
            remember(conn, article_id, verdict)
            if verdict.duplicate_of is None:
                stored = articles.get(conn, article_id)
                assert stored is not None
                post = self.renderer.render(stored[0], result, "main")
                outbox.add(conn, post, PostState.PENDING)
        return article_id, verdict
