"""Two stories found to be one: a later article joins both.

A story is decided once, when its first article arrives: when a second outlet leads with
another angle, its article can start a story apart from the first outlet's, and the two stay
apart. A third outlet's article that tells the event in words close to both (it joins one story
and scores as the same event against the other too: ``stories.best_match`` puts the other in
``StoryPlan.merges``) shows they are one story. ``join`` then makes them one, in the caller's
transaction:

* the older story keeps its key and absorbs the younger, but only a story none of whose posts
  has left the outbox (every one pending, held or skipped) is absorbed: one story, one post.
  When the younger was posted and the older not, the younger absorbs the older; when both were
  posted, nothing is unsaid: the two are linked as a thread instead;
* the absorbed story's posted article becomes a duplicate of the other's posted article, its
  unsent posts are skipped ("merged into story N"), and its outlets join the «نقلته أيضًا»
  line (the pipeline re-renders or edits the posted article's posts after ``remember``);
* its members (``articles.story_id``, the story index, the entity rows) take the kept key, and
  its thread links move with them.

In ``stories.mode = "group"`` (the new article is not a duplicate) every member keeps its own
post; only the story keys move.
"""

from __future__ import annotations

import sqlalchemy as sa

from nashra.models import PostState
from nashra.store import schema

a = schema.articles
p = schema.posts
sv = schema.story_vectors
sl = schema.story_links
ae = schema.article_entities

_UNSENT = (PostState.PENDING.value, PostState.HELD.value, PostState.SKIPPED.value)
_OPEN = (PostState.PENDING.value, PostState.HELD.value)


def _members(conn: sa.Connection, key: int) -> list[tuple[int, int | None]]:
    """(id, duplicate_of) of a story's live articles."""
    q = sa.select(a.c.id, a.c.duplicate_of).where(
        sa.or_(a.c.id == key, a.c.story_id == key), a.c.deleted_at.is_(None)
    )
    return [(int(r[0]), r[1]) for r in conn.execute(q)]


def unsent(conn: sa.Connection, ids: list[int]) -> bool:
    """True when no post of these articles has left the outbox."""
    if not ids:
        return True
    q = sa.select(p.c.id).where(p.c.article_id.in_(ids), p.c.state.not_in(_UNSENT)).limit(1)
    return conn.execute(q).first() is None


def join(conn: sa.Connection, key: int, other: int, *, one_post: bool, score: float) -> int:
    """Stories ``key`` and ``other`` are one: the older keeps its key and absorbs the younger,
    unless the younger was posted and the older not (then the younger absorbs the older). When
    both were posted they stay apart, linked as a thread. Returns the key the story now has.
    ``one_post``: the merge mode (one post per story); False in group mode."""
    if other == key:
        return key
    keep, gone = sorted((key, other))
    gone_ids = [i for i, _ in _members(conn, gone)]
    if not unsent(conn, gone_ids):
        keep, gone = gone, keep
        gone_ids = [i for i, _ in _members(conn, gone)]
        if not unsent(conn, gone_ids):
            from nashra.dedupe import storyindex

            storyindex.link(conn, key, other, score)
            return key
    if not gone_ids:
        return key
    heads = [i for i, dup in _members(conn, keep) if dup is None]
    _absorb(conn, keep, gone, min(heads) if one_post and heads else None)
    return keep


def _absorb(conn: sa.Connection, key: int, other: int, posted: int | None) -> None:
    """Story ``other`` becomes part of story ``key``, whose posted article is ``posted`` (None
    in group mode: every article keeps its post)."""
    ms = _members(conn, other)
    ids = [i for i, _ in ms]
    if posted is not None:
        heads = [i for i, dup in ms if dup is None]
        conn.execute(a.update().where(a.c.duplicate_of.in_(heads)).values(duplicate_of=posted))
        conn.execute(a.update().where(a.c.id.in_(heads)).values(duplicate_of=posted))
        conn.execute(
            p.update()
            .where(p.c.article_id.in_(heads), p.c.state.in_(_OPEN))
            .values(state=PostState.SKIPPED.value, last_error=f"merged into story {key}")
        )
    conn.execute(a.update().where(a.c.id.in_(ids)).values(story_id=key))
    conn.execute(sv.update().where(sv.c.story_id == other).values(story_id=key))
    conn.execute(
        ae.update()
        .where(sa.or_(ae.c.story_id == other, ae.c.article_id == other))
        .values(story_id=key)
    )
    _move_links(conn, key, other)


def _move_links(conn: sa.Connection, key: int, other: int) -> None:
    """The other story's threads become this story's (a link between the two is dropped)."""
    from nashra.dedupe import storyindex

    rows = conn.execute(
        sa.select(sl.c.story_id, sl.c.related_id, sl.c.score).where(
            sa.or_(sl.c.story_id == other, sl.c.related_id == other)
        )
    ).all()
    conn.execute(sl.delete().where(sa.or_(sl.c.story_id == other, sl.c.related_id == other)))
    for s, r, score in rows:
        third = int(r) if int(s) == other else int(s)
        if third != key:
            storyindex.link(conn, key, third, float(score))
