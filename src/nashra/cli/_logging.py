"""Logging for the command line: ``--log-level`` and ``--log-format text|json``.

One handler on the root logger, on stderr. ``json`` writes one object per line (``ts``, ``level``,
``logger``, ``msg`` and any structured fields a caller passed as ``extra={"fields": {...}}``), for
journald, Loki or ``jq``. The standard library is enough for that: a dozen lines, no dependency.
Secrets are redacted by ``nashra.logs`` (its filter sits on this handler too).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from nashra.logs import RedactFilter

__all__ = ["LEVELS", "JsonFormatter", "configure", "configured_level"]

LEVELS = ("debug", "info", "warning", "error")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_state: dict[str, Any] = {"level": None}


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``fields`` from ``extra`` are merged in as they are."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update({k: v for k, v in fields.items() if k not in out})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:  # nashra.logs keeps a traceback as redacted text only
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(level: str | None, fmt: str = "text") -> None:
    """Install the one stderr handler. ``level`` None: commands pick their own default."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_nashra", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler._nashra = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactFilter())  # nashra.logs: no secret in a line, text or JSON
    root.addHandler(handler)
    from nashra import logs

    logs.install([handler])  # no secret in any line, text or JSON
    _state["level"] = level
    root.setLevel(getattr(logging, (level or "warning").upper()))


def configured_level(default: str) -> None:
    """A command's own default level, unless ``--log-level`` was given."""
    if _state["level"] is None:
        logging.getLogger().setLevel(getattr(logging, default.upper()))
