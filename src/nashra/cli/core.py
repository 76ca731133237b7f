"""Core commands: init, once, run, post, demo, sources, outbox, articles."""

from __future__ import annotations

import json
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from nashra.cli._app import CONFIG_HELP, app
from nashra.cli._logging import configured_level
from nashra.errors import NashraError, Rejected
from nashra.settings import Config, example_config, load_config, settings_markdown

if TYPE_CHECKING:  # imported inside the commands: ``--help`` must not load the pipeline
    from nashra.runner import CycleReport, Runner

console = Console(stderr=True)
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help=CONFIG_HELP)]
DEFAULT_CONFIG = Path("nashra.toml")


def _load(path: Path) -> Config:
    try:
        return load_config(path)
    except NashraError as exc:
        _die(exc)


def one_line(text: object) -> str:
    """Any message as one line of plain text (no rich markup inside it is interpreted)."""
    return escape(" ".join(str(text).split()))


def _die(exc: BaseException, code: int = 2) -> NoReturn:
    console.print(f"[bold red]خطأ[/] — error: {one_line(exc)}", soft_wrap=True)
    raise typer.Exit(code)


def _summary(report: CycleReport) -> None:
    from rich.table import Table

    table = Table(title="دورة واحدة — one cycle", show_lines=False)
    for col in (
        "المصدر source",
        "جديد new",
        "محدَّث updated",
        "مكرر dup",
        "معروف seen",
        "متروك dropped",
        "أخطاء errors",
    ):
        table.add_column(col)
    for s in report.sources:
        drops = ", ".join(f"{k}×{v}" for k, v in sorted(s.drops.items()) if k != "duplicate")
        status = "304" if s.not_modified else str(s.accepted)
        table.add_row(
            escape(s.source),
            status,
            str(s.updated),
            str(s.duplicates),
            str(s.unchanged + s.marked),
            escape(drops) or "-",
            str(len(s.errors)),
        )
    console.print(table)
    for s in report.sources:
        for err in s.errors[:5]:
            console.print(f"  [red]✗[/] {one_line(s.source)}: {one_line(err)}", soft_wrap=True)
    outcomes = dict(report.publish.outcomes)
    shown = one_line(outcomes or "لا شيء جديد — nothing new")
    console.print(f"النشر — publishing: {shown}", soft_wrap=True)
    for ch, why in report.publish.paused.items():
        console.print(f"  [yellow]⏸[/] {one_line(ch)}: {one_line(why)}", soft_wrap=True)


async def _cycle(runner: Runner, *, show_progress: bool) -> CycleReport:
    if not show_progress:
        return await runner.cycle()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    specs = runner.due(all_sources=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("جلب المصادر — polling sources", total=len(specs))
        items = progress.add_task("معالجة المقالات — processing items", total=None)
        return await runner.cycle(
            on_source=lambda _r: progress.advance(task),
            on_item=lambda _s: progress.advance(items),
        )


@app.command()
def init(
    path: Annotated[
        Path, typer.Argument(help="where to write the example config")
    ] = DEFAULT_CONFIG,
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """اكتب ملف إعدادات مشروحًا — write an annotated example config."""
    if path.exists() and not force:
        _die(FileExistsError(f"الملف موجود: {path} (use --force)"))
    path.write_text(example_config(), encoding="utf-8")
    console.print(f"كُتب ملف الإعدادات — wrote {path}")


@app.command()
def settings(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="print the reference as Markdown")
    ] = False,
) -> None:
    """كل الإعدادات وقيمها الافتراضية — every setting, its default and its variable."""
    if markdown:
        sys.stdout.write(settings_markdown())
        return
    sys.stdout.write(example_config())


