"""The FastAPI application: shared state, security middleware, templates and the route modules.

``create_app(config)`` is what ``nashra serve`` runs. Pages are rendered on the server with Jinja2
(autoescape on; ``|safe`` only on nh3 output and on snippets built from escaped pieces). Every
response carries the security headers; every POST needs the session's CSRF token and, when the
browser sends one, a same-origin ``Origin``.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from nashra import logs
from nashra.arabic import arabic_digits
from nashra.search import sync_index
from nashra.settings import Config
from nashra.store import Store, schema
from nashra.web.desk import Desk
from nashra.web.i18n import COOKIE as LANG_COOKIE
from nashra.web.i18n import Tr, pick_lang
from nashra.web.security import (
    SECURITY_HEADERS,
    DeviceCookie,
    LoginThrottle,
    Session,
    SessionSigner,
)

__all__ = ["WebState", "create_app", "server_config"]

SESSION_COOKIE = "nashra_session"
MAX_BODY = 1024 * 1024  # forms and API bodies are small; anything larger is refused


@dataclass
class WebState:
    store: Store
    config: Config
    password_hash: str | None
    signer: SessionSigner = field(default_factory=SessionSigner)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    templates: jinja2.Environment = field(init=False)
    desk: Desk = field(init=False)
    devices: DeviceCookie = field(init=False)

    def __post_init__(self) -> None:
        self.templates = _environment()
        self.desk = Desk(self.config)
        self.devices = DeviceCookie(self.password_hash)

    def render(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        session: Session = request.state.session
        t = Tr(getattr(request.state, "lang", "ar"))
        html = self.templates.get_template(name).render(
            request=request,
            session=session,
            csrf=session.csrf,
            admin=session.admin,
            t=t,
            lang=t.lang,
            dir=t.dir,
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **ctx,
        )
        return HTMLResponse(html, status_code=status)

    def sync(self) -> int:
        """Bring the search index up to date (cheap when nothing is new)."""
        with self.store.read() as conn:
            newest = conn.execute(sa.select(sa.func.max(schema.articles.c.id))).scalar() or 0
            indexed = conn.execute(sa.select(sa.func.max(schema.search_docs.c.article_id))).scalar()
        if newest <= (indexed or 0):
            return 0
        with self.store.tx() as conn:
            return sync_index(conn)


def _date(value: datetime | str | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("nashra.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["date"] = _date
    env.filters["arabic_digits"] = arabic_digits
    return env


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def create_app(
    config: Config, *, store: Store | None = None, password_hash: str | None = None
) -> FastAPI:
    """The web application for ``config``; the admin hash comes from the named env var."""
    logs.install()  # uvicorn's and our own lines never carry a secret
    if password_hash is None:
        password_hash = os.environ.get(config["web.admin_password_hash_env"]) or None
    state = WebState(
        store=store or Store(config.database_url), config=config, password_hash=password_hash
    )
    app = FastAPI(
        title="Nashra API — واجهة نشرة البرمجية",
        version="1",
        docs_url=None,  # Swagger UI loads its script from a CDN: the schema is enough
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = state
    state.sync()

    @app.middleware("http")
    async def security(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return PlainTextResponse("الطلب أكبر من المسموح — request too large", 413)
        cookie = request.cookies.get(SESSION_COOKIE)
        session = state.signer.load(cookie)
        fresh = session is None
        request.state.session = session or state.signer.new(admin=False)
        request.state.set_session = None
        request.state.lang = pick_lang(
            request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
        )
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin(request):
            response: Response = PlainTextResponse("طلب من موقع آخر — cross-origin request", 403)
        else:
            response = await call_next(request)
        new: Session | None = request.state.set_session
        if new is not None or fresh:
            response.set_cookie(
                SESSION_COOKIE,
                state.signer.dump(new or request.state.session),
                max_age=state.signer.max_age,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
            )
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    static = resources.files("nashra.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    from nashra.web import admin, api, pages
    from nashra.web.deps import AdminRequired

    @app.exception_handler(AdminRequired)
    async def to_login(_request: Request, exc: AdminRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    return app


def server_config(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8000, **kw: Any) -> Any:
    """How ``nashra serve`` runs uvicorn. ``proxy_headers=False``: the client address is the
    socket's peer, so a visitor cannot choose it with ``X-Forwarded-For`` (the login throttle
    counts per address); no ``Server`` header."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "proxy_headers": False,
        "server_header": False,
        **kw,
    }
    return uvicorn.Config(app, **options)
