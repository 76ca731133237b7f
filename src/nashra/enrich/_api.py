"""The enrichment entry points: an :class:`Enricher` holds the gazetteer; ``enrich`` uses the
default one (shipped gazetteers only)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from nashra.enrich._text import word_spans
from nashra.enrich.entities import find_entities
from nashra.enrich.gazetteer import Gazetteer, load_gazetteer
from nashra.enrich.hashtags import rank_hashtags
from nashra.enrich.topics import TopicModel, load_model
from nashra.models import Enrichment, Entity
from nashra.settings import Config

__all__ = ["Enricher", "default_enricher", "enrich", "enricher_from_config"]


class Enricher:
    """Entities, hashtags and topic with one gazetteer (shipped + the user's files)."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        user_gazetteers: Sequence[str | Path] = (),
        topics: TopicModel | None = None,
        max_hashtags: int = 6,
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer(user_gazetteers)
        self.topics = topics if topics is not None else load_model()
        self.max_hashtags = max_hashtags

    def enrich(
        self,
        title: str,
        body: str,
        *,
        categories: Sequence[str] = (),
        source_tags: Sequence[str] = (),
        max_hashtags: int | None = None,
    ) -> Enrichment:
        text = f"{title}\n{body}" if body else title
        tokens = word_spans(text)
        found = find_entities(text, tokens, self.gazetteer)
        tags = rank_hashtags(
            text,
            len(title),
            tokens,
            found,
            gazetteer=self.gazetteer,
            categories=categories,
            source_tags=source_tags,
            max_hashtags=self.max_hashtags if max_hashtags is None else max_hashtags,
        )
        entities = tuple(
            Entity(text[f.start : f.end], f.type, f.start, f.end, f.canonical) for f in found
        )
        return Enrichment(hashtags=tags, entities=entities, topic=self.topics.classify(title, body))


def enricher_from_config(config: Config) -> Enricher:
    """An enricher with ``[enrich] gazetteer`` (relative to the config file) and max_hashtags."""
    extra = config["enrich.gazetteer"]
    user = [config.resolve(extra)] if extra else []
    return Enricher(user_gazetteers=user, max_hashtags=config["enrich.max_hashtags"])


@functools.cache
def default_enricher() -> Enricher:
    return Enricher()


def enrich(
    title: str,
    body: str,
    *,
    categories: Sequence[str] = (),
    source_tags: Sequence[str] = (),
    max_hashtags: int = 6,
) -> Enrichment:
    """Entities, hashtags and topic of one article with the shipped gazetteers.

    Entity offsets index ``title + "\\n" + body``; ``dates`` is left to the Arabic layer.
    """
    return default_enricher().enrich(
        title, body, categories=categories, source_tags=source_tags, max_hashtags=max_hashtags
    )