@app.command()
def once(
    config: ConfigOpt = DEFAULT_CONFIG,
    progress: Annotated[bool, typer.Option(help="show progress bars")] = True,
) -> None:
    """دورة واحدة: اجلب كل المصادر وانشر — one cycle; the exit code is 1 if anything failed."""
    import asyncio

    cfg = _load(config)
    configured_level("warning")
    from nashra.runner import Runner

    async def go() -> CycleReport:
        runner = Runner(cfg)
        try:
            return await _cycle(runner, show_progress=progress and console.is_terminal)
        finally:
            await runner.aclose()

    try:
        report = asyncio.run(go())
    except NashraError as exc:
        _die(exc)
    _summary(report)
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def run(
    config: ConfigOpt = DEFAULT_CONFIG,
    workers: Annotated[
        int, typer.Option(help="PostgreSQL: local worker processes (default: one per core)")
    ] = 0,
) -> None:
    """الخدمة الدائمة: استطلع كل مصدر في موعده وانشر — the daemon; stops on SIGINT/SIGTERM.

    On PostgreSQL: the scheduler plus --workers local worker processes (more workers, on any
    machine: `nashra worker`)."""
    cfg = _load(config)
    configured_level("info")
    from nashra.store.lock import DaemonLock

    lock = DaemonLock(cfg.database_url)  # one daemon per database (#14 fault 11)
    try:
        lock.acquire()
    except NashraError as exc:
        _die(exc)
    try:
        _run_locked(cfg, config, workers)
    finally:
        lock.release()


def _run_locked(cfg: Config, config: Path, workers: int) -> None:
    import asyncio

    if cfg.database_url.startswith("postgresql"):
        from nashra.jobs.worker import supervise
        from nashra.pool import default_workers
        from nashra.store import Store

        try:
            Store(cfg.database_url).close()  # migrate once, before the children start
        except NashraError as exc:
            _die(exc)
        n = workers or default_workers()
        console.print(f"نشرة تعمل — running: the scheduler + {n} workers on PostgreSQL")
        raise typer.Exit(supervise(config, workers=n))
    from nashra.runner import Runner

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = Runner(cfg)
        console.print(f"نشرة تعمل — running with {len(cfg.sources)} sources; Ctrl-C to stop")
        try:
            await runner.run_forever(stop)
        finally:
            await runner.aclose()
        console.print("توقفت نشرة بسلام — stopped cleanly")

    try:
        asyncio.run(go())
    except NashraError as exc:
        _die(exc)


@app.command()
def post(
    url: Annotated[str, typer.Argument(help="an article's URL")],
    config: Annotated[Path | None, typer.Option("--config", "-c", help=CONFIG_HELP)] = None,
    allow_network: Annotated[
        list[str] | None,
        typer.Option("--allow-network", help="let this network through the SSRF guard (CIDR)"),
    ] = None,
) -> None:
    """اجلب مقالًا واحدًا واطبع منشوره بالقالب الافتراضي — fetch one article, print its post."""
    import asyncio

    from nashra.oneoff import render_url

    overrides: dict[str, Any] = {}
    if allow_network:
        overrides["fetch.allow_networks"] = allow_network
    try:
        cfg = load_config(config, overrides=overrides)
        text = asyncio.run(render_url(cfg, url))
    except (NashraError, Rejected) as exc:
        _die(exc, 1)
    sys.stdout.write(text)


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option(help="folder for the demo's database, config and posts")
    ] = Path("demo-out"),
    keep: Annotated[bool, typer.Option(help="keep an existing demo database")] = False,
) -> None:
    """شغّل نشرة على المصادر التجريبية المرفقة — serve the bundled demo sources and run once."""
    import asyncio

    from nashra.demo import demo_site_root, demo_sources, serve_site

    _demo_folder(out, keep=keep)
    from nashra.runner import Runner

    configured_level("error")
    with serve_site(demo_site_root()) as base:
        data = {
            "database": {"url": "sqlite:///nashra.db"},
            # The demo site is our own server on loopback: let it through the SSRF guard and
            # do not wait between its pages.
            "fetch": {"allow_networks": ["127.0.0.0/8"], "per_host_delay": 0.0},
            "sources": demo_sources(base),
            "channels": [{"name": "posts", "kind": "directory", "path": "posts"}],
        }
        cfg_path = out / "nashra.toml"
        cfg_path.write_text(_toml(data), encoding="utf-8")
        cfg = load_config(cfg_path)

        async def go() -> CycleReport:
            runner = Runner(cfg)
            try:
                return await _cycle(runner, show_progress=console.is_terminal)
            finally:
                await runner.aclose()

        report = asyncio.run(go())
    _summary(report)
    posts_dir = (out / "posts").resolve()
    n = len(list(posts_dir.glob("*.txt"))) if posts_dir.is_dir() else 0
    console.print(f"\n[bold]المنشورات — posts[/]: {n} in {posts_dir}")
    console.print(f"[bold]قاعدة البيانات — database[/]: {(out / 'nashra.db').resolve()}")
    console.print(f"[bold]الإعدادات — config[/]: {cfg_path.resolve()}")
    raise typer.Exit(1 if report.failed else 0)


