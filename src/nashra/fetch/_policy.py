"""The knobs of the fetch stage, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass, field

from nashra import __version__

MIB = 1024 * 1024


def make_user_agent(contact_url: str | None = None) -> str:
    """``Nashra/<version> (+<contact>)``: names the bot and where to reach whoever runs it."""
    base = f"Nashra/{__version__}"
    return f"{base} (+{contact_url})" if contact_url else base


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits and manners for every request Nashra sends to a source.

    Deadlines are *total*: connect, TLS, headers, every redirect hop and the last body byte.
    ``allow_networks`` lists CIDRs let through the SSRF guard (``"127.0.0.0/8"`` for tests and the
    demo); everything non-public is refused otherwise.
    """

    feed_deadline: float = 20.0
    page_deadline: float = 30.0
    connect_timeout: float = 10.0
    max_body: int = 15 * MIB  # decoded bytes
    max_redirects: int = 5
    allow_networks: tuple[str, ...] = ()
    user_agent: str = field(default_factory=make_user_agent)
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between page fetches on one host
    obey_robots: bool = True
    max_connections: int = 100  # all hosts together; requests beyond it wait before the deadline
    robots_ttl: float = 24 * 3600.0
    robots_max_body: int = 500 * 1024

    def deadline(self, kind: str) -> float:
        return self.page_deadline if kind == "page" else self.feed_deadline
