"""The enrichment entry points: an :class:`Enricher` holds the gazetteer, the trained tagger and
the editor's hashtag policy; ``enrich`` uses the default one (shipped files only).

With the tagger (the default whenever the shipped model is there), entities come from
:mod:`nashra.enrich.combine` and hashtags from :mod:`nashra.enrich.salience`; without it
(``model=False``), from the rule layer (:mod:`nashra.enrich.entities`,
:mod:`nashra.enrich.hashtags`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nashra.enrich._text import word_spans
from nashra.enrich.combine import find_model_entities
from nashra.enrich.entities import find_entities
from nashra.enrich.gazetteer import Gazetteer, load_gazetteer
from nashra.enrich.hashtags import rank_hashtags
from nashra.enrich.policy import TagPolicy, load_policy
from nashra.enrich.salience import rank_entity_hashtags
from nashra.enrich.tagger import Tagger, default_tagger
from nashra.enrich.topics import TopicModel, load_model
from nashra.models import Enrichment, Entity
from nashra.settings import Config

__all__ = ["Enricher", "default_enricher", "enrich", "enricher_from_config"]

# The topic becomes a hashtag only when the topic model is this sure (a wrong #رياضة is worse
# than none).
TOPIC_TAG_PROBABILITY = 0.99


class Enricher:
    """Entities, hashtags and topic with one gazetteer (shipped + the user's files)."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        user_gazetteers: Sequence[str | Path] = (),
        topics: TopicModel | None = None,
        max_hashtags: int = 6,
        model: bool = True,
        policy: TagPolicy | None = None,
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer(user_gazetteers)
        self.topics = topics if topics is not None else load_model()
        self.max_hashtags = max_hashtags
        self.tagger: Tagger | None = default_tagger() if model else None
        self.policy = policy if policy is not None else load_policy(max_tags=max_hashtags)

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
        limit = self.max_hashtags if max_hashtags is None else max_hashtags
        topic, probability = self.topics.posterior(title, body)
        if self.tagger is not None:
            found = find_model_entities(text, tokens, self.gazetteer, self.tagger)
            policy = self.policy
            if limit != policy.max_tags:
                policy = replace(policy, max_tags=limit, min_tags=min(policy.min_tags, limit))
            tags = rank_entity_hashtags(
                text,
                len(title),
                tokens,
                found,
                gazetteer=self.gazetteer,
                tagger=self.tagger,
                policy=policy,
                topic=topic if probability >= TOPIC_TAG_PROBABILITY else None,
                story_topic=topic,
                categories=categories,
                source_tags=source_tags,
            )
        else:
            found = find_entities(text, tokens, self.gazetteer)
            tags = rank_hashtags(
                text,
                len(title),
                tokens,
                found,
                gazetteer=self.gazetteer,
                categories=categories,
                source_tags=source_tags,
                max_hashtags=limit,
            )
        entities = tuple(
            Entity(text[f.start : f.end], f.type, f.start, f.end, f.canonical) for f in found
        )
        return Enrichment(hashtags=tags, entities=entities, topic=topic)


def enricher_from_config(config: Config) -> Enricher:
    """An enricher with the ``[enrich]`` settings (files relative to the config file)."""

    def files(name: str) -> list[str | Path]:
        value = config[name]
        return [config.resolve(value)] if value else []

    limit = config["enrich.max_hashtags"]
    policy = load_policy(files("enrich.blocklist"), files("enrich.aliases"), max_tags=limit)
    return Enricher(
        user_gazetteers=files("enrich.gazetteer"),
        max_hashtags=limit,
        model=config["enrich.model"],
        policy=policy,
    )


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
