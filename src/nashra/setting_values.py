"""The value parsers of the settings table (``nashra.settings``): each takes what TOML, the
environment or the command line gave and returns the checked value, or raises ``ConfigError``
with a one-line message that the loader completes with where the value came from.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def as_text(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("يجب أن تكون نصًا — must be a string")
    return v


def as_number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise ValueError("يجب أن تكون عددًا — must be a number")
    try:
        out = float(v)
    except ValueError:
        raise ValueError(f"يجب أن تكون عددًا — must be a number, not {v!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"يجب أن تكون عددًا محدودًا — must be a finite number, not {v!r}")
    return out


def as_whole(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int | str):
        raise ValueError("يجب أن تكون عددًا صحيحًا — must be an integer")
    try:
        return int(v)
    except ValueError:
        raise ValueError(f"يجب أن تكون عددًا صحيحًا — must be an integer, not {v!r}") from None


def between(
    parse: Callable[[Any], float], low: float, high: float, *, open_low: bool = False
) -> Callable[[Any], Any]:
    """``parse`` then a range check: ``low ≤ v ≤ high`` (``low < v`` with ``open_low``)."""

    def check(v: Any) -> Any:
        out = parse(v)
        if out < low or (open_low and out == low) or out > high:
            sign = "<" if open_low else "≤"
            raise ValueError(
                f"خارج المدى المسموح {low:g} {sign} القيمة ≤ {high:g} — out of range: {out!r}"
            )
        return out

    return check


def zone(v: Any) -> str:
    name = as_text(v).strip()
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"منطقة زمنية غير معروفة: {name!r} — unknown time zone (e.g. Asia/Baghdad)"
            ) from None
    return name


def web_url(v: Any) -> str:
    text = as_text(v).strip()
    if text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(f"رابط http(s) غير صالح: {text!r} — not an http(s) URL")
    return text


ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_name(v: Any) -> str:
    name = as_text(v)
    if not ENV_NAME.fullmatch(name):
        raise ValueError(f"اسم متغير بيئة غير صالح: {name!r} — not an environment variable name")
    return name


def db_url(v: Any) -> str:
    url = as_text(v).strip()
    try:
        import sqlalchemy as sa

        parsed = sa.engine.make_url(url)
    except Exception:
        raise ValueError(f"رابط قاعدة بيانات غير صالح: {url!r} — not a database URL") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"قاعدة بيانات غير مدعومة: {url!r} — use sqlite:/// or postgresql://")
    return url


def story_mode(v: Any) -> str:
    if v not in ("merge", "group"):
        raise ValueError('يجب أن تكون "merge" أو "group" — must be "merge" or "group"')
    return str(v)


def as_flag(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        return v.lower() in {"1", "true", "yes", "on"}
    raise ValueError("يجب أن تكون true أو false — must be true or false")


def networks(v: Any) -> tuple[str, ...]:
    items = v.split(",") if isinstance(v, str) else v
    if not isinstance(items, list | tuple):
        raise ValueError("يجب أن تكون قائمة شبكات — must be a list of networks")
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"شبكة غير صالحة: {item!r} — a network is a string like 10.0.0.0/8")
        net = ipaddress.ip_network(item.strip(), strict=False)
        out.append(str(net))
    return tuple(out)


def opt_text(v: Any) -> str | None:
    return None if v in (None, "") else as_text(v)