DEMO_MARKER = ".nashra-demo"
# What a demo folder made before the marker existed holds: recognised as the demo's own.
_DEMO_FILES = {"nashra.db", "nashra.db-wal", "nashra.db-shm", "nashra.db.lock", "nashra.toml"}


def _demo_folder(out: Path, *, keep: bool) -> None:
    """Make ``out`` ready for the demo. A folder the demo did not create (no marker file) is
    never emptied: ``nashra demo --out ~/Documents`` must not delete anything."""
    if out.exists() and not out.is_dir():
        _die(NotADirectoryError(f"ليس مجلدًا — not a folder: {out}"))
    if out.is_dir():
        entries = {p.name for p in out.iterdir()}
        ours = DEMO_MARKER in entries or (
            entries and entries <= _DEMO_FILES | {"posts"} and "nashra.toml" in entries
        )
        if entries and not ours:
            _die(
                FileExistsError(
                    f"المجلد {out} ليس فارغًا ولم ينشئه العرض التجريبي، فلن يُمسّ — the folder is "
                    "not empty and was not made by the demo: choose an empty or new folder"
                )
            )
        if entries and not keep:
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / DEMO_MARKER).write_text(
        "This folder was made by `nashra demo`; the next run may empty it.\n", encoding="utf-8"
    )


def _toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for the demo config: strings, numbers, lists, tables."""

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return json.dumps(str(v), ensure_ascii=False)

    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {val(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            for table in value:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {val(v)}" for k, v in table.items()]
        lines.append("")
    return "\n".join(lines)


sources_app = typer.Typer(help="المصادر — sources", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("list")
def sources_list(
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """حالة كل مصدر: آخر جلب، الموعد التالي، الأخطاء، التعطيل — each source's health."""
    from rich.table import Table

    from nashra.runner import Runner
    from nashra.store import Store, sources

    cfg = _load(config)
    store = Store(cfg.database_url)
    with store.read() as conn:
        states = {s.name: s for s in sources.all_states(conn)}
    rows: list[dict[str, Any]] = []
    runner_specs = Runner(cfg, store).specs(states)  # configured + added at run time
    for spec in runner_specs:
        s = states.get(spec.name)
        rows.append(
            {
                "name": spec.name,
                "url": spec.url,
                "kind": (s.kind if s else None) or spec.kind,
                "last_fetch": s.last_fetch_at.isoformat() if s and s.last_fetch_at else None,
                "next_poll": s.next_poll_at.isoformat() if s and s.next_poll_at else None,
                "errors": s.consecutive_errors if s else 0,
                "last_error": s.last_error if s else None,
                "disabled": s.disabled if s else False,
            }
        )
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title="المصادر — sources")
    for col in ("الاسم", "النوع", "آخر جلب", "الموعد التالي", "أخطاء", "الحالة", "آخر خطأ"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["name"],
            r["kind"] or "?",
            (r["last_fetch"] or "-")[:19],
            (r["next_poll"] or "-")[:19],
            str(r["errors"]),
            "[red]معطّل disabled[/]" if r["disabled"] else "[green]يعمل[/]",
            (r["last_error"] or "")[:60],
        )
    Console().print(table)


