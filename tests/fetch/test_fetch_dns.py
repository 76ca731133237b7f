"""The guard sits in the connect path: it checks the very addresses a name resolves to *now*.

A scripted resolver stands in for DNS (answers chosen per call); the connections are real, to
origins on 127.0.0.1 / 127.0.0.2, through an httpcore pool using the guarded backend.
"""

from __future__ import annotations

import asyncio
import ipaddress

import httpcore
import pytest

from nashra.errors import BlockedURL
from nashra.fetch._guard import GuardedBackend, IPAddress, parse_networks
from tests.fetch.hostile_server import HostileServer

ALLOW = parse_networks(["127.0.0.2/32"])


def scripted(*answers: list[str]):
    calls = iter(answers)

    async def resolver(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address(a) for a in next(calls)]

    return resolver


async def _get(pool: httpcore.AsyncConnectionPool, port: int) -> int:
    response = await pool.request("GET", f"http://news.example:{port}/ok")
    return response.status


def test_mixed_public_and_private_answer_is_refused() -> None:
    with HostileServer("127.0.0.1") as inside:

        async def go() -> None:
            backend = GuardedBackend(ALLOW, scripted(["127.0.0.2", "127.0.0.1"]))
            async with httpcore.AsyncConnectionPool(network_backend=backend) as pool:
                await _get(pool, inside.port)

        with pytest.raises(BlockedURL):
            asyncio.run(go())
        assert inside.connections == 0


def test_rebinding_between_connections_is_caught_at_the_second_connect() -> None:
    with HostileServer("127.0.0.2") as public, HostileServer("127.0.0.1", port=0) as inside:
        inside_port = inside.port

        async def go() -> tuple[int, BaseException | None]:
            backend = GuardedBackend(ALLOW, scripted(["127.0.0.2"], ["127.0.0.1"]))
            async with httpcore.AsyncConnectionPool(network_backend=backend) as pool:
                first = await _get(pool, public.port)  # the server closes: a new connect next
                try:
                    await _get(pool, inside_port)
                except BlockedURL as exc:
                    return first, exc
                return first, None

        first, second = asyncio.run(go())
        assert first == 200
        assert isinstance(second, BlockedURL)
        assert len(public.seen("/ok")) == 1
        assert inside.connections == 0


def test_the_connection_goes_to_the_checked_address() -> None:
    """The name is never resolved again by the socket layer: the checked IP is dialled."""
    with HostileServer("127.0.0.2") as public:

        async def go() -> int:
            backend = GuardedBackend(ALLOW, scripted(["127.0.0.2"]))
            async with httpcore.AsyncConnectionPool(network_backend=backend) as pool:
                return await _get(pool, public.port)

        assert asyncio.run(go()) == 200  # "news.example" does not resolve on this machine
        assert public.seen("/ok")[0].headers["host"].startswith("news.example")
