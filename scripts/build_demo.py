"""Build Nashra's bundled demo news site from the ANT corpus (JawharaFM subset).

    python scripts/build_demo.py [--corpus DIR] [--out DIR]

Reads a few dozen articles of the ANT corpus v1.1 (Apache-2.0; Chouigui, Ben Khiroun and Elayeb,
AICCSA 2017) and writes a small static news site: one HTML page per article, a section page and
one feed per section (RSS 2.0, Atom, JSON Feed), a synthetic aggregator that reposts a few of the
same articles, and ``manifest.json`` that the demo server reads. Every URL is written with the
``__BASE__`` placeholder, which the server replaces with its loopback address.

The choice is deterministic (the newest well-formed articles of each section, by their timestamp
then their DOCNO) and so is the output: the same corpus gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpora" / "ant_v1.1_jawharafm"
DEFAULT_OUT = ROOT / "src" / "nashra" / "demo" / "site"
TEMPLATES = ROOT / "src" / "nashra" / "demo" / "templates"  # the site's layout, feeds' shape

BASE = "__BASE__"
OUTLET = "جوهرة أف أم"
AGGREGATOR = "مجمّع تجريبي"
PER_SECTION = 12
LEGACY_CHARSET = "windows-1256"


@dataclass(frozen=True)
class Section:
    category: str  # the ANT <CAT>
    slug: str  # the folder on the demo site
    label: str  # the section's Arabic name
    feed_format: str  # rss | atom | json
    feed_file: str


SECTIONS = (
    Section("localNews", "national", "وطنية", "rss", "rss.xml"),
    Section("economy", "economy", "اقتصاد", "atom", "atom.xml"),
    Section("culture", "culture", "ثقافة", "json", "feed.json"),
)


@dataclass(frozen=True)
class Doc:
    docno: str
    article_id: str
    original_url: str
    section: Section
    title: str
    published: datetime
    paragraphs: tuple[str, ...]
    summary: str

    @property
    def path(self) -> str:
        return f"/ar/{self.section.slug}/{self.article_id}.html"

    @property
    def url(self) -> str:
        return BASE + self.path


# ---------------------------------------------------------------- reading the corpus

_TAG = re.compile(r"<(DOCNO|URL|CAT|TITLE|TIME|ABSTRACT|TEXT)>(.*?)</\1>", re.S)
_SENTENCE_END = re.compile(r"(?<=[^\s.][.!?؟])(?=\s+\S)")
_LINE_END = (".", "!", "?", "؟", ":", '"', "»", "”", ")")


def _read_doc(path: Path, section: Section) -> Doc | None:
    """One ANT file as a Doc, or None when it is not fit for the demo."""
    fields = {k: v.strip() for k, v in _TAG.findall(path.read_text(encoding="utf-8"))}
    try:
        published = datetime.fromisoformat(fields["TIME"])
    except (KeyError, ValueError):
        return None  # a few files carry a bare dd/mm/yyyy date: no time, no time zone
    id_match = re.search(r"/(\d+)$", fields.get("URL", ""))
    text, title = fields.get("TEXT", ""), fields.get("TITLE", "")
    if published.utcoffset() != timedelta(hours=1) or not id_match or not title:
        return None
    if not 700 <= len(text) <= 3500:
        return None
    paragraphs = split_paragraphs(text)
    if len(paragraphs) < 2:
        return None
    abstract = " ".join(fields.get("ABSTRACT", "").split())
    return Doc(
        docno=fields["DOCNO"],
        article_id=id_match.group(1),
        original_url=fields["URL"],
        section=section,
        title=" ".join(title.split()),
        published=published,
        paragraphs=paragraphs,
        summary=shorten(abstract or paragraphs[0], 280),
    )


def split_paragraphs(text: str, target: int = 280) -> tuple[str, ...]:
    """Paragraphs from ANT's text: hard-wrapped lines joined, long blocks cut at sentence ends.

    ANT keeps the lead on its own line and most of the rest on one long line; the long line is
    cut after a sentence end into paragraphs of at least ``target`` characters.
    """
    blocks: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if blocks and not blocks[-1].endswith(_LINE_END):
            blocks[-1] += " " + line
        else:
            blocks.append(line)
    paragraphs: list[str] = []
    for block in blocks:
        current = ""
        for sentence in _SENTENCE_END.split(block):
            current = f"{current} {sentence.strip()}".strip()
            if len(current) >= target:
                paragraphs.append(current)
                current = ""
        if current and len(current) < 80 and paragraphs and len(block) > target:
            paragraphs[-1] += " " + current
        elif current:
            paragraphs.append(current)
    return tuple(paragraphs)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def choose(corpus: Path) -> list[Doc]:
    """The newest PER_SECTION fit articles of each section, newest first."""
    chosen: list[Doc] = []
    for section in SECTIONS:
        docs = (_read_doc(p, section) for p in sorted((corpus / section.category).glob("*.txt")))
        fit = sorted((d for d in docs if d), key=lambda d: (d.published, d.docno), reverse=True)
        unique: dict[str, Doc] = {}
        for doc in fit:
            unique.setdefault(doc.article_id, doc)
        if len(unique) < PER_SECTION:
            raise SystemExit(f"{section.category}: only {len(unique)} fit articles")
        chosen.extend(list(unique.values())[:PER_SECTION])
    return chosen


def legacy_page(docs: list[Doc]) -> Doc:
    """The article served in windows-1256: the newest culture article that encodes cleanly."""
    for doc in docs:
        if doc.section.slug != "culture":
            continue
        try:
            "".join((doc.title, doc.summary, *doc.paragraphs)).encode(LEGACY_CHARSET)
        except UnicodeEncodeError:
            continue
        return doc
    raise SystemExit("no culture article encodes in windows-1256")


# ---------------------------------------------------------------- the aggregator (synthetic)


@dataclass(frozen=True)
class Repost:
    number: int
    original: Doc
    title: str
    published: datetime

    @property
    def url(self) -> str:
        return f"{BASE}/mujammaa/{self.number}.html"

    @property
    def body(self) -> tuple[str, ...]:
        """The repost as aggregators write it: title again, the text, then their footer."""
        return (
            self.title,
            *self.original.paragraphs,
            f"تفاصيل إضافية عن {self.original.title}",
            f"🔍 اقرأ المزيد: {self.original.url}",
            f"📌 المصدر الأصلي: {OUTLET}",
            AGGREGATOR,
        )


_RETITLE = (
    lambda t: f"عاجل | {t}",
    lambda t: f"{t} (تفاصيل)",
    lambda t: f"بالفيديو: {t}",
    lambda t: f"{t}.. إليكم التفاصيل",
)


def reposts(docs: list[Doc]) -> list[Repost]:
    """Four reposts: the newest article of each section and the second newest national one."""
    newest = {s.slug: [d for d in docs if d.section == s] for s in SECTIONS}
    picks = [newest["national"][0], newest["economy"][0], newest["culture"][0]]
    picks.append(newest["national"][1])
    return [
        Repost(n, doc, retitle(doc.title), doc.published + timedelta(minutes=40 + 7 * n))
        for n, (doc, retitle) in enumerate(zip(picks, _RETITLE, strict=True), start=1)
    ]


# ---------------------------------------------------------------- templates

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True)
_env.globals["rfc822"] = format_datetime
PAGE, LIST = _env.get_template("article.html.j2"), _env.get_template("list.html.j2")
RSS, ATOM = _env.get_template("rss.xml.j2"), _env.get_template("atom.xml.j2")

FOOTER = (
    "موقع تجريبي مرفق بنشرة: نصوص من مدونة ANT (الإصدار 1.1، أخبار جوهرة أف أم)، "
    "برخصة Apache-2.0. Demo site built from the ANT corpus; see NOTICE.md."
)
FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


def _feed_link(section: Section) -> dict[str, str]:
    return {
        "type": FEED_TYPES[section.feed_format],
        "title": f"{OUTLET} — {section.label}",
        "url": f"{BASE}/ar/{section.slug}/{section.feed_file}",
    }


def _nav() -> list[dict[str, str]]:
    return [{"url": f"{BASE}/ar/{s.slug}/", "label": s.label} for s in SECTIONS]


def render_article(doc: Doc, docs: list[Doc], legacy: bool) -> bytes:
    same = [d for d in docs if d.section == doc.section and d is not doc]
    others = [d for d in docs if d.section != doc.section]
    index = docs.index(doc)
    popular = [others[(index * 5 + k * 7) % len(others)] for k in range(5)]
    charset = LEGACY_CHARSET if legacy else "utf-8"
    html = PAGE.render(
        charset_meta=Markup(
            f'http-equiv="Content-Type" content="text/html; charset={charset}"'
            if legacy
            else 'charset="utf-8"'
        ),
        title=doc.title,
        site=OUTLET,
        summary=doc.summary,
        url=doc.url,
        published=doc.published.isoformat(),
        shown_time=doc.published.strftime("%Y-%m-%d %H:%M"),
        section=doc.section.label,
        section_url=f"{BASE}/ar/{doc.section.slug}/",
        feed=_feed_link(doc.section),
        base=BASE,
        home=f"{BASE}/",
        nav=_nav(),
        body=doc.paragraphs,
        related=same[:3] if index % 2 else same[-3:],
        popular=popular,
        footer=FOOTER,
    )
    return html.encode(charset)


def render_repost(repost: Repost, reposts_: list[Repost]) -> bytes:
    html = PAGE.render(
        charset_meta=Markup('charset="utf-8"'),
        title=repost.title,
        site=AGGREGATOR,
        summary=repost.original.summary,
        url=repost.url,
        published=repost.published.isoformat(),
        shown_time=repost.published.strftime("%Y-%m-%d %H:%M"),
        section="منوعات",
        section_url=f"{BASE}/mujammaa/",
        feed={"type": FEED_TYPES["rss"], "title": AGGREGATOR, "url": f"{BASE}/mujammaa/rss.xml"},
        base=BASE,
        home=f"{BASE}/mujammaa/",
        nav=[],
        body=repost.body,
        related=[r for r in reposts_ if r is not repost][:3],
        popular=[],
        footer=f"{AGGREGATOR}: مجمّع أخبار وهمي لعرض كشف المنشورات المكررة في نشرة.",
    )
    return html.encode("utf-8")


def _paragraph_html(paragraphs: Iterable[str]) -> str:
    return "".join(Markup("<p>{}</p>").format(p) for p in paragraphs)


def render_feed(section: Section, docs: list[Doc]) -> bytes:
    link = f"{BASE}/ar/{section.slug}/"
    self_url = f"{BASE}/ar/{section.slug}/{section.feed_file}"
    title = f"{OUTLET} — {section.label}"
    description = f"آخر أخبار قسم {section.label} في {OUTLET}"
    if section.feed_format == "json":
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "description": description,
            "home_page_url": link,
            "feed_url": self_url,
            "language": "ar",
            "authors": [{"name": OUTLET}],
            "items": [
                {
                    "id": f"jawharafm-{d.article_id}",
                    "url": d.url,
                    "title": d.title,
                    "summary": d.summary,
                    "content_text": d.paragraphs[0],
                    "date_published": d.published.isoformat(),
                    "tags": [section.label],
                }
                for d in docs
            ],
        }
        return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    items = [
        {
            "title": d.title,
            "url": d.url,
            "guid": f"jawharafm-{d.article_id}"
            if section.feed_format == "rss"
            else f"tag:jawharafm.net,2017:article-{d.article_id}",
            "published": d.published,
            "category": section.label,
            "summary": d.summary,
            "html": _paragraph_html(d.paragraphs),
        }
        for d in docs
    ]
    template = RSS if section.feed_format == "rss" else ATOM
    return template.render(
        title=title,
        description=description,
        link=link,
        self_url=self_url,
        feed_id=f"tag:jawharafm.net,2017:{section.slug}",
        site=OUTLET,
        items=items,
    ).encode("utf-8")


def render_aggregator_feed(reposts_: list[Repost]) -> bytes:
    items = [
        {
            "title": r.title,
            "url": r.url,
            "guid": f"mujammaa-{r.number}",
            "published": r.published,
            "category": r.original.section.label,
            "summary": r.original.summary,
            "html": _paragraph_html(r.body),
        }
        for r in sorted(reposts_, key=lambda r: r.published, reverse=True)
    ]
    return RSS.render(
        title=AGGREGATOR,
        description="مجمّع أخبار تجريبي: يعيد نشر مقالات المواقع الأخرى بعناوين معدّلة",
        link=f"{BASE}/mujammaa/",
        self_url=f"{BASE}/mujammaa/rss.xml",
        items=items,
    ).encode("utf-8")


# ---------------------------------------------------------------- writing the site

CSS = """body{font-family:"Noto Naskh Arabic",Tahoma,sans-serif;margin:0;line-height:1.8}
.site-header,.site-footer{background:#123;color:#fff;padding:.5em 1em}
.site-header a,.site-footer a{color:#fff}
.main-nav ul{display:flex;gap:1em;list-style:none;margin:0;padding:0}
.layout{display:flex;gap:2em;padding:1em}
main{flex:3}
.sidebar{flex:1;border-inline-start:1px solid #ccc;padding-inline-start:1em}
.breadcrumbs,.post-meta,.share{color:#666;font-size:.9em}
"""


def build(corpus: Path, out: Path) -> dict[str, object]:
    """Write the whole demo site into ``out`` (replaced) and return its manifest."""
    docs = choose(corpus)
    legacy = legacy_page(docs)
    reposts_ = reposts(docs)
    files: dict[str, bytes] = {"/static/site.css": CSS.encode("utf-8")}
    for doc in docs:
        files[doc.path] = render_article(doc, docs, legacy=doc is legacy)
    for section in SECTIONS:
        mine = [d for d in docs if d.section == section]
        files[f"/ar/{section.slug}/{section.feed_file}"] = render_feed(section, mine)
        files[f"/ar/{section.slug}/index.html"] = _list_page(
            f"أخبار {section.label}",
            OUTLET,
            f"/ar/{section.slug}/",
            mine,
            [_feed_link(section)],
        )
    files["/index.html"] = _list_page(
        "الرئيسية", OUTLET, "/", docs, [_feed_link(s) for s in SECTIONS]
    )
    for repost in reposts_:
        files[f"/mujammaa/{repost.number}.html"] = render_repost(repost, reposts_)
    files["/mujammaa/rss.xml"] = render_aggregator_feed(reposts_)
    files["/mujammaa/index.html"] = LIST.render(
        title=AGGREGATOR,
        site=AGGREGATOR,
        url=f"{BASE}/mujammaa/",
        base=BASE,
        items=reposts_,
        feeds=[{"type": FEED_TYPES["rss"], "title": AGGREGATOR, "url": f"{BASE}/mujammaa/rss.xml"}],
        footer=f"{AGGREGATOR}: مجمّع أخبار وهمي لعرض كشف المنشورات المكررة في نشرة.",
    ).encode("utf-8")
    manifest = _manifest(docs, legacy, reposts_)
    files["/manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    _replace_dir(out, files)
    return manifest


def _list_page(
    title: str, site: str, path: str, items: list[Doc], feeds: list[dict[str, str]]
) -> bytes:
    return LIST.render(
        title=title, site=site, url=BASE + path, base=BASE, items=items, feeds=feeds, footer=FOOTER
    ).encode("utf-8")


def _manifest(docs: list[Doc], legacy: Doc, reposts_: list[Repost]) -> dict[str, object]:
    sources: list[dict[str, str]] = [
        {
            "name": f"{OUTLET} — {s.label}",
            "path": f"/ar/{s.slug}/{s.feed_file}",
            "format": s.feed_format,
            "role": "section",
        }
        for s in SECTIONS
    ]
    sources.append(
        {"name": AGGREGATOR, "path": "/mujammaa/rss.xml", "format": "rss", "role": "aggregator"}
    )
    return {
        "about": "Nashra demo site; texts from the ANT corpus v1.1 (JawharaFM), Apache-2.0",
        "placeholder": BASE,
        "sources": sources,
        "legacy_charsets": {legacy.path: LEGACY_CHARSET},
        "articles": [
            {
                "path": d.path,
                "docno": d.docno,
                "title": d.title,
                "published": d.published.isoformat(),
                "paragraphs": len(d.paragraphs),
                "original_url": d.original_url,
            }
            for d in docs
        ],
        "reposts": [
            {"path": f"/mujammaa/{r.number}.html", "title": r.title, "original": r.original.path}
            for r in reposts_
        ],
    }


def _replace_dir(out: Path, files: dict[str, bytes]) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / "manifest.json").is_file():
            raise SystemExit(f"refusing to replace {out}: it is not a demo site")
        shutil.rmtree(out)
    for path, data in sorted(files.items()):
        target = out / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    manifest = build(args.corpus, args.out)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    articles = manifest["articles"]
    assert isinstance(articles, list)
    print(f"wrote {len(articles)} articles to {args.out} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