def _set_enabled(config: Path, name: str, enabled: bool) -> None:
    from nashra.store import Store, sources

    cfg = _load(config)
    store = Store(cfg.database_url)
    with store.tx() as conn:
        ok = sources.set_enabled(conn, name, enabled)
    if not ok:
        _die(KeyError(f"لا يوجد مصدر بهذا الاسم في قاعدة البيانات: {name}"), 1)
    console.print(("فُعّل" if enabled else "عُطّل") + f" المصدر — {name}")


@sources_app.command("enable")
def sources_enable(name: str, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """أعد تفعيل مصدر معطّل — re-enable a disabled source (its error count is reset)."""
    _set_enabled(config, name, True)


@sources_app.command("disable")
def sources_disable(name: str, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """عطّل مصدرًا — stop polling a source."""
    _set_enabled(config, name, False)


outbox_app = typer.Typer(help="صندوق الصادر — the outbox", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.command("list")
def outbox_list(
    config: ConfigOpt = DEFAULT_CONFIG,
    state: Annotated[
        str | None, typer.Option(help="pending, held, unknown, failed, sent, ...")
    ] = None,
    channel: Annotated[str | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """المنشورات وحالاتها — posts and their states (unknown ones need a person)."""
    from rich.table import Table

    from nashra.store import Store, outbox

    cfg = _load(config)
    store = Store(cfg.database_url)
    with store.read() as conn:
        rows = outbox.listing(conn, state=state, channel=channel)
        counts = outbox.counts(conn)
    if as_json:
        out = [
            {
                "id": p.id,
                "channel": p.channel,
                "state": p.state.value,
                "title": p.title,
                "attempts": p.attempts,
                "remote_id": p.remote_id,
                "last_error": err,
            }
            for p, err in rows
        ]
        sys.stdout.write(
            json.dumps({"counts": counts, "posts": out}, ensure_ascii=False, indent=2) + "\n"
        )
        return
    table = Table(title=f"صندوق الصادر — outbox {counts}")
    for col in ("#", "القناة", "الحالة", "العنوان", "محاولات", "آخر خطأ"):
        table.add_column(col)
    for p, err in rows:
        table.add_row(
            str(p.id), p.channel, p.state.value, p.title[:50], str(p.attempts), (err or "")[:50]
        )
    Console().print(table)


@outbox_app.command("resolve")
def outbox_resolve(
    post_id: int,
    decision: Annotated[str, typer.Argument(help="sent | resend | drop | approve | reject")],
    config: ConfigOpt = DEFAULT_CONFIG,
) -> None:
    """قرار المشغّل في منشور — an operator's decision on an unknown, failed or held post."""
    from nashra.store import Store, outbox

    cfg = _load(config)
    store = Store(cfg.database_url)
    try:
        with store.tx() as conn:
            ok = outbox.resolve(conn, post_id, decision)
    except ValueError:
        _die(ValueError(f"قرار غير معروف: {decision} (sent, resend, drop, approve, reject)"), 2)
    if not ok:
        _die(KeyError(f"المنشور {post_id} غير موجود أو حالته لا تقبل هذا القرار"), 1)
    console.print(f"تم — post {post_id}: {decision}")


articles_app = typer.Typer(help="المقالات — articles", no_args_is_help=True)
app.add_typer(articles_app, name="articles")


@articles_app.command("delete")
def articles_delete(article_id: int, config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """احذف مقالًا واترك شاهدًا كي لا يعود — delete an article, leaving a tombstone."""
    from nashra.store import Store, articles

    cfg = _load(config)
    store = Store(cfg.database_url)
    with store.tx() as conn:
        if articles.get(conn, article_id) is None:
            _die(KeyError(f"لا يوجد مقال رقمه {article_id}"), 1)
        articles.tombstone(conn, article_id)
    console.print(f"حُذف المقال {article_id} وبقي شاهده — tombstoned")
