"""One instant, one spelling: any timestamp a page, a feed, a sitemap or an API writes, as ISO UTC.

Discovery (sitemap ``lastmod``, feed ``pubDate``, WordPress ``date_gmt``), the ``--since`` option
and the storage writer's ``published_utc`` all compare instants across portals in different zones,
so they all spell them the same way: ``YYYY-MM-DDTHH:MM:SS+00:00``.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.text.httpdate import read_rfc822


def to_utc(value: str | None, default_tz: str | tzinfo = "UTC") -> str | None:
    """ISO 8601 (``2024-05-01T08:30:00+07:00``, ``…Z``, a bare ``2024-05-01``) or RFC 822
    (``Wed, 01 May 2024 01:30:00 GMT``) in; ISO 8601 UTC with seconds out; None when unreadable.

    A timestamp that names no zone is taken to be in ``default_tz`` (a zone name or a tzinfo): UTC
    unless the caller knows better (a portal's own zone for the dates its pages print). Every
    caller agrees on this; a timestamp without a zone is never dropped and never guessed twice."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    moment = _read_iso(text) or read_rfc822(text)
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        zone = _zone(default_tz)
        if zone is None:
            return None
        moment = moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except (OverflowError, ValueError):  # year 1 east of Greenwich, year 9999 west of it
        return None


def _read_iso(text: str) -> datetime | None:
    if not text[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None


def _zone(default_tz: str | tzinfo) -> tzinfo | None:
    if isinstance(default_tz, tzinfo):
        return default_tz
    return _named_zone(default_tz or "UTC")


@lru_cache(maxsize=64)
def _named_zone(name: str) -> tzinfo | None:
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
