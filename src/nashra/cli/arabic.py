"""Arabic-layer commands: normalize, dates."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime

import typer

from nashra.cli._app import app


@app.command("normalize")
def normalize_cmd() -> None:
    """اطبع صيغة المطابقة لنص الإدخال — print the matching form of stdin, line by line."""
    from nashra.arabic import normalize as _normalize

    for line in sys.stdin:
        sys.stdout.write(_normalize(line) + "\n")


def _published(value: str | None) -> datetime | None:
    if value is None:
        return None
    from nashra.arabic.dates import parse_date

    when = parse_date(value)
    if when is None:
        raise typer.BadParameter(
            f"تاريخ نشر غير مفهوم: {value!r} — not a date (try 2025-10-07T11:53:41+03:00)"
        )
    return when


@app.command("dates")
def dates_cmd(
    published: str | None = typer.Option(
        None,
        "--published",
        help="تاريخ نشر المقال، تُحسب منه التواريخ النسبية — the article's publication date (ISO)",
    ),
) -> None:
    """اطبع التواريخ الواردة في نص الإدخال بصيغة JSON — print the dates in stdin as JSON.

    Each date: its span (start, end) in the input, the text, the ISO value and the precision
    (day, month or year). Relative dates (الماضي، أمس، اليوم الثلاثاء) need --published.
    """
    from nashra.arabic.dates import find_dates

    when = _published(published)
    mentions = find_dates(sys.stdin.read(), when)
    json.dump([asdict(m) for m in mentions], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
