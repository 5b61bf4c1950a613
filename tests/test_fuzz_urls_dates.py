"""Property tests (hypothesis) over date parsing, URL canonicalisation and extraction: no
exception, no hang (hypothesis' per-example deadline), output always valid for the schema.

The invariants are the fuzz targets' (fuzz/targets.py); hypothesis explores structured inputs
(real URL shapes, real date lines, mutated article pages) that byte-level fuzzing reaches slowly.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from crawler.extraction.dates import parse_date
from crawler.replica import build_replica, templates
from crawler.dedup.urls import canonicalize, url_key
from fuzz.targets import ZONES, check_canonical_link, check_date, check_url, target_extract

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
LANGUAGE_SETS = st.sampled_from([("vi",), ("en",), ("vi", "en")])
FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


# --- dates --------------------------------------------------------------------------------------
@FAST
@given(st.text(max_size=80), LANGUAGE_SETS, st.sampled_from(ZONES), st.sampled_from(["DMY", "MDY"]))
@example("Thứ Tư, 22/06/2022 07:10", ("vi",), "Asia/Ho_Chi_Minh", "DMY")
@example("31/02/2024 25:61", ("vi",), "UTC", "DMY")
@example("\x00\ufffd 9999-99-99", ("en",), "UTC", "MDY")
def test_parse_date_never_raises_and_returns_valid_iso(text, languages, zone, order):
    check_date(text, languages, zone, order)


@settings(max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_parse_date_without_languages_is_valid_too(text):
    """No language known (a page without lang): dateparser tries every locale, slowly but safely."""
    check_date(text, (), "UTC", "DMY")


@FAST
@given(st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2099, 12, 30)), st.booleans())
def test_portal_date_lines_parse_to_the_exact_minute(moment, with_weekday):
    moment = moment.replace(second=0, microsecond=0)
    line = f"{moment:%d/%m/%Y %H:%M}"
    if with_weekday:
        line = f"Print {WEEKDAYS[moment.weekday()]}, {line} Gốc"
    parsed = parse_date(line, ("vi",), "Asia/Ho_Chi_Minh", "DMY")
    assert parsed == moment.strftime("%Y-%m-%dT%H:%M:00+07:00")


@FAST
@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30)))
def test_dotted_two_digit_year_stamps_with_a_time_parse_to_the_minute(moment):
    moment = moment.replace(second=0, microsecond=0)
    line = f"Do {moment:%d.%m.%y} | {moment:%H:%M} Uhr | Von Eva Muster"
    assert parse_date(line, ("de",), "Europe/Berlin", "DMY") == moment.replace(
        tzinfo=ZoneInfo("Europe/Berlin")).isoformat(timespec="seconds")


def test_a_dotted_number_without_a_time_is_no_date():
    assert parse_date("Version 1.2.34", ("de",), "UTC", "DMY") is None


# --- URLs ---------------------------------------------------------------------------------------
SEGMENT = st.lists(st.sampled_from(list("abcxyz019-_.~%;:@!$&'()*+,= ") + ["ế", "ư", "đ", "..", ".", "amp", "print", "%e1%BA"]),
                   max_size=6).map("".join)
QUERY = st.lists(st.tuples(st.sampled_from(["utm_source", "fbclid", "id", "p", "amp", "print", "output", "a", "B", "ref", ""]),
                           st.text(alphabet="01amptrue=& %", max_size=4)), max_size=4)


@st.composite
def urls(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https", "ftp", ""]))
    host = draw(st.sampled_from(["a.vn", "WWW.A.VN", "ví-dụ.vn", "127.0.0.1", "[::1]", "a.vn.", "", "user@a.vn"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8765", ":99999", ":x"]))
    path = "/".join(draw(st.lists(SEGMENT, max_size=5)))
    query = "&".join(f"{k}={v}" for k, v in draw(QUERY))
    fragment = draw(st.sampled_from(["", "#top", "#"]))
    return f"{scheme}://{host}{port}/{path}" + (f"?{query}" if query else "") + fragment


@FAST
@given(urls())
def test_canonicalize_is_idempotent_ascii_and_raises_only_valueerror(url):
    check_url(url)


@FAST
@given(st.text(max_size=60))
def test_canonicalize_any_text(text):
    check_url(text)


@FAST
@given(st.one_of(urls(), st.text(max_size=40)))
def test_resolve_canonical_never_raises_for_a_valid_page(href):
    check_canonical_link(href)


@FAST
@given(urls())
def test_url_key_ignores_scheme(url):
    rest = url.split("://", 1)[1]
    netloc = rest.split("/", 1)[0]
    assume(not re.search(r":[^\]]*$", netloc))  # an explicit port stays: :80 under https is another port
    try:
        key = url_key("http://" + rest)
    except ValueError:
        return
    assert url_key("https://" + rest) == key
    assert key == canonicalize(key)


# --- extraction over mutated article pages -------------------------------------------------------
_REPLICA = build_replica(city_articles=3, district_articles=1, syndicated=1, schedules_per_site=1)
_PAGE = templates.article_page(_REPLICA.sites["city"], _REPLICA.sites["city"].live[0], []).encode("utf-8")


@st.composite
def mutated_pages(draw) -> bytes:
    page = bytearray(_PAGE)
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["cut", "delete", "insert", "flip"]))
        at = draw(st.integers(0, max(0, len(page) - 1)))
        if kind == "cut":
            del page[at:]
        elif kind == "delete":
            del page[at : at + draw(st.integers(1, 400))]
        elif kind == "insert":
            page[at:at] = draw(st.sampled_from([b"</html>", b"<table><tr><td>", b"<p>", b"\x00", b"\xff\xfe", b"<!--",
                                                b"<script>", b"\xe1\xba", b"</body>", b"<meta charset=windows-1258>"]))
        elif page:
            page[at] ^= draw(st.integers(1, 255))
    return bytes(page)


@settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_pages(), st.booleans())
def test_extraction_of_mutated_pages_is_always_valid(page, use_profile):
    target_extract((b"\x00" if use_profile else b"\x01") + page)
