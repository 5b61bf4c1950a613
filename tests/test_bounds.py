"""The bounds of issue 15, piece by piece, without a crawl: the streaming sitemap reader, the
frontier, host-and-port units, header limits (against a real socket), the Retry-After budget,
the paragraph and title caps, NUL bytes, image schemes, and the commit timer."""

from __future__ import annotations

import gzip
import socket
import threading
import tracemalloc
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings

from crawler.extraction import TITLE_MAX_CHARS, extract_page
from crawler.extraction.html import decode_html
from crawler.middlewares.hosts import portal_units, unit_of
from crawler.middlewares.retry import BackoffRetryMiddleware
from crawler.processing.extract import PARAGRAPH_MAX_CHARS, TEXT_RUN_MAX_BYTES, cut_long_text_runs
from spiders.frontier import Entry, Frontier
from spiders.sources.parsers import SitemapReader, sitemap_entries, wpjson_page

URLSET = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b"<url><loc>http://a.vn/1.html</loc><lastmod>2024-01-02</lastmod></url>"
          b"<url><loc>http://a.vn/2.html</loc></url></urlset>")


# --- sitemaps ------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [URLSET, gzip.compress(URLSET)], ids=["plain", "gzip"])
def test_a_sitemap_is_read_by_its_content_gzipped_or_not(body):
    children, links = sitemap_entries(body)
    assert children == [] and [link.url for link in links] == ["http://a.vn/1.html", "http://a.vn/2.html"]
    assert links[0].lastmod == "2024-01-02T00:00:00+00:00"


# Named ids, and gzip without its timestamp: test ids made of bytes that change with the clock
# differ between pytest-xdist's workers, which then refuse to run the suite.
@pytest.mark.parametrize("body, problem", [
    ("<html><body><p>Trang chủ</p></body></html>".encode(), "not a sitemap: the document is <html>"),
    (b"", "not a readable sitemap"),
    (b"\x1f\x8b\x08\x00garbage", "broken gzip stream"),
    (gzip.compress(URLSET, mtime=0)[:40], "broken gzip stream"),
    (b"just text", "not a sitemap: empty or no XML"),
], ids=["html", "empty", "gzip-garbage", "gzip-cut", "text"])
def test_what_is_no_sitemap_is_a_problem_not_an_exception(body, problem):
    reader = SitemapReader(body)
    assert list(reader) == []
    assert reader.problem.startswith(problem)


def test_a_sitemap_is_read_only_as_far_as_the_limit_and_says_so():
    big = b"<urlset>" + b"".join(b"<url><loc>http://a.vn/%d.html</loc></url>" % i for i in range(50_000)) + b"</urlset>"
    reader = SitemapReader(gzip.compress(big), max_bytes=100_000)
    read = sum(1 for _ in reader)
    assert 0 < read < 50_000
    assert reader.problem == f"sitemap larger than 100000 bytes uncompressed: read the first {read} entries"


def test_reading_a_sitemap_holds_no_more_than_a_few_entries():
    big = b"<urlset>" + b"".join(b"<url><loc>http://a.vn/%d.html</loc></url>" % i for i in range(200_000)) + b"</urlset>"
    tracemalloc.start()
    try:
        count = sum(1 for _ in SitemapReader(big))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < len(big) / 4  # the entries are dropped as they are read


def test_entities_are_not_expanded_in_a_sitemap():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c SYSTEM "file:///etc/passwd">]><urlset><url><loc>http://a.vn/&b;&c;.html</loc></url></urlset>')
    links = [value for _, value in SitemapReader(bomb)]
    assert all("aaaa" not in link.url and "root:" not in link.url for link in links)


@pytest.mark.parametrize("body, problem", [
    (b"<html>not json</html>", "not JSON"),
    (b'{"code": "rest_no_route"}', "a JSON dict"),
    (b'[{"id": 1}]', "no post has a link"),
])
def test_a_bad_rest_page_says_why(body, problem):
    links, reason = wpjson_page(body)
    assert links == [] and problem in reason


# --- the frontier ---------------------------------------------------------------------------------
def test_the_frontier_spills_to_disk_and_keeps_the_order(tmp_path):
    frontier = Frontier(memory=10, directory=str(tmp_path))
    for n in range(95):
        frontier.push("a", Entry(f"http://a.vn/{n}.html", str(n), None, "article"))
    frontier.push("b", Entry("http://b.vn/1.html", "b1", None, "check"))
    assert len(frontier.queues["a"]) == 10 and frontier.spilled["a"] == 85
    assert [frontier.pop("a").key for _ in range(95)] == [str(n) for n in range(95)]
    assert frontier.pop("a") is None and frontier.pop("b").kind == "check"
    files = list(tmp_path.iterdir())
    frontier.close()
    assert files and not any(path.exists() for path in files)


