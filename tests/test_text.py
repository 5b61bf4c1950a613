"""The one text toolkit (crawler/text/): every layer reads an element's text the same way."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_page
from crawler.registry import load_registry
from crawler.replica import build_replica
from crawler.replica.templates import article_page
from crawler.text import to_utc
from crawler.text.httpdate import parse_http_date


def test_the_profile_layer_keeps_a_line_break_between_words():
    """`…công tác năm<br>Dòng thứ hai…` was stored as `nămDòng` by the profile layer."""
    replica = build_replica()
    site = replica.sites["city"]
    article = site.articles[0]
    html = article_page(site, article, [])
    first = article.body[0]
    assert first in html
    html = html.replace(first, first + "<br>Dòng thứ hai của đoạn văn", 1)
    profile = load_registry().get("replica-city")
    record = extract_page(html.encode("utf-8"), f"{profile.base_url}/{article.slug}.html", profile)
    assert record.layers["body"] == "profile"
    assert any(f"{first} Dòng thứ hai" in paragraph for paragraph in record.body)
    assert not any("Dòng thứ hai" in p and f"{first}Dòng" in p for p in record.body)


# --- to_utc: one "to UTC" for discovery, --since and storage --------------------------------------



TIMESTAMPS = [
    ("2024-05-01T08:30:00+07:00", "2024-05-01T01:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    ("2024-05-01T01:30:00Z", "2024-05-01T01:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    ("2024-05-01T08:30:00.123456+07:00", "2024-05-01T01:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    (" Wed, 01 May 2024 08:30:00 +0700 ", "2024-05-01T01:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    ("Wed, 01 May 2024 01:30:00 GMT", "2024-05-01T01:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    # RFC 2822's -0000: the time is UTC, the writer's zone unknown; never the default zone
    ("Wed, 01 May 2024 01:30:00 -0000", "2024-05-01T01:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    # no zone: in default_tz (UTC unless told)
    ("2024-05-01T08:30:00", "2024-05-01T08:30:00+00:00", "2024-05-01T01:30:00+00:00"),
    ("2024-05-01", "2024-05-01T00:00:00+00:00", "2024-04-30T17:00:00+00:00"),
    ("Wed, 01 May 2024 08:30:00", "2024-05-01T08:30:00+00:00", "2024-05-01T01:30:00+00:00"),
]


@pytest.mark.parametrize("value, utc, in_hanoi", TIMESTAMPS)
def test_to_utc_reads_iso_and_rfc822_and_places_a_zoneless_time_in_the_default_zone(value, utc, in_hanoi):
    assert to_utc(value) == utc
    assert to_utc(value, "Asia/Ho_Chi_Minh") == in_hanoi


def test_to_utc_takes_a_tzinfo_as_default_zone():
    from zoneinfo import ZoneInfo

    assert to_utc("2024-01-15 12:00", ZoneInfo("Europe/Berlin")) == "2024-01-15T11:00:00+00:00"


@pytest.mark.parametrize("value", [None, "", "   ", "garbage", "2024-13-01", "32/05/2024", 20240501,
                                   "0001-01-01T00:00:00+05:00", "Wed, 99 Foo 2024"])
def test_to_utc_is_none_for_what_it_cannot_read(value):
    assert to_utc(value) is None


def test_to_utc_is_none_for_an_unknown_default_zone_rather_than_a_guess():
    assert to_utc("2024-05-01T08:30:00", "Mars/Olympus") is None
    assert to_utc("2024-05-01T08:30:00+07:00", "Mars/Olympus") == "2024-05-01T01:30:00+00:00"


def test_the_storage_name_for_it_is_the_same_function():
    from crawler.extraction.dates import to_utc_iso

    assert to_utc_iso is to_utc


def test_http_dates_without_a_zone_are_utc():
    assert parse_http_date("Wed, 01 May 2024 01:30:00").isoformat() == "2024-05-01T01:30:00+00:00"
    assert parse_http_date("not a date") is None
