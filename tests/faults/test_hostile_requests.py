"""Fault 10 (requests): hostile requests against the real app served by uvicorn on 127.0.0.1 get
an answer below 500 — never a server error, never an exception in the server's log.

``hostile_requests.jsonl`` holds the cases, one a line. A row with a value is tried in every
parameter of every route, read from the app's own routes (path, query and form parameters), as an
anonymous visitor and as the logged-in admin with a valid CSRF token; a row with ``raw`` is sent on
a socket byte for byte (bad encodings, broken bodies, forged headers).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute

from nashra.settings import load_config
from nashra.store import Store
from nashra.web import create_app
from nashra.web.app import server_config
from nashra.web.security import hash_password
from tests.web.conftest import PASSWORD, free_port, populate

CASES_FILE = Path(__file__).with_name("hostile_requests.jsonl")


def _value(row: dict[str, Any]) -> str:
    if "value" in row:
        return str(row["value"])
    if "repeat" in row:
        piece, n = row["repeat"]
        return str(piece) * int(n)
    if "nest" in row:
        open_, inner, close, n = row["nest"]
        return open_ * n + inner + close * n
    if "numbered" in row:
        prefix, sep, n = row["numbered"]
        return sep.join(f"{prefix}{i}" for i in range(n))
    raise ValueError(f"no value in {row['id']}")


def load_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [
        json.loads(line)
        for line in CASES_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    values = [r for r in rows if "raw" not in r]
    raws = [r for r in rows if "raw" in r]
    return values, raws


VALUES, RAWS = load_rows()


@dataclass
class Served:
    base: str
    app: FastAPI
    errors: list[str] = field(default_factory=list)  # server-side exceptions seen in the log


class _Errors(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        detail = record.exc_text or ""
        if record.exc_info and record.exc_info[1] is not None:
            detail = repr(record.exc_info[1])
        self.sink.append(f"{record.getMessage()} {detail[-600:]}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("hostile-web")
    config = load_config(data={"database": {"url": f"sqlite:///{folder / 'web.db'}"}}, env={})
    store = Store(config.database_url)
    populate(store)
    app = create_app(config, store=store, password_hash=hash_password(PASSWORD))
    sock = free_port()
    server = uvicorn.Server(server_config(app, lifespan="off"))  # as `nashra serve` runs it
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    host, port = sock.getsockname()
    out = Served(f"http://{host}:{port}", app)
    catcher = _Errors(out.errors)
    watched = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "fastapi", "nashra")]
    for lg in watched:
        lg.addHandler(catcher)
    yield out
    for lg in watched:
        lg.removeHandler(catcher)
    server.should_exit = True
    thread.join(5)
    sock.close()


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for r in routes:
        if hasattr(r, "original_router"):  # an included router (FastAPI ≥ 0.16x)
            yield from _routes(r.original_router.routes)
        elif isinstance(r, APIRoute):
            yield r


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[str, ...]
    form: tuple[str, ...]


def targets(app: FastAPI) -> list[Target]:
    out = []
    for r in _routes(app.routes):
        d = r.dependant
        for method in sorted(r.methods):
            out.append(
                Target(
                    method,
                    r.path,
                    tuple(p.alias for p in d.path_params),
                    tuple(p.alias for p in d.query_params),
                    tuple(p.alias for p in d.body_params),
                )
            )
    return out


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field"
    return m.group(1)


def _fill(path: str, params: tuple[str, ...], hostile: str | None, which: str | None) -> str:
    for p in params:
        value = hostile if p == which and hostile is not None else "1"
        path = path.replace("{" + p + "}", quote(value, safe=""))
    return path


def _requests(t: Target, value: str) -> Iterator[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(method, path, query, form) for each parameter of the route given the hostile value."""
    for p in t.path_params:
        yield t.method, _fill(t.path, t.path_params, value, p), {}, {}
    plain = _fill(t.path, t.path_params, None, None)
    for q in t.query:
        yield t.method, plain, {q: value}, {}
    for f in t.form:
        yield t.method, plain, {}, {name: ("x" if name != f else value) for name in t.form}


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _send_all(
    served: Served, client: httpx.Client, csrf: str | None, tally: dict[str, int]
) -> list[str]:
    """Every value in every parameter; as the admin, only the admin's routes and the forms
    (the public pages answer the admin as they answer anyone)."""
    bad: list[str] = []
    seen = len(served.errors)
    for t in targets(served.app):
        if csrf and (t.path == "/admin/logout" or not (t.path.startswith("/admin") or t.form)):
            continue  # the admin would log itself out half-way
        for row in VALUES:
            value = _value(row)
            for method, path, query, form in _requests(t, value):
                if method == "POST" and csrf and form.get("csrf") == "x":
                    form = {**form, "csrf": csrf}  # the admin's own token: the value gets in
                try:
                    r = client.request(method, path, params=query or None, data=form or None)
                except httpx.InvalidURL:
                    tally["unsendable"] += 1  # longer than any client sends (httpx's 64 KiB)
                    continue
                except httpx.HTTPError as exc:  # no answer at all: record it
                    bad.append(f"{row['id']} {method} {_short(path)} {_short(query)}: {exc!r}")
                    continue
                tally["requests"] += 1
                if len(served.errors) > seen:
                    seen = len(served.errors)
                    bad.append(f"{row['id']} {method} {_short(path)} {_short(query)}: logged")
                if r.status_code >= 500:
                    where = f"{method} {_short(path)} {_short(query)} {list(form)}"
                    bad.append(f"{row['id']} {where}: {r.status_code}")
    return bad


