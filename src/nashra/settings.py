"""Settings as one declared table: name, default, help, parse.

The table drives loading, validation, ``nashra init``'s annotated example and the docs. Values come
from the TOML file, then the environment (``NASHRA_<SECTION>_<KEY>``), then the command line.
Secrets never live in the file: a setting whose name ends in ``_env`` names an environment
variable that holds the secret.

``[[sources]]`` and ``[[channels]]`` are lists of tables: sources become ``SourceSpec``; a
channel's table is handed to its channel kind, which declares and checks its own keys.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nashra import logs
from nashra import setting_values as sv
from nashra.errors import ConfigError
from nashra.models import SourceSpec


@dataclass(frozen=True, slots=True)
class Setting:
    name: str  # "section.key"
    default: Any
    help: str
    parse: Callable[[Any], Any]

    @property
    def env(self) -> str:
        return "NASHRA_" + self.name.replace(".", "_").upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database.url",
        "sqlite:///nashra.db",
        "قاعدة البيانات (SQLAlchemy URL): SQLite by default, postgresql+psycopg://… later",
        sv.db_url,
    ),
    Setting(
        "fetch.allow_networks",
        (),
        'شبكات يُسمح بها رغم حماية SSRF, e.g. ["127.0.0.0/8"] for a local test site',
        sv.networks,
    ),
    Setting(
        "fetch.contact_url",
        "",
        "رابط للتواصل يُضاف إلى User-Agent — a contact URL for site owners",
        sv.web_url,
    ),
    Setting(
        "fetch.feed_deadline",
        20.0,
        "المهلة الكلية لجلب خلاصة (ثوانٍ) — total deadline per feed fetch, seconds",
        sv.between(sv.as_number, 0, 3600, open_low=True),
    ),
    Setting(
        "fetch.page_deadline",
        30.0,
        "المهلة الكلية لجلب صفحة (ثوانٍ) — total deadline per page fetch, seconds",
        sv.between(sv.as_number, 0, 3600, open_low=True),
    ),
    Setting(
        "fetch.max_body_mib",
        15.0,
        "أقصى حجم للمحتوى بعد فك الضغط (MiB) — cap on the decoded body",
        sv.between(sv.as_number, 0, 1024, open_low=True),
    ),
    Setting(
        "fetch.max_redirects",
        5,
        "أقصى عدد لإعادات التوجيه — redirect cap",
        sv.between(sv.as_whole, 0, 30),
    ),
    Setting(
        "fetch.per_host_concurrency",
        2,
        "أقصى عدد طلبات متزامنة لكل مضيف — concurrent requests per host",
        sv.between(sv.as_whole, 1, 64),
    ),
    Setting(
        "fetch.per_host_delay",
        1.0,
        "الفاصل بين طلبات الصفحات للمضيف نفسه (ثوانٍ) — delay between page fetches per host",
        sv.between(sv.as_number, 0, 3600),
    ),
    Setting(
        "fetch.obey_robots",
        True,
        "احترام robots.txt عند جلب الصفحات — obey robots.txt for pages",
        sv.as_flag,
    ),
    Setting(
        "fetch.concurrency",
        8,
        "عدد المصادر التي تُجلب معًا — sources fetched at once",
        sv.between(sv.as_whole, 1, 256),
    ),
    Setting(
        "fetch.workers",
        0,
        "عدد عمليات الاستخراج (0 = عملية لكل نواة) — extraction processes; 0 = one per core",
        sv.between(sv.as_whole, 0, 256),
    ),
    Setting(
        "fetch.item_concurrency",
        4,
        "عدد عناصر المصدر الواحد التي تُعالج معًا — items of one source processed at once",
        sv.between(sv.as_whole, 1, 256),
    ),
    Setting(
        "fetch.item_deadline",
        90.0,
        "المهلة الكلية لعنصر واحد: جلب صفحته واستخراجها (ثوانٍ) — total deadline per item (page fetch + extraction), seconds",
        sv.between(sv.as_number, 0, 3600, open_low=True),
    ),
    Setting(
        "poll.min_minutes",
        5.0,
        "أدنى فاصل بين استطلاعين للمصدر — shortest poll interval, minutes",
        sv.between(sv.as_number, 0, 10080, open_low=True),
    ),
    Setting(
        "poll.max_minutes",
        1440.0,
        "أقصى فاصل بين استطلاعين (ومنه التراجع بعد الأخطاء) — longest poll interval, minutes",
        sv.between(sv.as_number, 0, 525600, open_low=True),
    ),
    Setting(
        "poll.adaptive",
        True,
        "إبطاء استطلاع مصدر قليل النشر — poll a source that publishes rarely less often",
        sv.as_flag,
    ),
    Setting(
        "poll.max_interval_minutes",
        0.0,
        "أقصى فاصل يبلغه الإبطاء التكيفي؛ 0 = أربعة أضعاف فاصل المصدر — cap on adaptive polling"
        " (0: 4 × the source's interval_minutes)",
        sv.between(sv.as_number, 0, 525600),
    ),
    Setting(
        "poll.max_items",
        100,
        "أقصى عدد للعناصر في الاستطلاع الواحد، الأحدث أولًا — items read per poll, newest first",
        sv.between(sv.as_whole, 1, 100_000),
    ),
    Setting(
        "poll.error_limit",
        3,
        "عدد الأخطاء المتتالية قبل تعطيل المصدر — consecutive errors before a source is disabled",
        sv.between(sv.as_whole, 1, 1000),
    ),
    Setting(
        "jobs.concurrency",
        4,
        "عدد المهام المتزامنة في العامل الواحد (PostgreSQL) — jobs one worker runs at once",
        sv.between(sv.as_whole, 1, 256),
    ),
    Setting(
        "jobs.heartbeat_seconds",
        10.0,
        "الفاصل بين نبضات العامل (ثوانٍ) — seconds between a worker's heartbeats",
        sv.between(sv.as_number, 0, 3600, open_low=True),
    ),
    Setting(
        "jobs.stalled_seconds",
        30.0,
        "بعد كم ثانية بلا نبض تُعاد مهام العامل إلى الطابور — a silent worker's jobs are retried after this",
        sv.between(sv.as_number, 0, 86400, open_low=True),
    ),
    Setting(
        "jobs.delete_finished",
        True,
        "حذف المهام المنجزة من الطابور — delete succeeded jobs (keeps the job table small)",
        sv.as_flag,
    ),
    Setting(
        "extract.min_chars",
        200,
        "أقل طول لنص المقال المستخرج من الصفحة — shortest extracted body accepted",
        sv.between(sv.as_whole, 0, 100_000),
    ),
    Setting(
        "enrich.max_hashtags",
        6,
        "أقصى عدد للوسوم في المنشور — hashtags per post",
        sv.between(sv.as_whole, 0, 50),
    ),
    Setting(
        "enrich.gazetteer",
        "",
        "ملف أسماء إضافي (TSV) — an extra gazetteer file of your own",
        sv.as_text,
    ),
    Setting(
        "enrich.model",
        True,
        "استخراج الأسماء بالنموذج المدرَّب (وإلا فبالقواعد) — entities from the trained tagger (else rules)",
        sv.as_flag,
    ),
    Setting(
        "enrich.blocklist",
        "",
        "ملف أسماء لا تصير وسومًا أبدًا، اسم في كل سطر — names never to tag, one a line",
        sv.as_text,
    ),
    Setting(
        "enrich.aliases",
        "",
        "ملف «الاسم<TAB>الوسم» يوحّد وسم الكيان — name<TAB>hashtag: the tag an entity gets",
        sv.as_text,
    ),
    Setting(
        "render.timezone",
        "",
        "المنطقة الزمنية لعرض التاريخ؛ فارغ = كما نشرها الموقع — display time zone; empty keeps the outlet's",
        sv.zone,
    ),
    Setting(
        "stories.mode",
        "merge",
        'قصة واحدة منشور واحد ("merge") أو كل مقال منشور مجمّع في قصته ("group") — one post per'
        ' story ("merge"), or every outlet\'s article posted, grouped by story ("group")',
        sv.story_mode,
    ),
    Setting(
        "stories.edit_minutes",
        30,
        "أقل فاصل بين تعديلين لمنشور مرسل لإضافة منفذ — minutes between two edits of a sent post"
        " that add outlets to its «نقلته أيضًا» line (0: never edit)",
        sv.as_whole,
    ),
    Setting(
        "web.admin_password_hash_env",
        "NASHRA_ADMIN_PASSWORD_HASH",
        "متغير البيئة الذي يحمل تجزئة كلمة مرور المشرف — env var holding the admin password hash",
        sv.env_name,
    ),
    Setting(
        "web.base_url",
        "",
        "عنوان الموقع العام لروابط /feed.json؛ فارغ = عنوان الاستماع — the site's public URL for"
        " /feed.json links (never taken from the Host header); empty: the address served on",
        sv.web_url,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}

_SOURCE_KEYS = {
    "name",
    "url",
    "kind",
    "interval_minutes",
    "first_run",
    "tags",
    "link_selector",
    "priority",
    "rules",
}


def _check_first_run(value: str, where: str) -> str:
    if value in ("mark_seen", "post_all"):
        return value
    if value.startswith("newest:") and value[7:].isdigit() and 0 < int(value[7:]) <= 10_000:
        return value
    raise ConfigError(
        f'قيمة first_run غير صالحة: {value!r} — use "mark_seen", "post_all" or "newest:N"',
        where=where,
    )


def _strings(v: Any, what: str) -> tuple[str, ...]:
    if not isinstance(v, list | tuple) or not all(isinstance(x, str) for x in v):
        raise ValueError(f"{what}: يجب أن تكون قائمة نصوص — must be a list of strings")
    return tuple(v)


def _rules(v: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(v, Mapping):
        raise ValueError("rules: يجب أن تكون جدولًا — must be a table of lists")
    return {str(k): _strings(x, f"rules.{k}") for k, x in v.items()}


_interval = sv.between(sv.as_number, 0, 525600, open_low=True)


def _source_url(v: str) -> str:
    url = v.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"رابط المصدر ليس http(s): {url!r} — a source URL is http(s)")
    return url


def parse_source(table: Mapping[str, Any], index: int) -> SourceSpec:
    where = f"[[sources]] #{index + 1}"
    if not isinstance(table, Mapping):
        raise ConfigError("كل مصدر جدول [[sources]] — each source is a table", where=where)
    unknown = set(table) - _SOURCE_KEYS
    if unknown:
        raise ConfigError(f"مفاتيح غير معروفة في المصدر: {sorted(unknown)}", where=where)
    for key in ("name", "url"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise ConfigError(f"المفتاح {key} مطلوب في كل مصدر — {key} is required", where=where)
    kind = table.get("kind")
    if kind not in (None, "feed", "sitemap", "page"):
        raise ConfigError(f"نوع مصدر غير معروف kind = {kind!r} (feed, sitemap, page)", where=where)
    try:
        return SourceSpec(
            name=table["name"].strip(),
            url=_source_url(table["url"]),
            kind=kind,
            interval_minutes=_interval(table.get("interval_minutes", 15)),
            first_run=_check_first_run(sv.as_text(table.get("first_run", "mark_seen")), where),
            tags=_strings(table.get("tags", []), "tags"),
            link_selector=sv.opt_text(table.get("link_selector")),
            priority=sv.between(sv.as_whole, -1000, 1000)(table.get("priority", 0)),
            rules=_rules(table.get("rules", {})),
        )
    except ValueError as exc:
        raise ConfigError(f"قيمة غير صالحة في المصدر: {exc}", where=where) from exc


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    name: str
    kind: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]
    sources: tuple[SourceSpec, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    path: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, p: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(p).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    @property
    def database_url(self) -> str:
        url: str = self.values["database.url"]
        prefix = "sqlite:///"
        if (
            url.startswith(prefix)
            and url != "sqlite:///:memory:"
            and not url.startswith(prefix + "/")
        ):
            return prefix + str(self.resolve(url[len(prefix) :]))
        return url


def load_config(
    path: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Config:
    """Load the file (or ``data``), then the environment, then ``overrides``; check every value."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = dict(data or {})
    if path is not None:
        raw = _read(path)
    values: dict[str, Any] = {}
    sections = {k: v for k, v in raw.items() if k not in ("sources", "channels")}
    for section, table in sections.items():
        if not isinstance(table, dict):
            raise ConfigError(f"القسم [{section}] يجب أن يكون جدولًا", where=str(path or ""))
        for key, value in table.items():
            name = f"{section}.{key}"
            if name not in _BY_NAME:
                raise ConfigError(f"إعداد غير معروف: {name}", where=str(path or ""))
            values[name] = value
    for s in SETTINGS:
        if s.env in env:
            values[s.name] = env[s.env]
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise ConfigError(f"إعداد غير معروف: {name}")
        values[name] = value
    parsed: dict[str, Any] = {}
    for s in SETTINGS:
        try:
            parsed[s.name] = s.parse(values[s.name]) if s.name in values else s.default
        except ValueError as exc:
            raise ConfigError(
                f"قيمة غير صالحة للإعداد {s.name}: {exc}", where=str(path or "")
            ) from exc
    sources = tuple(parse_source(t, i) for i, t in enumerate(_tables(raw, "sources")))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"أسماء مصادر مكررة: {dupes} — source names must be unique")
    channels = []
    for i, t in enumerate(_tables(raw, "channels")):
        where = f"[[channels]] #{i + 1}"
        if (
            not isinstance(t.get("name"), str)
            or not isinstance(t.get("kind"), str)
            or not t["name"].strip()
        ):
            raise ConfigError(
                "كل قناة تحتاج name و kind — every channel needs name and kind", where=where
            )
        options = {k: v for k, v in t.items() if k not in ("name", "kind")}
        channels.append(ChannelConfig(name=t["name"], kind=t["kind"], options=options))
    cnames = [c.name for c in channels]
    if len(set(cnames)) != len(cnames):
        raise ConfigError("أسماء قنوات مكررة — channel names must be unique")
    config = Config(values=parsed, sources=sources, channels=tuple(channels), path=path)
    _check_together(config)
    _register_secrets(config, env)
    return config


