"""The loopback news site that bench_pipeline.py polls: pages and RSS feeds built at run time.

Nothing is written to disk: the site is built in memory, inside the server process, from the
shared data read in place (``../shared/data``), and served by a ``ThreadingHTTPServer`` on
127.0.0.1 (HTTP/1.1 keep-alive, ETag). Two corpora:

* ``eval``: the trafilatura evaluation pages, served byte for byte as ``text/html`` without a
  charset (the page's own declaration decides), listed in RSS feeds of ``feed_size`` items
  (title and date from the ground truth; no description, so a page that cannot be extracted has
  no feed text to fall back on).
* ``saudi``: SaudiNewsNet articles, an even spread over the corpus (sorted by date and URL, every
  k-th one), rendered as Arabic article pages wrapped in a news site's navigation, sidebar,
  related links and footer, listed newest first in RSS feeds grouped by outlet.
"""

from __future__ import annotations

import glob
import hashlib
import json
import zipfile
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
EVAL = DATA / "extraction" / "trafilatura_eval"
SAUDI = DATA / "corpora" / "saudinewsnet" / "dataset"
RIYADH = timezone(timedelta(hours=3))

Site = dict[str, tuple[str, bytes]]  # path -> (content type, body)
Manifest = dict[str, dict[str, list[str]]]  # corpus -> {"feeds": [path], "pages": [path]}


def _rss(base: str, title: str, items: list[dict[str, Any]]) -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{escape(title)}</title><link>{base}/</link><language>ar</language>",
    ]
    for it in items:
        out.append("<item>")
        out.append(f"<title>{escape(it['title'])}</title>")
        out.append(f"<link>{base}{it['path']}</link>")
        out.append(f'<guid isPermaLink="true">{base}{it["path"]}</guid>')
        if it.get("date"):
            out.append(f"<pubDate>{format_datetime(it['date'])}</pubDate>")
        if it.get("author"):
            out.append(f"<dc:creator>{escape(it['author'])}</dc:creator>")
        if it.get("summary"):
            out.append(f"<description>{escape(it['summary'])}</description>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def _feeds(
    site: Site, base: str, prefix: str, title: str, items: list[dict[str, Any]], size: int
) -> list[str]:
    paths = []
    for k in range(0, len(items), size):
        path = f"{prefix}/feed-{k // size:03d}.xml"
        site[path] = ("application/rss+xml; charset=utf-8", _rss(base, title, items[k : k + size]))
        paths.append(path)
    return paths


def _parse_date(text: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=RIYADH)
        except ValueError:
            continue
    return None


