"""Enrichment: entities, hashtags and a topic for an article, offline.

    enrich(title, body) → Enrichment(hashtags, entities, topic)

Entities come from the gazetteers shipped in ``nashra/enrich/data`` (extended by a user's TSV
file, see docs/enrich.md) and from harvest rules (quoted names, acronyms, role + name). Entity
offsets index ``title + "\\n" + body``. Hashtags are built only from entities, feed categories
and a source's fixed tags. The topic comes from a naive Bayes model trained on the ANT corpus.
"""

from __future__ import annotations

from nashra.enrich._api import Enricher, default_enricher, enrich, enricher_from_config
from nashra.enrich.gazetteer import Entry, Gazetteer, load_gazetteer, parse_tsv
from nashra.enrich.hashtags import HASHTAG_PATTERN, hashtag
from nashra.enrich.topics import TOPICS, classify

__all__ = [
    "HASHTAG_PATTERN",
    "TOPICS",
    "Enricher",
    "Entry",
    "Gazetteer",
    "classify",
    "default_enricher",
    "enrich",
    "enricher_from_config",
    "hashtag",
    "load_gazetteer",
    "parse_tsv",
]