def test_every_parameter_of_every_route_survives_hostile_values(served: Served) -> None:
    tally = {"requests": 0, "unsendable": 0}
    with httpx.Client(base_url=served.base, timeout=30, follow_redirects=False) as anon:
        bad = _send_all(served, anon, None, tally)
    with httpx.Client(base_url=served.base, timeout=30, follow_redirects=False) as admin:
        token = _csrf(admin.get("/admin/login").text)
        r = admin.post("/admin/login", data={"csrf": token, "password": PASSWORD, "next": "/"})
        assert r.status_code == 303, r.text
        csrf = _csrf(admin.get("/admin/sources").text)
        bad += _send_all(served, admin, csrf, tally)
    assert tally["requests"] >= 500
    assert tally["unsendable"] < tally["requests"] // 20
    assert not bad, f"{len(bad)} of {tally['requests']}:\n" + "\n".join(bad[:40])
    assert not served.errors, "\n".join(served.errors[:10])


def _raw(served: Served, data: bytes) -> bytes:
    """Send ``data`` as it is; the reply's head and body (by Content-Length or chunked), or what
    came before the server closed the connection."""
    host, port = served.base.removeprefix("http://").split(":")
    got = b""
    with socket.create_connection((host, int(port)), timeout=15) as s:
        s.sendall(data)
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            if not sep:
                continue
            m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if m and len(body) >= int(m.group(1)):
                break
            if re.search(rb"(?im)^transfer-encoding:\s*chunked", head) and body.endswith(
                b"0\r\n\r\n"
            ):
                break
            if not m and b"chunked" not in head.lower() and head.startswith(b"HTTP/1.1 1"):
                continue
    return got


@pytest.mark.parametrize("row", RAWS, ids=[r["id"] for r in RAWS])
def test_raw_hostile_request(served: Served, row: dict[str, Any]) -> None:
    text = row["raw"]
    if "repeat" in row:
        piece, n = row["repeat"]
        text = text.replace("{R}", piece * n)
    before = len(served.errors)
    codec = "latin-1" if row.get("latin1") else "utf-8"
    reply = _raw(served, text.encode(codec, "surrogatepass"))
    status = reply.split(b"\r\n", 1)[0]
    assert reply or row.get("may_close"), f"{row['why']}: no answer at all"
    assert not re.match(rb"HTTP/1\.[01] 5\d\d", status), f"{row['why']}: {status!r}"
    assert len(served.errors) == before, "\n".join(served.errors[before:])
    assert b"evil.example" not in reply, "a forged Host header reached the reply"
