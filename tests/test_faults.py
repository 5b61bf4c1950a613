"""Broken, slow and hostile portals: one crawl of the replica with every fault mode switched on.

The replica serves 5xx bursts, Retry-After, resets, timeouts, truncated and oversized bodies,
mislabelled encodings, malformed HTML, PDFs as HTML, empty pages, redirect loops and redirects to
hosts the crawl must not visit (a decoy on 127.0.0.9 among them). Each fault rule states what a
correct crawler keeps (crawler/replica/faults.py); the tests compare the database with that.
"""

from __future__ import annotations

import json
import types
import unicodedata
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from conftest import rows, stored_records
from crawler.extraction import extract_page
from crawler.middlewares.hosts import HostPolicy, RefusedRequest, non_public_kind
from crawler.middlewares.reasons import failure_reason
from crawler.middlewares.redirects import RedirectGuardMiddleware
from crawler.middlewares.retry import backoff_seconds, retry_after_seconds
from crawler.registry import load_registry
from crawler.replica import ReplicaServer, build_replica, templates
from crawler.replica.faults import ENCODING_CASES, encoded_article
from harness.faults import Decoy, account, crawl_subprocess, every_mode_plan
from crawler.runner import replica_base_urls

RETRY_TIMES = 3
RETRY_AFTER_MAX = 30.0
DECOY_HOST = "127.0.0.9"
PRIVATE_PROFILE = """
[family]
name = "fault-private"
[discovery]
sources = ["listing"]
start_paths = ["/category/tin-tuc-su-kien/"]
[[portals]]
name = "private-localhost"
base_url = "http://localhost:{port}"
"""


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """The replica (a smaller family: 116 articles) crawled once with every fault mode on, plus a
    portal whose hostname resolves to loopback without ``allow_private_addresses``."""
    replica = build_replica(city_articles=40, district_articles=20, syndicated=8, schedules_per_site=2)
    tmp = tmp_path_factory.mktemp("faults")
    with ReplicaServer(replica) as server, Decoy(DECOY_HOST, server.port) as decoy:
        plan = every_mode_plan(replica, decoy_host=DECOY_HOST, slow_seconds=2.5).install(server)
        (tmp / "profiles").mkdir()
        (tmp / "profiles" / "private.toml").write_text(PRIVATE_PROFILE.format(port=server.port))
        db = tmp / "faults.db"
        settings = {
            "SQLITE_PATH": str(db), "MUNINEWS_BASE_URLS": replica_base_urls(server.base_urls),
            "MUNINEWS_PROFILE_DIRS": [str(tmp / "profiles")], "LOG_LEVEL": "WARNING",
            "DOWNLOAD_TIMEOUT": 1.0, "DOWNLOAD_MAXSIZE": 1024 * 1024, "DOWNLOAD_WARNSIZE": 0,
            "RETRY_TIMES": RETRY_TIMES, "RETRY_BACKOFF_BASE": 0.05, "RETRY_AFTER_MAX": RETRY_AFTER_MAX,
            "AUTOTHROTTLE_ENABLED": False,
        }
        result = crawl_subprocess("haiphong-replica,private-localhost", settings, timeout=240)
        assert result.returncode == 0, result.stderr[-4000:]
        result_account = account(plan, server, db, retry_times=RETRY_TIMES, retry_after_max=RETRY_AFTER_MAX)
        yield types.SimpleNamespace(
            server=server, decoy=decoy, plan=plan, db=db, stderr=result.stderr, account=result_account,
        )


# --- the crawl ----------------------------------------------------------------------------------
def test_nothing_lost_nothing_duplicated(crawl):
    acc = crawl.account
    assert acc.faults >= 30
    problems = {m.name: (m.lost, m.wrong) for m in acc.modes if m.lost or m.wrong}
    assert problems == {}, [_diagnose(crawl, url) for lost, wrong in problems.values() for url in lost + wrong]
    assert acc.unfaulted_lost == []
    assert acc.duplicated == []
    assert acc.summary().endswith("lost=0 duplicated=0")


def test_every_article_served_correctly_is_stored_as_published(crawl):
    truth = crawl.server.replica.truth(crawl.server.base_urls)
    stored = stored_records(crawl.db)
    expected = [url for m in crawl.account.modes for url in m.urls if m.expected] + crawl.account.unfaulted_lost
    expected += [url for url in truth if url not in {u for m in crawl.account.modes for u in m.urls}]
    assert len(expected) > 90
    for url in expected:
        assert stored[url]["title"] == truth[url]["title"], url
        assert stored[url]["published"] == truth[url]["published"], url
        assert stored[url]["authors"] == truth[url]["authors"], url
        assert stored[url]["body"].split("\n\n") == truth[url]["body"], url


