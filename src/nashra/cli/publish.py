"""Channel commands: ``nashra channels list | resume NAME | preview ARTICLE_ID --channel NAME``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from nashra.cli._app import CONFIG_HELP, app
from nashra.errors import NashraError
from nashra.settings import Config, load_config

if TYPE_CHECKING:  # imported inside the commands: ``--help`` must not load the channels
    import sqlalchemy as sa

    from nashra.channels import Channel
    from nashra.store import Store

console = Console(stderr=True)
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)]
DEFAULT_CONFIG = Path("nashra.toml")

channels_app = typer.Typer(help="القنوات — channels: state, resume, preview", no_args_is_help=True)
app.add_typer(channels_app, name="channels")


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]خطأ[/] — error: {message}")
    return typer.Exit(code)


def _config(path: Path) -> Config:
    try:
        return load_config(path)
    except NashraError as exc:
        raise _fail(str(exc)) from exc


def _channel(config: Config, name: str) -> Channel:
    from nashra.channels import build_channel

    for cfg in config.channels:
        if cfg.name == name:
            try:
                return build_channel(cfg, config)
            except NashraError as exc:
                raise _fail(str(exc)) from exc
    names = ", ".join(c.name for c in config.channels) or "—"
    raise _fail(f"لا توجد قناة بهذا الاسم: {name} (القنوات: {names})")


def preview_text(config: Config, store: Store, article_id: int, channel: Channel) -> str:
    """The article rendered with the channel's template, as it would be sent (nothing is sent).

    A channel that sends a post as several messages (Telegram) shows each part with its length
    in UTF-16 units after entity parsing, against its limit.
    """
    from nashra.models import PartKind
    from nashra.pipeline import channel_views
    from nashra.render import telegram as tg
    from nashra.store import articles

    with store.read() as conn:
        found = articles.get(conn, article_id)
    if found is None:
        raise _fail(f"لا يوجد مقال رقمه {article_id} — no such article", 1)
    article, enrichment = found
    view = channel_views([channel], config)[0]
    post = view.renderer.render(article, enrichment, channel.name)
    head = f"— {channel.name} ({channel.kind}) · المقال {article_id}: {article.title} —"
    out = [head]
    why = channel.options.routes.verdict(article, enrichment)
    if why:
        out.append(f"⚠️ لن تنشره هذه القناة — this channel would skip it: {why}")
    parts = channel.plan(post)
    if any(p.kind is not PartKind.POST for p in parts):  # messages with Telegram's limits
        for i, part in enumerate(parts):
            photo = part.kind in (PartKind.PHOTO, PartKind.ALBUM)
            limit = tg.CAPTION_LIMIT if photo else tg.TEXT_LIMIT
            kind = f"صورة {part.image}" if photo else "نص"
            if part.kind is PartKind.ALBUM:
                kind = f"ألبوم — album ×{len(part.images)}: " + " ".join(part.images)
            size = tg.length(part.body)
            out.append(f"── الجزء {i + 1}/{len(parts)} · {kind} · {size}/{limit} UTF-16 ──")
            out.append(part.body)
    else:
        out.append(post.text.rstrip("\n"))
    return "\n".join(out) + "\n"


@channels_app.command("preview")
def preview(
    article_id: Annotated[int, typer.Argument(help="رقم المقال — the stored article's id")],
    channel: Annotated[str, typer.Option("--channel", help="اسم القناة — the channel's name")],
    config: ConfigOpt = DEFAULT_CONFIG,
) -> None:
    """اعرض المنشور كما سيُرسل دون إرساله — render a stored article for a channel, send nothing."""
    from nashra.store import Store

    cfg = _config(config)
    ch = _channel(cfg, channel)
    store = Store(cfg.database_url)
    try:
        sys.stdout.write(preview_text(cfg, store, article_id, ch))
    finally:
        store.close()


def _counts(conn: sa.Connection, channel: str) -> dict[str, int]:
    import sqlalchemy as sa

    from nashra.store import schema

    p = schema.posts
    rows = conn.execute(
        sa.select(p.c.state, sa.func.count()).where(p.c.channel == channel).group_by(p.c.state)
    )
    return {r[0]: int(r[1]) for r in rows}


def channel_rows(config: Config, store: Store) -> list[dict[str, Any]]:
    """Each configured channel with its stored state (``ledger.all_states``) and its pacing."""
    from nashra.channels import build_channel, ledger

    with store.read() as conn:
        states = {s.channel: s for s in ledger.all_states(conn)}
        rows = []
        for cfg in config.channels:
            ch = build_channel(cfg, config)
            st = states.get(cfg.name, ledger.ChannelState(cfg.name))
            pacing = None
            if ch.traits.pacing is not None:
                p = ch.traits.pacing
                pacing = {"per_window": p.per_window, "window": p.window, "min_gap": p.min_gap}
            rows.append(
                {
                    "name": cfg.name,
                    "kind": cfg.kind,
                    "enabled": ch.options.enabled,
                    "paused": st.paused_reason,
                    "paused_at": st.paused_at.isoformat() if st.paused_at else None,
                    "target": st.target,
                    "pacing": pacing,
                    "digest": ch.options.digest,
                    "posts": _counts(conn, cfg.name),
                }
            )
    return rows


@channels_app.command("list")
def channels_list(
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """القنوات وحالاتها — each channel: paused (and why), pacing, posts per state."""
    from rich.table import Table

    from nashra.store import Store

    cfg = _config(config)
    store = Store(cfg.database_url)
    try:
        rows = channel_rows(cfg, store)
    except NashraError as exc:
        raise _fail(str(exc)) from exc
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="القنوات — channels")
    for col in ("القناة", "النوع", "الحالة", "الإيقاع pacing", "المنشورات"):
        table.add_column(col)
    for r in rows:
        if r["paused"]:
            status = f"⏸ متوقفة — paused: {r['paused']}"
        else:
            status = "✓ تعمل — active" if r["enabled"] else "معطلة — disabled"
        pace = r["pacing"]
        shown = (
            f"{pace['per_window']}/{pace['window']:g}s, gap {pace['min_gap']:g}s" if pace else "-"
        )
        posts = ", ".join(f"{k}×{v}" for k, v in sorted(r["posts"].items())) or "-"
        table.add_row(r["name"], r["kind"], status, shown, posts)
    Console(width=160).print(table)


@channels_app.command("resume")
def channels_resume(name: str, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """استأنف قناة متوقفة — resume a paused channel (its queued posts go out again)."""
    from nashra.channels import ledger
    from nashra.store import Store, outbox

    cfg = _config(config)
    if name not in {c.name for c in cfg.channels}:
        raise _fail(f"لا توجد قناة بهذا الاسم: {name}")
    store = Store(cfg.database_url)
    try:
        with store.tx() as conn:
            resumed = ledger.resume(conn, name)
            waiting = outbox.counts(conn)
    finally:
        store.close()
    if not resumed:
        raise _fail(f"القناة {name} ليست متوقفة — the channel is not paused", 1)
    console.print(f"استؤنفت القناة {name} — resumed; outbox {waiting}")