def _read(path: Path) -> dict[str, Any]:
    """The TOML file, or a one-line ``ConfigError`` (missing, a folder, not UTF-8, not TOML)."""
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError("ملف الإعدادات غير موجود — config file not found", where=where) from exc
    except IsADirectoryError as exc:
        raise ConfigError(
            "هذا مجلد لا ملف إعدادات — a folder, not a config file", where=where
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"تعذرت قراءة ملف الإعدادات — cannot read the config file: {exc.strerror}", where=where
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"ملف الإعدادات ليس UTF-8 (البايت {exc.start}) — the config file is not UTF-8",
            where=where,
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"ملف الإعدادات ليس TOML صالحًا: {exc}", where=where) from exc
    except RecursionError as exc:
        raise ConfigError(
            "ملف الإعدادات متداخل أكثر من اللازم — nested too deep", where=where
        ) from exc


def _tables(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, Mapping) for t in value):
        raise ConfigError(f"{key} تُكتب جداول [[{key}]] — write each one as a [[{key}]] table")
    return value


def _check_together(config: Config) -> None:
    """Checks that need more than one value, or the config file's folder."""
    if config["poll.max_minutes"] < config["poll.min_minutes"]:
        raise ConfigError(
            "poll.max_minutes أصغر من poll.min_minutes — the longest interval is below the shortest"
        )
    url = config.database_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        db = Path(url[len("sqlite:///") :].split("?", 1)[0])
        if db.is_dir():
            raise ConfigError(
                "مسار قاعدة البيانات مجلد — the database path is a folder", where=str(db)
            )
        if not db.parent.is_dir():
            raise ConfigError(
                "مجلد قاعدة البيانات غير موجود — the database's folder does not exist",
                where=str(db.parent),
            )
    for key in ("enrich.gazetteer", "enrich.blocklist", "enrich.aliases"):
        given = config[key]
        if given and not config.resolve(given).is_file():
            raise ConfigError(
                f"الملف {key} غير موجود — the file named by {key} does not exist",
                where=str(config.resolve(given)),
            )


