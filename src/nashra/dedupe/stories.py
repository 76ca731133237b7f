"""Stories: the same event told by several outlets, and what the rest of Nashra asks of them.

A story is keyed by its first article's id (``articles.story_id``, NULL on that first article);
the article that is posted for it is the member with no ``duplicate_of``. ``best_match`` is the
story layer of ``nashra.dedupe.decide``: candidates share at least two story terms (title words,
entities) within ``STORY_WINDOW``, and one is accepted when title and lead agree (thresholds
below, chosen on the development split; see docs/dedupe.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa

from nashra.dedupe import encoder, index, signals, storyindex
from nashra.dedupe.features import LEAD_WORDS, Features, body_of, content_words, utc
from nashra.dedupe.listing import Story, StoryArticle, also_reported_by, list_stories
from nashra.dedupe.shingles import shingles
from nashra.dedupe.signals import Signals, StoryText
from nashra.dedupe.storyindex import Idf
from nashra.errors import StoreError
from nashra.models import Article, PostState
from nashra.store import articles, schema

__all__ = ["Story", "StoryArticle", "also_reported_by", "best_match", "list_stories"]

STORY_WINDOW = timedelta(days=7)  # candidates: the same story, or another event of its thread
STORY_CANDIDATES = 30  # articles sharing rare terms, the most shared first
STORY_STORIES = 8  # distinct stories among them compared as a whole
MIN_SHARED_TERMS = 2
MIN_STORY_WORDS = 12  # title + lead content words: fewer prove nothing (a one-line item)
RARE_LEAD_TERMS = 24  # the lead's rarest words indexed and asked for, besides title and entities
# An article that joins one story and scores this much against another story too shows the two
# are one (``nashra.dedupe.merge``); chosen on the tuning half streamed (docs/dedupe.md).
MERGE_AT = 2.0
SITE_SAMPLE = 8  # a site's recent articles looked at to find its boilerplate
SITE_COMMON = 3  # a shingle in this many of them is the site's, not the story's

a = schema.articles
p = schema.posts
da = schema.dedupe_articles


@dataclass(frozen=True, slots=True)
class StoryPlan:
    """The story layer's work on a new article, carried to ``remember``: its features (stored
    in the story index), the terms it is indexed under, and the thread it belongs to."""

    text: StoryText
    terms: tuple[int, ...]
    related: int | None = None  # a story of the same running story, not the same event
    related_score: float = 0.0
    # other stories this article also tells (value ≥ MERGE_AT): one story started apart
    merges: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True, slots=True)
class StoryHit:
    row: Any  # the matched member's article row
    story: int  # the story's key
    signals: Signals


def text_of(
    article: Article, enrichment_entities: Sequence[Mapping[str, Any]], *, encode: bool = True
) -> StoryText:
    """The article's story features; its sentence vector only with ``encode``."""
    vec = encoder.embed_one(encoder.article_text(article.title, article.text)) if encode else None
    return signals.of_text(
        article.title,
        article.match_title,
        body_of(article.match_title, article.match_text),
        enrichment_entities,
        vec=vec,
        at=utc(article.published),
    )


