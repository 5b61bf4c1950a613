"""HTTP-dates (RFC 9110) and the RFC 822 dates of feeds, read leniently."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def read_rfc822(text: str) -> datetime | None:
    """An RFC 822 / RFC 9110 date as written: aware when it names a zone, naive when it names none;
    None when unreadable. ``-0000`` (RFC 2822: "the time is UTC, the local zone is unknown") is UTC."""
    text = text.strip()
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None and text.endswith("-0000"):
        return moment.replace(tzinfo=UTC)
    return moment


def parse_http_date(text: str) -> datetime | None:
    """An aware datetime (UTC when the text names no zone, as RFC 9110 dates mean); None when
    unreadable. ``Retry-After``, ``Last-Modified`` and feed ``pubDate`` all come this way."""
    moment = read_rfc822(text) if isinstance(text, str) else None
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
