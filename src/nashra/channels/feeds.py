"""Feeds channel (``kind = "feed"``): RSS 2.0, Atom and JSON Feed files of a channel's posts.

Keys: ``path`` (the folder the three files go to: ``rss.xml``, ``atom.xml``, ``feed.json``),
``title`` (default the channel's name), ``link`` (the site the feeds belong to; default the
folder as a ``file:`` URL), ``limit`` (how many of the newest posts each file holds, default 50).

Each send rebuilds the three files from the database (this channel's sent posts plus the one being
sent, newest ``limit``), never from an append log, and replaces them atomically (a temporary file,
fsync, ``os.replace``): a resend or a crash mid-write leaves either the old file or the new one,
and the same posts always give byte-identical files (every date comes from the database, none from
the clock). RSS and Atom are written with feedgen, JSON Feed 1.1 with ``json``; all say
``language = "ar"``.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from feedgen.feed import FeedGenerator

from nashra.channels.base import BaseChannel, ChannelOptions, Traits, check_keys, post_of, register
from nashra.errors import ConfigError, ContentRejected
from nashra.models import Part, PostState
from nashra.settings import ChannelConfig, Config
from nashra.store import schema
from nashra.store.db import create_engine
from nashra.store.util import aware

FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One post as the feeds show it (read from the posts and articles tables)."""

    post_id: int
    title: str
    url: str
    text: str
    html: str
    hashtags: tuple[str, ...]
    image: str | None
    author: str | None
    published: datetime
    updated: datetime


def text_to_html(text: str) -> str:
    """Plain post text as RTL HTML paragraphs (escaped; display text is never folded)."""
    paras = [f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip()]
    return '<div dir="rtl">' + "".join(paras) + "</div>"


