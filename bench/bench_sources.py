"""Source-stage throughput: each adapter against lxml's bare parse of the same bytes.

Prints items/s (items kept: a sitemap keeps its newest 200), ms per document and the time
ratio adapter / baseline (lxml's bare parse of the same uncompressed bytes, measured in the
same run), on generated documents: a news sitemap of 1,000 URLs, a gzip copy of it, a section
page with 200 article links and 30 menu links, and a 200-item RSS feed.

    .venv/bin/python bench/bench_sources.py
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from nashra.models import Fetched, SourceSpec
from nashra.sources import adapter_for

N_SITEMAP, N_PAGE, N_FEED, ROUNDS = 1000, 200, 200, 20


def _sitemap() -> bytes:
    urls = "".join(
        f"<url><loc>https://example.com/ar/2024/05/{i % 28 + 1:02d}/{100000 + i}</loc>"
        f"<news:news><news:publication><news:name>الصباح</news:name></news:publication>"
        f"<news:publication_date>2024-05-{i % 28 + 1:02d}T10:00:00+03:00</news:publication_date>"
        f"<news:title>عنوان الخبر رقم {i}</news:title><news:keywords>سياسة، اقتصاد</news:keywords>"
        f"</news:news></url>"
        for i in range(N_SITEMAP)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>"
    ).encode()


def _page() -> bytes:
    cards = "".join(
        f'<article class="card"><h2><a href="/ar/local/2024/05/12/{200000 + i}-story">'
        f"خبر محلي بعنوان طويل رقم {i}</a></h2><time datetime='2024-05-12T10:00:00+03:00'>"
        f"</time></article>"
        for i in range(N_PAGE)
    )
    nav = "".join(f'<li><a href="/ar/s{i}/">قسم {i}</a></li>' for i in range(30))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><nav><ul>{nav}</ul>'
        f"</nav><main>{cards}</main><footer><a href='/about'>من نحن</a></footer></body></html>"
    ).encode()


def _feed() -> bytes:
    items = "".join(
        f"<item><title>خبر رقم {i}</title><link>https://example.com/ar/{i}</link>"
        f"<description>&lt;p&gt;نص الخبر {i}&lt;/p&gt;</description>"
        f"<pubDate>Sun, 12 May 2024 10:00:00 +0300</pubDate></item>"
        for i in range(N_FEED)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>'
    return f"{head}{items}</channel></rss>".encode()


def _time(fn: Callable[[], object]) -> float:
    fn()  # warm up
    start = time.perf_counter()
    for _ in range(ROUNDS):
        fn()
    return (time.perf_counter() - start) / ROUNDS


def main() -> None:
    sitemap, page, feed = _sitemap(), _page(), _feed()
    cases = [
        ("sitemap", "sitemap", sitemap, lambda: etree.fromstring(sitemap)),
        (
            "sitemap.gz",
            "sitemap",
            gzip.compress(sitemap),
            lambda: etree.fromstring(sitemap),
        ),
        ("page", "page", page, lambda: lxml_html.document_fromstring(page)),
        ("feed", "feed", feed, lambda: etree.fromstring(feed)),
    ]
    print(f"{'case':<12}{'items/s':>12}{'ms/doc':>10}{'baseline ms':>13}{'ratio':>8}")
    for name, kind, body, baseline in cases:
        fetched = Fetched(url="https://example.com/ar/local/", status=200, headers={}, body=body)
        spec = SourceSpec(name="bench", url=fetched.url)
        adapter = adapter_for(kind)
        got = len(adapter.parse(fetched, spec).items)
        ours = _time(lambda a=adapter, f=fetched, s=spec: a.parse(f, s))
        base = _time(baseline)
        rate, ms, base_ms = got / ours, ours * 1000, base * 1000
        print(f"{name:<12}{rate:>12.0f}{ms:>10.2f}{base_ms:>13.2f}{ours / base:>8.1f}")


if __name__ == "__main__":
    main()
