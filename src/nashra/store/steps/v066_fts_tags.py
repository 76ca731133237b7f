"""Migration 66 (SQLite only): the FTS5 table gains a ``tags`` column of filter terms.

An article's outlet and source, topic and entities (``nashra.search.query.facet_lexemes``) are
tokens of its entry (``z`` + the hex of ``@o:…``, ``@t:…``, ``@e:…``), so a filtered search is
one FTS5 query that intersects doclists instead of reading an ``articles`` row (or probing
``search_facets``) per walked match: relevance with a rare entity took 1.6 s at 1M articles. The
table is made anew with the entries of the old one plus their tags, built here in SQL from
``articles`` and ``search_facets`` (the tokens the indexer writes for a new article).
PostgreSQL: nothing to do (migration 65 did the same for its vectors).
"""

from __future__ import annotations

import sqlalchemy as sa

TAGS = """
SELECT group_concat(t, ' ') FROM (
    SELECT 'z' || lower(hex('@o:' || a.outlet)) AS t FROM articles a
    WHERE a.id = f.rowid AND a.outlet <> ''
    UNION SELECT 'z' || lower(hex('@o:' || a.source)) FROM articles a
    WHERE a.id = f.rowid AND a.source <> ''
    UNION SELECT 'z' || lower(hex(CASE s.kind WHEN 'topic' THEN '@t:' ELSE '@e:' END || s.match))
    FROM search_facets s
    WHERE s.article_id = f.rowid AND s.kind IN ('topic', 'entity') AND s.match <> ''
)
"""


def up(conn: sa.Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE articles_fts_new USING fts5("
        "title, body, stitle, sbody, tags, tokenize='unicode61 remove_diacritics 0')"
    )
    conn.exec_driver_sql(
        "INSERT INTO articles_fts_new (rowid, title, body, stitle, sbody, tags)"
        f" SELECT f.rowid, f.title, f.body, f.stitle, f.sbody, coalesce(({TAGS}), '')"
        " FROM articles_fts f ORDER BY f.rowid"
    )
    conn.exec_driver_sql("DROP TABLE articles_fts")
    conn.exec_driver_sql("ALTER TABLE articles_fts_new RENAME TO articles_fts")
