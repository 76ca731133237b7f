"""The search query language: words, "phrases", prefix*, AND / OR / NOT, -word and parentheses.

A query is parsed into a small tree whose terms are already in the matching form
(``nashra.arabic.normalize``, and ``strip_clitics`` for the shadow column), then written out for
a backend: an FTS5 ``MATCH`` expression (``fts5_match``) or a portable predicate tree that the
PostgreSQL fallback turns into ``LIKE`` tests (``Query.root``).

Every user word becomes a quoted FTS5 string, so no input can inject FTS5 syntax (``NEAR(``,
column filters, stray quotes); the operators are ours, never the user's text. Anything the parser
cannot use is dropped rather than failing: a search box never answers with an error page.

    واشنطن                 → matches واشنطن, وواشنطن, لواشنطن (through the clitic-free shadow)
    "قوات سوريا الديمقراطية" → the phrase, harakat and letter forms folded
    اقتصاد OR تجارة -نفط    → either word, and not نفط
    تصد*                   → any word beginning تصد
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from nashra.arabic import normalize, strip_clitics

__all__ = [
    "And",
    "Node",
    "Or",
    "Query",
    "Term",
    "facet_lexemes",
    "filter_lexemes",
    "fts5_match",
    "fts5_tag",
    "parse_query",
]

MAX_TERMS = 32  # more than this is not a search, it is a paste
MAX_DEPTH = 16  # nested parentheses beyond this are read as if absent (no recursion past it)


@lru_cache(maxsize=262_144)
def stripped(token: str) -> str:
    """``strip_clitics`` with a cache: news vocabulary repeats, and indexing calls it per token."""
    return strip_clitics(token)


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase in the matching form; ``prefix`` for ``word*``."""

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def shadow(self) -> tuple[str, ...]:
        return tuple(stripped(t) for t in self.tokens)


@dataclass(frozen=True, slots=True)
class And:
    """Every item matches and no item of ``exclude`` does."""

    items: tuple[Node, ...]
    exclude: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


Node = Term | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: ``root`` is None when nothing searchable was left."""

    text: str
    root: Node | None
    terms: tuple[Term, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return self.root is None


# Tokens of the query string: a quoted phrase, a parenthesis, or a run of anything else.
_LEX = re.compile(r'"([^"]*)"?|(\()|(\))|([^\s()"]+)')
_OR = {"OR", "|", "أو", "او"}
_AND = {"AND", "&", "+"}
_NOT = {"NOT"}


@dataclass
class _Lexeme:
    kind: str  # "term", "phrase", "(", ")", "or", "and", "not"
    text: str = ""
    negate: bool = False


def _lex(text: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    for m in _LEX.finditer(text):
        phrase, lpar, rpar, word = m.groups()
        if phrase is not None:
            out.append(_Lexeme("phrase", phrase))
        elif lpar:
            out.append(_Lexeme("("))
        elif rpar:
            out.append(_Lexeme(")"))
        elif word in _OR:
            out.append(_Lexeme("or"))
        elif word in _AND:
            out.append(_Lexeme("and"))
        elif word in _NOT:
            out.append(_Lexeme("not"))
        elif word.startswith("-") and len(word) > 1:
            out.append(_Lexeme("term", word[1:], negate=True))
        else:
            out.append(_Lexeme("term", word))
    return out


class _Parser:
    """Recursive descent over the lexemes; forgiving: unbalanced parentheses are closed."""

    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lx = lexemes
        self.i = 0
        self.depth = 0
        self.terms: list[Term] = []

    def peek(self) -> _Lexeme | None:
        return self.lx[self.i] if self.i < len(self.lx) else None

    def parse_or(self) -> Node | None:
        items = []
        first = self.parse_and()
        if first is not None:
            items.append(first)
        while (lx := self.peek()) is not None and lx.kind == "or":
            self.i += 1
            nxt = self.parse_and()
            if nxt is not None:
                items.append(nxt)
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node | None:
        keep: list[Node] = []
        drop: list[Node] = []
        while (lx := self.peek()) is not None and lx.kind not in ("or", ")"):
            negate = False
            if lx.kind == "and":
                self.i += 1
                continue
            if lx.kind == "not":
                self.i += 1
                negate = True
                lx = self.peek()
                if lx is None or lx.kind in ("or", ")"):
                    break
            node = self.parse_unary()
            if node is None:
                continue
            negate = negate or (lx.kind == "term" and lx.negate)
            (drop if negate else keep).append(node)
        if not keep:  # FTS5's NOT is binary: a group of exclusions alone matches nothing
            return None
        if len(keep) == 1 and not drop:
            return keep[0]
        return And(tuple(keep), tuple(drop))

    def parse_unary(self) -> Node | None:
        lx = self.peek()
        assert lx is not None
        self.i += 1
        if lx.kind == "(":
            if self.depth >= MAX_DEPTH:  # deeper groups add nothing: read on at this level
                return None
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            if (close := self.peek()) is not None and close.kind == ")":
                self.i += 1
            return node
        if lx.kind in ("term", "phrase"):
            return self.term(lx.text, phrase=lx.kind == "phrase")
        return None  # a stray ")" or operator

    def term(self, text: str, *, phrase: bool) -> Term | None:
        prefix = not phrase and text.endswith("*") and len(text.rstrip("*")) >= 2
        tokens = tuple(normalize(text).split())
        if not tokens or len(self.terms) >= MAX_TERMS:
            return None
        term = Term(tokens, prefix=prefix)
        self.terms.append(term)
        return term


def parse_query(text: str) -> Query:
    """Parse what a reader typed; never raises."""
    text = text.strip()[:500]
    parser = _Parser(_lex(text))
    root = parser.parse_or()
    while parser.peek() is not None:  # text after a stray ")": keep reading, AND it in
        parser.i += 1
        more = parser.parse_or()
        if more is not None:
            root = more if root is None else And((root, more))
    return Query(text=text, root=root, terms=tuple(parser.terms))


# -- filters as index terms (both backends) ------------------------------------------------------
# An article's outlet and source, topic and entities are terms of its index entry, so a filter is
# one more term the index intersects with the words (no article row is read to test it):
# @o:outlet or source, @t:topic, @e:entity (matching forms, as in search_facets). No query word
# can spell one: the matching form has no "@" or ":".
FACET = "@"
FACET_KINDS = {"topic": "t", "entity": "e"}


def facet_lexemes(
    outlet: str | None, source: str | None, facets: Iterable[tuple[str, str]]
) -> list[str]:
    """The filter terms of one article (``facets``: ``(kind, match)`` as in ``search_facets``)."""
    out = [f"{FACET}o:{name}" for name in dict.fromkeys((outlet, source)) if name]
    out += [f"{FACET}{FACET_KINDS[k]}:{m}" for k, m in facets if k in FACET_KINDS and m]
    return list(dict.fromkeys(out))


def filter_lexemes(outlet: str | None, facets: Iterable[tuple[str, str]]) -> list[str]:
    """The terms a search's filters require (spelt as ``facet_lexemes`` spells them)."""
    return facet_lexemes(outlet, None, facets)