# --- host and port --------------------------------------------------------------------------------
def test_the_frontier_gives_the_newest_first_undated_last_and_drains_in_batches(tmp_path):
    frontier = Frontier(memory=3, directory=str(tmp_path))
    days = [5, 1, None, 9, 3, None, 7, 2]
    for n, day in enumerate(days):
        frontier.push("a", Entry(f"http://a.vn/{n}.html", str(n), day and f"2024-01-0{day}T00:00:00+00:00", "article"))
    assert frontier.spilled["a"] == 5
    assert [frontier.pop("a").key for _ in range(4)] == ["3", "6", "0", "4"]  # days 9, 7, 5, 3
    assert sorted(entry.key for entry in frontier.drain("a")) == ["1", "2", "5", "7"]
    assert frontier.size("a") == 0 and frontier.pop("a") is None
    frontier.close()


def _spider(**settings):
    """The portal spider for replica-lechan, outside a crawl; what it emits from signals is kept."""
    from scrapy.utils.test import get_crawler

    import crawler.settings as project
    from spiders.portal import PortalSpider

    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    crawler = get_crawler(PortalSpider, settings_dict={**values, "MUNINEWS_INCREMENTAL": False, **settings})
    spider = PortalSpider.from_crawler(crawler, portal="replica-lechan")
    emitted: list = []
    spider._emit = emitted.extend
    return spider, emitted


def _dropped_rows(outputs) -> list[tuple[str, str, str]]:
    from crawler.items import DroppedItem

    return [row for item in outputs if isinstance(item, DroppedItem) for row in item.rows]


def test_a_redirect_the_duplicate_filter_drops_is_a_dropped_row():
    from scrapy import Request

    spider, emitted = _spider()
    asked = Request("http://127.0.0.3/tin-b.html", cb_kwargs={"portal": "replica-lechan"},
                    meta={"muninews_article": True, "redirect_urls": ["http://127.0.0.3/tin-a.html"]})
    spider.request_dropped(asked)
    [(url, kind, reason)] = _dropped_rows(emitted)
    assert (url, kind) == ("http://127.0.0.3/tin-a.html", "redirect")
    assert "redirect to http://127.0.0.3/tin-b.html not followed" in reason and "duplicate filter" in reason


def test_links_past_the_fetch_budget_are_each_a_dropped_row_newest_fetched():
    from crawler.items import FailureItem, Link

    spider, _ = _spider(DISCOVERY_MAX_LINKS=3, FRONTIER_WINDOW=100, FRONTIER_MEMORY=2)
    base = spider.portals["replica-lechan"].base_url
    links = [Link(f"{base}/tin-{n}.html", f"2024-02-{1 + n // 60:02d}T00:{n % 60:02d}:00+00:00") for n in range(1250)]
    outputs = list(spider._take_links("replica-lechan", iter(links)))
    assert outputs == [] and spider.frontier.size("replica-lechan") == 1250
    fed = list(spider._feed("replica-lechan")) + list(spider._flush_drops("replica-lechan"))
    requests = [out.url for out in fed if hasattr(out, "callback")]
    assert requests == [f"{base}/tin-{n}.html" for n in (1249, 1248, 1247)]  # the newest three
    dropped = _dropped_rows(fed)
    assert len(dropped) == 1247 and len({url for url, _, _ in dropped}) == 1247
    assert all(kind == "link" and reason.startswith("discovery budget: 3 article links fetched") for _, kind, reason in dropped)
    [failure] = [out for out in fed if isinstance(out, FailureItem)]
    assert "1,247 waiting links, each in `dropped`" in failure.reason


def test_past_the_dropped_cap_drops_are_counted_and_said_once():
    from crawler.items import FailureItem

    spider, _ = _spider(DISCOVERY_DROPPED_MAX=10)
    outputs = []
    for n in range(25):
        outputs += list(spider._drop("replica-lechan", f"http://127.0.0.3/{n}.html", "link", "a reason"))
    outputs += list(spider._flush_drops("replica-lechan"))
    assert len(_dropped_rows(outputs)) == 10
    assert [out.reason[:40] for out in outputs if isinstance(out, FailureItem)] == [
        "dropped: 10 rows recorded for this porta"]
    assert spider.crawler.stats.get_value("muninews/portal/replica-lechan/dropped_unrecorded") == 15
    assert spider.crawler.stats.get_value("muninews/portal/replica-lechan/dropped") == 10


