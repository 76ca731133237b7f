"""The one place that says what a transport error or an HTTP status means for a send.

Every channel that talks HTTP sends through ``request``; what it raises is one of three answers
to "did the service act on it?", translated httpx-style (``raise … from exc``):

    Reached.NOT_SENT    refused, DNS, connect or pool timeout, the request not fully written,
                        408, a 429 or a 503 that says when to come back     → NotSent/RetryLater
    Reached.MAYBE_SENT  read timeout, reset or disconnect after the request was written, any
                        other 5xx, a reply that cannot be read              → MaybeSent
    Reached.SENT        a reply came back (the channel reads it: ok, or a refusal it understands)

The publisher (``nashra.publish.decide``) then settles a MaybeSent by what the channel declares:
an idempotent channel sends again, a channel that can reconcile checks, the rest are ``unknown``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import httpcore
import httpx

from nashra.errors import (
    BlockedURL,
    ChannelPaused,
    ConnectFailed,
    MaybeSent,
    NotSent,
    PublishError,
    RetryLater,
)
from nashra.schedule import parse_retry_after


class Reached(StrEnum):
    NOT_SENT = "not_sent"
    MAYBE_SENT = "maybe_sent"
    SENT = "sent"


# Before the request was fully written the service cannot have acted on it.
_NOT_SENT: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpcore.ConnectError,
    httpcore.ConnectTimeout,
    httpcore.PoolTimeout,
    httpcore.WriteError,
    httpcore.WriteTimeout,
    ConnectFailed,  # the SSRF guard's DNS lookup failed: nothing went out
)


def reached(exc: BaseException) -> Reached:
    """How far a request that raised ``exc`` got. Anything not known to be early may have landed."""
    if isinstance(exc, _NOT_SENT):
        return Reached.NOT_SENT
    return Reached.MAYBE_SENT


def transport_error(exc: BaseException, *, channel: str) -> PublishError:
    """The publish error for a request that raised ``exc`` (use as ``raise … from exc``)."""
    if isinstance(exc, BlockedURL):
        return ChannelPaused(
            "العنوان خاص أو محجوب بحماية SSRF؛ أضف شبكته إلى fetch.allow_networks"
            f" — the address is refused by the SSRF guard ({exc})",
            channel=channel,
        )
    if reached(exc) is Reached.NOT_SENT:
        return NotSent(f"لم يصل الطلب — the request did not go out: {exc!r}", channel=channel)
    return MaybeSent(f"لا يُعرف إن وصل الطلب — the reply was lost: {exc!r}", channel=channel)


def status_error(resp: httpx.Response, *, channel: str, detail: str = "") -> PublishError | None:
    """The publish error for a status that says nothing about the content (None: read the body).

    429 and a 503 with Retry-After: not acted on, come back then; 408: the server gave up reading;
    other 5xx: the request may have been acted on before the error.
    """
    status = resp.status_code
    what = f"HTTP {status} {detail}".strip()
    retry_after = parse_retry_after(resp.headers.get("retry-after"))
    if status == 429 or (status == 503 and retry_after is not None):
        return RetryLater(what, retry_after=retry_after or 30.0, channel=channel)
    if status == 408:
        return NotSent(what, channel=channel)
    if status >= 500:
        return MaybeSent(f"خطأ في الخادم بعد الإرسال — {what}", channel=channel)
    return None


async def request(
    client: httpx.AsyncClient, method: str, url: str, *, channel: str, **kw: Any
) -> httpx.Response:
    """One HTTP request with every transport error translated (``raise … from exc``)."""
    try:
        return await client.request(method, url, **kw)
    except (httpx.HTTPError, httpcore.NetworkError, httpcore.TimeoutException) as exc:
        raise transport_error(exc, channel=channel) from exc
    except (BlockedURL, ConnectFailed) as exc:
        raise transport_error(exc, channel=channel) from exc


__all__ = ["Reached", "reached", "request", "status_error", "transport_error"]
