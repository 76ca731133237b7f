"""Secrets never reach a log line: one redaction rule for every logger (ours, httpx, uvicorn).

``install()`` wraps the standard library's log-record factory, so every record made anywhere in
the process, at any level, already carries a redacted message, redacted arguments and a redacted
traceback before any handler or formatter sees it, whatever formatter is configured later (text,
JSON, pytest's capture). ``RedactFilter`` does the same for a handler that should not rely on the
factory (a handler a library installs before ``install()`` runs); ``redact()`` is the rule itself,
for anything that writes text by other means.

What is redacted:

- a Telegram bot token in a Bot API URL (``/bot123456:ABC…/sendPhoto`` → ``/bot***/sendPhoto``)
  and anything shaped like one elsewhere (``123456789:AA…``, 30+ characters);
- the password of a URL's user-info (``https://user:secret@host`` → ``https://user:***@host``);
- ``Authorization:`` / ``Bearer`` / ``Basic`` credentials and query parameters named like a
  secret (``token``, ``password``, ``secret``, ``key``, ``signature``, ``sig``, ``auth``);
- every value registered with ``register_secret`` — the settings loader registers the value of
  each environment variable a channel names in a ``*_env`` key (``token_env``, ``password_env``,
  ``secret_env``) and the admin password hash, so a secret of any shape is caught.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any

__all__ = ["MASK", "RedactFilter", "install", "redact", "register_secret", "secrets_known"]

MASK = "***"
_MIN_SECRET = 6  # shorter values ("1", "yes") would mask ordinary words

_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    # /bot<token>/method in Bot API URLs: whatever the token looks like.
    (re.compile(r"(/bot)[^/\s?#\"']+"), r"\1" + MASK),
    # A bare Telegram token (digits, a colon, 30+ URL-safe characters).
    (re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"), MASK),
    # https://user:password@host
    (re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@"), r"\1" + MASK + "@"),
    # Authorization headers and bearer/basic credentials.
    (re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?)[^\s,\"'}]+(\s+[^\s,\"'}]+)?"), None),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    # ?token=…&password=… (and JSON-ish "token": "…")
    (
        re.compile(
            r"(?i)(\b(?:access_token|api_key|apikey|auth|key|password|passwd|secret|sig|"
            r"signature|token)[\"']?\s*[=:]\s*[\"']?)[^&\s\"',}]+"
        ),
        r"\1" + MASK,
    ),
)

_lock = threading.Lock()
_secrets: set[str] = set()
_secret_re: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Mask this exact value in every later log line (too short a value is ignored)."""
    global _secret_re
    if not value or len(value.strip()) < _MIN_SECRET:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_re = re.compile("|".join(re.escape(s) for s in ordered))


def secrets_known() -> int:
    return len(_secrets)


def _auth_header(m: re.Match[str]) -> str:
    return m.group(1) + MASK


def redact(text: str) -> str:
    """``text`` with every secret masked (see the module docstring for the rule)."""
    if not text:
        return text
    found = _secret_re
    if found is not None:
        text = found.sub(MASK, text)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(_auth_header if repl is None else repl, text)
    return text


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, "_nashra_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what there is, as text
        message = f"{record.msg!r} % {record.args!r}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact(text)
        # The traceback is kept as redacted text only: a formatter that would format the
        # exception again (and print the secret inside its message) finds none to format.
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._nashra_redacted = True


class RedactFilter(logging.Filter):
    """A handler filter that redacts each record before it is formatted (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_installed: dict[str, Any] = {}


def install(handlers: Iterable[logging.Handler] = ()) -> None:
    """Redact every log record of this process from now on (idempotent).

    Also puts a ``RedactFilter`` on the root logger's handlers, the handlers given, and the
    last-resort handler, for records made by a factory installed after this one.
    """
    with _lock:
        if "factory" not in _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _redact_record(record)
                return record

            _installed["factory"] = factory
            logging.setLogRecordFactory(factory)
    targets = [*logging.getLogger().handlers, *handlers]
    if logging.lastResort is not None:
        targets.append(logging.lastResort)
    for handler in targets:
        if not any(isinstance(f, RedactFilter) for f in handler.filters):
            handler.addFilter(RedactFilter())
