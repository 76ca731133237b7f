"""The editor's desk: the review queue and the outbox, read and changed through the channels.

The web app builds the configured channels once (``Desk``), so the pages can show a post as its
channel will send it (``plan``), honour the channel's routes (a held post its filters exclude is
not offered for approval), and offer an edit or a delete of a sent post only where the channel can
make one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from nashra.channels import Channel, build_channel, ledger
from nashra.errors import NashraError
from nashra.models import PartKind, PostState
from nashra.settings import Config
from nashra.store import Store, articles, outbox, schema
from nashra.store import parts as post_parts
from nashra.store.util import now
from nashra.web import queries
from nashra.web.compose import PreviewPart, from_plain, preview_parts, to_plain

__all__ = ["Desk", "Held", "OutboxRow"]

posts = schema.posts
OUTBOX_ORDER = (
    "unknown",
    "failed",
    "pending",
    "in_flight",
    "held",
    "sent",
    "skipped",
    "rejected",
    "deleted",
)


@dataclass(frozen=True, slots=True)
class Held:
    post: queries.PostView
    plain: str
    parts: list[PreviewPart]
    source: str
    outlet: str
    published: str | None
    article_url: str
    excluded: str | None  # why the channel's filters leave it out, or None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    post: queries.PostView
    plain: str
    can_edit: bool
    can_delete: bool


@dataclass
class Desk:
    config: Config
    channels: dict[str, Channel] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for cfg in self.config.channels:
            try:
                self.channels[cfg.name] = build_channel(cfg, self.config)
            except NashraError as exc:  # a bad channel must not take the pages down
                self.broken[cfg.name] = str(exc)

    def is_html(self, channel: str) -> bool:
        ch = self.channels.get(channel)
        return bool(ch and ch.options.template.endswith(".html.j2"))

    def can_edit(self, channel: str) -> bool:
        ch = self.channels.get(channel)
        return bool(ch and ch.traits.can_edit)

    def parts(self, conn: sa.Connection, p: queries.PostView) -> list[PreviewPart]:
        """The messages the channel will send for this post (its own ``plan``)."""
        ch = self.channels.get(p.channel)
        stored = outbox.get(conn, p.id)
        planned = list(ch.plan(stored)) if ch is not None and stored is not None else []
        if any(x.kind is not PartKind.POST for x in planned):  # messages (Telegram's)
            return preview_parts([(x.kind.value, x.body, x.image, x.images) for x in planned], True)
        return preview_parts([("text", p.text, None)], self.is_html(p.channel))

    # -- review --------------------------------------------------------------------------------
    def held(self, conn: sa.Connection, limit: int = 100) -> list[Held]:
        out = []
        for p in queries.posts_in(conn, (PostState.HELD.value,), limit=limit):
            found = articles.get(conn, p.article_id)
            if found is None:
                continue
            article, enrichment = found
            ch = self.channels.get(p.channel)
            why = ch.options.routes.verdict(article, enrichment) if ch else None
            out.append(
                Held(
                    post=p,
                    plain=to_plain(p.text, self.is_html(p.channel)),
                    parts=self.parts(conn, p),
                    source=article.source,
                    outlet=article.outlet or article.source,
                    published=article.published.isoformat() if article.published else None,
                    article_url=article.url,
                    excluded=why,
                )
            )
        return out

    def save_plain(self, conn: sa.Connection, post_id: int, plain: str) -> bool:
        """An editor's plain text for a held post, in the channel's markup."""
        p = queries.post(conn, post_id)
        if p is None or p.state != PostState.HELD.value or not plain.strip():
            return False
        text = from_plain(plain, p.text, self.is_html(p.channel))
        return outbox.edit_held(conn, post_id, text)

    def approve(self, conn: sa.Connection, post_id: int) -> bool:
        """Approve a held post, unless its channel's routes exclude it (then it is skipped)."""
        p = queries.post(conn, post_id)
        if p is None or p.state != PostState.HELD.value:
            return False
        ch = self.channels.get(p.channel)
        found = articles.get(conn, p.article_id)
        why = ch.options.routes.verdict(*found) if ch and found else None
        if why:
            outbox.mark_skipped(conn, post_id, why)
            return True
        return outbox.resolve(conn, post_id, "approve")

    # -- outbox --------------------------------------------------------------------------------
    def outbox(self, conn: sa.Connection, limit: int = 50) -> dict[str, list[OutboxRow]]:
        groups: dict[str, list[OutboxRow]] = {}
        for state in OUTBOX_ORDER:
            rows = queries.posts_in(conn, (state,), limit=limit)
            groups[state] = [
                OutboxRow(
                    p,
                    to_plain(p.text, self.is_html(p.channel)),
                    self.can_edit(p.channel),
                    self.can_delete(p.channel),
                )
                for p in rows
            ]
        return groups

    def edit_sent(self, conn: sa.Connection, post_id: int, plain: str) -> bool:
        """New text for a sent post: the publisher edits the channel's message next batch."""
        p = queries.post(conn, post_id)
        if p is None or p.state != PostState.SENT.value or not self.can_edit(p.channel):
            return False
        if not plain.strip():
            return False
        text = from_plain(plain, p.text, self.is_html(p.channel))
        res = conn.execute(
            posts.update()
            .where(posts.c.id == post_id, posts.c.state == PostState.SENT.value)
            .values(text=text, needs_edit=True, updated_at=now())
        )
        return bool(res.rowcount)

    def can_delete(self, channel: str) -> bool:
        ch = self.channels.get(channel)
        return bool(ch and ch.traits.can_delete)

    async def delete_sent(self, store: Store, post_id: int) -> bool:
        """Remove a sent post from its channel (every message of it, last first), then mark it
        ``deleted`` so nothing sends it again. A refusal (too old to delete) raises
        ``PublishError`` and leaves the post as it was."""
        with store.read() as conn:
            p = queries.post(conn, post_id)
            if p is None or p.state != PostState.SENT.value or not self.can_delete(p.channel):
                return False
            sent = [x.remote_id for x in post_parts.parts(conn, post_id) if x.remote_id]
        ch = self.channels[p.channel]
        try:
            for remote_id in reversed(sent):
                await ch.delete(remote_id)
        finally:
            await ch.aclose()  # its client belongs to this request's loop; made again when needed
        with store.tx() as conn:
            res = conn.execute(
                posts.update()
                .where(posts.c.id == post_id, posts.c.state == PostState.SENT.value)
                .values(state=PostState.DELETED.value, needs_edit=False, updated_at=now())
            )
        return bool(res.rowcount)

    def channel_rows(self, conn: sa.Connection) -> list[dict[str, Any]]:
        states = {s.channel: s for s in ledger.all_states(conn)}
        rows = []
        for cfg in self.config.channels:
            st = states.get(cfg.name)
            rows.append(
                {
                    "name": cfg.name,
                    "kind": cfg.kind,
                    "paused": st.paused_reason if st else None,
                    "broken": self.broken.get(cfg.name),
                }
            )
        return rows
