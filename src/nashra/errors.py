"""One exception tree for Nashra, and drops kept apart from errors.

    NashraError                      code            something to fix or to retry
    ├── ConfigError                  config
    ├── FetchError                   fetch           the network stage (nashra.fetch)
    │   ├── BlockedURL               fetch.blocked   SSRF guard: scheme or resolved address refused
    │   ├── FetchTimeout             fetch.timeout   the total deadline ran out
    │   ├── BodyTooLarge             fetch.too_large the decoded body passed the cap
    │   ├── TooManyRedirects         fetch.redirects
    │   ├── HTTPStatus               fetch.status    4xx / 5xx (status, retry_after)
    │   ├── ConnectFailed            fetch.connect   refused, reset, DNS, TLS
    │   ├── UnexpectedContent        fetch.content   not a page (image, PDF...), bad encoding
    │   └── RobotsDisallowed         fetch.robots
    ├── ParseError                   parse           a feed / sitemap / page that cannot be read
    ├── ExtractError                 extract         a page with no article in it
    ├── StoreError                   store
    └── PublishError                 publish         a channel adapter's failure (``channel``)
        ├── NotSent                  publish.not_sent nothing reached the service: send again
        │   └── RetryLater           publish.retry   ... after ``retry_after`` seconds (a 429)
        ├── MaybeSent                publish.maybe_sent the request may have landed (reply lost,
        │                                            5xx after sending): settled by the channel's
        │                                            idempotency or reconcile, else ``unknown``
        ├── ContentRejected          publish.content the service refused this post's content
        └── ChannelPaused            publish.paused  no posts until a person acts

    Rejected                         drop.<reason>   not an error: an item deliberately not taken
                                                     (duplicate, no link, no title, filtered, ...)

Library exceptions are translated into this tree at the adapter boundary with ``raise … from``.
Every class carries a stable ``code``; messages (Arabic first) are in ``nashra.messages``.
"""

from __future__ import annotations


class NashraError(Exception):
    code = "error"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where  # a URL, a source or a channel name: where it happened

    def __str__(self) -> str:
        return f"{self.message} ({self.where})" if self.where else self.message


class ConfigError(NashraError):
    code = "config"


class FetchError(NashraError):
    code = "fetch"


class BlockedURL(FetchError):
    code = "fetch.blocked"


class FetchTimeout(FetchError):
    code = "fetch.timeout"


class BodyTooLarge(FetchError):
    code = "fetch.too_large"


class TooManyRedirects(FetchError):
    code = "fetch.redirects"


class HTTPStatus(FetchError):
    code = "fetch.status"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        where: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, where=where)
        self.status = status
        self.retry_after = retry_after


class ConnectFailed(FetchError):
    code = "fetch.connect"


class UnexpectedContent(FetchError):
    code = "fetch.content"


class RobotsDisallowed(FetchError):
    code = "fetch.robots"


class ParseError(NashraError):
    code = "parse"


class ExtractError(NashraError):
    code = "extract"


class StoreError(NashraError):
    code = "store"


class PublishError(NashraError):
    code = "publish"

    def __init__(self, message: str, *, channel: str | None = None, where: str | None = None):
        super().__init__(message, where=where or channel)
        self.channel = channel


class NotSent(PublishError):
    """The request never reached the service (refused, DNS, not fully written): send again."""

    code = "publish.not_sent"


class RetryLater(NotSent):
    code = "publish.retry"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        channel: str | None = None,
        whole_bot: bool = False,
    ) -> None:
        super().__init__(message, channel=channel)
        self.retry_after = retry_after
        self.whole_bot = whole_bot  # a 429 pauses every send through the same credentials


class ContentRejected(PublishError):
    code = "publish.content"


class ChannelPaused(PublishError):
    code = "publish.paused"


class MaybeSent(PublishError):
    """The request may have been acted on and the reply is lost (read timeout, reset, 5xx)."""

    code = "publish.maybe_sent"


class Rejected(Exception):
    """An item deliberately not taken. Counted per reason; never logged as a failure."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def code(self) -> str:
        return f"drop.{self.reason}"
