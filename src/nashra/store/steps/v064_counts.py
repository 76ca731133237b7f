"""Migration 64: counts kept as rows change, so the web never counts the archive per request.

``counts`` holds one row per (kind, key): ``articles``, ``duplicates`` (key ''), ``outlet``
(the outlet), ``topic`` (the facet's displayed value), ``posts`` (the post state), ``channel``
(the channel) and ``events`` (``kind/code``). Triggers on ``articles``, ``posts``, ``events`` and
``search_facets`` keep it in the writer's own transaction, so no code path can forget it:

- SQLite (one writer at a time): row triggers add to ``counts`` directly (an upsert).
- PostgreSQL (many workers at once): statement triggers append the statement's net change per
  key to ``count_deltas`` (plain inserts: two workers never wait on a shared counter row, and
  no lock order between them can deadlock); ``nashra.store.counts.compact`` folds the deltas
  into ``counts`` now and then, and readers add the few deltas not folded yet.

The counts of the rows already stored are taken here, with the four tables locked against
writers (PostgreSQL) so that no row is counted twice or missed. Not frozen DDL for today's
``schema.py``: the two tables are declared on a private MetaData as usual.
"""

from __future__ import annotations

import sqlalchemy as sa

Text = sa.Text

# (table, [(kind, key expression, condition)]) — a row counts once under each entry whose
# condition holds; {r} is NEW / OLD (SQLite) or the transition table's alias (PostgreSQL).
COUNTED: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "articles",
        [
            ("articles", "''", "1=1"),
            ("duplicates", "''", "{r}.duplicate_of IS NOT NULL"),
            ("outlet", "{r}.outlet", "{r}.outlet IS NOT NULL"),
        ],
    ),
    ("posts", [("posts", "{r}.state", "1=1"), ("channel", "{r}.channel", "1=1")]),
    ("events", [("events", "{r}.kind || '/' || {r}.code", "1=1")]),
    ("search_facets", [("topic", "{r}.value", "{r}.kind = 'topic'")]),
]
# The columns those entries read: SQLite's update trigger fires only when one of them is set.
UPDATED = {
    "articles": "duplicate_of, outlet",
    "posts": "state, channel",
    "events": "kind, code",
    "search_facets": "kind, value",
}


def _tables(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "counts",
        md,
        sa.Column("kind", Text, primary_key=True),
        sa.Column("key", Text, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    sa.Table(
        "count_deltas",
        md,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("kind", Text, nullable=False),
        sa.Column("key", Text, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    md.create_all(conn)


def _sqlite(conn: sa.Connection) -> None:
    def adds(entries: list[tuple[str, str, str]], r: str, sign: int) -> str:
        return "".join(
            f"INSERT INTO counts (kind, key, n) SELECT '{kind}', {key.format(r=r)}, {sign}"
            f" WHERE {cond.format(r=r)} ON CONFLICT (kind, key) DO UPDATE SET n = n + ({sign});"
            for kind, key, cond in entries
        )

    for table, entries in COUNTED:
        conn.exec_driver_sql(
            f"CREATE TRIGGER count_{table}_ins AFTER INSERT ON {table} BEGIN"
            f" {adds(entries, 'NEW', 1)} END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER count_{table}_del AFTER DELETE ON {table} BEGIN"
            f" {adds(entries, 'OLD', -1)} END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER count_{table}_upd AFTER UPDATE OF {UPDATED[table]} ON {table} BEGIN"
            f" {adds(entries, 'OLD', -1)} {adds(entries, 'NEW', 1)} END"
        )


def _union(entries: list[tuple[str, str, str]], rows: str, sign: int) -> list[str]:
    return [
        f"SELECT '{kind}' AS kind, {key.format(r='r')} AS key, {sign} AS n"
        f" FROM {rows} r WHERE {cond.format(r='r')}"
        for kind, key, cond in entries
    ]


def _postgresql(conn: sa.Connection) -> None:
    for table, entries in COUNTED:
        new, old = _union(entries, "new_rows", 1), _union(entries, "old_rows", -1)
        body = {
            "INSERT": new,
            "DELETE": old,
            "UPDATE": old + new,
        }
        branches = " ".join(
            f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{op}' THEN"
            " INSERT INTO count_deltas (kind, key, n)"
            f" SELECT kind, key, sum(n) FROM ({' UNION ALL '.join(parts)}) d"
            " GROUP BY kind, key HAVING sum(n) <> 0;"
            for i, (op, parts) in enumerate(body.items())
        )
        conn.exec_driver_sql(
            f"CREATE FUNCTION nashra_count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {branches} END IF; RETURN NULL; END $$"
        )
        refs = {
            "ins": ("INSERT", "NEW TABLE AS new_rows"),
            "del": ("DELETE", "OLD TABLE AS old_rows"),
            "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        }
        for suffix, (op, ref) in refs.items():
            conn.exec_driver_sql(
                f"CREATE TRIGGER count_{table}_{suffix} AFTER {op} ON {table}"
                f" REFERENCING {ref} FOR EACH STATEMENT EXECUTE FUNCTION nashra_count_{table}()"
            )


def up(conn: sa.Connection) -> None:
    _tables(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "LOCK TABLE articles, posts, events, search_facets IN SHARE ROW EXCLUSIVE MODE"
        )
        _postgresql(conn)
    else:
        _sqlite(conn)
    for table, entries in COUNTED:
        parts = " UNION ALL ".join(_union(entries, table, 1))
        conn.exec_driver_sql(
            f"INSERT INTO counts (kind, key, n) SELECT kind, key, sum(n) FROM ({parts}) d"
            " GROUP BY kind, key"
        )
