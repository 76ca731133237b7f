"""The archive out and back in: articles, stories and posts as JSON Lines or CSV, streamed.

``export_jsonl`` writes one JSON object per line: a header (``{"type": "nashra-archive",
"version": 1}``), then every article, every story (its key, title, outlets and article ids:
derived from ``articles.story_id``, written for readers of the file) and every post. ``export_csv``
writes ``articles.csv``, ``stories.csv`` and ``posts.csv`` into a folder, JSON columns as JSON
text. Rows are read from the database in batches (``yield_per``), so memory does not grow with the
archive.

``import_records`` reads either back. An article already in the database (same ``identity``) is
skipped, so importing twice adds nothing; a new one keeps its id when that id is free (a fresh
database gets the same ids, so an export of it is identical to the original export) and gets a
new id otherwise, with ``story_id``, ``duplicate_of`` and its posts' ``article_id`` following it.
Operational tables (deliveries, parts, pacing, search and dedupe indexes) are not exported: the
search index is rebuilt on import and the dedupe index rebuilds itself.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from nashra.errors import ParseError
from nashra.store import schema

__all__ = [
    "FORMAT_VERSION",
    "ImportReport",
    "count_rows",
    "export_csv",
    "export_jsonl",
    "import_csv",
    "import_jsonl",
    "records",
]

FORMAT_VERSION = 1
BATCH = 500
TABLES: dict[str, sa.Table] = {"article": schema.articles, "post": schema.posts}
CSV_FILES = {"article": "articles.csv", "story": "stories.csv", "post": "posts.csv"}
STORY_FIELDS = ("id", "title", "outlets", "article_ids")


def _json_cols(table: sa.Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, sa.JSON)}


def _time_cols(table: sa.Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, sa.DateTime)}


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _rows(conn: sa.Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    q = sa.select(table).order_by(table.c.id).execution_options(yield_per=BATCH)
    for r in conn.execute(q):
        yield {k: _out(v) for k, v in r._mapping.items()}


def _stories(conn: sa.Connection) -> Iterator[dict[str, Any]]:
    a = schema.articles
    key = sa.func.coalesce(a.c.story_id, a.c.id)
    q = (
        sa.select(key.label("k"), a.c.id, a.c.title, a.c.outlet, a.c.source)
        .where(a.c.story_id.is_not(None) | a.c.id.in_(sa.select(a.c.story_id)))
        .order_by(key, a.c.id)
        .execution_options(yield_per=BATCH)
    )
    story: dict[str, Any] | None = None
    for r in conn.execute(q):
        if story is None or story["id"] != r.k:
            if story is not None:
                yield story
            story = {"id": int(r.k), "title": r.title, "outlets": [], "article_ids": []}
        outlet = r.outlet or r.source
        if outlet not in story["outlets"]:
            story["outlets"].append(outlet)
        story["article_ids"].append(int(r.id))
    if story is not None:
        yield story


def count_rows(conn: sa.Connection) -> int:
    """Articles + posts: the progress bar's total (stories ride along)."""
    n = 0
    for table in TABLES.values():
        n += int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    return n


