"""The REST API (read-only, described at /api/openapi.json), the JSON Feed, /metrics, /healthz.

Articles, stories, search and published posts are public; sources (health, errors) need the
admin session. Nothing here changes state, so the API needs no CSRF token.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel

from nashra.search import SearchFilters, Sort, search
from nashra.store import entities as entity_store
from nashra.store import sources
from nashra.web import queries
from nashra.web.app import WebState
from nashra.web.deps import Offset, RowId, web

router = APIRouter()
State = Annotated[WebState, Depends(web)]


class ArticleOut(BaseModel):
    id: int
    title: str
    url: str
    outlet: str | None
    source: str
    author: str | None
    published: str | None
    story_id: int | None
    duplicate_of: int | None
    categories: list[str]
    hashtags: list[str]
    topic: str | None
    text: str | None = None


class HitOut(BaseModel):
    id: int
    title: str
    url: str
    outlet: str | None
    published: str | None
    story_id: int | None
    snippet_html: str


class SearchOut(BaseModel):
    q: str
    page: int
    has_next: bool
    backend: str
    sort: str
    hits: list[HitOut]


class PostOut(BaseModel):
    id: int
    article_id: int
    channel: str
    state: str
    title: str
    text: str
    url: str
    hashtags: list[str]
    sent_at: str | None


class EntityOut(BaseModel):
    canonical: str
    type: str
    key: str
    articles: int
    stories: int
    last_seen: str | None


class TrendDayOut(BaseModel):
    day: str
    articles: int


class EntityTrendOut(BaseModel):
    name: str
    type: str | None
    days: list[TrendDayOut]


class SourceOut(BaseModel):
    name: str
    url: str
    kind: str | None
    last_fetch_at: str | None
    next_poll_at: str | None
    consecutive_errors: int
    last_error: str | None
    last_error_code: str | None
    disabled: bool


def _article(a: queries.ArticleView, *, full: bool = False) -> ArticleOut:
    e = a.enrichment
    return ArticleOut(
        id=a.id,
        title=a.title,
        url=a.url,
        outlet=a.outlet,
        source=a.source,
        author=a.author,
        published=a.published,
        story_id=a.story_id,
        duplicate_of=a.duplicate_of,
        categories=list(a.categories),
        hashtags=[str(h) for h in e.get("hashtags") or ()],
        topic=e.get("topic"),
        text="\n\n".join(t for _, t in a.blocks) if full else None,
    )


def _post(p: queries.PostView) -> PostOut:
    return PostOut(
        id=p.id,
        article_id=p.article_id,
        channel=p.channel,
        state=p.state,
        title=p.title,
        text=p.text,
        url=p.url,
        hashtags=list(p.hashtags),
        sent_at=p.sent_at.isoformat() if p.sent_at else None,
    )


@router.get("/api/articles", tags=["articles"])
def api_articles(
    st: State, limit: Annotated[int, Query(ge=1, le=100)] = 30, offset: Offset = 0
) -> list[ArticleOut]:
    with st.store.read() as conn:
        rows = queries.articles_page(conn, limit=limit, offset=max(offset, 0))
    return [_article(a) for a in rows]


@router.get("/api/articles/{article_id}", tags=["articles"])
def api_article(st: State, article_id: RowId) -> ArticleOut:
    with st.store.read() as conn:
        a = queries.article(conn, article_id)
    if a is None or a.deleted:
        raise HTTPException(404, "no such article")
    return _article(a, full=True)


@router.get("/api/stories/{story_id}", tags=["stories"])
def api_story(st: State, story_id: RowId) -> list[ArticleOut]:
    with st.store.read() as conn:
        items = queries.story(conn, story_id)
    if not items:
        raise HTTPException(404, "no such story")
    return [_article(a) for a in items]


@router.get("/api/stories", tags=["stories"])
def api_stories(st: State) -> list[dict[str, Any]]:
    with st.store.read() as conn:
        rows = queries.stories(conn, limit=100)
    return [
        {
            "id": s.id,
            "articles": s.size,
            "title": s.title,
            "outlets": list(s.outlets),
            "last_seen": s.last_seen.isoformat(),
            "related": [{"id": i, "title": t} for i, t in s.related],
        }
        for s in rows
    ]


@router.get("/api/search", tags=["search"])
def api_search(
    st: State,
    q: str = "",
    outlet: str | None = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    topic: str | None = None,
    entity: str | None = None,
    page: Annotated[int, Query(ge=1, le=500)] = 1,
    sort: Sort = "date",
) -> SearchOut:
    st.sync()
    f = SearchFilters(outlet, date_from, date_to, topic, entity)
    with st.store.read() as conn:
        res = search(conn, q, f, page=page, sort=sort)
    hits = [
        HitOut(
            id=h.article_id,
            title=h.title,
            url=h.url,
            outlet=h.outlet,
            published=h.published,
            story_id=h.story_id,
            snippet_html=h.snippet_html,
        )
        for h in res.hits
    ]
    return SearchOut(
        q=q, page=res.page, has_next=res.has_next, backend=res.backend, sort=res.sort, hits=hits
    )


EntityType = Literal["person", "organisation", "place"]


@router.get("/api/entities", tags=["entities"])
def api_entities(
    st: State,
    q: str = "",
    type: EntityType | None = None,
    days: Annotated[int | None, Query(ge=1, le=3650)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[EntityOut]:
    """People, organisations and places of the archive, by number of articles naming them
    (``q``: part of the name, folded; ``days``: only articles of the last N days)."""
    since = datetime.now(UTC) - timedelta(days=days) if days else None
    with st.store.read() as conn:
        rows = entity_store.search(conn, q, type=type, since=since, limit=limit)
    return [
        EntityOut(
            canonical=r.canonical,
            type=r.type,
            key=r.key,
            articles=r.articles,
            stories=r.stories,
            last_seen=_iso(r.last_seen),
        )
        for r in rows
    ]


@router.get("/api/entities/trend", tags=["entities"])
def api_entity_trend(
    st: State,
    name: str,
    type: EntityType | None = None,
    days: Annotated[int, Query(ge=1, le=3650)] = 30,
) -> EntityTrendOut:
    """Articles per day (UTC) naming one entity, oldest day first."""
    with st.store.read() as conn:
        series = entity_store.trend(conn, name, type, days=days)
    return EntityTrendOut(
        name=name,
        type=type,
        days=[TrendDayOut(day=d.isoformat(), articles=n) for d, n in series],
    )


@router.get("/api/posts", tags=["posts"])
def api_posts(
    st: State, channel: str | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 30
) -> list[PostOut]:
    with st.store.read() as conn:
        return [_post(p) for p in queries.latest_posts(conn, channel=channel, limit=limit)]


@router.get("/api/sources", tags=["sources"])
def api_sources(request: Request, st: State) -> list[SourceOut]:
    if not request.state.session.admin:
        raise HTTPException(401, "يلزم الدخول — login required")
    with st.store.read() as conn:
        states = sources.all_states(conn)
    return [
        SourceOut(
            name=s.name,
            url=s.url,
            kind=s.kind,
            last_fetch_at=s.last_fetch_at.isoformat() if s.last_fetch_at else None,
            next_poll_at=s.next_poll_at.isoformat() if s.next_poll_at else None,
            consecutive_errors=s.consecutive_errors,
            last_error=s.last_error,
            last_error_code=s.last_error_code,
            disabled=s.disabled,
        )
        for s in states
    ]


def public_base(request: Request, st: WebState) -> str:
    """The site's address for absolute links: ``web.base_url``, else the address the server
    listens on — never the request's ``Host`` header, which anyone can forge (a cached feed
    would then send every reader to the forger's site)."""
    configured: str = st.config["web.base_url"]
    if configured:
        return configured.rstrip("/")
    server = request.scope.get("server") or ("127.0.0.1", 8000)
    host, port = str(server[0]), server[1]
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if request.url.scheme == "https" else "http"
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


