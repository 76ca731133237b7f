"""Stories: the same event told by several outlets, and what the rest of Nashra asks of them.

A story is keyed by its first article's id (``articles.story_id``, NULL on that first article);
the article that is posted for it is the member with no ``duplicate_of``. ``best_match`` is the
story layer of ``nashra.dedupe.decide``: candidates share at least two story terms (title words,
entities) within ``STORY_WINDOW``, and one is accepted when title and lead agree (thresholds
below, chosen on the development split; see docs/dedupe.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from rapidfuzz import fuzz

from nashra.dedupe import index
from nashra.dedupe.features import (
    LEAD_WORDS,
    Features,
    body_of,
    content_words,
    entities_before,
    lead_entities,
)
from nashra.dedupe.shingles import shingles
from nashra.models import Article, PostState
from nashra.store import schema

STORY_WINDOW = timedelta(hours=36)
STORY_CANDIDATES = 30
MIN_SHARED_TERMS = 2
MIN_TITLE_WORDS = 3  # token_set_ratio calls a short title a subset of anything
SITE_SAMPLE = 8  # a site's recent articles looked at to find its boilerplate
SITE_COMMON = 3  # a shingle in this many of them is the site's, not the story's

a = schema.articles
p = schema.posts
da = schema.dedupe_articles


@dataclass(frozen=True, slots=True)
class StoryScore:
    title: float  # token_set_ratio of the content words of the titles, 0..1
    lead: float  # Jaccard of the lead's content words
    entities: int  # entities shared in title or lead
    conflict: bool = False  # both titles name places, and none in common

    @property
    def same_story(self) -> bool:
        if self.conflict:
            # "greets the president of Niger" / "of Bolivia": one template, two stories.
            return False
        # Chosen on 40 hand-judged story merges of the development split: looser rules
        # (title ≥ 0.6 with some lead overlap, or two shared entities) merged routine news of one
        # kind (road accidents, royal audiences, job notices) as often as they found a story.
        return (self.title >= 0.85 and self.lead >= 0.1) or (
            self.title >= 0.7 and self.lead >= 0.45 and self.entities >= 2
        )

    @property
    def value(self) -> float:
        return 0.5 * self.title + 0.35 * self.lead + 0.15 * min(1.0, self.entities / 3)


def score(
    title_words: tuple[str, ...], f: Features, row: Any, their_title_words: tuple[str, ...]
) -> StoryScore:
    t = 0.0
    if len(title_words) >= MIN_TITLE_WORDS and len(their_title_words) >= MIN_TITLE_WORDS:
        t = fuzz.token_set_ratio(" ".join(title_words), " ".join(their_title_words)) / 100
    body = body_of(row["match_title"], row["match_text"])
    lead = frozenset(content_words(body, LEAD_WORDS))
    inter = len(lead & f.lead)
    union = len(lead) + len(f.lead) - inter
    ents = (row["enrichment"] or {}).get("entities", ())
    shared = lead_entities(ents, len(row["title"])) & f.entities
    # Places are the gazetteer's surest entities; a person or an organisation may be named
    # differently by two outlets, a country or a city rarely.
    theirs = entities_before(ents, len(row["title"]), "place")
    conflict = bool(theirs and f.title_places and not theirs & f.title_places)
    return StoryScore(t, inter / union if union else 0.0, len(shared), conflict)


def best_match(
    conn: sa.Connection, article: Article, f: Features, title_words: tuple[str, ...]
) -> tuple[Any, float] | None:
    terms = {index.term_key("t", w) for w in title_words}
    terms.update(index.term_key("e", e) for e in f.entities if e)
    found = index.term_candidates(
        conn,
        sorted(terms),
        f.at - STORY_WINDOW,
        f.at + STORY_WINDOW,
        min_shared=MIN_SHARED_TERMS,
        limit=STORY_CANDIDATES,
    )
    if not found:
        return None
    rows = conn.execute(
        sa.select(a).where(a.c.id.in_([i for i, _ in found]), a.c.deleted_at.is_(None))
    )
    best: tuple[Any, float] | None = None
    for r in rows:
        row = r._mapping
        if row["source"] == article.source:
            continue  # one outlet telling a story twice is an update or a new development
        s = score(title_words, f, row, content_words(row["match_title"]))
        if s.same_story and (best is None or s.value > best[1]):
            best = (row, s.value)
    return best


def site_boilerplate(conn: sa.Connection, source: str, exclude: tuple[int, ...] = ()) -> Any:
    """Shingles found in several of a site's recent articles: its menus, footers, notices."""
    ids = sa.select(da.c.article_id).where(da.c.source == source, da.c.article_id.not_in(exclude))
    q = sa.select(a.c.match_title, a.c.match_text).where(
        a.c.id.in_(ids.order_by(da.c.at.desc()).limit(SITE_SAMPLE).scalar_subquery())
    )
    counts: Counter[int] = Counter()
    for r in conn.execute(q):
        counts.update(shingles(body_of(r[0], r[1]), normalized=True).tolist())
    common = [h for h, n in counts.items() if n >= SITE_COMMON]
    return np.array(sorted(common), dtype=np.uint64)


