"""Publication dates: day-first numeric dates by a fast path, everything else through dateparser.

Municipal portals print dates as "Thứ Tư, 22/06/2022 07:10" or "Cập nhật lúc 07:10 ngày
22/06/2022". A regular expression handles these numeric forms (most pages) without dateparser's
cost; dateparser handles words ("22 tháng 6 năm 2022", "2 giờ trước", other languages).
Relative dates count from ``relative_base`` (the crawl time stored with the page), never "now".
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import dateparser

from crawler.text import vocabulary
from crawler.text.fold import fold
from crawler.text.utc import to_utc

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?!\d)", re.IGNORECASE)
_SHORT_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2}")  # day.month.yy (German, Norwegian date lines)


class DateText(str):
    """An ISO 8601 date-time that knows how much of it the text stated: ``precision`` "minute" (a
    time of day) or "day" (a date alone, stored at midnight). Extraction reads the precision and
    stores plain strings (``Record.published_precision``)."""

    __slots__ = ("precision",)

    def __new__(cls, value: str, precision: str = "minute") -> DateText:
        text = super().__new__(cls, value)
        text.precision = precision
        return text

    def __reduce__(self):
        return (DateText, (str(self), self.precision))


def precision_of(value: str | None) -> str | None:
    """"minute" or "day" for a parsed date (see DateText); None for no date."""
    if not value:
        return None
    return getattr(value, "precision", None) or "minute"


def to_iso(moment: datetime) -> str:
    """ISO 8601 with seconds and offset, the form stored in the database."""
    return moment.isoformat(timespec="seconds")


# The same instant in UTC, for sorting across portals in different time zones: the toolkit's one
# "to UTC" under the name the storage writer imports (a stored date always carries its offset).
to_utc_iso = to_utc


def parse_date(
    text: str | None,
    languages: tuple[str, ...] = ("vi",),
    tz: str = "Asia/Ho_Chi_Minh",
    date_order: str = "DMY",
    relative_base: str | None = None,
) -> str | None:
    """Parse the date in a short date line; return ISO 8601 in the portal's time zone, or None."""
    if not text:
        return None
    text = fold(text)[:200]
    if not text:
        return None
    numeric = _parse_numbers(text, tz, date_order)
    if numeric != NOT_NUMERIC:
        return numeric
    return _parse_words_cached(text, tuple(languages), tz, date_order, relative_base)


# Both caches are bounded: a date line is mostly unique to its page, so what they save is the
# repeats within a page (the profile, structured and generic layers read the same line) and
# across a site (a portal's "22 tháng 6 năm 2022" on many pages), not a memory of every page.
# The numeric cache leaves ``relative_base`` (the crawl time, a new value every second) out of its
# key, as numeric dates never depend on it: keyed by it, one cache of 65,536 entries kept about
# one entry per date line read, and grew through a 20,000-page crawl (benchmarks/crawl.py).
CACHE_SIZE = 4096
NOT_NUMERIC = ""  # _parse_numbers found no ISO or numeric date: ask dateparser


@lru_cache(maxsize=CACHE_SIZE)
def _parse_numbers(text: str, tz: str, date_order: str) -> str | None:
    """ISO timestamps and day-first numeric dates; NOT_NUMERIC when the text holds neither."""
    zone = ZoneInfo(tz)
    moment, precision = _parse_iso(text, zone), "minute"
    if moment is not None and _ISO_DAY_ONLY.match(text.strip()):
        precision = "day"
    if moment is None:
        moment = _parse_numeric(text, zone, date_order)
        precision = "minute" if _TIME.search(_without_date(text)) else "day"
    if moment is None:
        return NOT_NUMERIC
    return _in_range(moment, precision)


@lru_cache(maxsize=CACHE_SIZE)
def _parse_words_cached(
    text: str, languages: tuple[str, ...], tz: str, date_order: str, relative_base: str | None
) -> str | None:
    moment = _parse_words(text, languages, ZoneInfo(tz), date_order, relative_base)
    precision = "minute" if _TIME.search(text) or _looks_relative(text) else "day"
    return None if moment is None else _in_range(moment, precision)


# A machine-readable date with no time of day ("2025-06-12", "2025-06-12T" never occurs).
_ISO_DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _without_date(text: str) -> str:
    """The text around its numeric date: where a time of day would be."""
    match = _NUMERIC_DATE.search(text)
    return text if match is None else text[: match.start()] + " " + text[match.end():]


def _in_range(moment: datetime, precision: str = "minute") -> str | None:
    """ISO 8601 (a DateText with its precision), or None for a year no news page was published
    in (a misread number)."""
    return DateText(to_iso(moment), precision) if 1990 <= moment.year <= 2100 else None


