"""nashra.images: which picture URLs are worth posting, and when two URLs are one picture."""

from __future__ import annotations

import pytest

from nashra.images import Candidate, collect, in_html, merge, picture_keys, same_key, usable


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


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # crops and sizes of one photo: its own id in the file name
        (
            "https://img.example.de/408483058/408483058_1742411809_v16_9_1600.jpeg",
            "https://img.example.de/408483058/408483058_1742411809_v1_1_400.jpeg",
            True,
        ),
        (
            "https://www.example.de/media.media.be7b8bf8-9051-4c0a-bd8f-8f800bc5471a.original1024.jpg",
            "https://www.example.de/media.facebook.be7b8bf8-9051-4c0a-bd8f-8f800bc5471a.normalized.jpg",
            True,
        ),
        # the same long file name in two crops' folders
        (
            "https://images.example.de/image/x/AAAB/16x9-1280/schuld-bruecke-101.jpg",
            "https://images.example.de/image/x/AAAB/1x1-840/schuld-bruecke-101.jpg",
            True,
        ),
        # a resizer that embeds the original
        (
            "https://resizer.example.au/abc=/1200x628/smart/https%3A%2F%2Fprod.example.au%2Ffs%2F9054e018-37b2-4223-83e3-def833542b7f",
            "https://resizer.example.au/xyz=/750x422/https%3A%2F%2Fprod.example.au%2Ffs%2F9054e018-37b2-4223-83e3-def833542b7f",
            True,
        ),
        # a shared article id beside each photo's own: two photos
        (
            "https://www.example.tr/u/2025%2F13%2F20250405_2_68434340_111400624.jpg",
            "https://www.example.tr/u/2025%2F13%2F20250405_2_68434340_111400627.jpg",
            False,
        ),
        # a day in the name is no id
        ("https://e.org/20240512_a.jpg", "https://e.org/20240512_b.jpg", False),
        ("https://e.org/p/boats.jpg", "https://e.org/p/flood.jpg", False),
    ],
)
def test_one_picture_or_two(a: str, b: str, same: bool) -> None:
    assert bool(picture_keys(a) & picture_keys(b)) is same
    assert collect([a, b]) == ((a,) if same else (a, b))


def test_a_resizers_size_in_the_path_counts_as_declared() -> None:
    assert usable("https://cdn.e.org/thumb/280x132/web/blocker.png") is None
    assert usable("https://cdn.e.org/img/dynamic/106/1200x630/5504037.jpg") is not None
    # a crop rectangle before the output size is not the size
    assert usable("https://i.e.de/2026/04/B7/0x0:436x673/fit-in/1366x1000/trump.jpg") is not None
