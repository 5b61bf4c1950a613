"""Fault modes of the replica: the ways small government servers break, switchable per host and path.

A ``FaultPlan`` is a list of ``Fault`` rules (mode, site key or ``*``, full-match path regex,
``times``, params), installed on a running ``ReplicaServer`` through its ``interceptors`` hook; the
first rule matching a request answers it, otherwise normal routing does. Rules are plain data
(``FaultPlan.from_config`` reads a list of dicts, e.g. from TOML or JSON), so tests and the
reliability benchmark switch modes by configuration.

``times`` makes a fault transient: the first ``times`` requests of a path are faulted, later ones
are served clean (a server that recovers). ``times=None`` faults every request.

Each fault also states what a correct crawler must end up with (``Fault.expectation``): the article
stored (the page was served correctly, possibly after retries, in another encoding or as messy
HTML), or a ``failures`` row whose reason matches a pattern. That is how tests and
``benchmarks/faults.py`` count survived / lost / duplicated without hard-coding results.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any

from crawler.replica.server import ReplicaServer, RequestLog

# The first bytes of a real PDF: what a CMS serves when an "article" is an attached document.
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 8


@dataclass(frozen=True)
class Expectation:
    """What a correct crawler ends up with for a faulted URL."""

    stored: bool
    reason: str | None = None  # regex the failures.reason must match when not stored


@dataclass
class Fault:
    mode: str
    site: str = "*"
    path: str = ".*"
    times: int | None = None  # fault the first N requests of a path, then recover; None: always
    params: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # label in reports (defaults to the mode)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown fault mode {self.mode!r}; known: {', '.join(sorted(MODES))}")
        self._pattern = re.compile(self.path)

    @property
    def label(self) -> str:
        return self.name or self.mode

    def matches(self, site: str, path: str) -> bool:
        return self.site in ("*", site) and bool(self._pattern.fullmatch(path))

    def expectation(self, retry_times: int, retry_after_max: float = float("inf")) -> Expectation:
        """Stored when the server serves the page correctly within the crawler's retry budget."""
        return MODES[self.mode].expect(self, retry_times, retry_after_max)


@dataclass
class Served:
    """One request the fault plan answered (for reports: requests per mode)."""

    fault: str
    site: str
    path: str


class FaultPlan:
    """Ordered fault rules plus per-path request counts; thread-safe (the server is threaded)."""

    def __init__(self, faults: list[Fault]) -> None:
        self.faults = list(faults)
        self.served: list[Served] = []
        self._counts: Counter[tuple[int, str, str]] = Counter()
        self._lock = threading.Lock()
        self.server: ReplicaServer | None = None

    @classmethod
    def from_config(cls, rules: list[dict[str, Any]]) -> FaultPlan:
        """``[{"mode": "http_error", "site": "city", "path": "/a.html", "times": 2, "status": 502}, …]``;
        keys other than mode/site/path/times/name are the mode's params."""
        known = {"mode", "site", "path", "times", "name"}
        return cls([
            Fault(**{k: v for k, v in rule.items() if k in known}, params={k: v for k, v in rule.items() if k not in known})
            for rule in rules
        ])

    def install(self, server: ReplicaServer) -> FaultPlan:
        self.server = server
        server.interceptors.append(self.intercept)
        return self

    def uninstall(self) -> None:
        if self.server is not None and self.intercept in self.server.interceptors:
            self.server.interceptors.remove(self.intercept)

    def intercept(self, site: str, handler: BaseHTTPRequestHandler) -> bool:
        path = handler.path.split("#", 1)[0]
        bare = path.split("?", 1)[0]
        for index, fault in enumerate(self.faults):
            if not fault.matches(site, bare):
                continue
            with self._lock:
                self._counts[(index, site, bare)] += 1
                count = self._counts[(index, site, bare)]
            if fault.times is not None and count > fault.times:
                return False
            with self._lock:
                self.served.append(Served(fault.label, site, bare))
            assert self.server is not None
            MODES[fault.mode].serve(Request(self.server, site, path, handler, fault))
            return True
        return False