def story_terms(
    title_words: Sequence[str], st: StoryText, lead: Sequence[str], idf: Idf
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(indexed, asked): an article is indexed under, and asks for, its title words, entities
    and the ``RARE_LEAD_TERMS`` rarest words of its lead (the ones few articles share: the
    story's own words). Indexing every lead word cost about a kilobyte per article in
    ``dedupe_terms``, for words (said, government, Tuesday) that find no story."""
    base = {index.term_key("t", w) for w in title_words}
    base.update(index.term_key("e", e) for e in st.entities if e)
    lead_keys = {w: index.term_key("t", w) for w in set(lead)}
    rare = sorted(lead_keys, key=lambda w: (idf.count(signals.word_key(w)), lead.index(w)))
    terms = base | {lead_keys[w] for w in rare[:RARE_LEAD_TERMS]}
    return tuple(sorted(terms)), tuple(sorted(terms))


def best_match(
    conn: sa.Connection,
    article: Article,
    f: Features,
    title_words: tuple[str, ...],
    entities: Sequence[Mapping[str, Any]],
) -> tuple[StoryHit | None, StoryPlan]:
    """The story this article tells, if one is stored (and the plan ``remember`` carries out).

    The article is encoded only when a candidate story passes the cheap signals
    (``signals.worth_encoding``); the members it is then compared with are encoded too if they
    were not yet (``storyindex.encoded``): each article is encoded at most once."""
    st = text_of(article, entities, encode=False)
    lead = content_words(body_of(article.match_title, article.match_text), LEAD_WORDS)
    idf = Idf(
        conn,
        [*st.terms, *(signals.entity_key(e) for e in st.entities)]
        + [signals.word_key(w) for w in lead],
    )
    terms, asked = story_terms(title_words, st, lead, idf)
    found = index.term_candidates(
        conn,
        asked,
        f.at - STORY_WINDOW,
        f.at + STORY_WINDOW,
        min_shared=MIN_SHARED_TERMS,
        limit=STORY_CANDIDATES,
    )
    if len(title_words) + len(lead) < MIN_STORY_WORDS:
        return None, StoryPlan(st, terms)
    keys = storyindex.story_keys(conn, [i for i, _ in found])
    order: list[int] = []
    for i, _ in found:
        k = keys.get(i)
        if k is not None and k not in order:
            order.append(k)
    # One outlet telling a story twice is an update or a new development: each story is compared
    # through the other outlets' members only.
    groups = []
    for k in order[:STORY_STORIES]:
        ms = [(i, m) for i, src, m in storyindex.members(conn, k) if src != article.source]
        if ms:
            groups.append((k, ms))
    # The weights of every word and entity compared, from one lookup (a member's own words
    # weigh in its vector's length as much as the shared ones do).
    more = {t for _, ms in groups for _, m in ms for t in m.terms}
    more |= {signals.entity_key(e) for _, ms in groups for _, m in ms for e in m.entities}
    idf.extend(conn, more)
    groups = [
        (k, ms)
        for k, ms in groups
        if signals.worth_encoding(signals.compare(st, [m for _, m in ms], idf, vectors=False))
    ]
    if not groups:
        return None, StoryPlan(st, terms)
    st = replace(st, vec=encoder.embed_one(encoder.article_text(article.title, article.text)))
    best: tuple[int, int, Signals] | None = None  # (story, member id, signals)
    scored: list[tuple[int, float]] = []
    for k, ms in groups:
        ms = storyindex.encoded(conn, ms)
        if not ms:
            continue
        sig = signals.compare(st, [m for _, m in ms], idf)
        scored.append((k, sig.value))
        if best is None or sig.value > best[2].value:
            nearest = max(ms, key=lambda x: _cos(x[1], st))[0]
            best = (k, nearest, sig)
    if best is None:
        return None, StoryPlan(st, terms)
    k, member, sig = best
    if not sig.same_story:
        rel = k if sig.related else None
        return None, StoryPlan(st, terms, rel, max(sig.use, sig.centroid) if rel else 0.0)
    row = conn.execute(sa.select(a).where(a.c.id == member, a.c.deleted_at.is_(None))).first()
    if row is None:
        return None, StoryPlan(st, terms)
    merges = tuple((o, v) for o, v in scored if o != k and v >= MERGE_AT)
    return StoryHit(row._mapping, k, sig), StoryPlan(st, terms, merges=merges)


def _cos(one: StoryText, two: StoryText) -> float:
    return float(one.vec @ two.vec) if one.vec is not None and two.vec is not None else 0.0


def explain(
    conn: sa.Connection, first_id: int, second_id: int
) -> tuple[Signals, StoryText, StoryText]:
    """The signals between two stored articles, as the story layer computes them."""
    texts = []
    for aid in (first_id, second_id):
        got = conn.execute(
            sa.select(storyindex.sv).where(storyindex.sv.c.article_id == aid)
        ).first()
        if got is not None:
            texts.append(storyindex.encoded(conn, [(aid, storyindex.from_row(got._mapping))])[0][1])
            continue
        found = articles.get(conn, aid)
        if found is None:
            raise StoreError(f"لا يوجد مقال بالرقم {aid} — no article {aid}")
        art, enr = found
        ents = [
            {"canonical": e.canonical, "text": e.text, "start": e.start, "type": e.type}
            for e in enr.entities
        ]
        texts.append(text_of(art, ents))
    one, two = texts
    if one.at and two.at and two.at < one.at:
        one, two = two, one
    idf = Idf(
        conn,
        [*one.terms, *two.terms, *(signals.entity_key(e) for e in one.entities | two.entities)],
    )
    return signals.compare(two, [one], idf), one, two


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
