"""The frozen dataclasses that flow between pipeline stages.

    SourceSpec ─fetch→ Fetched ─source adapter→ Discovered ─extract→ Extracted
        ─normalize→ Article ─enrich→ Enrichment ─render→ Post ─channel→ Delivery

Library results (feedparser dicts, trafilatura documents, httpx responses) become these types at
the adapter boundary; nothing past an adapter sees a library object. Display text is kept exactly
as the outlet wrote it; folded forms (``match_*``) exist only for matching and search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

SourceKind = Literal["feed", "sitemap", "page"]
FirstRun = str  # "mark_seen" | "post_all" | "newest:N" (validated in settings)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One configured source (an outlet's feed, sitemap or section page)."""

    name: str
    url: str
    kind: SourceKind | None = None  # None: detected from the content
    interval_minutes: float = 15.0
    first_run: FirstRun = "mark_seen"
    tags: tuple[str, ...] = ()  # fixed hashtags added to every post of this source
    link_selector: str | None = None  # CSS selector for article links on a section page
    priority: int = 0  # which outlet's article represents a story (higher wins)
    rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # per-site extraction


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP exchange, after redirects, with the decoded body."""

    url: str  # the final URL, after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    encoding: str | None = None  # charset declared by the HTTP header, if any
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Discovered:
    """An item a source adapter found: a feed entry, a sitemap URL or a link on a section page."""

    source: str
    url: str | None
    guid: str | None = None
    title: str | None = None
    summary_html: str | None = None
    content_html: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    image: str | None = None
    outlet: str | None = None  # the feed's own title, if any
    images: tuple[str, ...] = ()  # every usable picture, the lead (``image``) first


@dataclass(frozen=True, slots=True)
class Listing:
    """What a source adapter read from one fetched document."""

    items: tuple[Discovered, ...]
    title: str | None = None  # the feed's own title (the outlet's name, usually)
    ttl_minutes: float | None = None  # RSS <ttl>, sy:updatePeriod and the like
    kind: str = "feed"


class BlockKind(StrEnum):
    PARAGRAPH = "p"
    HEADING = "h"
    QUOTE = "quote"
    LIST_ITEM = "li"


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of article body, in reading order."""

    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Extracted:
    """The article as extraction found it (page or feed fallback)."""

    url: str
    title: str
    blocks: tuple[Block, ...]
    canonical_url: str | None = None
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    outlet: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    method: Literal["page", "feed"] = "page"
    fallback_reason: str | None = None  # why the page was not used, when method == "feed"
    date_source: str | None = None  # "feed", "meta", "byline", "url", "markup"
    images: tuple[str, ...] = ()  # the lead (``image``) first, then the body's (nashra.images)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Article:
    """An accepted article: display text as published plus folded forms for matching."""

    identity: str  # see nashra.dedupe.identity
    source: str
    url: str
    title: str
    blocks: tuple[Block, ...]
    canonical_url: str | None = None
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    outlet: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = ()
    method: Literal["page", "feed"] = "page"
    fallback_reason: str | None = None
    match_title: str = ""  # normalized title (matching only)
    match_text: str = ""  # normalized title + body (matching and search only)
    content_hash: str = ""
    id: int | None = None
    images: tuple[str, ...] = ()  # ordered, each once, ``image`` (the lead) first

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Entity:
    text: str  # as written in the article
    type: str  # "person", "place", "organisation", ...
    start: int
    end: int
    canonical: str | None = None  # the one form used for the hashtag and for search


@dataclass(frozen=True, slots=True)
class DateMention:
    text: str
    start: int
    end: int
    value: str  # ISO date or partial ISO (YYYY-MM, YYYY)
    precision: Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class Enrichment:
    hashtags: tuple[str, ...] = ()
    entities: tuple[Entity, ...] = ()
    topic: str | None = None
    dates: tuple[DateMention, ...] = ()


class PostState(StrEnum):
    PENDING = "pending"
    HELD = "held"  # waiting for an editor (review queue)
    IN_FLIGHT = "in_flight"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the send may or may not have happened: never resent automatically
    REJECTED = "rejected"  # an editor rejected it
    SKIPPED = "skipped"  # first run: stored and marked seen, not published
    DELETED = "deleted"  # sent, then removed from the channel by an editor (never sent again)


@dataclass(frozen=True, slots=True)
class Post:
    """A rendered post for one channel, as stored in the outbox before it is sent."""

    article_id: int
    channel: str
    text: str
    title: str = ""
    url: str = ""
    image: str | None = None
    hashtags: tuple[str, ...] = ()
    html: str | None = None  # for channels that take HTML (WordPress, web)
    id: int | None = None
    state: PostState = PostState.PENDING
    attempts: int = 0
    remote_id: str | None = None
    images: tuple[str, ...] = ()  # the article's pictures (a Telegram album), ``image`` first


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a channel reports after trying to send a post."""

    post_id: int
    channel: str
    ok: bool
    remote_id: str | None = None
    detail: str | None = None
    sent_at: datetime | None = None


class PartState(StrEnum):
    """Where one message of a post stands (``nashra.store.outbox`` holds the transitions)."""

    PENDING = "pending"  # not sent yet (or, after a "not sent" error, to be sent again)
    IN_FLIGHT = "in_flight"  # a send is running (its post's lease is renewed by a heartbeat)
    CHECKING = "checking"  # maybe sent: the channel is asked whether it landed (reconcile)
    SENT = "sent"
    FAILED = "failed"  # the service refused it: a person looks
    UNKNOWN = "unknown"  # may or may not have landed and the channel cannot tell: a person looks


class PartKind(StrEnum):
    POST = "post"  # the whole post in one request (directory, WordPress, webhook, feed, ...)
    TEXT = "text"  # a text message (Telegram)
    PHOTO = "photo"  # a photo with a caption (Telegram)
    ALBUM = "album"  # 2-10 photos in one media group, the caption on the first (Telegram)


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a post: what to send and where it stands.

    ``plan`` makes them from a post (pure; stored before anything is sent); when a part is
    claimed the publisher attaches its ``post`` (and, for a channel that needs it, the article's
    ``enrichment``) so ``send(part)`` has everything it needs."""

    idx: int
    kind: PartKind
    body: str
    image: str | None = None
    state: PartState = PartState.PENDING
    remote_id: str | None = None
    attempts: int = 0
    post_id: int = 0
    post: Post | None = None
    enrichment: Enrichment | None = None
    images: tuple[str, ...] = ()  # an album's photos, in order (``image`` is the first)

    @property
    def messages(self) -> int:
        """How many messages the part posts (an album: one per photo): what pacing counts."""
        return max(len(self.images), 1) if self.kind is PartKind.ALBUM else 1
