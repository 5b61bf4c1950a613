"""Fuzz targets: one function per target taking raw bytes; each raises ``InvariantError`` (or any
other exception, which counts as a crash) when the code under test misbehaves.

The same functions serve three drivers: atheris (coverage-guided, ``fuzz/run.py``), the replay of
saved crashes in ``fuzz/regressions/<target>/`` (every crash found becomes a file there and is
replayed by ``tests/test_fuzz_targets.py``), and hypothesis in ``tests/test_fuzz_urls_dates.py``.

Invariants ("output always valid for the schema"):
- extract: ``extract_page`` either raises ``NotHTML`` or returns a ``Record`` whose fields have the
  types the ``articles`` table expects, NFC text, ISO dates with an offset, http(s) image URLs.
- dates: ``parse_date`` never raises; it returns None or ISO 8601 with an offset, year 1990-2100,
  that parses back to the same instant.
- urls: ``canonicalize``/``url_key`` raise only ``ValueError``; their output is ASCII, has no
  fragment, is idempotent; ``resolve_canonical`` on a valid page URL never raises.
- discovery: the sitemap reader (plain and gzipped), the feed reader and the WordPress REST reader
  never raise on any body; they return ``Link``s with a string URL and dates that are None or
  ISO 8601 UTC; the sitemap reader names a ``problem`` whenever it read no sitemap.
"""

from __future__ import annotations

import gzip
import unicodedata
from datetime import datetime

from crawler.extraction import NotHTML, extract_page
from crawler.extraction.dates import parse_date
from crawler.extraction.record import Record
from crawler.registry import load_registry
from crawler.dedup.urls import canonicalize, resolve_canonical, url_key
from crawler.items import Link
from spiders.sources.parsers import SitemapReader, feed_links, wpjson_page

PAGE_URL = "http://127.0.0.1:8765/bai-viet-thu-nghiem.html"
CRAWL_TIME = "2024-06-22T07:10:00+00:00"
LAYERS = {"profile", "family", "structured", "generic", "htmldate"}  # crawler/extraction: the layers a record names
ZONES = ("Asia/Ho_Chi_Minh", "UTC", "Europe/Berlin", "America/New_York")
# No empty tuple: without languages dateparser tries every locale (~50 ms a call), which would
# cut the inputs CI can afford tenfold; tests/test_fuzz_urls_dates.py covers that case.
LANGUAGES = (("vi",), ("en",), ("vi", "en"))