def test_recovering_faults_were_retried_and_then_stored(crawl):
    recovering = [m for m in crawl.account.modes if "(recovers)" in m.name and m.urls]
    assert len(recovering) >= 6
    for mode in recovering:
        assert mode.retries >= 1, mode.name
        assert mode.stored == mode.expected == len(mode.urls), mode.name
        assert mode.failures == 0, mode.name
    stats = json.loads(rows(crawl.db, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["stats"])
    assert stats.get("retry/retry_after", 0) >= 3  # 429 twice, 503 once: waited as told
    assert stats.get("retry/retry_after_too_long", 0) == 1


@pytest.mark.parametrize("name, pattern", [
    ("5xx forever", r"^HTTP 502 after 3 retries$"),
    ("503 Retry-After a day", r"^HTTP 503 \(Retry-After 86400 s exceeds RETRY_AFTER_MAX"),
    ("connection reset forever", r"^connection reset or closed by the server after 3 retries"),
    ("slower than timeout forever", r"^timeout after 3 retries"),
    ("truncated body forever", r"^truncated body: .* after 3 retries$"),
    ("body over size limit", r"^response larger than DOWNLOAD_MAXSIZE"),
    ("PDF as text/html", r"^not HTML: binary content"),
    ("empty 200", r"^not HTML: empty document$"),
    ("redirect loop", r"^redirect loop: "),
    ("redirect to non-portal host", r"^redirect to disallowed host 127\.0\.0\.9:\d+ "),
    ("redirect to private address", r"^redirect to disallowed host 10\.0\.0\.1 "),
    ("redirect to link-local", r"^redirect to disallowed host 169\.254\.169\.254 "),
    ("redirect to localhost name", r"^redirect to disallowed host localhost:\d+ "),
    ("redirect to another portal host", r"^redirect to disallowed host 127\.0\.0\.1:\d+ "),
    ("redirect to the portal's address, another port", r"^redirect to disallowed host 127\.0\.0\.\d:1 "),
    ("meta refresh to non-portal host", r"^meta refresh to disallowed host 127\.0\.0\.9:\d+ "),
    ("302 with an empty Location", r"^redirect without a Location: HTTP 302"),
    ("endless response headers", r"^response headers larger than 65536 bytes"),
])
def test_permanent_failures_are_recorded_with_their_reason(crawl, name, pattern):
    import re

    mode = next(m for m in crawl.account.modes if m.name == name)
    assert mode.urls and mode.stored == 0
    for url in mode.urls:
        assert re.search(pattern, crawl.account.failures[url]), crawl.account.failures[url]


def test_garbage_never_becomes_an_article(crawl):
    truth = crawl.server.replica.truth(crawl.server.base_urls)
    urls = [r["url"] for r in rows(crawl.db, "SELECT url FROM articles")]
    assert set(urls) <= set(truth)
    assert rows(crawl.db, "SELECT count(*) AS n FROM articles WHERE body LIKE '%decoy%' OR body LIKE '%PDF-1.4%'")[0]["n"] == 0


def test_encoded_pages_store_the_same_nfc_text(crawl):
    truth = crawl.server.replica.truth(crawl.server.base_urls)
    stored = stored_records(crawl.db)
    encoding_modes = [m for m in crawl.account.modes if m.name.startswith("encoding ")]
    assert len(encoding_modes) == len(ENCODING_CASES)
    for mode in encoding_modes:
        for url in mode.urls:
            record = stored[url]
            assert record["title"] == truth[url]["title"], mode.name
            assert record["body"].split("\n\n") == truth[url]["body"], mode.name
            assert [i["caption"] for i in record["images"]] == truth[url]["captions"], mode.name
            assert unicodedata.is_normalized("NFC", record["title"] + record["body"]), mode.name


def test_no_request_leaves_the_allowed_hosts(crawl):
    allowed = {url.split("://", 1)[1] for url in crawl.server.base_urls.values()}
    hosts = {entry.headers.get("Host") for entry in crawl.server.log}
    assert hosts and hosts <= allowed
    assert crawl.decoy.requests == []


def test_a_portal_host_resolving_to_loopback_is_refused_before_connecting(crawl):
    failures = rows(crawl.db, "SELECT reason FROM failures WHERE portal = 'private-localhost'")
    assert failures
    assert all("localhost resolves to loopback address 127.0.0.1" in f["reason"] for f in failures)
    assert not any("localhost" in (entry.headers.get("Host") or "") for entry in crawl.server.log)


def test_no_exception_escapes(crawl):
    assert "Traceback" not in crawl.stderr
    stats = json.loads(rows(crawl.db, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["stats"])
    assert not [key for key in stats if key.startswith("spider_exceptions")]


def _diagnose(crawl, url: str) -> dict:
    """What the replica served for a URL and what the crawl kept of it, for failure messages."""
    path = url.split("/", 3)[3]
    return {
        "url": url, "served": [(e.site, e.path, e.status) for e in crawl.server.log if e.path.lstrip("/").startswith(path)],
        "pages": [dict(r) for r in rows(crawl.db, "SELECT status, error, content_type FROM pages WHERE url = ?", (url,))],
        "failures": [dict(r) for r in rows(crawl.db, "SELECT reason FROM failures WHERE url = ?", (url,))],
    }


# --- the pieces, without a crawl --------------------------------------------------------------
@pytest.mark.parametrize("case", ENCODING_CASES, ids=[case[0] for case in ENCODING_CASES])
def test_each_encoding_case_extracts_like_the_clean_page(case):
    name, charset, header, meta, extra = case
    replica = build_replica(city_articles=6, district_articles=3, syndicated=1, schedules_per_site=1)
    profile = load_registry().get("replica-city")
    site = replica.sites["city"]
    for article in site.live[:4]:
        html = templates.article_page(site, article, [])
        clean = extract_page(html.encode("utf-8"), "http://x" + article.path, profile,
                             content_type="text/html; charset=UTF-8")
        headers, body = encoded_article(html, charset, header, meta, **extra)
        assert body != html.encode("utf-8") or name == "utf8-unlabelled"
        decoded = extract_page(body, "http://x" + article.path, profile, content_type=headers["Content-Type"])
        assert decoded.to_dict() == clean.to_dict()


def test_retry_after_parsing():
    now = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=90), usegmt=True), now=now) == 0.0
    assert retry_after_seconds(b"1.5") == 1.5
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_doubles_up_to_the_cap():
    assert [backoff_seconds(n, 1.0, 5.0) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("192.168.1.20", "private"), ("169.254.169.254", "link-local"),
    ("::1", "loopback"), ("::ffff:10.1.2.3", "private"), ("0.0.0.0", "unspecified"), ("fe80::1", "link-local"),
    ("203.162.4.1", None), ("2001:4860:4860::8888", None),
])
def test_non_public_addresses(address, kind):
    assert non_public_kind(address) == kind


