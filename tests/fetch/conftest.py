"""Fixtures for the fetch tests: a hostile origin on 127.0.0.1 and a policy that may reach it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nashra.fetch import FetchPolicy
from tests.fetch.hostile_server import HostileServer

LOOPBACK = ("127.0.0.0/8",)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as origin:
        yield origin


@pytest.fixture
def policy() -> FetchPolicy:
    """Small deadlines and caps so hostile cases end fast; loopback let through the guard."""
    return FetchPolicy(
        feed_deadline=1.5,
        page_deadline=1.5,
        connect_timeout=1.0,
        max_body=1024 * 1024,
        allow_networks=LOOPBACK,
        per_host_delay=0.0,
    )
