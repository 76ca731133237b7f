"""Admin pages and actions: login, sources, outbox, review queue. All behind a login and CSRF."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nashra.channels import ledger
from nashra.errors import PublishError
from nashra.render.telegram import BadHTML
from nashra.store import outbox, sources
from nashra.store.util import now
from nashra.web import queries
from nashra.web.app import WebState
from nashra.web.deps import MAX_ROWID, RowId, check_csrf, require_admin, safe_next, web
from nashra.web.security import DeviceCookie, verify_password

router = APIRouter(prefix="/admin", include_in_schema=False)
State = Annotated[WebState, Depends(web)]
Admin = Depends(require_admin)
Csrf = Annotated[str, Form()]
REFUSED = "نص لا تقبله القناة — the channel would refuse this text"


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, st: State, next: str = "/admin") -> HTMLResponse:
    return st.render(
        request, "login.html.j2", next=safe_next(next), error=None, enabled=bool(st.password_hash)
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    st: State,
    csrf: Csrf,
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/admin",
) -> Response:
    check_csrf(request, csrf)
    who = request.client.host if request.client else "?"
    device = st.devices.check(request.cookies.get(DeviceCookie.name))
    error = None
    if not st.password_hash:
        error = "login.off"
    elif st.throttle.blocked(who, device):
        error = "login.throttled"
    elif not verify_password(password, st.password_hash):
        st.throttle.failed(who, device)
        error = "login.wrong"
    if error:
        return st.render(
            request, "login.html.j2", status=403, next=safe_next(next), error=error, enabled=True
        )
    st.throttle.succeeded(who, device)
    request.state.set_session = st.signer.new(admin=True)  # a new token: no session fixation
    response = _back(safe_next(next))
    if device is None:  # this browser is trusted from now on (see LoginThrottle)
        response.set_cookie(
            DeviceCookie.name,
            st.devices.new(),
            max_age=DeviceCookie.max_age,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/admin/login",
        )
    return response


@router.post("/logout")
def logout(request: Request, st: State, csrf: Csrf) -> Response:
    check_csrf(request, csrf)
    request.state.set_session = st.signer.new(admin=False)
    return _back("/")


@router.get("", response_class=HTMLResponse, dependencies=[Admin])
def dashboard(request: Request, st: State) -> HTMLResponse:
    with st.store.read() as conn:
        m = queries.metrics(conn)
    return st.render(request, "admin.html.j2", m=m)


# -- sources -------------------------------------------------------------------------------------
@router.get("/sources", response_class=HTMLResponse, dependencies=[Admin])
def sources_page(request: Request, st: State, error: str = "") -> HTMLResponse:
    with st.store.read() as conn:
        states = sources.all_states(conn)
    configured = {s.name for s in st.config.sources}
    return st.render(
        request, "sources.html.j2", states=states, configured=configured, error=error, now=now()
    )


@router.post("/sources/add", dependencies=[Admin])
def source_add(
    request: Request,
    st: State,
    csrf: Csrf,
    name: Annotated[str, Form()],
    url: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    name, url = name.strip(), url.strip()
    parts = urlsplit(url)
    if not name or parts.scheme not in ("http", "https") or not parts.netloc:
        return _back("/admin/sources?error=bad")
    with st.store.tx() as conn:
        sources.upsert(conn, name[:200], url, kind if kind in ("feed", "sitemap", "page") else None)
    return _back("/admin/sources")


@router.post("/sources/state", dependencies=[Admin])
def source_state(
    request: Request,
    st: State,
    csrf: Csrf,
    name: Annotated[str, Form()],
    action: Annotated[str, Form()],
) -> Response:
    check_csrf(request, csrf)
    if action not in ("disable", "enable"):
        raise HTTPException(400, "إجراء غير معروف — unknown action")
    with st.store.tx() as conn:
        if not sources.set_enabled(conn, name, action == "enable"):
            raise HTTPException(404, "لا يوجد مصدر بهذا الاسم — no such source")
    return _back("/admin/sources")


# -- outbox --------------------------------------------------------------------------------------
@router.get("/outbox", response_class=HTMLResponse, dependencies=[Admin])
def outbox_page(request: Request, st: State) -> HTMLResponse:
    with st.store.read() as conn:
        groups = st.desk.outbox(conn)
        counts = outbox.counts(conn)
        chans = st.desk.channel_rows(conn)
    return st.render(request, "outbox.html.j2", groups=groups, counts=counts, channels=chans)


@router.post("/outbox/{post_id}", dependencies=[Admin])
def outbox_action(
    request: Request, st: State, post_id: RowId, csrf: Csrf, decision: Annotated[str, Form()]
) -> Response:
    check_csrf(request, csrf)
    if decision not in ("sent", "resend", "drop"):
        raise HTTPException(400, "قرار غير معروف — unknown decision")
    with st.store.tx() as conn:
        if not outbox.resolve(conn, post_id, decision):
            raise HTTPException(409, "لا ينطبق هذا القرار على حالة المنشور — not in that state")
    return _back("/admin/outbox")


@router.post("/outbox/{post_id}/edit", dependencies=[Admin])
def outbox_edit(
    request: Request, st: State, post_id: int, csrf: Csrf, text: Annotated[str, Form()]
) -> Response:
    """A sent post's new text: the channel's message is edited by the next publish batch."""
    check_csrf(request, csrf)
    try:
        with st.store.tx() as conn:
            ok = st.desk.edit_sent(conn, post_id, text)
    except BadHTML as exc:
        raise HTTPException(
            422, f"نص لا تقبله القناة — the channel would refuse it: {exc}"
        ) from exc
    if not ok:
        raise HTTPException(409, "لا يمكن تعديل هذا المنشور — this post cannot be edited")
    return _back(f"/admin/outbox#post-{post_id}")


@router.post("/outbox/{post_id}/delete", dependencies=[Admin])
async def outbox_delete(request: Request, st: State, post_id: int, csrf: Csrf) -> Response:
    """Delete a sent post from its channel (where the channel can), now."""
    check_csrf(request, csrf)
    try:
        ok = await st.desk.delete_sent(st.store, post_id)
    except PublishError as exc:
        raise HTTPException(502, f"رفضت القناة الحذف — the channel refused: {exc}") from exc
    if not ok:
        raise HTTPException(409, "لا يمكن حذف هذا المنشور — this post cannot be deleted")
    return _back("/admin/outbox")


@router.post("/channels/{name}/resume", dependencies=[Admin])
def channel_resume(request: Request, st: State, name: str, csrf: Csrf) -> Response:
    check_csrf(request, csrf)
    if name not in {c.name for c in st.config.channels}:
        raise HTTPException(404, "لا توجد قناة بهذا الاسم — no such channel")
    with st.store.tx() as conn:
        if not ledger.resume(conn, name):
            raise HTTPException(409, "القناة ليست متوقفة — the channel is not paused")
    return _back("/admin/outbox")


# -- review queue --------------------------------------------------------------------------------
@router.get("/review", response_class=HTMLResponse, dependencies=[Admin])
def review_page(request: Request, st: State) -> HTMLResponse:
    with st.store.read() as conn:
        held = st.desk.held(conn)
    queue = [h for h in held if not h.excluded]
    excluded = [h for h in held if h.excluded]
    return st.render(request, "review.html.j2", held=queue, excluded=excluded)


@router.post("/review/bulk", dependencies=[Admin])
def review_bulk(
    request: Request,
    st: State,
    csrf: Csrf,
    ids: Annotated[list[int] | None, Form(alias="id")] = None,
) -> Response:
    """Approve every ticked post (each honours its channel's routes)."""
    check_csrf(request, csrf)
    with st.store.tx() as conn:
        for post_id in ids or []:
            if 0 <= post_id <= MAX_ROWID:  # a larger id is no post (and no SQLite integer)
                st.desk.approve(conn, post_id)
    return _back("/admin/review")


@router.post("/review/{post_id}", dependencies=[Admin])
def review_action(
    request: Request,
    st: State,
    post_id: RowId,
    csrf: Csrf,
    action: Annotated[str, Form()],
    text: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    if action not in ("edit", "save_approve", "approve", "reject"):
        raise HTTPException(400, "إجراء غير معروف — unknown action")
    try:
        with st.store.tx() as conn:
            if action in ("edit", "save_approve"):
                ok = st.desk.save_plain(conn, post_id, text)
                if ok and action == "save_approve":
                    ok = st.desk.approve(conn, post_id)
            elif action == "approve":
                ok = st.desk.approve(conn, post_id)
            else:
                ok = outbox.resolve(conn, post_id, "reject")
    except BadHTML as exc:
        raise HTTPException(
            422, f"نص لا تقبله القناة — the channel would refuse it: {exc}"
        ) from exc
    if not ok:
        raise HTTPException(409, "المنشور ليس في قائمة المراجعة — the post is not held")
    return _back("/admin/review")