def test_the_allowed_unit_is_host_and_port():
    portal = SimpleNamespace(base_url="http://127.0.0.1:8765", allowed_hosts=("cdn.example.vn", "img.example.vn:8080"))
    units = portal_units(portal)
    assert unit_of("http://127.0.0.1:8765/a.html") in units
    assert unit_of("http://127.0.0.1:8766/a.html") not in units
    assert unit_of("http://127.0.0.1/a.html") not in units
    assert unit_of("https://cdn.example.vn/x.jpg") in units and unit_of("http://cdn.example.vn/x.jpg") in units
    assert unit_of("http://img.example.vn:8080/x.jpg") in units and unit_of("http://img.example.vn/x.jpg") not in units
    assert unit_of("http://127.0.0.1:99999/") is None
    default = portal_units(SimpleNamespace(base_url="https://haiphong.gov.vn", allowed_hosts=()))
    assert default == {("haiphong.gov.vn", 80), ("haiphong.gov.vn", 443)}


# --- header limits, against a real socket ---------------------------------------------------------
def _raw_server(reply):
    """A loopback server that answers one connection with ``reply(connection)``."""
    listener = socket.create_server(("127.0.0.1", 0))

    def run():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.recv(65536)
            try:
                reply(connection)
            except OSError:
                pass
            connection.close()

    threading.Thread(target=run, daemon=True).start()
    return listener


