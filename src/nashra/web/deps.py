"""Request helpers shared by the route modules: the app state, the admin guard, the CSRF check."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import HTTPException, Path, Query, Request

from nashra.web.app import WebState

__all__ = [
    "MAX_ROWID",
    "AdminRequired",
    "Offset",
    "RowId",
    "check_csrf",
    "require_admin",
    "safe_next",
    "web",
]

MAX_ROWID = 2**63 - 1  # SQLite's and PostgreSQL's bigint: a larger id is refused (422), not a 500
RowId = Annotated[int, Path(ge=0, le=MAX_ROWID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ROWID)]


class AdminRequired(Exception):
    """Raised by ``require_admin``; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.location = "/admin/login?next=" + quote(next_path, safe="/")


def web(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def require_admin(request: Request) -> None:
    if not request.state.session.admin:
        raise AdminRequired(request.url.path)


def check_csrf(request: Request, token: str) -> None:
    """The form's token must equal the session's (constant-time)."""
    given = token.encode("utf-8", "surrogatepass")  # compare_digest refuses non-ASCII str
    if not token or not hmac.compare_digest(given, request.state.session.csrf.encode()):
        raise HTTPException(403, "رمز الحماية غير صالح — invalid CSRF token")


def safe_next(value: str | None) -> str:
    """Only local paths: ``//evil`` and ``https://evil`` become ``/admin``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/admin"
    return value
