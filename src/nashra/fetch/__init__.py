"""The only part of Nashra that touches the network for sources.

    async with Fetcher(FetchPolicy(allow_networks=("127.0.0.0/8",))) as fetcher:
        fetched = await fetcher.get(url, kind="feed", etag=etag, last_modified=last_modified)
    text, encoding = charset.decode(fetched.body, fetched.headers.get("content-type"), "xml")

Every failure is a :class:`nashra.errors.FetchError` subclass whose ``where`` is the URL asked
for; a 304 answer to a conditional request is a :class:`nashra.models.Fetched` with status 304.
"""

from nashra.fetch import charset
from nashra.fetch._client import Fetcher, Kind
from nashra.fetch._guard import is_blocked, parse_networks
from nashra.fetch._policy import FetchPolicy, make_user_agent
from nashra.fetch._transport import GuardedTransport

__all__ = [
    "FetchPolicy",
    "Fetcher",
    "GuardedTransport",
    "Kind",
    "charset",
    "is_blocked",
    "make_user_agent",
    "parse_networks",
]
