"""Is this new article one we already have, or another outlet's telling of a story we have?

Layers, cheapest first; the first that matches decides:

1. ``url``/``content``: the same canonical URL, or the same content hash (exact);
2. ``title``: the same normalized title within ``TITLE_WINDOW``;
3. ``body``: a near-duplicate body: LSH candidates from the index, then the exact Jaccard of
   the word 3-shingles ≥ ``BODY_THRESHOLD``;
4. ``story``: the same event told differently: candidates sharing rare terms within
   ``STORY_WINDOW``, then meaning (a sentence embedding), the body's words, rare entities,
   places and time against the candidate stories as a whole (``nashra.dedupe.stories``,
   ``nashra.dedupe.signals``). A story that is not the same event but one of the same running
   story is recorded as its thread (``Decision.plan.related``).

A match makes the new article a member of the matched story and, by the default policy (one
story, one post), a duplicate of the story's posted article. When the new article's outlet has a
higher priority than the posted one's and none of that article's posts has left the outbox
(pending or held only), the new article takes its place (``Decision.replaces``).

Bad input is handled on purpose: a title too short or only the outlet's name proves nothing;
a body too short skips the body layer; a site's identical boilerplate is removed before two of
its own articles are compared; the same URL with different content is a reused link, not a
duplicate (``reason="url_reused"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz

from nashra.arabic import normalize
from nashra.dedupe import backfill, index, merge, stories, storyindex
from nashra.dedupe.features import LEAD_CHARS, Features, body_of, entities_before, of_article
from nashra.dedupe.shingles import jaccard, shingles
from nashra.dedupe.signals import Signals, places_agree
from nashra.dedupe.urls import is_root_url
from nashra.models import Article, Enrichment
from nashra.store import schema

TITLE_WINDOW = timedelta(days=2)
BODY_WINDOW = timedelta(days=7)
# A title must say something before it can prove two articles equal (not just "عاجل").
MIN_TITLE_TOKENS = 4
BODY_THRESHOLD = 0.5  # exact Jaccard of body shingles for a near-duplicate
SAME_URL_BODY = 0.3  # a reused URL still counts as the same article above this
RECURRING_TITLE_BODY = 0.3  # one outlet's same headline twice must also share this much body
BODY_CANDIDATES = 20
# One site's two articles under unrelated headlines are one article only when nearly all of the
# body is equal (a site's boilerplate can outweigh a short story before it is learnt).
SAME_SOURCE_NEW_TITLE = 0.8

a = schema.articles


@dataclass(frozen=True, slots=True)
class Decision:
    duplicate_of: int | None = None  # the article this one repeats: never posted itself
    story_id: int | None = None
    reason: str | None = None  # which layer matched: url, content, title, body, story
    score: float | None = None  # the matching layer's similarity, when it has one
    replaces: int | None = None  # the posted article this one supersedes (outlet priority)
    priority: int = 0
    source: str = ""  # the new article's source (the index records it)
    features: Features | None = field(default=None, repr=False, compare=False)
    plan: stories.StoryPlan | None = field(default=None, repr=False, compare=False)
    signals: Signals | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class _Match:
    row: Any
    reason: str
    score: float | None = None
    story: int | None = None  # the story's key, when the story layer found it
    signals: Signals | None = None


_COLUMNS = (
    a.c.id,
    a.c.source,
    a.c.outlet,
    a.c.title,
    a.c.match_title,
    a.c.match_text,
    a.c.content_hash,
    a.c.story_id,
    a.c.duplicate_of,
    a.c.enrichment,
    a.c.published_utc,
)


def _prepared(cond: Any) -> Any:
    """A statement built once (compiled once, cached) for the live articles matching cond."""
    return (
        sa.select(*_COLUMNS)
        .where(cond, a.c.deleted_at.is_(None))
        .order_by(a.c.id)
        .limit(sa.bindparam("n"))
    )


_BY_HASH = _prepared(a.c.content_hash == sa.bindparam("v"))
_BY_URL = _prepared(a.c.canonical_url == sa.bindparam("v"))
_BY_IDS = _prepared(a.c.id.in_(sa.bindparam("v", expanding=True)))
_BY_TITLE = _prepared(
    sa.and_(
        a.c.match_title == sa.bindparam("v"),
        sa.or_(
            a.c.published_utc.is_(None),
            a.c.published_utc.between(sa.bindparam("lo"), sa.bindparam("hi")),
        ),
    )
)
_BY_TITLE_ANY_TIME = _prepared(a.c.match_title == sa.bindparam("v"))


def _rows(conn: sa.Connection, stmt: Any, value: Any, limit: int = 5, **more: Any) -> list[Any]:
    return [r._mapping for r in conn.execute(stmt, {"v": value, "n": limit, **more})]


def _body_hashes(row: Any) -> Any:
    return shingles(body_of(row["match_title"], row["match_text"]), normalized=True)


def usable_title(article: Article) -> bool:
    """A title proves sameness only with enough words beyond the outlet's own name."""
    t = f" {article.match_title} "
    for name in (article.outlet, article.source):
        n = normalize(name or "")
        if n:  # whole words only: the outlet الوطن is not in الوطني
            t = t.replace(f" {n} ", " ")
    return len(t.split()) >= MIN_TITLE_TOKENS


