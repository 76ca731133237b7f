"""WordPress channel (``kind = "wordpress"``): the REST API with an application password.

Keys: ``url`` (the site, e.g. ``https://example.org``), ``user``, ``password_env`` (the
environment variable holding the application password), ``status`` (publish | draft | pending,
default publish), ``featured_image`` (upload the lead image, default true), ``timeout``.

Idempotent (``Traits.idempotent``), so a lost reply is sent again, never ``unknown``: the post
carries its own marker, the slug ``nashra-<post id>`` (and meta ``nashra_post_id``), and the
channel looks for it before creating. A reply lost after WordPress created the post is found on
the next attempt, never doubled.
Title as the outlet wrote it, body rendered by the channel's template (``wordpress.html.j2``)
and cleaned with nh3, tags from the hashtags, the category from the topic, the featured image,
and the original's link in the body.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import httpx
import nh3

from nashra.channels import transport
from nashra.channels.base import BaseChannel, ChannelOptions, Traits, check_keys, post_of, register
from nashra.errors import ChannelPaused, ConfigError, ContentRejected
from nashra.fetch import Fetcher, FetchPolicy
from nashra.models import Enrichment, Part, PartKind, Post
from nashra.settings import ChannelConfig, Config

TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "b", "strong", "i", "em"} | {
    "br",
    "div",
    "span",
    "bdi",
    "figure",
    "img",
    "figcaption",
}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "div": {"dir", "class"}, "p": {"class"}}


def clean(html: str) -> str:
    """Sanitised body: no script/style/forms/SVG/MathML, http(s)/mailto links only."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class WordPressChannel(BaseChannel):
    kind: ClassVar[str] = "wordpress"

    def __init__(
        self,
        name: str,
        options: ChannelOptions,
        *,
        url: str,
        user: str,
        password_env: str,
        status: str = "publish",
        featured_image: bool = True,
        timeout: float = 30.0,
        fetch_policy: FetchPolicy | None = None,
    ) -> None:
        super().__init__(name, options)
        self.api = url.rstrip("/") + "/wp-json/wp/v2"
        self.user, self.password_env = user, password_env
        self.status, self.featured_image = status, featured_image
        self.traits = Traits(
            timeout=timeout,
            can_edit=True,
            can_delete=True,
            idempotent=True,
            needs_enrichment=True,
        )
        self.fetch_policy = fetch_policy or FetchPolicy()
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            password = os.environ.get(self.password_env, "")
            if not password:
                raise ChannelPaused(
                    f"متغير البيئة {self.password_env} لا يحمل كلمة مرور التطبيق", channel=self.name
                )
            self._client = httpx.AsyncClient(
                auth=(self.user, password), timeout=self.traits.timeout, trust_env=False
            )
        return self._client

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        resp = await transport.request(
            self._http(), method, self.api + path, channel=self.name, **kw
        )
        if resp.status_code < 300:
            return resp.json()
        try:
            data = resp.json()
        except ValueError:
            data = {}
        code = data.get("code", "") if isinstance(data, dict) else ""
        if resp.status_code in (401, 403):
            raise ChannelPaused(
                "رفض WordPress بيانات الدخول أو الصلاحية؛ راجع المستخدم وكلمة مرور التطبيق"
                f" — {resp.status_code} {code}",
                channel=self.name,
            )
        status = transport.status_error(resp, channel=self.name, detail=code)
        if status is not None:
            raise status
        if code == "term_exists":
            return data
        raise ContentRejected(
            f"رفض WordPress المنشور: {resp.status_code} {code}", channel=self.name
        )

    async def _find(self, post: Post) -> int | None:
        found = await self._call(
            "GET",
            "/posts",
            params={"slug": f"nashra-{post.id}", "status": "any", "context": "edit"},
        )
        return int(found[0]["id"]) if found else None

    async def _term(self, kind: str, name: str) -> int:
        for term in await self._call("GET", f"/{kind}", params={"search": name}):
            if term.get("name") == name:
                return int(term["id"])
        made = await self._call("POST", f"/{kind}", json={"name": name})
        if made.get("code") == "term_exists":
            return int(made["data"]["term_id"])
        return int(made["id"])

    async def _media(self, image: str) -> int | None:
        try:
            async with Fetcher(self.fetch_policy) as fetcher:
                got = await fetcher.get(image, kind="image")
        except Exception:  # no image is no reason to hold the post
            return None
        ctype = got.headers.get("content-type", "image/jpeg").split(";")[0]
        if not ctype.startswith("image/"):
            return None
        filename = image.rsplit("/", 1)[-1].split("?")[0] or "image.jpg"
        media = await self._call(
            "POST",
            "/media",
            content=got.body,
            headers={
                "Content-Type": ctype,
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )
        return int(media["id"])

    def _body(self, post: Post) -> str:
        if self.options.template.endswith(".html.j2"):
            return clean(post.text)
        paras = "".join(f"<p>{nh3.clean_text(p)}</p>" for p in post.text.split("\n") if p.strip())
        return clean(f'<div dir="rtl">{paras}<p><a href="{post.url}">المصدر</a></p></div>')

    def plan(self, post: Post) -> list[Part]:
        """One part; its body is what the post shows (title and text), so an edit sees a new
        title as a change."""
        return [Part(idx=0, kind=PartKind.POST, body=f"{post.title}\n\n{post.text}")]

    async def send(self, part: Part) -> str:
        post = post_of(part)
        assert post.id is not None
        enrichment = part.enrichment or Enrichment()
        existing = await self._find(post)
        if existing is not None:
            return str(existing)
        payload: dict[str, Any] = {
            "title": post.title,
            "content": self._body(post),
            "status": self.status,
            "slug": f"nashra-{post.id}",
            "meta": {"nashra_post_id": post.id, "nashra_source_url": post.url},
            "tags": [await self._term("tags", h.lstrip("#")) for h in post.hashtags],
        }
        if enrichment.topic:
            payload["categories"] = [await self._term("categories", enrichment.topic)]
        if self.featured_image and post.image:
            media = await self._media(post.image)
            if media is not None:
                payload["featured_media"] = media
        made = await self._call("POST", "/posts", json=payload)
        return str(made["id"])

    async def edit(self, part: Part, remote_id: str) -> None:
        post = post_of(part)
        target = remote_id or str(await self._find(post) or "")
        if target:
            await self._call(
                "POST", f"/posts/{target}", json={"title": post.title, "content": self._body(post)}
            )

    async def delete(self, remote_id: str) -> None:
        await self._call("DELETE", f"/posts/{remote_id}")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


@register("wordpress")
def _wordpress(cfg: ChannelConfig, config: Config) -> WordPressChannel:
    check_keys(cfg, {"url", "user", "password_env", "status", "featured_image", "timeout"})
    for key in ("url", "user", "password_env"):
        if not isinstance(cfg.options.get(key), str) or not cfg.options[key]:
            raise ConfigError(f"قناة wordpress تحتاج المفتاح {key}", where=cfg.name)
    status = cfg.options.get("status", "publish")
    if status not in ("publish", "draft", "pending", "private"):
        raise ConfigError("status: publish, draft, pending أو private", where=cfg.name)
    from nashra.runner import fetch_policy

    return WordPressChannel(
        cfg.name,
        ChannelOptions.from_mapping(cfg.options, cfg.name, template="wordpress.html.j2"),
        url=cfg.options["url"],
        user=cfg.options["user"],
        password_env=cfg.options["password_env"],
        status=status,
        featured_image=bool(cfg.options.get("featured_image", True)),
        timeout=float(cfg.options.get("timeout", 30.0)),
        fetch_policy=fetch_policy(config),
    )
