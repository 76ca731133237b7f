"""Request helpers shared by the route modules: the app state, the admin guard, the CSRF check."""

from __future__ import annotations

import hmac
from urllib.parse import quote

from fastapi import HTTPException, Request

from nashra.web.app import WebState

__all__ = ["AdminRequired", "check_csrf", "require_admin", "safe_next", "web"]


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
    if not token or not hmac.compare_digest(token, request.state.session.csrf):
        raise HTTPException(403, "رمز الحماية غير صالح — invalid CSRF token")


def safe_next(value: str | None) -> str:
    """Only local paths: ``//evil`` and ``https://evil`` become ``/admin``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/admin"
    return value
