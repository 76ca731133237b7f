"""Deduplication: identity, canonical URLs, near-duplicate bodies and story clusters.

See docs/dedupe.md. The pipeline calls ``decide`` before storing an article and ``remember``
after, in the same transaction; templates and the web ask ``also_reported_by``.
"""

from nashra.dedupe.decide import LAYERS, Decision, decide, remember
from nashra.dedupe.identity import content_hash, identity
from nashra.dedupe.stories import Story, StoryArticle, also_reported_by, list_stories
from nashra.dedupe.urls import canonical_url, is_root_url, is_web_url

__all__ = [
    "LAYERS",
    "Decision",
    "Story",
    "StoryArticle",
    "also_reported_by",
    "canonical_url",
    "content_hash",
    "decide",
    "identity",
    "is_root_url",
    "is_web_url",
    "list_stories",
    "remember",
]