@router.get("/feed.json", include_in_schema=False)
def json_feed(request: Request, st: State, channel: str | None = None) -> JSONResponse:
    base = public_base(request, st)
    with st.store.read() as conn:
        items = queries.latest_posts(conn, channel=channel, limit=50)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "نشرة — آخر المنشورات",
        "home_page_url": base + "/",
        "feed_url": base + "/feed.json",
        "language": "ar",
        "items": [
            {
                "id": f"{base}/post/{p.id}",
                "url": p.url,
                "title": p.title,
                "content_text": p.text,
                "date_published": _iso(p.sent_at or p.created_at),
                "tags": list(p.hashtags),
                "external_url": f"{base}/article/{p.article_id}",
            }
            for p in items
        ],
    }
    return JSONResponse(feed, media_type="application/feed+json")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@router.get("/metrics", include_in_schema=False)
def metrics(st: State) -> PlainTextResponse:
    with st.store.read() as conn:
        m = queries.metrics(conn)
    lines = [
        "# HELP nashra_articles Articles stored.",
        "# TYPE nashra_articles gauge",
        f"nashra_articles {m['articles']}",
        "# HELP nashra_duplicates Articles stored as duplicates of an earlier one.",
        "# TYPE nashra_duplicates gauge",
        f"nashra_duplicates {m['duplicates']}",
        "# HELP nashra_posts Posts in the outbox by state.",
        "# TYPE nashra_posts gauge",
    ]
    lines += [f'nashra_posts{{state="{_label(k)}"}} {v}' for k, v in sorted(m["posts"].items())]
    lines += [
        "# HELP nashra_events_total Recorded drops and errors by code.",
        "# TYPE nashra_events_total counter",
    ]
    lines += [
        f'nashra_events_total{{kind="{_label(k)}",code="{_label(c)}"}} {n}'
        for k, c, n in m["events"]
    ]
    lines += [
        "# HELP nashra_source_last_fetch_timestamp_seconds When each source was last fetched.",
        "# TYPE nashra_source_last_fetch_timestamp_seconds gauge",
    ]
    lines += [
        f'nashra_source_last_fetch_timestamp_seconds{{source="{_label(n)}"}} {at.timestamp():.0f}'
        for n, at, _, _ in m["sources"]
        if at is not None
    ]
    lines += [
        "# HELP nashra_source_consecutive_errors Consecutive fetch errors per source.",
        "# TYPE nashra_source_consecutive_errors gauge",
    ]
    lines += [
        f'nashra_source_consecutive_errors{{source="{_label(n)}"}} {e}'
        for n, _, e, _ in m["sources"]
    ]
    lines += [
        "# HELP nashra_sources_disabled Sources disabled after errors or by an operator.",
        "# TYPE nashra_sources_disabled gauge",
        f"nashra_sources_disabled {sum(1 for s in m['sources'] if s[3])}",
    ]
    return PlainTextResponse(
        "\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8"
    )


@router.get("/healthz", include_in_schema=False)
def healthz(st: State) -> JSONResponse:
    try:
        with st.store.read() as conn:
            m = queries.metrics(conn)
    except Exception as exc:  # the one place a broken database must become an answer
        return JSONResponse({"ok": False, "error": type(exc).__name__}, status_code=503)
    return JSONResponse({"ok": True, "articles": m["articles"], "posts": m["posts"]})
