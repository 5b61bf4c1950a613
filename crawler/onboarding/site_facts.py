"""A site's language, timezone and date order, for the draft's ``[family]`` table.

The site's own settings win when it states them (WordPress's ``/wp-json/`` answers
``timezone_string`` and ``gmt_offset``); otherwise the pages tell: ``<html lang>``, ``og:locale``
or ``Content-Language`` for the language, and the UTC offset most of its dates carry
(``article:published_time``, ``<time datetime>``, JSON-LD, feed dates) for the timezone. A wrong
zone shifts every date of a portal by hours, so a guess from the language alone is the last resort.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lxml.html

from crawler.extraction import DEFAULT_ZONE_BY_LANGUAGE

DEFAULT_LANGUAGE = "vi"
# Languages whose dates are usually written year first, or month first (US English).
YEAR_FIRST = frozenset({"zh", "ja", "ko", "hu", "lt", "mn"})
OFFSET = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)\b")
RFC822_OFFSET = re.compile(rb"\d\d:\d\d:\d\d ([+-]\d{4})\b")


@dataclass(frozen=True)
class SiteFacts:
    language: str
    timezone: str
    date_order: str
    basis: str  # where they came from, for the probe's "found" line


def wp_settings(body: bytes) -> dict | None:
    """``timezone_string`` and ``gmt_offset`` of a WordPress ``/wp-json/`` index; None otherwise."""
    try:
        index = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(index, dict) or not ({"timezone_string", "gmt_offset"} & index.keys()):
        return None
    return {k: index.get(k) for k in ("timezone_string", "gmt_offset", "language")}


def infer(tree: lxml.html.HtmlElement | None, texts: list[tuple[str, bytes]], wp: dict | None) -> SiteFacts:
    language, language_basis = page_language(tree)
    language = (wp or {}).get("language") or language
    zone, zone_basis = _zone_from_wp(wp) if wp else (None, "")
    if zone is None:
        zone, zone_basis = zone_from_offsets(texts, language)
    basis = f"language from {language_basis}, timezone from {zone_basis}"
    return SiteFacts(language, zone, date_order(language, tree), basis)


def page_language(tree: lxml.html.HtmlElement | None) -> tuple[str, str]:
    """The primary language subtag the page declares, and where it said so."""
    if tree is not None:
        declared = [("html lang", tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")),
                    ("og:locale", _meta(tree, "property", "og:locale")),
                    ("Content-Language", _meta(tree, "http-equiv", "content-language"))]
        for basis, value in declared:
            code = re.split(r"[-_]", (value or "").strip().lower())[0]
            if re.fullmatch(r"[a-z]{2,3}", code):
                return code, basis
    return DEFAULT_LANGUAGE, "nothing on the page (default)"


def locale_region(tree: lxml.html.HtmlElement | None) -> str:
    if tree is None:
        return ""
    value = tree.get("lang") or _meta(tree, "property", "og:locale") or ""
    parts = re.split(r"[-_]", value.strip().upper())
    return parts[1] if len(parts) > 1 else ""


def date_order(language: str, tree: lxml.html.HtmlElement | None = None) -> str:
    if language in YEAR_FIRST:
        return "YMD"
    if language == "en" and locale_region(tree) in ("", "US"):
        return "MDY"
    return "DMY"


def _zone_from_wp(wp: dict) -> tuple[str | None, str]:
    name = wp.get("timezone_string")
    if isinstance(name, str) and name and _valid_zone(name):
        return name, "/wp-json/ timezone_string"
    try:
        hours = float(wp.get("gmt_offset"))
    except (TypeError, ValueError):
        return None, ""
    return zone_for_offset(timedelta(hours=hours), None), "/wp-json/ gmt_offset"


def zone_from_offsets(texts: list[tuple[str, bytes]], language: str) -> tuple[str, str]:
    """The zone of the UTC offset most dates carry (ties: a non-zero one). A feed or sitemap is
    written by machine, often in UTC whatever the site's zone: there only a non-zero offset counts."""
    offsets: Counter = Counter()
    for kind, text in texts:
        found = [m.group(1) for pattern in (OFFSET, RFC822_OFFSET) for m in pattern.finditer(text or b"")]
        for offset in map(_offset, (f.decode() for f in found)):
            if kind == "page" or offset != timedelta(0):
                offsets[offset] += 1
    if offsets:
        best = max(offsets.items(), key=lambda item: (item[1], item[0] != timedelta(0)))[0]
        return zone_for_offset(best, language), f"the offset {_show(best)} of {offsets[best]} dates on its pages"
    zone = DEFAULT_ZONE_BY_LANGUAGE.get(language, "UTC")
    return zone, "the language (no dated page said; check it)"


def zone_for_offset(offset: timedelta, language: str | None) -> str:
    """The language's usual zone when it has this offset now, else a fixed-offset zone."""
    usual = DEFAULT_ZONE_BY_LANGUAGE.get(language or "")
    if usual and datetime.now(ZoneInfo(usual)).utcoffset() == offset:
        return usual
    if offset == timedelta(0):
        return "UTC"
    hours, rest = divmod(offset.total_seconds(), 3600)
    if rest:
        return usual or "UTC"
    name = f"Etc/GMT{-int(hours):+d}"  # POSIX sign: Etc/GMT-7 is UTC+7
    return name if _valid_zone(name) else "UTC"


def generator(body: bytes) -> str:
    """The page's ``<meta name="generator">`` (which CMS made it), or ""."""
    match = re.search(rb'<meta[^>]+name=["\']generator["\'][^>]*>', body or b"", re.IGNORECASE)
    if not match:
        return ""
    content = re.search(rb'content=["\']([^"\']*)', match.group(0), re.IGNORECASE)
    return content.group(1).decode("utf-8", "replace") if content else ""


def _meta(tree: lxml.html.HtmlElement, attribute: str, value: str) -> str | None:
    for meta in tree.xpath(f"//meta[@{attribute}]"):
        if (meta.get(attribute) or "").lower() == value:
            return meta.get("content")
    return None


def _offset(text: str) -> timedelta:
    if text == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))


def _show(offset: timedelta) -> str:
    return datetime.now(timezone(offset)).strftime("%z")


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
