"""Search over the whole archive: the matching form in SQLite FTS5, a portable fallback elsewhere.

    index_article(conn, article_id) -> bool     (re)index one stored article, in your transaction
    sync_index(conn) -> int                     index every article newer than the last indexed
    reindex_all(conn) -> int                    rebuild from scratch
    parse_query(text) -> Query                  words, "phrases", prefix*, AND/OR/NOT, -word, ( )
    search(conn, text, SearchFilters(...), page=1, per_page=20, backend=None,
           sort="date", window=RELEVANCE_WINDOW) -> SearchPage
                                                sort: "date" (newest first, the default) or
                                                "relevance" (bm25 over the newest `window` matches)

Documents and queries are folded by the same ``nashra.arabic.normalize`` and ``strip_clitics``;
snippets are cut from the display text, which is never folded.
"""

from nashra.search.engine import (
    RELEVANCE_WINDOW,
    SORTS,
    Backend,
    Hit,
    SearchFilters,
    SearchPage,
    Sort,
    search,
)
from nashra.search.index import index_article, reindex_all, sync_index
from nashra.search.query import Query, Term, fts5_match, parse_query
from nashra.search.snippet import highlight, snippet_html

__all__ = [
    "RELEVANCE_WINDOW",
    "SORTS",
    "Backend",
    "Hit",
    "Query",
    "SearchFilters",
    "SearchPage",
    "Sort",
    "Term",
    "fts5_match",
    "highlight",
    "index_article",
    "parse_query",
    "reindex_all",
    "search",
    "snippet_html",
    "sync_index",
]