def _fetch(url: str):
    """Download ``url`` with Scrapy's HTTP/1.1 handler, under the header limits; the outcome."""
    import subprocess
    import sys

    script = f"""
import sys
from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from crawler.middlewares.headers import install
install(64 * 1024, 16 * 1024)
outcome = []
class S(Spider):
    name = "s"
    async def start(self):
        yield Request({url!r}, callback=self.ok, errback=self.bad, dont_filter=True, meta={{"dont_retry": True}})
    def ok(self, response):
        outcome.append("ok %d" % len(response.headers))
    def bad(self, failure):
        from crawler.middlewares.headers import exceeded_in
        found = exceeded_in(failure.value)
        outcome.append("limit " + str(found) if found else "error " + repr(failure.value))
process = CrawlerProcess({{"LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "RETRY_ENABLED": False}})
process.crawl(S)
process.start()
print(outcome[0])
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    return result.stdout.strip() or result.stderr[-2000:]


def test_endless_header_lines_are_cut_at_the_limit():
    def endless(connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(1_000_000):
            connection.sendall(b"X-Filler-%d: %s\r\n" % (n, b"x" * 200))

    server = _raw_server(endless)
    try:
        assert _fetch(f"http://127.0.0.1:{server.getsockname()[1]}/").startswith(
            "limit response headers larger than 65536 bytes")
    finally:
        server.close()


def test_one_header_continued_without_end_is_cut():
    def folded(connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\nX-Long: a\r\n")
        for _ in range(10_000):
            connection.sendall(b" " + b"y" * 100 + b"\r\n")

    server = _raw_server(folded)
    try:
        assert _fetch(f"http://127.0.0.1:{server.getsockname()[1]}/").startswith("limit response header longer than")
    finally:
        server.close()


def test_ordinary_headers_pass():
    def normal(connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n"
                           + b"".join(b"X-H%d: v\r\n" % n for n in range(50)) + b"\r\nok")

    server = _raw_server(normal)
    try:
        assert _fetch(f"http://127.0.0.1:{server.getsockname()[1]}/").startswith("ok")
    finally:
        server.close()


# --- Retry-After budget ---------------------------------------------------------------------------
class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _retry_middleware(clock, **settings):
    from scrapy.utils.test import get_crawler

    from scrapy import Spider

    crawler = get_crawler(Spider, settings_dict={"RETRY_TIMES": 5, **settings})
    crawler.spider = crawler._create_spider("budget")
    middleware = BackoffRetryMiddleware(Settings({"RETRY_TIMES": 5, **settings}), clock=clock)
    middleware.crawler = crawler
    return middleware, crawler


def test_retry_after_waits_are_bounded_per_host_and_per_run():
    from scrapy import Request
    from scrapy.http import Response

    clock = _Clock()
    middleware, crawler = _retry_middleware(clock, RETRY_AFTER_HOST_BUDGET=25, RETRY_AFTER_RUN_BUDGET=35)
    crawler.stats.open_spider()

    def answer(url: str):
        request = Request(url)
        response = Response(url, status=503, headers={"Retry-After": "10"}, request=request)
        return request, middleware.process_response(request, response)

    outcomes = []
    for round_ in range(4):  # each round: three URLs of a.vn ask for 10 s at the same moment
        for n in range(3):
            request, result = answer(f"http://a.vn/{round_}-{n}.html")
            outcomes.append(isinstance(result, Request))
        clock.now += 10
    assert outcomes[:6] == [True] * 6  # 10 s + 10 s of pause: within the host's 25 s
    assert outcomes[6:] == [False] * 6  # a third pause would spend 30 s
    request, result = answer("http://a.vn/late.html")
    assert "RETRY_AFTER_HOST_BUDGET 25 s" in request.meta["muninews_give_up"]
    _, other = answer("http://b.vn/1.html")
    assert isinstance(other, Request)  # another host has its own budget
    _, over_run = answer("http://c.vn/1.html")
    assert not isinstance(over_run, Request)  # 20 + 10 + 10 > the run's 35 s


# --- extraction caps ------------------------------------------------------------------------------
PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>Ngày 02/01/2024 10:00</p>"
        "<div class='content'><p>{text}</p><p>Đoạn hai của bài viết về phường Ngô Quyền, đủ dài để đọc.</p>"
        "<figure><img src='javascript:alert(1)'><figcaption>Ảnh độc</figcaption></figure>"
        "<figure><img src='/anh/that.jpg'><figcaption>Ảnh thật</figcaption></figure></div></article></body></html>")


def test_titles_are_capped_images_are_http_and_nul_bytes_are_stripped():
    html = PAGE.format(title="Tiêu đề dài " * 20_000 + "\x00" * 30, text="Nội dung bài viết. " * 30 + "\x00" * 20)
    body = html.encode("utf-8")
    assert "\x00" not in decode_html(body, "text/html; charset=UTF-8")
    record = extract_page(body, "http://a.vn/bai.html", None, content_type="text/html; charset=UTF-8")
    assert record.title and len(record.title) <= TITLE_MAX_CHARS and record.title.endswith("…")
    assert "\x00" not in record.title + "".join(record.body)
    assert [image.url for image in record.images] == ["http://a.vn/anh/that.jpg"]


def test_a_text_run_past_the_limit_is_cut_before_parsing_and_said():
    run = ("Đoạn văn rất dài. " * 100_000).encode("utf-8")
    body = b"<html><body><p>" + run + b"</p></body></html>"
    cut, notes = cut_long_text_runs(body)
    assert len(cut) < len(body) and cut.decode("utf-8")  # cut on a character boundary
    assert len(notes) == 1 and "bytes without markup cut to" in notes[0] and "TEXT_RUN_MAX_BYTES" in notes[0]
    within = b"<p>" + b"x" * (TEXT_RUN_MAX_BYTES - 2) + b"</p>"  # the run counts from "p>"
    assert cut_long_text_runs(within) == (within, [])
    assert PARAGRAPH_MAX_CHARS < TEXT_RUN_MAX_BYTES


# --- commits by time ------------------------------------------------------------------------------
def test_rows_are_committed_when_their_first_waited_long_enough(tmp_path):
    import sqlite3

    from crawler.storage import Storage

    clock = _Clock()
    storage = Storage(tmp_path / "m.db", batch_size=1000, commit_seconds=3.0, clock=clock)
    storage.open([{"name": "p", "title": "p", "family": "f", "base_url": "http://a.vn", "languages": "vi",
                   "timezone": "UTC"}])

    def committed() -> int:
        conn = sqlite3.connect(tmp_path / "m.db")
        try:
            return conn.execute("SELECT count(*) FROM failures").fetchone()[0]
        finally:
            conn.close()

    storage.add_failure("p", "http://a.vn/1", "HTTP 500", 500, None)
    storage.tick()
    clock.now += 2
    assert not storage.commit_if_due() and committed() == 0
    clock.now += 1.5
    assert storage.commit_if_due() and committed() == 1
    storage.close()


# --- nothing listens ------------------------------------------------------------------------------
def test_no_extension_of_a_crawl_listens_on_a_port():
    """Scrapy's telnet console runs Python sent to it on a local port: off, and removed from the
    extensions even when a setting turns it on; no enabled extension is one that listens."""
    from scrapy.utils.conf import build_component_list

    from crawler.runner import project_settings

    assert project_settings().getbool("TELNETCONSOLE_ENABLED") is False
    settings = project_settings(TELNETCONSOLE_ENABLED=True)  # a stray -s TELNETCONSOLE_ENABLED=1
    enabled = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert enabled and not any("telnet" in str(path).lower() for path in enabled)
