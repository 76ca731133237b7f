"""Migration 65 (PostgreSQL only): the document vectors gain filter and title lexemes.

``nashra.search.pg`` now writes, beside the positioned words, lexemes without positions for the
outlet and source (``@o:``), the topic (``@t:``) and entities (``@e:``, their matching forms from
``search_facets``) and every title word, exact and clitic-free (``^``: the lexemes weighted A or
B), so filters and the relevance tiers are answered by the GIN index alone. The vectors already
stored get them here, in SQL, from what they and the tables hold (the same lexemes the indexer
writes for a new article). SQLite: nothing to do.
"""

from __future__ import annotations

import sqlalchemy as sa

ADD = """
UPDATE articles_fts_pg f SET doc = f.doc || array_to_tsvector(ARRAY(
    SELECT DISTINCT lex FROM (
        SELECT '^' || u.lexeme AS lex FROM unnest(f.doc) u
        WHERE u.weights && ARRAY['A', 'B']::text[]
        UNION ALL SELECT '@o:' || a.outlet FROM articles a
        WHERE a.id = f.article_id AND a.outlet IS NOT NULL AND a.outlet <> ''
        UNION ALL SELECT '@o:' || a.source FROM articles a
        WHERE a.id = f.article_id AND a.source IS NOT NULL AND a.source <> ''
        UNION ALL SELECT CASE s.kind WHEN 'topic' THEN '@t:' ELSE '@e:' END || s.match
        FROM search_facets s
        WHERE s.article_id = f.article_id AND s.kind IN ('topic', 'entity') AND s.match <> ''
    ) x
))
"""


def up(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(ADD)