def _exact(conn: sa.Connection, article: Article, f: Features) -> _Match | None:
    for row in _rows(conn, _BY_HASH, article.content_hash):
        # One site's boilerplate-only body under different titles is not one article.
        if (
            row["source"] == article.source
            and row["match_title"] != article.match_title
            and fuzz.token_set_ratio(row["match_title"], article.match_title) < 50
        ):
            continue
        return _Match(row, "content", 1.0)
    cu = article.canonical_url
    if not cu or is_root_url(cu):
        return None
    for row in _rows(conn, _BY_URL, cu):
        same_title = fuzz.token_set_ratio(row["match_title"], article.match_title) >= 90
        if same_title or jaccard(_body_hashes(row), f.hashes) >= SAME_URL_BODY:
            return _Match(row, "url", 1.0)
    return None


def _title(conn: sa.Connection, article: Article, f: Features) -> _Match | None:
    if not usable_title(article):
        return None
    if article.published is None:
        rows = _rows(conn, _BY_TITLE_ANY_TIME, article.match_title)
    else:
        lo, hi = f.at - TITLE_WINDOW, f.at + TITLE_WINDOW
        rows = _rows(conn, _BY_TITLE, article.match_title, lo=lo, hi=hi)
    for row in rows:
        if row["source"] == article.source and f.long_enough:
            # The same outlet's headline again (a daily column, "prices today") with a new
            # body is a new article.
            theirs = _body_hashes(row)
            if (
                len(theirs) >= len(f.hashes) // 4
                and jaccard(theirs, f.hashes) < RECURRING_TITLE_BODY
            ):
                continue
        return _Match(row, "title", 1.0)
    return None


def _body(conn: sa.Connection, article: Article, f: Features) -> _Match | None:
    if not f.keys:
        return None
    found = index.band_candidates(
        conn, f.keys, f.at - BODY_WINDOW, f.at + BODY_WINDOW, BODY_CANDIDATES
    )
    if not found:
        return None
    rows = _rows(conn, _BY_IDS, [i for i, _ in found], limit=BODY_CANDIDATES)
    best: _Match | None = None
    for row in rows:
        theirs = _body_hashes(row)
        mine = f.hashes
        if row["source"] == article.source:
            common = stories.site_boilerplate(conn, article.source, exclude=(row["id"],))
            mine, theirs = stories.without(mine, common), stories.without(theirs, common)
            if len(mine) < len(f.hashes) // 2 and len(mine) < 25:
                continue  # little left once the site's boilerplate is gone
        if _places_conflict(row, f):
            continue  # one wire template, two countries: two stories, however alike the text
        j = jaccard(mine, theirs)
        if (
            row["source"] == article.source
            and j < SAME_SOURCE_NEW_TITLE
            and fuzz.token_set_ratio(row["match_title"], article.match_title) < 50
        ):
            continue  # one site, two headlines: shared page furniture, unless nearly all equal
        if j >= BODY_THRESHOLD and (best is None or j > (best.score or 0.0)):
            best = _Match(row, "body", j)
    return best