@dataclass
class Request:
    """What a mode needs to answer one request."""

    server: ReplicaServer
    site: str
    path: str
    handler: BaseHTTPRequestHandler
    fault: Fault

    @property
    def params(self) -> dict[str, Any]:
        return self.fault.params

    def clean(self) -> tuple[int, dict[str, str], bytes]:
        """What the replica would answer without the fault."""
        return self.server.routes[self.site].handle(self.path)

    def send(self, status: int, headers: dict[str, str], body: bytes, *, length: int | None = None,
             close: bool = False, log: bool = True) -> None:
        """Write a response; ``length`` may lie (truncation), ``close`` ends the connection after it."""
        if log:
            self.log(status)
        handler = self.handler
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if length is not None:
                handler.send_header("Content-Length", str(length))
            if close:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except OSError:  # the client gave up (timeout, size limit): nothing left to do
            handler.close_connection = True

    def log(self, status: int) -> None:
        self.server._record(RequestLog(self.site, "GET", self.path, status, dict(self.handler.headers.items())))

    def reset(self) -> None:
        """Abort the TCP connection with an RST (SO_LINGER 0), as a crashing server or proxy does."""
        self.log(0)
        connection = self.handler.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.handler.close_connection = True
        connection.close()


@dataclass(frozen=True)
class Mode:
    serve: Callable[[Request], None]
    expect: Callable[[Fault, int, float], Expectation]
    doc: str


# --- expectations ------------------------------------------------------------------------------
def _transient(reason: str) -> Callable[[Fault, int, float], Expectation]:
    def expect(fault: Fault, retry_times: int, retry_after_max: float) -> Expectation:
        recovers = fault.times is not None and fault.times <= retry_times
        return Expectation(True) if recovers else Expectation(False, reason)

    return expect


def _retry_after_expect(fault: Fault, retry_times: int, retry_after_max: float) -> Expectation:
    if float(fault.params.get("seconds", 1)) > retry_after_max:
        return Expectation(False, r"Retry-After")
    return _transient(rf"HTTP {fault.params.get('status', 429)} after \d+ retries")(fault, retry_times, retry_after_max)


def _http_error_expect(fault: Fault, retry_times: int, retry_after_max: float) -> Expectation:
    return _transient(rf"HTTP {fault.params.get('status', 500)} after \d+ retries")(fault, retry_times, retry_after_max)


def _always_fails(reason: str) -> Callable[[Fault, int, float], Expectation]:
    return lambda fault, retry_times, retry_after_max: Expectation(False, reason)


def _always_stored(fault: Fault, retry_times: int, retry_after_max: float) -> Expectation:
    return Expectation(True)


def _redirect_expect(fault: Fault, retry_times: int, retry_after_max: float) -> Expectation:
    return Expectation(False, r"redirect to disallowed host")


# --- modes: transient server trouble -----------------------------------------------------------
def serve_http_error(request: Request) -> None:
    status = int(request.params.get("status", 500))
    body = f"<html><body><h1>{status} Internal Server Error</h1></body></html>".encode()
    request.send(status, {"Content-Type": "text/html; charset=UTF-8"}, body, length=len(body))


def serve_retry_after(request: Request) -> None:
    status = int(request.params.get("status", 429))
    body = b"<html><body><h1>Too busy, come back later</h1></body></html>"
    headers = {"Content-Type": "text/html; charset=UTF-8", "Retry-After": f"{float(request.params.get('seconds', 1)):g}"}
    request.send(status, headers, body, length=len(body))


def serve_reset(request: Request) -> None:
    request.reset()