def build_eval(site: Site, base: str, pages: int, feed_size: int) -> dict[str, list[str]]:
    lines = (EVAL / "sample_groundtruth.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()][:pages]
    items = []
    for i, row in enumerate(rows):
        path = f"/eval/{i:03d}.html"
        site[path] = ("text/html", (EVAL / str(row["html_path"])).read_bytes())
        title = str(row.get("title") or row["file"])
        items.append({"path": path, "title": title, "date": _parse_date(str(row.get("date")))})
    feeds = _feeds(site, base, "/eval", "trafilatura eval", items, feed_size)
    return {"feeds": feeds, "pages": [it["path"] for it in items]}


_CHROME_TOP = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | {outlet}</title><link rel="canonical" href="{url}">
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{iso}"><meta name="author" content="{author}">
</head><body><header><nav><a href="/">الرئيسية</a> <a href="/local">محليات</a>
<a href="/world">دوليات</a> <a href="/economy">اقتصاد</a> <a href="/sport">رياضة</a>
<a href="/opinion">آراء</a></nav><div class="ticker">عاجل: تابعوا آخر الأخبار على مدار الساعة</div>
</header><main><article><h1>{title}</h1><p class="byline">{author}</p>
<time datetime="{iso}">{shown}</time>
"""
_CHROME_BOTTOM = """</article><aside><h3>الأكثر قراءة</h3><ul>{related}</ul>
<div class="ad">إعلان — اشترك في النشرة البريدية</div></aside>
<section class="related"><h3>أخبار ذات صلة</h3><ul>{related}</ul></section></main>
<footer><p>جميع الحقوق محفوظة © {outlet} 2015</p><a href="/about">من نحن</a>
<a href="/contact">اتصل بنا</a> <a href="/privacy">سياسة الخصوصية</a></footer></body></html>
"""


def _saudi_page(base: str, path: str, art: dict[str, Any], related: list[str]) -> bytes:
    date = _parse_date(str(art.get("date_extracted", ""))) or datetime(2015, 7, 21, tzinfo=RIYADH)
    paras = [p.strip() for p in str(art["content"]).split("\n") if p.strip()]
    fields = {
        "title": escape(str(art["title"])),
        "outlet": escape(str(art["source"])),
        "url": base + path,
        "iso": date.isoformat(),
        "shown": date.strftime("%Y/%m/%d %H:%M"),
        "author": escape(str(art.get("author") or "")),
    }
    links = "".join(f'<li><a href="/r/{i}">{escape(t)}</a></li>' for i, t in enumerate(related))
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paras)
    html = (
        _CHROME_TOP.format(**fields)
        + body
        + _CHROME_BOTTOM.format(related=links, outlet=fields["outlet"])
    )
    return html.encode("utf-8")


def load_saudi(count: int) -> list[dict[str, Any]]:
    """An even spread of ``count`` articles over the whole corpus (deterministic)."""
    arts: list[dict[str, Any]] = []
    for name in sorted(glob.glob(str(SAUDI / "*.zip"))):
        with zipfile.ZipFile(name) as zf:
            for member in zf.namelist():
                arts.extend(json.loads(zf.read(member)))
    arts = [a for a in arts if a.get("title") and a.get("content")]
    arts.sort(key=lambda a: (str(a.get("date_extracted")), str(a.get("url"))))
    step = max(len(arts) // max(count, 1), 1)
    return arts[::step][:count]


def build_saudi(site: Site, base: str, count: int, feed_size: int) -> dict[str, list[str]]:
    arts = load_saudi(count)
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    titles = [str(a["title"]) for a in arts]
    for i, art in enumerate(arts):
        outlet = str(art["source"])
        path = f"/saudi/{outlet}/{i:05d}.html"
        related = [titles[(i * 7 + j * 13) % len(titles)] for j in range(1, 6)]
        site[path] = ("text/html; charset=utf-8", _saudi_page(base, path, art, related))
        first = next((p for p in str(art["content"]).split("\n") if p.strip()), "")
        by_outlet.setdefault(outlet, []).append(
            {
                "path": path,
                "title": str(art["title"]),
                "date": _parse_date(str(art.get("date_extracted", ""))),
                "author": str(art.get("author") or ""),
                "summary": first.strip()[:300],
            }
        )
    feeds: list[str] = []
    pages: list[str] = []
    epoch = datetime.min.replace(tzinfo=RIYADH)
    for outlet, items in sorted(by_outlet.items()):
        items.sort(key=lambda it: it["date"] or epoch, reverse=True)
        feeds += _feeds(site, base, f"/saudi/{outlet}", outlet, items, feed_size)
        pages += [it["path"] for it in items]
    return {"feeds": feeds, "pages": pages}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site = {}  # noqa: RUF012 - set once before serving


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body back until the client's delayed ACK (~40 ms per response on Linux loopback).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""

    def do_GET(self) -> None:
        assert isinstance(self.server, _Server)
        found = self.server.site.get(self.path.split("?", 1)[0])
        if found is None:
            body = b"not found\n"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/plain")
        else:
            ctype, body = found
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(options: dict[str, int], out: Any) -> None:
    """Server process: bind, build the site for that address, report, serve until killed."""
    server = _Server(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site: Site = {}
    manifest: Manifest = {}
    if options["eval_pages"]:
        manifest["eval"] = build_eval(site, base, options["eval_pages"], options["feed_size"])
    if options["articles"]:
        manifest["saudi"] = build_saudi(site, base, options["articles"], options["feed_size"])
    server.site = site
    out.put((base, manifest))
    server.serve_forever()
