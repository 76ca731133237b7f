"""The story index in the database (migration 10): what ``nashra.dedupe.signals`` compares.

* ``story_vectors``: one row per article the story layer has seen, keyed by article, with its
  story's key (indexed with the time, so a story's members are one index range): the int8
  sentence vector (512 bytes; empty until the article is first compared with a story that
  could take it, then written once: ``encoded``), the body sketch (5 bytes a word, at most 96
  words) and the facts (entities, places, numbers of the title and lead) as JSON;
* ``story_df``: in how many indexed articles a body word or an entity occurs (TF-IDF weights and
  entity rarity), and ``dedupe_meta["story_docs"]`` the number of articles counted;
* ``story_links``: two stories of one running story (a thread), with the score that linked them.

Every statement here is served by a primary key or an index (``tests/dedupe/test_query_plans``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from nashra.dedupe import encoder, index
from nashra.dedupe.signals import StoryText, entity_key, pack_terms, unpack_terms
from nashra.store import schema
from nashra.store.util import now

sv = schema.story_vectors
sdf = schema.story_df
sl = schema.story_links
MEMBERS_PER_STORY = 16  # the most recent members a new article is compared with


def _facts(st: StoryText) -> dict[str, list[str]]:
    return {
        "e": sorted(st.entities),
        "tp": sorted(st.title_places),
        "p": sorted(st.places),
        "n": sorted(st.numbers),
        "tn": sorted(st.title_numbers),
    }


def from_row(m: Any) -> StoryText:
    f = m["facts"] or {}
    return StoryText(
        vec=encoder.unpack(m["vec"]) if m["vec"] else None,
        terms=unpack_terms(m["terms"]),
        entities=frozenset(f.get("e", ())),
        title_places=frozenset(f.get("tp", ())),
        places=frozenset(f.get("p", ())),
        numbers=frozenset(f.get("n", ())),
        title_numbers=frozenset(f.get("tn", ())),
        at=index_time(m["at"]),
    )


def index_time(d: datetime | None) -> datetime | None:
    from nashra.store.util import aware

    return aware(d)


def _upsert_df(conn: sa.Connection, keys: Sequence[int]) -> None:
    if not keys:
        return
    rows = [{"term": k, "df": 1} for k in keys]
    dialect = conn.engine.dialect.name
    ins: Any = postgresql.insert(sdf) if dialect == "postgresql" else sqlite.insert(sdf)
    stmt = ins.on_conflict_do_update(index_elements=[sdf.c.term], set_={"df": sdf.c.df + 1})
    conn.execute(stmt, rows)


def add(
    conn: sa.Connection, article_id: int, story_id: int, source: str, at: datetime, st: StoryText
) -> None:
    conn.execute(
        sv.insert().values(
            article_id=article_id,
            story_id=story_id,
            source=source,
            at=at,
            vec=encoder.pack(st.vec) if st.vec is not None else b"",
            terms=pack_terms(st.terms),
            facts=_facts(st),
        )
    )
    keys = sorted(set(st.terms) | {entity_key(e) for e in st.entities})
    _upsert_df(conn, keys)
    n = docs(conn)
    index.set_meta(conn, "story_docs", str(n + 1))


def docs(conn: sa.Connection) -> int:
    v = index.get_meta(conn, "story_docs")
    return int(v) if v else 0


_DF_Q = sa.select(sdf.c.term, sdf.c.df).where(sdf.c.term.in_(sa.bindparam("k", expanding=True)))


class Idf:
    """Smoothed inverse document frequencies of the keys asked for (one query per batch)."""

    def __init__(self, conn: sa.Connection, keys: Iterable[int]) -> None:
        self.n = docs(conn)
        self.df: dict[int, int] = {}
        self._asked: set[int] = set()
        self.extend(conn, keys)

    def extend(self, conn: sa.Connection, keys: Iterable[int]) -> None:
        """Look up the keys not asked for yet."""
        ks = sorted(set(keys) - self._asked)
        self._asked.update(ks)
        for i in range(0, len(ks), 500):
            chunk = ks[i : i + 500]
            self.df.update({int(r[0]): int(r[1]) for r in conn.execute(_DF_Q, {"k": chunk})})

    def __call__(self, key: int) -> float:
        return math.log((self.n + 1) / (self.df.get(key, 0) + 1)) + 1.0

    def count(self, key: int) -> int:
        return self.df.get(key, 0)


_KEYS_Q = sa.select(sv.c.article_id, sv.c.story_id).where(
    sv.c.article_id.in_(sa.bindparam("ids", expanding=True))
)


def story_keys(conn: sa.Connection, article_ids: Sequence[int]) -> dict[int, int]:
    """Article → its story's key, for the articles the story index holds."""
    if not article_ids:
        return {}
    return {int(r[0]): int(r[1]) for r in conn.execute(_KEYS_Q, {"ids": list(article_ids)})}


