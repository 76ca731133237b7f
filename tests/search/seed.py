"""A real SQLite archive from a dict of docs (display text in; the project folds it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nashra.arabic import normalize
from nashra.dedupe.identity import content_hash
from nashra.models import Article, Block, BlockKind, Enrichment, Entity
from nashra.search import sync_index
from nashra.store import Store, articles


def make_article(key: str, doc: dict[str, Any]) -> tuple[Article, Enrichment]:
    title, body = doc["title"], doc["body"]
    published = datetime.fromisoformat(doc["published"]) if doc.get("published") else None
    art = Article(
        identity=f"test:{key}",
        source=doc.get("source", doc.get("outlet", "src")),
        url=doc.get("url", f"https://example.org/{key}"),
        title=title,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in body.split("\n") if p.strip()),
        outlet=doc.get("outlet"),
        published=published,
        match_title=normalize(title),
        match_text=normalize(title + "\n" + body),
        content_hash=content_hash(title, body),
    )
    ents = tuple(Entity(e, "x", 0, 0, canonical=e) for e in doc.get("entities", ()))
    enr = Enrichment(hashtags=tuple(doc.get("hashtags", ())), entities=ents, topic=doc.get("topic"))
    return art, enr


def seed(store: Store, docs: dict[str, dict[str, Any]], *, index: bool = True) -> dict[str, int]:
    """Insert the docs in order; returns key → article id."""
    ids: dict[str, int] = {}
    with store.tx() as conn:
        for key, doc in docs.items():
            art, enr = make_article(key, doc)
            ids[key] = articles.insert(
                conn, art, enr, story_id=doc.get("story_id"), duplicate_of=doc.get("duplicate_of")
            )
        if index:
            sync_index(conn)
    return ids
