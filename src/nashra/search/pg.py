"""Search on PostgreSQL: a ``tsvector`` over the matching form, a GIN index, our query tree.

The document vector is built here, from the same stored matching form that FTS5 indexes
(``articles.match_title`` / ``match_text``, made by ``nashra.arabic.normalize``), so both
backends see the same tokens. No PostgreSQL text-search configuration touches them: the tokens
are written as a ``tsvector`` literal, position by position, like FTS5's four columns:

    title tokens          weight A   at positions 1…t
    text tokens           weight C   at positions t+2…     (the title, then the body)
    the same, clitics off weight B / D, at the same positions, each lexeme marked with ``~``

so a phrase matches within one form (exact, or every token with its proclitics removed), exactly
as ``{title body} : "…"`` / ``{stitle sbody} : "…"`` does in FTS5. The query is our parse tree
(``nashra.search.query``: words, "phrases", prefix*, AND / OR / NOT, -word, parentheses) written
as a ``tsquery`` literal: every lexeme quoted, the operators ours, so no input injects syntax.

Why not the built-in pieces: ``to_tsvector('arabic', …)`` stems and folds by its own rules, so a
query could find on one backend what it misses on the other (and the snowball stemmer conflates
words our folding keeps apart); ``websearch_to_tsquery`` has no prefix search and no
parentheses, and it would re-tokenize what we already normalized. Our tree does what it does
and more, with the same meaning on SQLite and PostgreSQL.

Order: ``date`` walks newest first (the planner picks the primary key walked backwards with the
``@@`` test per row for a common word, or the GIN bitmap and a top-N sort for a rare one);
``relevance`` ranks with ``ts_rank`` the newest ``window`` matches, as on SQLite.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSQUERY

from nashra.search.query import Node, Or, Query, Term, stripped

__all__ = ["TABLE", "doc_vector", "fts_pg", "matches", "rank", "tsquery"]

TABLE = "articles_fts_pg"
fts_pg = sa.table(TABLE, sa.column("article_id", sa.Integer), sa.column("doc"))
MAX_POS = 16383  # PostgreSQL's last tsvector position; later tokens share it
SHADOW = "~"
# ts_rank weights {D, C, B, A}: title exact A, title shadow B, text exact C, text shadow D —
# the proportions of FTS5's bm25(10, 1, 5, 0.5) over (title, body, stitle, sbody).
RANK_WEIGHTS = "{0.05, 0.1, 0.5, 1.0}"


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def doc_vector(match_title: str, match_text: str) -> str:
    """The ``tsvector`` literal of one article (cast with ``CAST(:v AS tsvector)``)."""
    where: dict[str, list[str]] = {}

    def put(tokens: list[str], start: int, exact: str, shadow: str) -> None:
        for i, tok in enumerate(tokens):
            pos = str(min(start + i, MAX_POS))
            where.setdefault(tok, []).append(pos + exact)
            bare = stripped(tok)
            if bare:
                where.setdefault(SHADOW + bare, []).append(pos + shadow)

    title = match_title.split()
    put(title, 1, "A", "B")
    put(match_text.split(), len(title) + 2, "C", "D")
    return " ".join(f"{_quote(lex)}:{','.join(dict.fromkeys(ps))}" for lex, ps in where.items())


def _phrase(tokens: tuple[str, ...], prefix: bool, mark: str = "") -> str:
    parts = [_quote(mark + t) for t in tokens]
    if prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _node(node: Node) -> str:
    if isinstance(node, Term):
        exact = _phrase(node.tokens, node.prefix)
        shadow = _phrase(node.shadow, node.prefix, SHADOW)
        return f"({exact} | {shadow})"
    if isinstance(node, Or):
        return "(" + " | ".join(_node(n) for n in node.items) + ")"
    parts = [_node(n) for n in node.items] + [f"!{_node(n)}" for n in node.exclude]
    return "(" + " & ".join(parts) + ")"


def tsquery(query: Query) -> str:
    """The ``tsquery`` literal for a non-empty query (cast with ``CAST(:q AS tsquery)``)."""
    if query.root is None:
        raise ValueError("empty query")
    return _node(query.root)


def _q(query: Query) -> sa.ColumnElement[Any]:
    return sa.cast(sa.literal(tsquery(query)), TSQUERY)


def matches(query: Query) -> sa.ColumnElement[bool]:
    """``doc @@ query``: served by the GIN index."""
    return fts_pg.c.doc.op("@@")(_q(query))


def rank(query: Query, doc: sa.ColumnElement[Any] | None = None) -> sa.ColumnElement[Any]:
    """``ts_rank`` of ``doc`` (the table's column by default) with the weights above."""
    weights = sa.cast(sa.literal(RANK_WEIGHTS), ARRAY(REAL))
    return sa.func.ts_rank(weights, fts_pg.c.doc if doc is None else doc, _q(query))
