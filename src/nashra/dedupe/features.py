"""What the dedupe layers compare, computed once per article from its matching forms.

All folding goes through ``nashra.arabic`` (``Article.match_title``/``match_text`` are
``normalize`` output; words are cut with ``strip_clitics`` and stop-words dropped), so these
features agree with search and the gazetteer. Display text is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from nashra.arabic import is_stopword, normalize, strip_clitics
from nashra.dedupe import index
from nashra.dedupe.shingles import shingles, signature
from nashra.models import Article, Enrichment

LEAD_WORDS = 60  # the lead: the first words of the body, where a story says what happened
LEAD_CHARS = 500  # entities count for the story layer when found in the title or this far in
MIN_BODY_SHINGLES = 25  # fewer: too short to prove anything on its own (about 27 words)


_content_cache: dict[str, str] = {}
_MAX_CACHED = 200_000


def _content_form(w: str) -> str:
    """The word's clitic-stripped form, or "" for a stop-word, digits or a one-letter word;
    cached, since news reuses a small vocabulary and ``is_stopword`` folds on every call."""
    got = _content_cache.get(w)
    if got is not None:
        return got
    if len(_content_cache) > _MAX_CACHED:
        _content_cache.clear()
    out = ""
    if len(w) >= 2 and not w.isdigit() and not is_stopword(w):
        s = strip_clitics(w)
        out = "" if is_stopword(s) else s
    _content_cache[w] = out
    return out


def content_words(match_text: str, limit: int | None = None) -> tuple[str, ...]:
    """Words that carry meaning: clitics stripped, stop-words and one-letter words dropped."""
    out: list[str] = []
    for w in match_text.split():
        s = _content_form(w)
        if not s:
            continue
        out.append(s)
        if limit is not None and len(out) >= limit:
            break
    return tuple(out)


def body_of(match_title: str, match_text: str) -> str:
    """The body's matching form: ``match_text`` is the title's and then the body's."""
    if match_title and match_text.startswith(match_title):
        return match_text[len(match_title) :].strip()
    return match_text


def entities_before(
    entities: Iterable[Mapping[str, Any]], end: int, kind: str | None = None
) -> frozenset[str]:
    """Canonical forms (folded) of the entities (of type ``kind``, if given) that start before
    ``end`` (offsets index the title, a newline, then the body, as ``nashra.enrich`` gives)."""
    return frozenset(
        normalize(e.get("canonical") or e.get("text") or "")
        for e in entities
        if int(e.get("start", 0)) < end
        and (e.get("canonical") or e.get("text"))
        and (kind is None or e.get("type") == kind)
    )


def lead_entities(entities: Iterable[Mapping[str, Any]], title_len: int) -> frozenset[str]:
    """Canonical forms (folded) of the entities in the title or the lead."""
    return entities_before(entities, title_len + 1 + LEAD_CHARS)


@dataclass(frozen=True, slots=True)
class Features:
    at: datetime
    hashes: np.ndarray = field(repr=False, compare=False)  # body shingles
    keys: tuple[int, ...] = field(repr=False)  # LSH band keys ((): body too short)
    title_words: tuple[str, ...] = ()
    lead: frozenset[str] = frozenset()
    entities: frozenset[str] = frozenset()  # in the title or the lead
    title_places: frozenset[str] = frozenset()  # places named in the title
    places: frozenset[str] = frozenset()  # places named in the title or the lead

    @property
    def terms(self) -> tuple[int, ...]:
        ts = {index.term_key("t", w) for w in self.title_words}
        ts.update(index.term_key("e", e) for e in self.entities if e)
        return tuple(sorted(ts))

    @property
    def long_enough(self) -> bool:
        return len(self.hashes) >= MIN_BODY_SHINGLES


def utc(d: datetime | None) -> datetime:
    if d is None:
        return datetime.now(UTC)
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(UTC)


def of_article(article: Article, enrichment: Enrichment | None) -> Features:
    body = body_of(article.match_title, article.match_text)
    hashes = shingles(body, normalized=True)
    keys = tuple(index.band_keys(signature(hashes))) if len(hashes) >= MIN_BODY_SHINGLES else ()
    found = [
        {"canonical": e.canonical, "text": e.text, "start": e.start, "type": e.type}
        for e in (enrichment.entities if enrichment else ())
    ]
    return Features(
        at=utc(article.published),
        hashes=hashes,
        keys=keys,
        title_words=content_words(article.match_title),
        lead=frozenset(content_words(body, LEAD_WORDS)),
        entities=lead_entities(found, len(article.title)),
        title_places=entities_before(found, len(article.title), "place"),
        places=entities_before(found, len(article.title) + 1 + LEAD_CHARS, "place"),
    )
