"""nashra.images: which picture URLs are worth posting, and when two URLs are one picture."""

from __future__ import annotations

import pytest

from nashra.images import Candidate, collect, in_html, merge, same_key, usable


@pytest.mark.parametrize(
    ("url", "base", "width", "height", "want"),
    [
        (
            "https://cdn.example.org/2024/photo.jpg",
            None,
            None,
            None,
            "https://cdn.example.org/2024/photo.jpg",
        ),
        (
            "/img/photo.webp",
            "https://example.org/a/b",
            None,
            None,
            "https://example.org/img/photo.webp",
        ),
        (
            "//cdn.example.org/p.jpg",
            "https://example.org/",
            None,
            None,
            "https://cdn.example.org/p.jpg",
        ),
        ("ftp://example.org/p.jpg", None, None, None, None),
        ("data:image/png;base64,AAAA", None, None, None, None),
        ("javascript:void(0)", None, None, None, None),
        ("photo.jpg", None, None, None, None),  # relative without a base: not absolute
        ("https://example.org/static/logo.png", None, None, None, None),
        ("https://example.org/static/site-logo-dark.png", None, None, None, None),
        ("https://example.org/icons/whatsapp.png", None, None, None, None),
        ("https://example.org/u/avatar-12.jpg", None, None, None, None),
        ("https://example.org/pixel.png", None, None, None, None),
        ("https://example.org/p.svg", None, None, None, None),
        ("https://example.org/anim.gif", None, None, None, None),
        ("https://www.facebook.com/tr?id=1&ev=PageView", None, None, None, None),
        ("https://secure.gravatar.com/avatar/abc", None, None, None, None),
        ("https://example.org/p.jpg", None, "150", "100", None),  # declared too small
        ("https://example.org/p.jpg", None, "1200px", 675, "https://example.org/p.jpg"),
        ("https://example.org/p.jpg", None, "auto", None, "https://example.org/p.jpg"),
        (
            "https://example.org/2024/05/iconic-view.jpg",
            None,
            None,
            None,
            "https://example.org/2024/05/iconic-view.jpg",
        ),
    ],
)
def test_usable(url, base, width, height, want) -> None:  # type: ignore[no-untyped-def]
    assert usable(url, base, width, height) == want


def test_same_picture_at_other_sizes_schemes_and_queries_is_kept_once_first_seen() -> None:
    urls = [
        "https://www.example.org/wp-content/uploads/2024/05/flood.jpg?resize=1200",
        "http://example.org/wp-content/uploads/2024/05/flood-768x432.jpg",
        "https://example.org/wp-content/uploads/2024/05/flood.jpg",
        "https://example.org/wp-content/uploads/2024/05/boats.jpg",
    ]
    assert same_key(urls[0]) == same_key(urls[1]) == same_key(urls[2])
    assert collect(urls) == (urls[0], urls[3])


def test_merge_keeps_the_lead_first_and_skips_nothing_usable() -> None:
    lead = "https://example.org/lead.jpg"
    body = ("https://example.org/a.jpg", lead, "https://example.org/b.jpg")
    assert merge((lead,), body, (None, "https://example.org/a.jpg")) == (lead, *body[::2])
    assert merge((None,), ()) == ()


def test_candidates_and_html_fragments() -> None:
    assert collect([Candidate("/x.jpg", 100, 900)], "https://e.org/") == ()
    html = '<p>نص</p><img src="/a.jpg" width="800"><img src="https://e.org/t.jpg" width="40">'
    assert in_html(html, "https://e.org/news/1") == ("https://e.org/a.jpg",)
    assert in_html("<p>بلا صور</p>") == () and in_html(None) == ()