def summary(text: str, limit: int = 280) -> str:
    """The post's first words as one line, for RSS ``description`` and Atom ``summary``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


def load_items(
    conn: sa.Connection, channel: str, current: int | None, limit: int
) -> list[FeedItem]:
    """The channel's newest ``limit`` sent posts (and ``current``, being sent now), newest first."""
    p, a = schema.posts, schema.articles
    shown = p.c.state == PostState.SENT.value
    if current is not None:
        shown = sa.or_(shown, p.c.id == current)
    rows = conn.execute(
        sa.select(
            p.c.id,
            p.c.title,
            p.c.url,
            p.c.text,
            p.c.html,
            p.c.hashtags,
            p.c.image,
            p.c.created_at,
            a.c.author,
            a.c.published_utc,
            a.c.created_at.label("article_created"),
            a.c.updated_at.label("article_updated"),
        )
        .select_from(p.join(a, a.c.id == p.c.article_id))
        .where(p.c.channel == channel, shown)
        .order_by(p.c.id.desc())
        .limit(limit)
    )
    items = []
    for r in rows:
        m = r._mapping
        published = aware(m["published_utc"]) or aware(m["article_created"]) or EPOCH
        updated = max(published, aware(m["article_updated"]) or published)
        items.append(
            FeedItem(
                post_id=m["id"],
                title=m["title"],
                url=m["url"],
                text=m["text"],
                html=m["html"] or "",
                hashtags=tuple(m["hashtags"] or ()),
                image=m["image"],
                author=m["author"],
                published=published,
                updated=updated,
            )
        )
    return items


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class FeedChannel(BaseChannel):
    """Idempotent: a send rebuilds the files from the database, so a resend changes nothing."""

    kind: ClassVar[str] = "feed"
    traits = Traits(timeout=30.0, can_edit=True, idempotent=True)

    def __init__(
        self,
        name: str,
        options: ChannelOptions,
        *,
        path: Path,
        database_url: str,
        title: str | None = None,
        link: str | None = None,
        limit: int = 50,
    ) -> None:
        super().__init__(name, options)
        self.path = path
        self.database_url = database_url
        self.title = title or name
        self.link = (link or path.resolve().as_uri()).rstrip("/") + "/"
        self.limit = limit
        self._engine: sa.Engine | None = None

    # -- rendering (pure) --------------------------------------------------------------------
    def _body(self, item: FeedItem) -> str:
        if item.html:
            return item.html
        if self.options.template.endswith(".html.j2"):
            return item.text
        return text_to_html(item.text)

    def _id(self, item: FeedItem) -> str:
        """The article's URL; a post with no one original (a digest) gets its own."""
        return item.url or f"{self.link}#nashra-post-{item.post_id}"

    def _generator(self, items: Sequence[FeedItem]) -> FeedGenerator:
        fg = FeedGenerator()
        fg.id(self.link)
        fg.title(self.title)
        fg.subtitle(f"منشورات قناة {self.title} من نشرة")  # RSS needs a description
        fg.link(href=self.link, rel="alternate")
        fg.link(href=self.link + FILES["atom"], rel="self")
        fg.language("ar")
        fg.generator("Nashra")
        stamp = max((i.updated for i in items), default=EPOCH)
        fg.updated(stamp)
        fg.lastBuildDate(stamp)
        for item in items:  # newest first, as readers expect
            entry = fg.add_entry(order="append")
            entry.id(self._id(item))
            entry.guid(self._id(item), permalink=bool(item.url))
            entry.title(item.title)
            entry.link(href=item.url or self.link)
            entry.description(summary(item.text))  # RSS description / Atom summary
            entry.content(self._body(item), type="html")  # content:encoded / Atom content
            entry.published(item.published)
            entry.updated(item.updated)
            if item.author:
                entry.author(name=item.author)
            for tag in item.hashtags:
                entry.category(term=tag.lstrip("#"))
        return fg

    def json_feed(self, items: Sequence[FeedItem]) -> bytes:
        def one(item: FeedItem) -> dict[str, Any]:
            out: dict[str, Any] = {
                "id": self._id(item),
                "url": item.url or self.link,
                "title": item.title,
                "content_html": self._body(item),
                "content_text": item.text,
                "summary": summary(item.text),
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                "language": "ar",
            }
            if item.hashtags:
                out["tags"] = [t.lstrip("#") for t in item.hashtags]
            if item.image:
                out["image"] = item.image
            if item.author:
                out["authors"] = [{"name": item.author}]
            return out

        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.title,
            "home_page_url": self.link,
            "feed_url": self.link + FILES["json"],
            "language": "ar",
            "items": [one(i) for i in items],
        }
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def documents(self, items: Sequence[FeedItem]) -> dict[str, bytes]:
        """The three files' bytes for these items (newest first)."""
        fg = self._generator(items)
        return {
            FILES["rss"]: fg.rss_str(pretty=True),
            FILES["atom"]: fg.atom_str(pretty=True),
            FILES["json"]: self.json_feed(items),
        }

    # -- sending ---------------------------------------------------------------------------
    def _db(self) -> sa.Engine:
        if self._engine is None:
            self._engine = create_engine(self.database_url)
        return self._engine

    def write(self, current: int | None = None) -> list[FeedItem]:
        """Rebuild and replace the three files; returns the items they hold."""
        with self._db().connect() as conn:
            items = load_items(conn, self.name, current, self.limit)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for filename, data in self.documents(items).items():
                write_atomic(self.path / filename, data)
        except (OSError, ValueError) as exc:
            raise ContentRejected(
                f"تعذرت كتابة ملفات الخلاصة — cannot write the feed files: {exc}",
                channel=self.name,
            ) from exc
        return items

    async def send(self, part: Part) -> str:
        post = post_of(part)
        assert post.id is not None
        self.write(post.id)
        return post.url

    async def edit(self, part: Part, remote_id: str) -> None:
        self.write()

    async def aclose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@register("feed")
def _feed(cfg: ChannelConfig, config: Config) -> FeedChannel:
    check_keys(cfg, {"path", "title", "link", "limit"})
    path = cfg.options.get("path")
    if not isinstance(path, str) or not path:
        raise ConfigError("قناة feed تحتاج المفتاح path (مجلد) — needs a folder", where=cfg.name)
    limit = cfg.options.get("limit", 50)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ConfigError("limit عدد صحيح موجب — a positive integer", where=cfg.name)
    for key in ("title", "link"):
        if key in cfg.options and not isinstance(cfg.options[key], str):
            raise ConfigError(f"{key} نص — must be a string", where=cfg.name)
    return FeedChannel(
        cfg.name,
        ChannelOptions.from_mapping(cfg.options, cfg.name),
        path=config.resolve(path),
        database_url=config.database_url,
        title=cfg.options.get("title"),
        link=cfg.options.get("link"),
        limit=limit,
    )


__all__ = ["FILES", "FeedChannel", "FeedItem", "load_items", "summary", "text_to_html"]
