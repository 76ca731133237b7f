"""Is this new article one we already have under another identity?

Layers, cheapest first: the canonical URL and the content hash (exact), then the normalized
title within a time window. Later layers (near-duplicate bodies, story clusters) plug in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from nashra.models import Article
from nashra.store import articles

TITLE_WINDOW = timedelta(days=2)
# A title must say something before it can prove two articles equal (not just "عاجل").
MIN_TITLE_TOKENS = 4


@dataclass(frozen=True, slots=True)
class Decision:
    duplicate_of: int | None = None  # the article this one repeats: never posted itself
    story_id: int | None = None
    reason: str | None = None  # which layer matched: url, content, title


def decide(conn: sa.Connection, article: Article) -> Decision:
    row = articles.by_content(
        conn, content_hash=article.content_hash, canonical_url=article.canonical_url
    )
    if row is not None:
        return Decision(
            duplicate_of=row["id"], story_id=row["story_id"] or row["id"], reason="content"
        )
    if len(article.match_title.split()) >= MIN_TITLE_TOKENS:
        row = articles.by_title(conn, article.match_title, article.published, TITLE_WINDOW)
        if row is not None:
            return Decision(
                duplicate_of=row["id"], story_id=row["story_id"] or row["id"], reason="title"
            )
    return Decision()
