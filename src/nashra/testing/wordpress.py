"""A fake WordPress REST API on 127.0.0.1 (``/wp-json/wp/v2``): posts, tags, categories, media.

Application-password Basic auth (spaces in the password ignored, as WordPress does): no or wrong
credentials → 401 ``rest_not_logged_in`` / ``incorrect_password``; a user without the right to
publish (``authors``) → 403 ``rest_cannot_create``; bad fields → 400 ``rest_invalid_param``; a
duplicate term → 400 ``term_exists`` with ``data.term_id``. ``posts`` holds every created post,
so a test counts duplicates by slug. Faults as in ``nashra.testing.faults``.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from nashra.testing.faults import FakeServer, Faults, QuietServer, hang, reset


class FakeWordPress(FakeServer):
    def __init__(
        self, users: dict[str, str] | None = None, *, faults: Faults | None = None
    ) -> None:
        self.users = {u: p.replace(" ", "") for u, p in (users or {"editor": "abcd efgh"}).items()}
        self.readonly: set[str] = set()
        self.faults = faults or Faults()
        self.posts: list[dict[str, Any]] = []
        self.terms: dict[str, list[dict[str, Any]]] = {"tags": [], "categories": []}
        self.media: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = 100
        self.url = ""
        self._server: QuietServer | None = None

    def _id(self) -> int:
        self._ids += 1
        return self._ids

    def _auth(self, handler: BaseHTTPRequestHandler) -> str:
        header = handler.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            raise _Err(401, "rest_not_logged_in", "You are not currently logged in.")
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError as exc:
            raise _Err(401, "invalid_username", "Unknown username.") from exc
        if user not in self.users:
            raise _Err(401, "invalid_username", "Unknown username.")
        if self.users[user] != password.replace(" ", ""):
            raise _Err(401, "incorrect_password", "The provided password is incorrect.")
        return user

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        user: str,
        ctype: str,
        disposition: str,
    ) -> Any:
        m = re.fullmatch(r"/wp-json/wp/v2/(posts|tags|categories|media)(?:/(\d+))?", path)
        if m is None:
            raise _Err(404, "rest_no_route", "No route was found matching the URL.")
        kind, ident = m.group(1), m.group(2)
        writing = method == "POST"
        if writing and user in self.readonly:
            raise _Err(403, "rest_cannot_create", "Sorry, you are not allowed to create posts.")
        if kind == "media":
            if not writing:
                return self.media
            if not ctype.startswith("image/") or "filename=" not in disposition:
                raise _Err(400, "rest_upload_no_data", "No data supplied.")
            item = {"id": self._id(), "mime_type": ctype, "size": len(body)}
            self.media.append(item)
            return item
        data = json.loads(body or b"{}") if writing else {}
        if kind in ("tags", "categories"):
            terms = self.terms[kind]
            if not writing:
                s = query.get("search", "")
                return [t for t in terms if s in t["name"]]
            name = str(data.get("name", "")).strip()
            if not name:
                raise _Err(400, "rest_missing_callback_param", "Missing parameter(s): name")
            for t in terms:
                if t["name"] == name:
                    raise _Err(400, "term_exists", "A term with that name exists.", term_id=t["id"])
            term = {"id": self._id(), "name": name}
            terms.append(term)
            return term
        if ident is not None:
            found = [p for p in self.posts if p["id"] == int(ident)]
            if not found:
                raise _Err(404, "rest_post_invalid_id", "Invalid post ID.")
            if method == "DELETE":  # to the trash, as WordPress does without force=true
                if user in self.readonly:
                    raise _Err(403, "rest_cannot_delete", "Sorry, you are not allowed to delete.")
                if found[0].get("status") == "trash":
                    raise _Err(410, "rest_already_trashed", "The post has already been deleted.")
                found[0]["status"] = "trash"
                return found[0]
            if writing:
                found[0].update({k: v for k, v in data.items() if k in ("title", "content")})
                found[0]["edits"] = found[0].get("edits", 0) + 1
            return found[0]
        if not writing:
            slug = query.get("slug")
            return [p for p in self.posts if slug is None or p["slug"] == slug]
        if data.get("status", "draft") not in ("publish", "draft", "pending", "private", "future"):
            raise _Err(400, "rest_invalid_param", "Invalid parameter(s): status")
        if not data.get("title"):
            raise _Err(400, "empty_content", "Content, title, and excerpt are empty.")
        known = {t["id"] for t in self.terms["tags"]}
        if any(t not in known for t in data.get("tags", [])):
            raise _Err(400, "rest_invalid_param", "Invalid parameter(s): tags")
        post = {"id": self._id(), "author": user, **data}
        post.setdefault("slug", f"post-{post['id']}")
        self.posts.append(post)
        return post

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        fault = self.faults.draw("before")
        if fault == "reset":
            return reset(handler)
        if fault == "timeout":
            return hang(handler, self.faults.hang)
        if fault in ("5xx", "429"):
            status = 503 if fault == "5xx" else 429
            return _reply(handler, status, {"code": "unavailable"}, {"Retry-After": "1"})
        try:
            user = self._auth(handler)
            with self._lock:
                result = self._route(
                    method,
                    parts.path,
                    query,
                    body,
                    user,
                    handler.headers.get("Content-Type", ""),
                    handler.headers.get("Content-Disposition", ""),
                )
        except _Err as e:
            payload: dict[str, Any] = {"code": e.code, "message": e.message, "data": e.data}
            return _reply(handler, e.status, payload)
        after = self.faults.draw("after") if method == "POST" else None
        if after == "reset":
            return reset(handler)
        if after == "timeout":
            return hang(handler, self.faults.hang)
        if after == "5xx":
            return _reply(handler, 500, {"code": "internal_server_error"})
        _reply(handler, 201 if method == "POST" else 200, result)


class _Err(Exception):
    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.data = {"status": status, **data}


def _reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: Any,
    headers: dict[str, str] | None = None,
) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:
        pass