class InvariantError(AssertionError):
    """The code under test returned something the schema does not allow."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantError(message)


_PROFILE = None


def profile():
    global _PROFILE
    if _PROFILE is None:
        _PROFILE = load_registry().get("replica-city")
    return _PROFILE


# --- extraction ---------------------------------------------------------------------------------
def target_extract(data: bytes) -> None:
    use_profile = bool(data[:1]) and data[0] % 2 == 0
    try:
        record = extract_page(data, PAGE_URL, profile() if use_profile else None, crawl_time=CRAWL_TIME)
    except NotHTML:
        return
    check_record(record)


def check_record(record: Record) -> None:
    for name in ("title", "source", "language"):
        value = getattr(record, name)
        check(value is None or (isinstance(value, str) and _nfc(value)), f"{name}={value!r}")
    for name in ("published", "modified"):
        check_iso(getattr(record, name), name)
    check(isinstance(record.authors, list) and all(isinstance(a, str) and a.strip() and _nfc(a) for a in record.authors),
          f"authors={record.authors!r}")
    check(isinstance(record.body, list) and all(isinstance(p, str) and _nfc(p) for p in record.body), "body not NFC strings")
    for image in record.images:
        check(isinstance(image.url, str) and image.url.startswith(("http://", "https://")), f"image url {image.url!r}")
        check(image.caption is None or (isinstance(image.caption, str) and _nfc(image.caption)), "caption")
    check(set(record.layers.values()) <= LAYERS, f"layers {record.layers!r}")
    check(isinstance(record.is_article(), bool), "is_article")


def _nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def check_iso(value: str | None, name: str = "date") -> None:
    if value is None:
        return
    check(isinstance(value, str), f"{name} not a string: {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise InvariantError(f"{name}={value!r} is not ISO 8601: {error}") from None
    check(moment.tzinfo is not None, f"{name}={value!r} has no offset")
    check(1990 <= moment.year <= 2100, f"{name}={value!r} out of range")


# --- dates --------------------------------------------------------------------------------------
def target_dates(data: bytes) -> None:
    selector, text = data[:1], data[1:].decode("utf-8", errors="replace")
    choice = selector[0] if selector else 0
    languages, zone = LANGUAGES[choice % len(LANGUAGES)], ZONES[(choice // 4) % len(ZONES)]
    order = "MDY" if choice & 0x80 else "DMY"
    check_date(text, languages, zone, order)


def check_date(text: str, languages: tuple[str, ...], zone: str, order: str) -> None:
    result = parse_date(text, languages, zone, order, relative_base=CRAWL_TIME)
    check_iso(result)
    if result is not None:
        again = parse_date(result, languages, zone, order)
        check(again is not None and datetime.fromisoformat(again) == datetime.fromisoformat(result),
              f"{text!r} -> {result!r} does not parse back ({again!r})")


# --- URLs ---------------------------------------------------------------------------------------
def target_urls(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    href, _, url = text.partition("\n")
    check_url(url or href)
    check_canonical_link(href)


# Open bugs found by fuzzing and reported to the owner of crawler/dedup/urls.py, with a regression file
# each (replayed as an expected failure until fixed); CI fuzzing skips what they cover so it keeps
# exploring the rest. Empty this when they are fixed.
KNOWN_URL_ISSUES: dict = {
    # Inputs a known, still-open bug applies to: skipped by the fuzzer so it keeps finding new
    # ones. Empty: the last one (dot segments with ";" params, not idempotent) is fixed.
}


def known_url_issue(url: str) -> str | None:
    return next((name for name, applies in KNOWN_URL_ISSUES.items() if applies(url)), None)


def check_url(url: str) -> None:
    try:
        canonical = canonicalize(url)
    except ValueError:
        return
    if known_url_issue(canonical):
        return
    check(canonical.isascii(), f"{url!r} -> non-ASCII {canonical!r}")
    check("#" not in canonical and not any(c.isspace() for c in canonical), f"{url!r} -> {canonical!r}")
    check(canonical.startswith(("http://", "https://")), f"{url!r} -> {canonical!r}")
    check(canonicalize(canonical) == canonical, f"not idempotent: {url!r} -> {canonical!r} -> {canonicalize(canonical)!r}")
    key = url_key(url)
    check(url_key(canonical) == key, f"url_key differs for {url!r} and its canonical form")
    check(url_key(key) == key, f"url_key not idempotent: {key!r}")


def check_canonical_link(href: str, *, known: bool = True) -> None:
    """``known=False`` also checks inputs covered by KNOWN_URL_ISSUES (the regression replay)."""
    result = resolve_canonical(PAGE_URL, href)
    if known and known_url_issue(result):
        return
    check(canonicalize(result) == result, f"resolve_canonical({href!r}) = {result!r} is not canonical")


# --- discovery readers ----------------------------------------------------------------------------
def target_discovery(data: bytes) -> None:
    selector, body = (data[0] if data else 0), data[1:]
    kind = selector % 4
    if kind in (0, 1):
        reader = SitemapReader(gzip.compress(body, 1) if kind == 1 else body, max_bytes=64 * 1024)
        entries = list(reader)
        check(reader.kind in (None, "urlset", "sitemapindex"), f"sitemap kind {reader.kind!r}")
        check(reader.kind is not None or reader.problem is not None, "no sitemap read and no problem said")
        for what, value in entries:
            if what == "sitemap":
                check(isinstance(value, Link) and value.url, f"child sitemap {value!r}")
            else:
                check(what == "url", f"entry kind {what!r}")
                check_link(value)
    elif kind == 2:
        for link in feed_links(body, PAGE_URL):
            check_link(link)
    else:
        links, problem = wpjson_page(body)
        check(isinstance(links, list) and (problem is None or isinstance(problem, str)), "wpjson_page shape")
        for link in links:
            check_link(link)


def check_link(link) -> None:
    check(isinstance(link, Link) and isinstance(link.url, str) and link.url, f"link {link!r}")
    for name in ("lastmod", "published"):
        value = getattr(link, name)
        if value is not None:
            check(isinstance(value, str) and value.endswith("+00:00"), f"{name}={value!r} not ISO UTC")
            try:
                datetime.fromisoformat(value)
            except ValueError as error:
                raise InvariantError(f"{name}={value!r}: {error}") from None


TARGETS = {"extract": target_extract, "dates": target_dates, "urls": target_urls, "discovery": target_discovery}


def warm_up() -> None:
    """Pay one-time costs before the per-input time limit applies: dateparser loads its locale
    data on first use (seconds; about 7 s when called without languages), the registry its profiles."""
    profile()
    for languages in LANGUAGES:
        parse_date("hôm qua lúc 7 giờ", languages, "UTC", "DMY", relative_base=CRAWL_TIME)
        parse_date("22 tháng 6 năm 2024", languages, "UTC", "DMY")