_MEMBERS_Q = (
    sa.select(sv)
    .where(sv.c.story_id == sa.bindparam("k"))
    .order_by(sv.c.at.desc())
    .limit(MEMBERS_PER_STORY)
)


def members(conn: sa.Connection, story_id: int) -> list[tuple[int, str, StoryText]]:
    """A story's most recent members: (article id, source, features)."""
    rows = conn.execute(_MEMBERS_Q, {"k": story_id})
    return [(int(r.article_id), str(r.source), from_row(r._mapping)) for r in rows]


def encoded(
    conn: sa.Connection, members: Sequence[tuple[int, StoryText]]
) -> list[tuple[int, StoryText]]:
    """The members with their sentence vectors: those not encoded yet are encoded now (one
    batch, from the stored article's title and lead) and their vectors stored, so an article
    is encoded at most once. A member whose article is gone is left out."""
    from dataclasses import replace

    from nashra.store import articles

    todo = [(i, m) for i, m in members if m.vec is None]
    if not todo:
        return list(members)
    got: dict[int, str] = {}
    for i, _ in todo:
        found = articles.get(conn, i)
        if found is not None:
            got[i] = encoder.article_text(found[0].title, found[0].text)
    ids = list(got)
    vecs = encoder.embed([got[i] for i in ids])
    done = dict(zip(ids, vecs, strict=True))
    for i, v in done.items():
        conn.execute(sv.update().where(sv.c.article_id == i).values(vec=encoder.pack(v)))
    out = []
    for i, m in members:
        if m.vec is not None:
            out.append((i, m))
        elif i in done:
            out.append((i, replace(m, vec=encoder.unpack(encoder.pack(done[i])))))
    return out


def move(conn: sa.Connection, old_story: int, new_story: int) -> None:
    conn.execute(sv.update().where(sv.c.story_id == old_story).values(story_id=new_story))


def link(conn: sa.Connection, story_id: int, related_id: int, score: float) -> None:
    """Record that two stories are one running story (either order is the same link)."""
    a, b = sorted((story_id, related_id))
    if a == b:
        return
    found = conn.execute(
        sa.select(sl.c.score).where(sl.c.story_id == a, sl.c.related_id == b)
    ).first()
    if found is None:
        conn.execute(sl.insert().values(story_id=a, related_id=b, score=score, created_at=now()))


def related(conn: sa.Connection, story_id: int) -> list[tuple[int, float]]:
    """Stories linked to this one as a thread: (story key, score), the strongest first."""
    q1 = sa.select(sl.c.related_id, sl.c.score).where(sl.c.story_id == story_id)
    q2 = sa.select(sl.c.story_id, sl.c.score).where(sl.c.related_id == story_id)
    rows = [(int(r[0]), float(r[1])) for r in conn.execute(q1)]
    rows += [(int(r[0]), float(r[1])) for r in conn.execute(q2)]
    return sorted(rows, key=lambda x: -x[1])