def _places_conflict(row: Any, f: Features) -> bool:
    ents = (row["enrichment"] or {}).get("entities", ())
    n = len(row["title"])
    theirs_title = entities_before(ents, n, "place")
    theirs = entities_before(ents, n + 1 + LEAD_CHARS, "place")
    return places_agree(f.title_places, f.places, theirs_title, theirs) < 0


def _entities(enrichment: Enrichment | None) -> list[dict[str, Any]]:
    return [
        {"canonical": e.canonical, "text": e.text, "start": e.start, "type": e.type}
        for e in (enrichment.entities if enrichment else ())
    ]


_LAYERS = {"exact": _exact, "title": _title, "body": _body}
LAYERS = (*_LAYERS, "story")


def decide(
    conn: sa.Connection,
    article: Article,
    enrichment: Enrichment | None = None,
    *,
    priority: int = 0,
    layers: Sequence[str] = LAYERS,
) -> Decision:
    """The verdict for a new article (before it is stored); pass it to ``remember`` after.

    ``layers`` names the layers to run, in ``LAYERS`` order (evaluation runs them apart)."""
    backfill.ensure(conn)
    f = of_article(article, enrichment)
    match = None
    plan = None
    for name in _LAYERS:
        if name in layers and (match := _LAYERS[name](conn, article, f)) is not None:
            break
    if match is None and "story" in layers:
        title_words = f.title_words if usable_title(article) else ()
        hit, plan = stories.best_match(conn, article, f, title_words, _entities(enrichment))
        if hit is not None:
            match = _Match(hit.row, "story", hit.signals.value, hit.story, hit.signals)
    if match is None:
        return Decision(priority=priority, source=article.source, features=f, plan=plan)
    row = match.row
    posted = int(row["duplicate_of"] or row["id"])
    story = match.story if match.story is not None else int(row["story_id"] or row["id"])
    replaces = None
    if priority > index.priority_of(conn, posted) and stories.replaceable(conn, posted):
        replaces, posted_of_new = posted, None
    else:
        posted_of_new = posted
    return Decision(
        posted_of_new,
        story,
        match.reason,
        match.score,
        replaces,
        priority,
        article.source,
        f,
        plan,
        match.signals,
    )


def remember(conn: sa.Connection, article_id: int, decision: Decision) -> None:
    """Index the stored article and carry out a swap of the posted article, in the caller's
    transaction."""
    f = decision.features
    if f is None:
        return
    plan = decision.plan
    index.add(
        conn,
        article_id,
        source=decision.source,
        priority=decision.priority,
        at=f.at,
        shingle_count=len(f.hashes) if f.long_enough else 0,
        keys=f.keys,
        terms=plan.terms if plan is not None else f.terms,
        reason=decision.reason,
    )
    story = decision.story_id if decision.story_id is not None else article_id
    if plan is not None:
        storyindex.add(conn, article_id, story, decision.source, f.at, plan.text)
        if plan.related is not None:
            storyindex.link(conn, story, plan.related, plan.related_score)
        if decision.story_id is not None and decision.replaces is None:
            one_post = decision.duplicate_of is not None
            for other, score in plan.merges:
                story = merge.join(conn, story, other, one_post=one_post, score=score)
    if decision.replaces is not None:
        stories.promote(conn, article_id, decision.replaces)