def _register_secrets(config: Config, env: Mapping[str, str]) -> None:
    """The values of the variables that hold secrets are masked in every log line."""
    names = [config["web.admin_password_hash_env"]]
    for ch in config.channels:
        names += [v for k, v in ch.options.items() if k.endswith("_env") and isinstance(v, str)]
    for name in names:
        logs.register_secret(env.get(name) or os.environ.get(name))


def example_config() -> str:
    """The annotated example ``nashra init`` writes."""
    lines = [
        "# إعدادات نشرة — Nashra configuration (TOML).",
        "# Every setting below shows its default; environment variables override the file.",
        "",
    ]
    section = ""
    for s in SETTINGS:
        sec, key = s.name.split(".", 1)
        if sec != section:
            lines += ["", f"[{sec}]"]
            section = sec
        default = s.default
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif isinstance(default, tuple):
            shown = "[" + ", ".join(f'"{x}"' for x in default) + "]"
        elif isinstance(default, str):
            shown = f'"{default}"'
        else:
            shown = str(default)
        lines.append(f"# {s.help}  (env {s.env})")
        active = s.name in ("database.url",)
        lines.append(f"{'' if active else '# '}{key} = {shown}")
    lines += [
        "",
        "# المصادر — sources: a feed (RSS/Atom/JSON Feed), a news sitemap or a section page.",
        "[[sources]]",
        'name = "الحل نت"',
        'url = "https://example.org/feed"',
        "interval_minutes = 15     # optional",
        'first_run = "mark_seen"   # optional: "mark_seen" (default), "post_all" or "newest:N"',
        '# kind = "feed"           # optional: feed, sitemap or page (detected when absent)',
        '# tags = ["سوريا"]         # optional: fixed hashtags for every post of this source',
        "",
        "# القنوات — channels: where posts go.",
        "[[channels]]",
        'name = "posts"',
        'kind = "directory"        # one text file per post plus posts.jsonl',
        'path = "posts"',
        "",
    ]
    return "\n".join(lines)


def settings_markdown() -> str:
    """The settings reference (docs/settings.md is this text; a test keeps them equal)."""
    rows = [
        "# الإعدادات — Settings reference",
        "",
        "Generated from `nashra.settings.SETTINGS` by `nashra settings --markdown`.",
        "Each value comes from the TOML file, then the environment variable, then the command line.",
        "",
        "| setting | default | environment | meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = list(s.default) if isinstance(s.default, tuple) else s.default
        rows.append(f"| `{s.name}` | `{default!r}` | `{s.env}` | {s.help} |")
    return "\n".join(rows) + "\n"
