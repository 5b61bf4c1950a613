"""HTTP-dates (RFC 9110) and the RFC 822 dates of feeds, read leniently."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


def parse_http_date(text: str) -> datetime | None:
    """An aware datetime (UTC when the text names no zone, as RFC 9110 dates mean); None when
    unreadable. ``Retry-After``, ``Last-Modified`` and feed ``pubDate`` all come this way."""
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
