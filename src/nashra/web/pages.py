"""Public pages: latest posts, article, story, stories, search, trends."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nashra.search import SearchFilters, Sort, search
from nashra.store import entities as entity_store
from nashra.web import charts, queries
from nashra.web.app import WebState
from nashra.web.deps import RowId, web
from nashra.web.i18n import COOKIE as LANG_COOKIE
from nashra.web.i18n import LANGS
from nashra.web.sanitize import sanitize_html

router = APIRouter(include_in_schema=False)
State = Annotated[WebState, Depends(web)]
PER_PAGE = 20


def _page(value: int) -> int:
    return min(max(value, 1), 500)


@router.get("/lang/{code}")
def set_language(code: str, next: str = "/") -> Response:
    """The language switch: a cookie for a year, then back to the page (local paths only)."""
    if code not in LANGS:
        raise HTTPException(404, "لغة غير معروفة — unknown language")
    target = (
        next if next.startswith("/") and not next.startswith("//") and "\\" not in next else "/"
    )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


def _html_channels(st: WebState) -> frozenset[str]:
    """Channels whose stored text is Telegram HTML (``parse_mode=HTML``), not plain text."""
    out = set()
    for ch in st.config.channels:
        template = str(ch.options.get("template", "telegram.html.j2"))
        if ch.kind == "telegram" and template.endswith(".html.j2"):
            out.add(ch.name)
    return frozenset(out)


def shown(st: WebState, p: queries.PostView) -> str | None:
    """A post's markup for our pages (sanitized), or None to show its text as plain text.

    A Telegram post's text is HTML: shown as plain text it read ``&lt;b&gt;…`` to visitors."""
    if p.html:
        return sanitize_html(p.html)
    if p.channel in _html_channels(st):
        return sanitize_html(p.text.strip().replace("\n", "<br>\n"))
    return None


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, st: State, channel: str | None = None, page: Annotated[int, Query()] = 1
) -> HTMLResponse:
    page = _page(page)
    with st.store.read() as conn:
        items = queries.cards(
            conn, channel=channel or None, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
        )
        chans = queries.channels(conn)
        stories = queries.stories(conn, limit=8)
    return st.render(
        request,
        "home.html.j2",
        cards=items[:PER_PAGE],
        channels=chans,
        channel=channel or "",
        stories=stories,
        page=page,
        has_next=len(items) > PER_PAGE,
    )


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, st: State, article_id: RowId) -> HTMLResponse:
    with st.store.read() as conn:
        a = queries.article(conn, article_id)
        if a is None or a.deleted:
            raise HTTPException(404, "لا يوجد مقال بهذا الرقم — no such article")
        post_list = queries.posts_of_article(conn, article_id)
        siblings = queries.story(conn, a.story)
    return st.render(
        request,
        "article.html.j2",
        a=a,
        posts=[(p, shown(st, p)) for p in post_list],
        siblings=[s for s in siblings if s.id != a.id],
        entities=queries.entity_names(a.enrichment, limit=30),
        hashtags=queries.tags(a.enrichment.get("hashtags")),
    )


@router.get("/story/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, st: State, story_id: RowId) -> HTMLResponse:
    with st.store.read() as conn:
        items = queries.story(conn, story_id)
        threads = queries.related(conn, story_id)
    if not items:
        raise HTTPException(404, "لا توجد قصة بهذا الرقم — no such story")
    outlets: dict[str, int] = {}
    for a in items:
        key = a.outlet or a.source
        outlets[key] = outlets.get(key, 0) + 1
    return st.render(
        request, "story.html.j2", items=items, outlets=outlets, story_id=story_id, threads=threads
    )


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, st: State) -> HTMLResponse:
    with st.store.read() as conn:
        items = queries.stories(conn, limit=100)
    return st.render(request, "stories.html.j2", stories=items)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    st: State,
    q: str = "",
    outlet: str = "",
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    topic: str = "",
    entity: str = "",
    page: int = 1,
    sort: str = "date",
) -> HTMLResponse:
    st.sync()
    filters = SearchFilters(
        outlet=outlet or None,
        date_from=_day(date_from),
        date_to=_day(date_to),
        topic=topic or None,
        entity=entity or None,
    )
    with st.store.read() as conn:
        order: Sort = "relevance" if sort == "relevance" else "date"
        result = search(conn, q, filters, page=_page(page), per_page=PER_PAGE, sort=order)
        outlet_list = queries.outlets(conn)
        topic_list = queries.topics(conn)
    asked = bool(q.strip()) or filters.any
    return st.render(
        request,
        "search.html.j2",
        result=result,
        asked=asked,
        q=q,
        outlet=outlet,
        date_from=date_from,
        date_to=date_to,
        topic=topic,
        entity=entity,
        sort=order,
        outlets=outlet_list,
        topics=topic_list,
    )


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, st: State, type: str = "", q: str = "") -> HTMLResponse:
    """The archive's people, organisations and places by number of articles (search and filter
    by type); each links to the search filtered by that entity."""
    kind = type if type in entity_store.ENTITY_TYPES else ""
    with st.store.read() as conn:
        rows = entity_store.search(conn, q[:100], type=kind or None, limit=100)
    return st.render(
        request, "entities.html.j2", rows=rows, kind=kind, q=q, types=entity_store.ENTITY_TYPES
    )


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, st: State, days: int = 14) -> HTMLResponse:
    days = min(max(days, 3), 90)
    st.sync()
    with st.store.read() as conn:
        ents = queries.trends(conn, "entity", days=days)
        tags = queries.trends(conn, "hashtag", days=days)
    return st.render(
        request,
        "trends.html.j2",
        days=days,
        sections=[
            ("trends.entities", "entity", [(t, charts.bars(t.by_day)) for t in ents]),
            ("trends.hashtags", "hashtag", [(t, charts.bars(t.by_day)) for t in tags]),
        ],
    )
