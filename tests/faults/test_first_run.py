"""Fault 1 (first-run flood): a new ``mark_seen`` source whose first poll returned an empty or
malformed feed was marked "first run done"; when the feed recovered, all its existing items
were published. Real cycles, a real SQLite file, a loopback site whose feed changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nashra.store import Store, sources
from tests.pipeline.conftest import make_config, posts_in, rss, run_cycle
from tests.pipeline.test_lifecycle import feed_of, states
from tests.sitekit import Site, serve

EMPTY = rss([])  # a valid RSS document that says: no items
BROKEN = "<html><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        yield s


def _done(url: str) -> bool:
    store = Store(url)
    with store.read() as conn:
        state = sources.get(conn, "مصدر")
    store.close()
    assert state is not None
    return state.first_run_done


@pytest.mark.parametrize(
    ("first", "content_type"),
    [(EMPTY, "application/rss+xml"), (BROKEN, "text/html"), ("", "application/rss+xml")],
    ids=["valid-empty-feed", "html-error-page", "empty-body"],
)
def test_a_bad_first_poll_does_not_end_the_first_run(
    site: Site, tmp_path: Path, first: str, content_type: str
) -> None:
    site.add("/feed", first, content_type=content_type)
    config = make_config(tmp_path, [{"name": "مصدر", "url": site.base + "/feed"}])
    run_cycle(config)
    assert not _done(config.database_url)
    feed_of(site, 5)  # the feed recovers with its five existing items
    run_cycle(config)
    assert posts_in(tmp_path) == [], "the recovered feed's existing items were published"
    assert states(config.database_url) == ["skipped"] * 5
    assert _done(config.database_url)
    feed_of(site, 6)  # and a new item after that is published
    run_cycle(config)
    assert len(posts_in(tmp_path)) == 1


def test_a_feed_that_is_empty_twice_ends_the_first_run(site: Site, tmp_path: Path) -> None:
    site.add("/feed", EMPTY, content_type="application/rss+xml")
    config = make_config(tmp_path, [{"name": "مصدر", "url": site.base + "/feed"}])
    run_cycle(config)
    assert not _done(config.database_url)
    run_cycle(config)
    assert _done(config.database_url)  # a really new, empty feed: what comes next is news
    feed_of(site, 2)
    run_cycle(config)
    assert len(posts_in(tmp_path)) == 2
