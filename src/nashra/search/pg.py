"""Search on PostgreSQL: a ``tsvector`` over the matching form, a GIN index, our query tree.

The document vector is built here, from the same stored matching form that FTS5 indexes
(``articles.match_title`` / ``match_text``, made by ``nashra.arabic.normalize``), so both
backends see the same tokens. No PostgreSQL text-search configuration touches them: the tokens
are written as a ``tsvector`` literal, position by position, like FTS5's four columns:

    title tokens          weight A   at positions 1…t
    text tokens           weight C   at positions t+2…     (the title, then the body)
    the same, clitics off weight B / D, at the same positions, each lexeme marked with ``~``

so a phrase matches within one form (exact, or every token with its proclitics removed), exactly
as ``{title body} : "…"`` / ``{stitle sbody} : "…"`` does in FTS5. Lexemes without positions
follow (migration 65): every title token marked ``^`` (and ``^~`` clitic-free), and the filter
terms (``nashra.search.query.facet_lexemes``: ``@o:`` outlet and source, ``@t:`` topic, ``@e:``
entity). No normalized word contains ``^`` or ``@``, so no query reaches them by accident. The
query is our parse tree (``nashra.search.query``: words, "phrases", prefix*, AND / OR / NOT,
-word, parentheses) written as a ``tsquery`` literal: every lexeme quoted, the operators ours,
so no input injects syntax.

Why not the built-in pieces: ``to_tsvector('arabic', …)`` stems and folds by its own rules, so a
query could find on one backend what it misses on the other (and the snowball stemmer conflates
words our folding keeps apart); ``websearch_to_tsquery`` re-tokenizes with a configuration's
parser and knows no prefix search, parentheses, clitic-free forms or our filter lexemes: our
parser reads the same syntax (quotes, OR, -word) and more, with the same meaning on SQLite and
PostgreSQL. ``pg_trgm`` (substrings) has no FTS5 counterpart here, so the two backends would
find different articles; a prefix (``تصري*``) goes through the GIN index.

Why the GIN index must answer alone: a vector averages 4.3 KB and lives in TOAST, so reading one
costs about 20 µs (a TOAST index probe and its chunks); ``ts_rank`` over the newest 5,000
matches took 80–130 ms at 100k articles, and a filter tested on ``articles`` read one article
row per match. So: the filters are lexemes ANDed into the query (the GIN intersects them),
``date`` walks newest first, and ``relevance`` is two tiers, each newest first: the matches with
every query word in the title (``^`` lexemes), then the others (``title_tsquery``). A vector is
read only to check a phrase's positions, or for the ``window=None`` baseline (``ts_rank`` over
every match).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSQUERY

from nashra.search.query import Node, Or, Query, Term, stripped

__all__ = [
    "TABLE",
    "doc_vector",
    "fts_pg",
    "matches",
    "rank",
    "title_tsquery",
    "tsquery",
]

TABLE = "articles_fts_pg"
fts_pg = sa.table(TABLE, sa.column("article_id", sa.Integer), sa.column("doc"))
MAX_POS = 16383  # PostgreSQL's last tsvector position; later tokens share it
SHADOW = "~"
# ts_rank weights {D, C, B, A}: title exact A, title shadow B, text exact C, text shadow D —
# the proportions of FTS5's bm25(10, 1, 5, 0.5) over (title, body, stitle, sbody).
RANK_WEIGHTS = "{0.05, 0.1, 0.5, 1.0}"
# Lexemes no query word can spell (the matching form has no "^" or "@"), without positions:
TITLE = "^"  # ^token, ^~token: the token is in the title (the relevance tier, from the GIN alone)
# The filters' terms (nashra.search.query.facet_lexemes, "@o:…") are lexemes without positions too.


def _quote(lexeme: str) -> str:
    if "'" not in lexeme and "\\" not in lexeme:
        return "'" + lexeme + "'"
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# "1A", "2A", …: the position labels of the first tokens, made once (indexing an article labels
# every token twice; making each label per token was a third of doc_vector's time).
LABELED = 2048
_LABELS = {w: [f"{i}{w}" for i in range(LABELED)] for w in "ABCD"}


def doc_vector(match_title: str, match_text: str, facets: Iterable[str] = ()) -> str:
    """The ``tsvector`` literal of one article (cast with ``CAST(:v AS tsvector)``); ``facets``
    from ``facet_lexemes``."""
    where: dict[str, list[str]] = {}
    title, text = match_title.split(), match_text.split()
    for tokens, start, exact, shadow in ((title, 1, "A", "B"), (text, len(title) + 2, "C", "D")):
        ex, sh = _LABELS[exact], _LABELS[shadow]
        for i, tok in enumerate(tokens, start):
            if i < LABELED:
                pos, bare_pos = ex[i], sh[i]
            else:
                pos, bare_pos = f"{min(i, MAX_POS)}{exact}", f"{min(i, MAX_POS)}{shadow}"
            at = where.get(tok)
            if at is None:
                where[tok] = [pos]
            else:
                at.append(pos)
            plain = stripped(tok)
            if plain:
                key = SHADOW + plain
                at = where.get(key)
                if at is None:
                    where[key] = [bare_pos]
                else:
                    at.append(bare_pos)
    # Positions repeat only where they are clamped to the last one.
    clamped = len(title) + 1 + len(text) > MAX_POS
    marks = [TITLE + t for t in title] + [TITLE + SHADOW + stripped(t) for t in title]
    bare = dict.fromkeys(m for m in [*marks, *facets] if m != TITLE + SHADOW)
    return " ".join(
        [
            f"{_quote(lex)}:{','.join(dict.fromkeys(ps) if clamped else ps)}"
            for lex, ps in where.items()
        ]
        + [_quote(lex) for lex in bare]
    )


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


def _title(node: Node) -> str:
    """The node with every word found in the title (phrases: their words, in any order)."""
    if isinstance(node, Term):
        last = len(node.tokens) - 1
        parts = [
            f"({_quote(TITLE + t)}{':*' * (node.prefix and i == last)}"
            f" | {_quote(TITLE + SHADOW + b)}{':*' * (node.prefix and i == last)})"
            for i, (t, b) in enumerate(zip(node.tokens, node.shadow, strict=True))
        ]
        return "(" + " & ".join(parts) + ")"
    sep = " | " if isinstance(node, Or) else " & "
    return "(" + sep.join(_title(n) for n in node.items) + ")"


def tsquery(query: Query, required: Iterable[str] = ()) -> str:
    """The ``tsquery`` literal for a non-empty query (cast with ``CAST(:q AS tsquery)``), with
    the ``required`` lexemes (``filter_lexemes``) ANDed in."""
    terms = [_quote(lex) for lex in required]
    if query.root is None:  # a listing by filters alone
        if not terms:
            raise ValueError("empty query")
        return " & ".join(terms)
    return " & ".join([_node(query.root), *terms])


def title_tsquery(query: Query) -> str:
    """Every word of the query in the title (its exclusions left to ``tsquery``)."""
    if query.root is None:
        raise ValueError("empty query")
    return _title(query.root)


def _q(query: Query) -> sa.ColumnElement[Any]:
    return sa.cast(sa.literal(tsquery(query)), TSQUERY)


def matches(
    query: Query, required: Iterable[str] = (), title: bool | None = None
) -> sa.ColumnElement[bool]:
    """``doc @@ query`` (with the filter lexemes; ``title`` True: every word in the title, False:
    not all of them): served by the GIN index alone, no document is read for it unless a phrase
    needs its positions checked."""
    text = tsquery(query, required)
    if title is not None:
        text = f"({text}) & {'' if title else '!'}{title_tsquery(query)}"
    return fts_pg.c.doc.op("@@")(sa.cast(sa.literal(text), TSQUERY))


def rank(query: Query, doc: sa.ColumnElement[Any] | None = None) -> sa.ColumnElement[Any]:
    """``ts_rank`` of ``doc`` (the table's column by default) with the weights above."""
    weights = sa.cast(sa.literal(RANK_WEIGHTS), ARRAY(REAL))
    return sa.func.ts_rank(weights, fts_pg.c.doc if doc is None else doc, _q(query))
