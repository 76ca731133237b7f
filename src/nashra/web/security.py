"""Admin login, signed session cookies, CSRF tokens, login throttling and the response headers.

Password hashes are ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` (hashlib.scrypt, no extra
dependency); ``nashra web hash-password`` prints one, and the server reads it from the environment
variable named by the ``web.admin_password_hash_env`` setting. The session cookie is the expiry
time and a random CSRF token, signed with HMAC-SHA256 under a per-process key: restarting the
server logs everyone out, which is the safe default for a one-admin tool.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass

__all__ = [
    "CSP",
    "SECURITY_HEADERS",
    "DeviceCookie",
    "LoginThrottle",
    "Session",
    "SessionSigner",
    "hash_password",
    "verify_password",
]

# No script at all: the pages are server-rendered and the charts are inline SVG.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' https: http:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # "same-origin", not "no-referrer": with no-referrer Chrome sends `Origin: null` on our own
    # form posts, which the same-origin check must refuse. Outlets still get no referrer.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

_N, _R, _P = 2**14, 8, 1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check against a ``hash_password`` string; False when malformed."""
    try:
        algo, n, r, p, salt, digest = stored.strip().split("$")
        if algo != "scrypt":
            return False
        want = _unb64(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
            maxmem=128 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


@dataclass(frozen=True, slots=True)
class Session:
    admin: bool
    csrf: str
    expires: int


class SessionSigner:
    """Signs and reads the session cookie: ``<expires>.<csrf>.<admin>.<mac>``."""

    def __init__(self, key: bytes | None = None, *, max_age: int = 8 * 3600) -> None:
        self.key = key or secrets.token_bytes(32)
        self.max_age = max_age

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode("ascii"), hashlib.sha256).digest())

    def new(self, *, admin: bool, csrf: str | None = None) -> Session:
        return Session(
            admin=admin,
            csrf=csrf or secrets.token_urlsafe(24),
            expires=int(time.time()) + self.max_age,
        )

    def dump(self, s: Session) -> str:
        payload = f"{s.expires}.{s.csrf}.{int(s.admin)}"
        return payload + "." + self._mac(payload)

    def load(self, cookie: str | None) -> Session | None:
        if not cookie or cookie.count(".") != 3:
            return None
        if not cookie.isascii():  # a cookie we signed is ASCII; compare_digest refuses the rest
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        expires, csrf, admin = payload.split(".")
        if not expires.isdigit() or int(expires) < time.time():
            return None
        return Session(admin=admin == "1", csrf=csrf, expires=int(expires))


class LoginThrottle:
    """Failed logins, counted three ways (OWASP's "device cookie" scheme).

    - per client address: at most ``limit`` failures in ``window`` seconds;
    - for the whole site: at most ``site_limit`` failures in ``window`` from every address
      together, so an attacker rotating addresses (or ``X-Forwarded-For`` values) gains nothing;
    - per trusted device: a browser that once logged in holds a signed device cookie, and is
      judged only by its own failures — an attack from elsewhere, even from the admin's own
      address or proxy, never locks the admin out.

    The address is the socket's peer: ``nashra serve`` does not let uvicorn replace it with a
    header (``proxy_headers=False``). Behind a reverse proxy every visitor shares the proxy's
    address; the device cookie is what keeps the admin in then.
    """

    def __init__(self, limit: int = 5, window: float = 300.0, site_limit: int = 20) -> None:
        self.limit = limit
        self.window = window
        self.site_limit = site_limit
        self._fails: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        cutoff = time.monotonic() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        if not q and key != "*":
            self._fails.pop(key, None)  # no memory kept for a quiet address
            return deque()
        return q

    def blocked(self, who: str, device: str | None = None) -> bool:
        if device is not None:
            return len(self._recent("device:" + device)) >= self.limit
        return (
            len(self._recent("addr:" + who)) >= self.limit
            or len(self._recent("*")) >= self.site_limit
        )

    def failed(self, who: str, device: str | None = None) -> None:
        at = time.monotonic()
        key = "device:" + device if device is not None else "addr:" + who
        self._recent(key)
        self._fails.setdefault(key, deque()).append(at)
        if device is None:
            self._fails.setdefault("*", deque()).append(at)
        if len(self._fails) > 10_000:  # a flood of addresses: forget the quiet ones
            for k in [k for k in self._fails if k != "*"]:
                self._recent(k)

    def succeeded(self, who: str, device: str | None = None) -> None:
        self._fails.pop("addr:" + who, None)
        if device is not None:
            self._fails.pop("device:" + device, None)


class DeviceCookie:
    """A browser that logged in once: ``<random id>.<mac>``, signed with a key derived from the
    admin's password hash (it survives a restart and dies with a password change)."""

    name = "nashra_device"
    max_age = 180 * 24 * 3600

    def __init__(self, password_hash: str | None) -> None:
        seed = (password_hash or secrets.token_hex(32)).encode("utf-8")
        self.key = hashlib.sha256(b"nashra-device\0" + seed).digest()

    def _mac(self, ident: str) -> str:
        return _b64(hmac.new(self.key, ident.encode("ascii"), hashlib.sha256).digest())

    def new(self) -> str:
        ident = secrets.token_urlsafe(16)
        return f"{ident}.{self._mac(ident)}"

    def check(self, cookie: str | None) -> str | None:
        """The device id when the cookie is one we signed, else None."""
        if not cookie or not cookie.isascii() or cookie.count(".") != 1:
            return None
        ident, mac = cookie.split(".")
        return ident if hmac.compare_digest(mac, self._mac(ident)) else None