def without(hashes: Any, common: Any) -> Any:
    if len(common) == 0:
        return hashes
    return np.setdiff1d(hashes, common, assume_unique=True)


_OPEN = (PostState.PENDING.value, PostState.HELD.value)


def replaceable(conn: sa.Connection, article_id: int) -> bool:
    """True when the article has posts and none has left the outbox (all pending or held)."""
    states = [r[0] for r in conn.execute(sa.select(p.c.state).where(p.c.article_id == article_id))]
    return bool(states) and all(s in _OPEN for s in states)


def promote(conn: sa.Connection, new_id: int, old_id: int) -> None:
    """``new_id`` becomes the story's posted article: ``old_id`` and its duplicates point to it,
    and ``old_id``'s unsent posts are skipped (never sent)."""
    conn.execute(a.update().where(a.c.duplicate_of == old_id).values(duplicate_of=new_id))
    conn.execute(a.update().where(a.c.id == old_id).values(duplicate_of=new_id))
    conn.execute(
        p.update()
        .where(p.c.article_id == old_id, p.c.state.in_(_OPEN))
        .values(state=PostState.SKIPPED.value, last_error=f"superseded by article {new_id}")
    )


def _story_key(conn: sa.Connection, article_id: int) -> int | None:
    r = conn.execute(sa.select(a.c.id, a.c.story_id).where(a.c.id == article_id)).first()
    return None if r is None else int(r[1] or r[0])


def also_reported_by(conn: sa.Connection, article_id: int) -> list[str]:
    """Outlets (display names, first seen first) of the article's story other than its own."""
    key = _story_key(conn, article_id)
    if key is None:
        return []
    rows = conn.execute(
        sa.select(a.c.id, a.c.outlet, a.c.source)
        .where(sa.func.coalesce(a.c.story_id, a.c.id) == key, a.c.deleted_at.is_(None))
        .order_by(a.c.id)
    ).all()
    own = next((r[1] or r[2] for r in rows if r[0] == article_id), None)
    out: list[str] = []
    for _id, outlet, source in rows:
        name = outlet or source
        if name != own and name not in out:
            out.append(name)
    return out


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: int
    source: str
    outlet: str | None
    title: str
    url: str
    published: str | None
    posted: bool  # the story's posted article (no duplicate_of)
    reason: str | None  # the layer that joined it to the story (None: the first)


@dataclass(frozen=True, slots=True)
class Story:
    id: int
    title: str  # the posted article's title
    first_seen: datetime
    last_seen: datetime
    outlets: tuple[str, ...]
    articles: tuple[StoryArticle, ...]


def list_stories(
    conn: sa.Connection, *, limit: int = 50, min_articles: int = 1, since: datetime | None = None
) -> list[Story]:
    """The most recently active stories, newest first, with their articles."""
    key = sa.func.coalesce(a.c.story_id, a.c.id)
    last = sa.func.max(a.c.created_at)
    q = sa.select(key.label("k")).where(a.c.deleted_at.is_(None))
    if since is not None:
        q = q.where(a.c.created_at >= since)
    q = q.group_by(key).having(sa.func.count() >= min_articles).order_by(last.desc(), key.desc())
    keys = [int(r[0]) for r in conn.execute(q.limit(limit))]
    if not keys:
        return []
    rows = conn.execute(
        sa.select(
            key.label("k"),
            a.c.id,
            a.c.source,
            a.c.outlet,
            a.c.title,
            a.c.url,
            a.c.published,
            a.c.duplicate_of,
            a.c.created_at,
            da.c.reason,
        )
        .outerjoin(da, da.c.article_id == a.c.id)
        .where(key.in_(keys), a.c.deleted_at.is_(None))
        .order_by(a.c.id)
    ).all()
    members: dict[int, list[Any]] = {k: [] for k in keys}
    for r in rows:
        members[int(r.k)].append(r)
    out = []
    for k in keys:
        rs = members[k]
        arts = tuple(
            StoryArticle(
                r.id,
                r.source,
                r.outlet,
                r.title,
                r.url,
                r.published,
                r.duplicate_of is None,
                None if r.id == k else r.reason,
            )
            for r in rs
        )
        posted = next((x for x in arts if x.posted), arts[0])
        outlets = tuple(dict.fromkeys(x.outlet or x.source for x in arts))
        out.append(Story(k, posted.title, rs[0].created_at, rs[-1].created_at, outlets, arts))
    return out