def _policy() -> HostPolicy:
    def units(*hosts):
        return frozenset((host, port) for host in hosts for port in (80, 443))

    return HostPolicy({"a": units("a.gov.vn", "cdn.a.gov.vn"), "b": units("b.gov.vn")}, {"a": False, "b": False})


def test_redirect_guard_refuses_loops_and_other_hosts_but_follows_its_own():
    guard = RedirectGuardMiddleware(_policy())
    request = Request("https://a.gov.vn/x.html", cb_kwargs={"portal": "a"})
    moved = Response("https://a.gov.vn/x.html", status=301, headers={"Location": "https://cdn.a.gov.vn/x.html"})
    assert guard.process_response(request, moved) is moved
    with pytest.raises(RefusedRequest, match="redirect to disallowed host b.gov.vn"):
        guard.process_response(request, Response(request.url, status=302, headers={"Location": "https://b.gov.vn/x"}))
    looped = Request("https://a.gov.vn/y.html", cb_kwargs={"portal": "a"}, meta={"redirect_urls": ["https://a.gov.vn/x.html"]})
    with pytest.raises(RefusedRequest, match="redirect loop"):
        guard.process_response(looped, Response(looped.url, status=302, headers={"Location": "/x.html#top"}))
    with pytest.raises(RefusedRequest, match="unsupported scheme file"):
        guard.process_response(request, Response(request.url, status=302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(RefusedRequest, match="redirect to disallowed host a.gov.vn:8443"):  # the same host, another port
        guard.process_response(request, Response(request.url, status=302, headers={"Location": "https://a.gov.vn:8443/x"}))


def test_failure_reasons_name_status_and_retries():
    request = Request("https://a.gov.vn/x.html", meta={"retry_times": 3})
    response = Response(request.url, status=500, request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    assert failure_reason(failure) == "HTTP 500 after 3 retries"
    refused = Failure(RefusedRequest("redirect to disallowed host 10.0.0.1 (http://10.0.0.1/, portal a)"))
    refused.request = request
    assert failure_reason(refused).startswith("redirect to disallowed host 10.0.0.1")