def records(conn: sa.Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every exported record as (type, fields), articles first, then stories, then posts."""
    for row in _rows(conn, schema.articles):
        yield "article", row
    for story in _stories(conn):
        yield "story", story
    for row in _rows(conn, schema.posts):
        yield "post", row


Tick = Callable[[str], None]


def export_jsonl(conn: sa.Connection, out: IO[str], on_record: Tick | None = None) -> int:
    header = {"type": "nashra-archive", "version": FORMAT_VERSION}
    out.write(json.dumps(header, ensure_ascii=False) + "\n")
    n = 0
    for kind, row in records(conn):
        out.write(json.dumps({"type": kind, **row}, ensure_ascii=False) + "\n")
        n += 1
        if on_record:
            on_record(kind)
    return n


def export_csv(conn: sa.Connection, folder: Path, on_record: Tick | None = None) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    fields = {
        "article": [c.name for c in schema.articles.columns],
        "story": list(STORY_FIELDS),
        "post": [c.name for c in schema.posts.columns],
    }
    json_cols = {"article": _json_cols(schema.articles), "post": _json_cols(schema.posts)}
    json_cols["story"] = {"outlets", "article_ids"}
    files = {
        k: (folder / name).open("w", encoding="utf-8", newline="") for k, name in CSV_FILES.items()
    }
    try:
        writers = {k: csv.DictWriter(f, fieldnames=fields[k]) for k, f in files.items()}
        for w in writers.values():
            w.writeheader()
        n = 0
        for kind, row in records(conn):
            flat = {
                k: (json.dumps(v, ensure_ascii=False) if k in json_cols[kind] else v)
                for k, v in row.items()
            }
            writers[kind].writerow(flat)
            n += 1
            if on_record:
                on_record(kind)
    finally:
        for f in files.values():
            f.close()
    return n


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    first = True
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ParseError(f"سطر {number} ليس JSON — line {number} is not JSON: {exc}") from exc
        kind = obj.pop("type", None)
        if first:
            first = False
            if kind != "nashra-archive" or obj.get("version") != FORMAT_VERSION:
                raise ParseError("ليس ملف أرشيف نشرة — not a Nashra archive (no header line)")
            continue
        yield str(kind), obj


def read_csv(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    json_cols = {"article": _json_cols(schema.articles), "post": _json_cols(schema.posts)}
    for kind in ("article", "post"):
        path = folder / CSV_FILES[kind]
        if not path.exists():
            raise ParseError(f"الملف غير موجود — missing {path}")
        cols = {c.name: c for c in TABLES[kind].columns}
        with path.open(encoding="utf-8", newline="") as f:
            for raw in csv.DictReader(f):
                row: dict[str, Any] = {}
                for k, v in raw.items():
                    if k not in cols:
                        continue
                    if k in json_cols[kind]:
                        row[k] = json.loads(v) if v else None
                    elif v == "" and cols[k].nullable:
                        row[k] = None
                    else:
                        row[k] = v
                yield kind, row


@dataclass
class ImportReport:
    articles: int = 0
    posts: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: {"article": 0, "post": 0})


def _typed(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    times = _time_cols(table)
    out: dict[str, Any] = {}
    for c in table.columns:
        if c.name not in row:
            continue
        v = row[c.name]
        if v is not None and c.name in times:
            v = datetime.fromisoformat(v)
        elif v is not None and isinstance(c.type, sa.Integer):
            v = int(v)
        elif v is not None and isinstance(c.type, sa.Boolean):
            v = v if isinstance(v, bool) else str(v).lower() in ("1", "true")
        out[c.name] = v
    return out


def import_records(
    conn: sa.Connection,
    items: Iterable[tuple[str, dict[str, Any]]],
    on_record: Tick | None = None,
) -> ImportReport:
    """Insert the records into the archive on ``conn`` (one transaction: all or nothing)."""
    a, p = schema.articles, schema.posts
    report = ImportReport()
    ids: dict[int, int] = {}  # exported article id -> id here
    late: list[tuple[int, int | None, int | None]] = []  # (new id, story_id, duplicate_of)
    for kind, raw in items:
        if on_record:
            on_record(kind)
        if kind == "article":
            row = _typed(a, raw)
            old = int(row["id"])
            have = conn.execute(sa.select(a.c.id).where(a.c.identity == row["identity"])).scalar()
            if have is not None:
                ids[old] = int(have)
                report.skipped["article"] += 1
                continue
            taken = conn.execute(sa.select(a.c.id).where(a.c.id == old)).scalar() is not None
            refs = (row.pop("story_id", None), row.pop("duplicate_of", None))
            if taken:
                row.pop("id")
            new = int(conn.execute(a.insert().values(**row).returning(a.c.id)).scalar_one())
            ids[old] = new
            late.append((new, *refs))
            report.articles += 1
        elif kind == "post":
            row = _typed(p, raw)
            row.pop("id", None)
            art = ids.get(int(row["article_id"]))
            if art is None:
                missing = row["article_id"]
                raise ParseError(
                    f"منشور لمقال ليس في الملف — a post of a missing article {missing}"
                )
            row["article_id"] = art
            dup = conn.execute(
                sa.select(p.c.id).where(p.c.article_id == art, p.c.channel == row["channel"])
            ).scalar()
            if dup is not None:
                report.skipped["post"] += 1
                continue
            conn.execute(p.insert().values(**row))
            report.posts += 1
    for new, story, dup_of in late:  # references may point forward in the file
        values = {
            "story_id": ids.get(story, story) if story is not None else None,
            "duplicate_of": ids.get(dup_of, dup_of) if dup_of is not None else None,
        }
        if any(v is not None for v in values.values()):
            conn.execute(a.update().where(a.c.id == new).values(**values))
    return report


def import_jsonl(
    conn: sa.Connection, lines: Iterable[str], on_record: Tick | None = None
) -> ImportReport:
    return import_records(conn, read_jsonl(lines), on_record)


def import_csv(conn: sa.Connection, folder: Path, on_record: Tick | None = None) -> ImportReport:
    return import_records(conn, read_csv(folder), on_record)
