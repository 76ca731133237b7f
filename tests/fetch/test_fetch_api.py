"""The public face of nashra.fetch: names, defaults from the issue, the User-Agent."""

from __future__ import annotations

import nashra
import nashra.fetch
from nashra.fetch import FetchPolicy, make_user_agent


def test_public_names_are_complete() -> None:
    assert set(nashra.fetch.__all__) == {
        "FetchPolicy",
        "Fetcher",
        "GuardedTransport",
        "Kind",
        "charset",
        "is_blocked",
        "make_user_agent",
        "parse_networks",
    }
    assert all(hasattr(nashra.fetch, name) for name in nashra.fetch.__all__)


def test_defaults_are_the_issue_s_numbers() -> None:
    p = FetchPolicy()
    assert (p.feed_deadline, p.page_deadline, p.connect_timeout) == (20.0, 30.0, 10.0)
    assert p.max_body == 15 * 1024 * 1024
    assert p.max_redirects == 5
    assert p.allow_networks == ()
    assert (p.per_host_concurrency, p.per_host_delay, p.obey_robots) == (2, 1.0, True)
    assert p.robots_max_body == 500 * 1024
    assert p.deadline("page") == 30.0 and p.deadline("feed") == 20.0


def test_user_agent_names_nashra_its_version_and_a_contact() -> None:
    assert make_user_agent() == f"Nashra/{nashra.__version__}"
    agent = make_user_agent("https://news.example/about-our-bot")
    assert agent == f"Nashra/{nashra.__version__} (+https://news.example/about-our-bot)"
    assert FetchPolicy().user_agent.startswith("Nashra/")
