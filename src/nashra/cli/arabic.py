"""Arabic-layer commands: normalize, dates."""

from __future__ import annotations

import sys

from nashra.arabic import normalize as _normalize
from nashra.cli._app import app


@app.command("normalize")
def normalize_cmd() -> None:
    """اطبع صيغة المطابقة لنص الإدخال — print the matching form of stdin."""
    for line in sys.stdin:
        sys.stdout.write(_normalize(line) + "\n")
