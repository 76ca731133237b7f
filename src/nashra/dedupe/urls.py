"""Canonical URLs: one form for the same article wherever it is linked from."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; dropped from the canonical form.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "__hs", "_hs")
TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "igshid",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "src",
        "cmpid",
        "ncid",
        "ocid",
        "s_cid",
        "spm",
        "amp",
        "output",
        "outputtype",
        "_ga",
        "at_medium",
        "at_campaign",
        "share",
        "from",
    }
)
_MOBILE_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_DEFAULT_PAGES = ("/index.html", "/index.htm", "/index.php")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, ``https`` for ``http``, no ``www.``/``m.``/``amp.`` host
    prefix, no default port, upper-case percent escapes, no ``/amp`` path prefix or suffix, no
    ``index.html``, no trailing slash, no tracking parameters, no fragment; the remaining query
    sorted."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    stripped = True
    while stripped:  # www.m.example.com → example.com, so that the form is idempotent
        stripped = False
        for prefix in _MOBILE_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                stripped = True
                break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    # %d8%ae and %D8%AE are one character: upper-case every escape.
    path = _PERCENT.sub(lambda m: m.group().upper(), parts.path) or "/"
    path = re.sub("/{2,}", "/", path)
    if path.startswith("/amp/"):
        path = path[4:]
    for suffix in ("/amp/", "/amp", *_DEFAULT_PAGES):
        if path.endswith(suffix):
            path = path[: -len(suffix)] or "/"
            break
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_NAMES
    ]
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def is_web_url(url: str | None) -> bool:
    """Only http(s) URLs with a host may reach an article (no javascript:, file:, data:)."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_root_url(url: str) -> bool:
    """A site's home page (no path, no query): many feeds link every item there."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query