def serve_slow(request: Request) -> None:
    """Answer correctly, but only after ``seconds`` (longer than the crawler's timeout)."""
    status, headers, body = request.clean()
    request.log(status)  # logged on arrival: the crawler may be gone before the answer is
    time.sleep(float(request.params.get("seconds", 3)))
    request.send(status, headers, body, length=len(body), log=False)


def serve_truncated(request: Request) -> None:
    """Promise the whole body in Content-Length, send half of it, close the connection."""
    status, headers, body = request.clean()
    request.send(status, headers, body[: len(body) // 2], length=len(body), close=True)


def serve_oversize(request: Request) -> None:
    """The article followed by megabytes of markup, without Content-Length (only counting stops it)."""
    status, headers, body = request.clean()
    size = int(request.params.get("bytes", 4 * 1024 * 1024))
    filler = b"<!-- " + b"x" * 1019 + b" -->"
    request.send(status, headers, b"", close=True)
    try:
        request.handler.wfile.write(body)
        for _ in range(size // len(filler) + 1):
            request.handler.wfile.write(filler)
        request.handler.wfile.flush()
    except OSError:  # the crawler hung up at its size limit, as it should
        pass


# --- modes: bodies that are no article ---------------------------------------------------------
def serve_not_html(request: Request) -> None:
    request.send(200, {"Content-Type": "text/html; charset=UTF-8"}, PDF_BYTES, length=len(PDF_BYTES))


def serve_empty(request: Request) -> None:
    request.send(200, {"Content-Type": "text/html; charset=UTF-8"}, b"", length=0)


# --- modes: encodings and messy markup (the article is served correctly) ------------------------
def encoded_article(html: str, charset: str, header: str | None, meta: str | None, *, bom: bool = False,
                    normalization: str = "NFC") -> tuple[dict[str, str], bytes]:
    """The replica's UTF-8 article page re-encoded and (mis)labelled: header and <meta> charset
    as given (None: no label), optional BOM, NFC or NFD text."""
    meta_tag = f'<meta charset="{meta}">' if meta else ""
    html = html.replace('<meta charset="UTF-8">', meta_tag, 1)
    html = unicodedata.normalize(normalization, html)
    body = encode_text(html, charset)
    if bom:
        body = {"utf-8": b"\xef\xbb\xbf"}.get(charset, b"") + body
    content_type = "text/html" + (f"; charset={header}" if header else "")
    return {"Content-Type": content_type}, body


def encode_text(text: str, charset: str) -> bytes:
    """Encode as a legacy CMS would: characters the code page lacks are decomposed into base
    letter + combining tone mark (how windows-1258 writes Vietnamese), else numeric references."""
    try:
        return text.encode(charset)
    except UnicodeEncodeError:
        pass
    out = []
    for char in text:
        out.append(_encode_char(char, charset))
    return b"".join(out)


def _encode_char(char: str, charset: str) -> bytes:
    try:
        return char.encode(charset)
    except UnicodeEncodeError:
        pass
    base, *marks = unicodedata.normalize("NFD", char)
    for index, mark in enumerate(marks):  # e.g. "ộ" = "ô" + dot below in windows-1258
        rest = "".join(marks[:index] + marks[index + 1 :])
        try:
            return (unicodedata.normalize("NFC", base + mark) + rest).encode(charset)
        except UnicodeEncodeError:
            continue
    try:
        return (base + "".join(marks)).encode(charset)
    except UnicodeEncodeError:
        return char.encode(charset, errors="xmlcharrefreplace")


def serve_encoding(request: Request) -> None:
    status, headers, body = request.clean()
    if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
        request.send(status, headers, body, length=len(body))
        return
    params = request.params
    headers, body = encoded_article(
        body.decode("utf-8"), params.get("charset", "utf-8"), params.get("header"), params.get("meta"),
        bom=bool(params.get("bom", False)), normalization=params.get("normalization", "NFC"),
    )
    request.send(200, headers, body, length=len(body))


def malformed(html: str) -> str:
    """The same article as sloppy CMS output: no </p>, the content inside two nested unclosed-
    looking layout tables, a stray </body></html> between the date line and the title."""
    html = html.replace("</p>", "")
    html = html.replace('<div class="entry-content">', '<table><tr><td><table class="layout"><tr><td><div class="entry-content">', 1)
    html = html.replace('</div>\n<div class="share-bar">', "</td></tr></table></td></tr></table></div>\n<div class=\"share-bar\">", 1)
    html = html.replace('</div>\n<h1 class="entry-title">', '</div></body></html>\n<h1 class="entry-title">', 1)
    return html + "\n<div><span>unclosed footer"


def serve_malformed(request: Request) -> None:
    status, headers, body = request.clean()
    if status == 200:
        body = malformed(body.decode("utf-8")).encode("utf-8")
    request.send(status, headers, body, length=len(body))


# --- modes: redirects and hostile links --------------------------------------------------------
def serve_redirect(request: Request) -> None:
    """Redirect to ``to`` (absolute URL; ``{port}`` is the replica's port, ``{host}`` this site's own
    address) or to ``to_path`` on another replica site ``to_site``."""
    params = request.params
    if "to_site" in params:
        target = request.server.base_urls[params["to_site"]] + params.get("to_path", request.path)
    else:
        own = request.server.base_urls[request.site].split("://", 1)[1].rsplit(":", 1)[0]
        target = str(params["to"]).format(port=request.server.port, host=own)
    request.send(int(params.get("status", 302)), {"Location": target}, b"", length=0)


def serve_redirect_loop(request: Request) -> None:
    """``/a.html`` -> ``/a.html?loop=1`` -> ``/a.html?loop=2`` -> ``/a.html`` (a cycle of ``length``)."""
    length = int(request.params.get("length", 3))
    bare, _, query = request.path.partition("?")
    step = int(query.removeprefix("loop=")) if query.startswith("loop=") else 0
    following = (step + 1) % length
    target = bare if following == 0 else f"{bare}?loop={following}"
    request.send(302, {"Location": target}, b"", length=0)


def serve_inject_links(request: Request) -> None:
    """The clean listing page, with article-looking links to hosts the crawl must not visit."""
    status, headers, body = request.clean()
    links = "".join(
        f'<article class="post-item"><h2 class="entry-title"><a href="{url.format(port=request.server.port)}">'
        f"Tin nóng {index}</a></h2></article>"
        for index, url in enumerate(request.params.get("urls", ()))
    )
    html = body.decode("utf-8").replace('<div class="post-list">', '<div class="post-list">' + links, 1)
    body = html.encode("utf-8")
    request.send(status, headers, body, length=len(body))


# --- modes: hostile discovery (issue 15) ---------------------------------------------------------
FAKE_ARTICLE = "/tin-gia-{n}.html"  # article-shaped, never served: what a hostile list pads itself with


def serve_wp_total_pages(request: Request) -> None:
    """The REST API claiming ``pages`` pages (a billion); past the real last page it repeats it."""
    bare, _, query = request.path.partition("?")
    params = dict(pair.partition("=")[::2] for pair in query.split("&") if pair)
    status, headers, body = request.clean()
    if status != 200:  # past the last page: the last page again, as a broken paginator would
        params["page"] = "1"
        status, headers, body = request.server.routes[request.site].handle(bare + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
    headers = {**headers, "X-WP-TotalPages": str(int(request.params.get("pages", 10**9)))}
    request.send(status, headers, body, length=len(body))


def serve_sitemap_self(request: Request) -> None:
    """A sitemap index that lists itself (twice, spelled two ways) beside its real children."""
    status, headers, body = request.clean()
    base, bare = request.server.base_urls[request.site], request.path.split("?", 1)[0]
    me = f"<sitemap><loc>{base}{bare}</loc></sitemap><sitemap><loc>{base}{bare}?again=1</loc></sitemap>"
    body = body.replace(b"<sitemap>", me.encode() + b"<sitemap>", 1)
    request.send(status, headers, body, length=len(body))


def serve_ignore_query(request: Request) -> None:
    """A feed (or any page) that ignores its query string: ``?paged=N`` is page 1 forever."""
    status, headers, body = request.server.routes[request.site].handle(request.path.split("?", 1)[0])
    request.send(status, headers, body, length=len(body))


def serve_endless_listing(request: Request) -> None:
    """A category whose pagination never ends: every page links a next one; past the real last page
    it serves the last page again (``fresh``: ten new article-shaped links that do not exist)."""
    match = re.match(r"^(/category/[a-z0-9-]+/)(?:page/(\d+)/)?$", request.path.split("?", 1)[0])
    routes = request.server.routes[request.site]
    status, headers, body = request.clean()
    if match is None:
        request.send(status, headers, body, length=len(body))
        return
    base_path, number = match[1], int(match[2] or 1)
    if status == 404 and request.params.get("fresh"):
        links = "".join(f'<article class="post-item"><h2 class="entry-title"><a href="{FAKE_ARTICLE.format(n=number * 100 + k)}">'
                        f"Tin {number}-{k}</a></h2></article>" for k in range(10))
        html = (f'<html><body><div class="post-list">{links}</div><div class="nav-links">'
                f'<a class="next page-numbers" href="{base_path}page/{number + 1}/">Sau</a></div></body></html>')
        body = html.encode()
        request.send(200, {"Content-Type": "text/html; charset=UTF-8"}, body, length=len(body))
        return
    if status == 404:
        last = 1
        while routes.handle(f"{base_path}page/{last + 1}/")[0] == 200:
            last += 1
        status, headers, body = routes.handle(base_path if last == 1 else f"{base_path}page/{last}/")
    html = body.decode("utf-8")
    html = re.sub(r'<a class="next page-numbers" href="[^"]*">[^<]*</a>', "", html)
    html = html.replace('<div class="nav-links">', f'<div class="nav-links"><a class="next page-numbers" '
                        f'href="{base_path}page/{number + 1}/">Sau »</a>', 1)
    body = html.encode("utf-8")
    request.send(status, headers, body, length=len(body))


_HUGE_CACHE: dict[tuple[str, int, int, int], bytes] = {}
STALE_FROM = datetime(2012, 1, 1, tzinfo=timezone.utc)  # when the stale entries' dates begin


def serve_huge_sitemap(request: Request) -> None:
    """A sitemap index of ``children`` sitemaps of ``urls`` URLs each (10 × 100,000), laid out as
    a sitemap generator whose cache never forgets deleted posts: entries oldest first, almost all
    of them article-shaped URLs of posts deleted years ago (they 404; ``lastmod`` their last edit,
    2012 on, before the portal's current articles), and the site's live articles spread evenly
    through the whole index in date order, each with its ``lastmod``, the newest near the end of
    the last file. Stream order would reach this week's news last."""
    children, per = int(request.params.get("children", 10)), int(request.params.get("urls", 100_000))
    base = request.server.base_urls[request.site]
    match = re.search(r"huge-(\d+)\.xml$", request.path)
    if match is None:
        entries = "".join(f"<sitemap><loc>{base}/huge-{n}.xml</loc></sitemap>" for n in range(children))
        body = (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SITEMAP_XMLNS}">{entries}</sitemapindex>').encode()
    else:
        number = int(match[1])
        key = (base, number, per, children)
        if key not in _HUGE_CACHE:
            _HUGE_CACHE.clear()
            _HUGE_CACHE[key] = _huge_child(request, base, number, per, children)
        body = _HUGE_CACHE[key]
    request.send(200, {"Content-Type": "application/xml"}, body, length=len(body))


def _huge_child(request: Request, base: str, number: int, per: int, children: int) -> bytes:
    live = sorted(request.server.replica.sites[request.site].live, key=lambda a: (a.last_change, a.number))
    total = children * per
    at = {(j + 1) * total // (len(live) + 1): article for j, article in enumerate(live)}  # global position -> article
    oldest = live[0].last_change.astimezone(timezone.utc) if live else datetime(2024, 1, 1, tzinfo=timezone.utc)
    step = max(1.0, (oldest - STALE_FROM).total_seconds() / total)
    parts = []
    for position in range(number * per, (number + 1) * per):
        article = at.get(position)
        if article is not None:
            path, when = article.path, article.last_change.astimezone(timezone.utc)
        else:
            path, when = FAKE_ARTICLE.format(n=position), STALE_FROM + timedelta(seconds=position * step)
        parts.append(f"<url><loc>{base}{path}</loc><lastmod>{when.isoformat(timespec='seconds')}</lastmod></url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_XMLNS}">' + "".join(parts)
            + "</urlset>").encode()


SITEMAP_XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def serve_as_html(request: Request) -> None:
    """HTML (the home page) where XML is expected: a sitemap that is a web page."""
    status, headers, body = request.server.routes[request.site].handle("/")
    request.send(200, {"Content-Type": "text/xml"}, body, length=len(body))


def serve_gzipped(request: Request) -> None:
    """The clean answer gzipped as a file (``.xml.gz``), sent as application/octet-stream, no
    Content-Encoding: only the content says it is gzip."""
    import gzip

    status, headers, body = request.clean()
    body = gzip.compress(body)
    request.send(status, {"Content-Type": "application/octet-stream"}, body, length=len(body))


def serve_not_found(request: Request) -> None:
    body = b"<html><body><h1>404 Not Found</h1></body></html>"
    request.send(404, {"Content-Type": "text/html; charset=UTF-8"}, body, length=len(body))


def serve_offhost_index(request: Request) -> None:
    """A sitemap index whose only child lives on another host (``to``, ``{port}`` the replica's)."""
    child = str(request.params.get("to", "http://127.0.0.9:{port}/post-sitemap.xml")).format(port=request.server.port)
    body = (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SITEMAP_XMLNS}">'
            f"<sitemap><loc>{child}</loc></sitemap></sitemapindex>").encode()
    request.send(200, {"Content-Type": "application/xml"}, body, length=len(body))


def serve_bad_json(request: Request) -> None:
    """A REST API page that is no list of posts (a PHP notice before the JSON, cut short)."""
    body = b'<br /><b>Notice</b>: Undefined index in <b>/var/www/wp-includes/rest-api.php</b><br />[{"id": 1, "link'
    request.send(200, {"Content-Type": "application/json; charset=UTF-8"}, body, length=len(body))


def serve_endless_headers(request: Request) -> None:
    """Header lines without end (``lines`` of them, then the page): only a header limit stops it."""
    status, headers, body = request.clean()
    handler = request.handler
    request.log(status)
    try:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.flush_headers()
        line = b"X-Filler-%d: " + b"x" * 200 + b"\r\n"
        for n in range(int(request.params.get("lines", 10_000_000))):
            handler.wfile.write(line % n)
        handler.wfile.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        handler.wfile.flush()
    except OSError:  # the crawler hung up at its header limit
        pass
    handler.close_connection = True


def _rewrite_article(request: Request, rewrite: Callable[[str], str]) -> None:
    status, headers, body = request.clean()
    if status == 200 and headers.get("Content-Type", "").startswith("text/html"):
        body = rewrite(body.decode("utf-8")).encode("utf-8")
        headers = {k: v for k, v in headers.items() if k != "ETag"}
    request.send(status, headers, body, length=len(body))


def serve_many_captions(request: Request) -> None:
    """The article with ``images`` captioned photos appended to its body (10,000)."""
    count = int(request.params.get("images", 10_000))
    figures = "".join(f'<figure><img src="/wp-content/uploads/2024/01/anh-{n}.jpg" alt=""><figcaption>Ảnh số {n}: '
                      f"quang cảnh buổi lễ</figcaption></figure>" for n in range(count))
    _rewrite_article(request, lambda html: _into_content(html, figures))


def _into_content(html: str, extra: str) -> str:
    """``extra`` inserted at the start of the article's content block."""
    marker = '<div class="entry-content">'
    return html.replace(marker, marker + extra, 1)


def serve_javascript_image(request: Request) -> None:
    """Photos whose addresses are ``javascript:`` and ``data:`` URLs, beside the real ones."""
    extra = ('<figure><img src="javascript:alert(document.domain)"><figcaption>Ảnh độc</figcaption></figure>'
             '<p><img src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></p>'
             '<figure><img src="vbscript:msgbox(1)"></figure>')
    _rewrite_article(request, lambda html: _into_content(html, extra))


def serve_meta_refresh(request: Request) -> None:
    """A page that is only a meta refresh to elsewhere (``to``)."""
    target = str(request.params.get("to", "http://127.0.0.9:{port}/")).format(port=request.server.port)
    body = f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head><body></body></html>'.encode()
    request.send(200, {"Content-Type": "text/html; charset=UTF-8"}, body, length=len(body))


def serve_empty_location(request: Request) -> None:
    request.send(int(request.params.get("status", 302)), {"Location": ""}, b"", length=0)


def serve_nul_bytes(request: Request) -> None:
    """NUL bytes inside the title and the text (a CMS that stored them)."""
    _rewrite_article(request, lambda html: html.replace("</h1>", "\x00" * 40 + "</h1>", 1).replace("</p>", "\x00\x00</p>", 2))


def serve_huge_title(request: Request) -> None:
    """A title of ``chars`` characters (1,000,000)."""
    filler = "Tiêu đề rất dài " * (int(request.params.get("chars", 1_000_000)) // 16)
    _rewrite_article(request, lambda html: html.replace('<h1 class="entry-title">', '<h1 class="entry-title">' + filler, 1))


def serve_huge_paragraph(request: Request) -> None:
    """One paragraph of ``bytes`` bytes (19 MB) at the end of the article's text."""
    size = int(request.params.get("bytes", 19 * 1000 * 1000))
    unit = "Đoạn văn rất dài. "
    paragraph = "<p>" + unit * (size // len(unit.encode("utf-8"))) + "</p>"
    _rewrite_article(request, lambda html: _into_content(html, paragraph))


MODES: dict[str, Mode] = {
    "http_error": Mode(serve_http_error, _http_error_expect, "5xx burst: fail the first `times` requests (status param)"),
    "retry_after": Mode(serve_retry_after, _retry_after_expect, "429/503 with Retry-After: seconds"),
    "reset": Mode(serve_reset, _transient(r"connection (reset|lost|closed)"), "TCP reset before any response byte"),
    "slow": Mode(serve_slow, _transient(r"timeout"), "answer after `seconds` (beyond the download timeout)"),
    "truncated": Mode(serve_truncated, _transient(r"truncated"), "Content-Length larger than the body sent"),
    "oversize": Mode(serve_oversize, _always_fails(r"larger than DOWNLOAD_MAXSIZE"), "body beyond the size limit"),
    "not_html": Mode(serve_not_html, _always_fails(r"not HTML: binary"), "PDF bytes served as text/html"),
    "empty": Mode(serve_empty, _always_fails(r"not HTML: empty"), "200 with an empty body"),
    "encoding": Mode(serve_encoding, _always_stored, "article re-encoded/relabelled (charset, header, meta, bom, normalization)"),
    "malformed": Mode(serve_malformed, _always_stored, "unclosed tags, nested tables, stray </html> mid-page"),
    "redirect": Mode(serve_redirect, _redirect_expect, "redirect to another host (`to` URL or `to_site`)"),
    "redirect_loop": Mode(serve_redirect_loop, _always_fails(r"redirect loop"), "a cycle of redirects"),
    "inject_links": Mode(serve_inject_links, _always_stored, "listing with links to forbidden hosts (`urls`)"),
    # hostile discovery and pages (issue 15): the expectation is about the faulted URL itself
    "wp_total_pages": Mode(serve_wp_total_pages, _always_stored, "REST API claiming `pages` pages (a billion)"),
    "sitemap_self": Mode(serve_sitemap_self, _always_stored, "sitemap index listing itself"),
    "ignore_query": Mode(serve_ignore_query, _always_stored, "feed that ignores ?paged= (page 1 forever)"),
    "endless_listing": Mode(serve_endless_listing, _always_stored, "listing pagination without end (`fresh`: new fake links)"),
    "huge_sitemap": Mode(serve_huge_sitemap, _always_stored, "sitemap index of `children` × `urls` stale URLs (10 × 100,000), "
                          "the live articles spread through it"),
    "as_html": Mode(serve_as_html, _always_stored, "HTML where a sitemap is expected"),
    "gzipped": Mode(serve_gzipped, _always_stored, "the answer gzipped as a file, application/octet-stream"),
    "not_found": Mode(serve_not_found, _always_fails(r"HTTP 404"), "404 (robots.txt missing)"),
    "offhost_index": Mode(serve_offhost_index, _always_stored, "sitemap index whose only child is on another host"),
    "bad_json": Mode(serve_bad_json, _always_stored, "REST API page that is no JSON list"),
    "endless_headers": Mode(serve_endless_headers, _always_fails(r"response headers (larger|longer) than"),
                            "header lines without end"),
    "many_captions": Mode(serve_many_captions, _always_stored, "article with `images` captioned photos (10,000)"),
    "javascript_image": Mode(serve_javascript_image, _always_stored, "javascript:/data:/vbscript: image addresses"),
    "meta_refresh": Mode(serve_meta_refresh, _always_fails(r"meta refresh"), "page that is only a meta refresh"),
    "empty_location": Mode(serve_empty_location, _always_fails(r"redirect without a Location"), "302 with an empty Location"),
    "nul_bytes": Mode(serve_nul_bytes, _always_stored, "NUL bytes in the title and text"),
    "huge_title": Mode(serve_huge_title, _always_stored, "a title of `chars` characters (1,000,000)"),
    "huge_paragraph": Mode(serve_huge_paragraph, _always_stored, "one paragraph of `bytes` bytes (19 MB)"),
}

# Encoding cases: (name, charset the bytes are in, Content-Type charset, <meta charset>, extra).
ENCODING_CASES: tuple[tuple[str, str, str | None, str | None, dict[str, Any]], ...] = (
    ("cp1258-labelled", "cp1258", "windows-1258", "windows-1258", {}),
    ("cp1258-meta-only", "cp1258", None, "windows-1258", {}),
    ("cp1258-unlabelled", "cp1258", None, None, {}),
    ("cp1258-labelled-utf8", "cp1258", "UTF-8", "UTF-8", {}),
    ("cp1258-labelled-latin1", "cp1258", "ISO-8859-1", "windows-1258", {}),
    ("utf8-labelled-latin1", "utf-8", "ISO-8859-1", "ISO-8859-1", {}),
    ("utf8-labelled-cp1258", "utf-8", "windows-1258", None, {}),
    ("utf8-unlabelled", "utf-8", None, None, {}),
    ("utf8-bom-labelled-latin1", "utf-8", "ISO-8859-1", None, {"bom": True}),
    ("utf16-labelled", "utf-16", "UTF-16", None, {}),
    ("ascii-numeric-references", "ascii", "US-ASCII", "US-ASCII", {}),
    ("utf8-nfd", "utf-8", "UTF-8", "UTF-8", {"normalization": "NFD"}),
)