def _parse_iso(text: str, zone: ZoneInfo) -> datetime | None:
    """Machine-readable timestamps (meta tags, JSON-LD) keep their own offset."""
    candidate = text.strip().replace("Z", "+00:00") if text.strip().endswith("Z") else text.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", candidate):
        return None
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _parse_numeric(text: str, zone: ZoneInfo, date_order: str) -> datetime | None:
    match = _NUMERIC_DATE.search(text)
    if not match:
        return None
    a, b, c = (int(g) for g in match.groups())
    if len(match.group(1)) == 4:
        year, month, day = a, b, c
    elif len(match.group(3)) == 4 or _SHORT_YEAR.fullmatch(match.group(0)):
        year = c if c >= 100 else 2000 + c  # "25.04.24": a two-digit year only in the dotted form
        day, month = (b, a) if date_order.startswith("M") else (a, b)
        if month > 12 and day <= 12:
            day, month = month, day
    else:
        return None
    hour = minute = second = 0
    rest = text[: match.start()] + " " + text[match.end() :]
    time_match = _TIME.search(rest)
    if c < 100 and time_match is None:
        return None  # "1.2.34" alone is a version number; "25.04.24 | 14:07" is a time stamp
    if time_match:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        if hour < 12 and vocabulary.PM_WORDS.search(rest):
            hour += 12
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _parse_words(
    text: str, languages: tuple[str, ...], zone: ZoneInfo, date_order: str, relative_base: str | None
) -> datetime | None:
    settings: dict[str, object] = {
        "DATE_ORDER": date_order,
        "TIMEZONE": zone.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day", "month", "year"] if not _looks_relative(text) else [],
    }
    if relative_base:
        base = datetime.fromisoformat(relative_base)
        if base.tzinfo is not None:
            base = base.astimezone(zone).replace(tzinfo=None)
        settings["RELATIVE_BASE"] = base
    try:
        moment = dateparser.parse(text, languages=list(languages or UNKNOWN_PAGE_LANGUAGES), settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a date line is optional
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


# A page that declares no language: try the languages news sites most often write dates in,
# instead of dateparser's detection over all its ~200 locales (seconds of regex compiling per
# process, for a date line that is optional anyway).
UNKNOWN_PAGE_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "vi")


def _looks_relative(text: str) -> bool:
    return bool(vocabulary.RELATIVE_DATE_WORDS.search(text))


# A source's "changed" date this close to the publication is the publication itself (WordPress
# gives ``modified_gmt`` equal to ``date_gmt`` for a post never edited).
MIN_EDIT_SECONDS = 60


def listed_modified(record: Any, lastmod: str | None, tz: str) -> None:
    """``record.modified`` from what discovery said (the REST API's ``modified_gmt``, a sitemap's
    ``lastmod``, ISO UTC), in the portal's zone, when the page itself says nothing and the date
    is later than the publication (stock WordPress themes print no modification date at all), or
    says only the day (``modified_precision = "day"``) and the source's time falls on that day."""
    if not lastmod or not record.published:
        return
    try:
        changed = datetime.fromisoformat(lastmod.replace("Z", "+00:00"))
        published = datetime.fromisoformat(record.published)
    except ValueError:
        return
    if changed.tzinfo is None or published.tzinfo is None:
        return
    local = changed.astimezone(ZoneInfo(tz))
    if record.modified and (record.modified_precision != "day" or record.modified[:10] != local.date().isoformat()):
        return
    if record.modified or (changed - published).total_seconds() >= MIN_EDIT_SECONDS:
        record.modified, record.modified_precision = to_iso(local), "minute"
        record.layers["modified"] = "discovery"


# --- the last date layer: htmldate ----------------------------------------------------------------

# htmldate (trafilatura's date library) runs after the profile, structured data and the generic
# date line found nothing: it reads the URL, the head, <time>/<abbr> elements and date-classed
# nodes, and gives a day. Its free-text search over the whole page (``extensive_search``) is left
# off: on WCXB's dated articles that none of our layers dated it added 17 right days for 11 wrong
# ones, and no date is better than a wrong one (benchmarks/wcxb.py prints wrong and missing apart).
HTMLDATE_EXTENSIVE = False


def htmldate_published(tree: Any, ctx: Any) -> str | None:
    """The page's publication day by htmldate, at midnight in the page's zone; None when it finds
    none. Never later than the crawl (htmldate's own bound is today)."""
    try:
        from htmldate import find_date
        from lxml import etree
    except ImportError:  # pragma: no cover - htmldate is a dependency
        return None
    max_date = (ctx.crawl_time or "")[:10] or None
    try:
        html = etree.tostring(tree, encoding="unicode", method="html")
        day = find_date(html, url=ctx.url, original_date=True, extensive_search=HTMLDATE_EXTENSIVE,
                        max_date=max_date)
    except Exception:  # htmldate raises assorted errors on odd pages; a date layer is optional
        return None
    if not day:
        return None
    return parse_date(day, ctx.languages or ("en",), ctx.timezone, ctx.date_order)


def listed_published(record: Any, published: str | None, tz: str) -> None:
    """``record.published`` from what discovery said (a feed's ``pubDate``/``dc:date``, the REST
    API's ``date_gmt``, a news sitemap's publication date; ISO UTC), in the portal's zone, when it
    is more precise than the page: the page gives no date at all, or only the day
    (``published_precision = "day"``) and the source's time falls on that same day there."""
    if not published:
        return
    try:
        listed = datetime.fromisoformat(published.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))
    except (ValueError, KeyError):
        return
    if record.published and record.published_precision != "day":
        return
    if record.published and record.published[:10] != listed.date().isoformat():
        return  # another day: the page's own date stands
    record.published, record.published_precision = to_iso(listed), "minute"
    record.layers["published"] = "discovery"