def fts5_tag(lexeme: str) -> str:
    """A filter term as one FTS5 token: ``z`` and the hex of its UTF-8 (unicode61 splits on
    "@" and ":"); migration 66 spells it ``'z' || lower(hex(…))``."""
    return "z" + lexeme.encode("utf-8").hex()


# -- FTS5 ----------------------------------------------------------------------------------------
# Columns of the index (see nashra.search.index): the matching form of title and text, and the same
# with proclitics removed from every token (the "shadow", for وواشنطن → واشنطن).
EXACT_COLUMNS = "{title body}"
SHADOW_COLUMNS = "{stitle sbody}"
TEXT_COLUMNS = "{title body stitle sbody}"  # never the filter terms' column (tags)


def _fts_string(tokens: tuple[str, ...], prefix: bool) -> str:
    # normalize() turned every quote and asterisk into a space, so tokens carry no syntax.
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def _fts(node: Node) -> str:
    if isinstance(node, Term):
        exact = _fts_string(node.tokens, node.prefix)
        shadow = _fts_string(node.shadow, node.prefix)
        if shadow == exact:  # one phrase over every column: bm25 counts each phrase's hits
            return f"{TEXT_COLUMNS} : {exact}"  # across the index: half the phrases, half that
        return f"({EXACT_COLUMNS} : {exact} OR {SHADOW_COLUMNS} : {shadow})"
    if isinstance(node, Or):
        return "(" + " OR ".join(_fts(n) for n in node.items) + ")"
    out = "(" + " AND ".join(_fts(n) for n in node.items) + ")"
    for n in node.exclude:
        out += f" NOT {_fts(n)}"
    return "(" + out + ")" if node.exclude else out


def fts5_match(query: Query, required: Iterable[str] = ()) -> str:
    """The FTS5 ``MATCH`` expression for a query, with the filter terms ``required``
    (``filter_lexemes``) ANDed in; an empty query with filter terms lists the filters alone."""
    tags = [f'tags : "{fts5_tag(lex)}"' for lex in required]
    if query.root is None:  # a listing by filters alone
        if not tags:
            raise ValueError("empty query")
        return " AND ".join(tags)
    return " AND ".join([f"({_fts(query.root)})" if tags else _fts(query.root), *tags])
