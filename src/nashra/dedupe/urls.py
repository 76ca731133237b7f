"""Canonical URLs: one form for the same article wherever it is linked from."""

from __future__ import annotations

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


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no ``www.``/``m.``/``amp.`` host prefix, no tracking
    parameters, no fragment, no trailing ``/amp`` or slash; the remaining query sorted."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _MOBILE_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    for suffix in ("/amp/", "/amp"):
        if path.endswith(suffix):
            path = path[: -len(suffix)] or "/"
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
