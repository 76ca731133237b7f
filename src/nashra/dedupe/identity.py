"""One identity rule for every source format: guid → canonical URL → hash of title and body.

A guid is only trusted within its source (outlets reuse small integers), so it is scoped by the
source name; a canonical URL is global (the same article linked from two sources is one article);
the content hash is the last resort for items with neither.
"""

from __future__ import annotations

import hashlib

from nashra.arabic import normalize
from nashra.dedupe.urls import canonical_url, is_web_url

# A body this long (in matching-form characters) identifies an article on its own: a repost
# under a reworded title is still the same article. Shorter bodies are hashed with the title.
BODY_ONLY_MIN_CHARS = 280


def content_hash(title: str, body: str) -> str:
    """Hash of the normalized body (with the title when the body is short): equal for the same
    text however it is dressed."""
    h = hashlib.sha256()
    folded = normalize(body)
    if len(folded) < BODY_ONLY_MIN_CHARS:
        h.update(normalize(title).encode())
        h.update(b"\x00")
    h.update(folded.encode())
    return h.hexdigest()[:32]


def identity(source: str, *, guid: str | None, url: str | None, title: str, body: str) -> str:
    if guid and guid.strip():
        g = guid.strip()
        # A guid that is itself a URL identifies the article wherever it appears.
        if is_web_url(g):
            return "url:" + canonical_url(g)
        return f"guid:{source}:{g}"
    if is_web_url(url):
        assert url is not None
        return "url:" + canonical_url(url)
    return "hash:" + content_hash(title, body)
