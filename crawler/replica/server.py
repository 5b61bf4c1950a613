"""The replica's HTTP side: one real threaded server per portal host, on its own loopback address.

Each site listens on its own 127.0.0.x address (same port), so hosts differ the way real portal
hosts do. Routes live in one table per server so later work (feeds, sitemaps, the WordPress JSON
API, fault modes) adds a route rather than editing a handler. Every request is logged, which lets
tests prove what the crawler did and did not fetch.
"""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timezone
from urllib.parse import parse_qs

from crawler.replica import feeds, templates
from crawler.replica import vocabulary as V
from crawler.replica.generator import Replica, Site, build_replica

Response = tuple[int, dict[str, str], bytes]
# A real 160x120 JPEG (409 bytes): a browser shows the photos of an article page (tests/test_browser.py).
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1R"
    "V19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2P/wAARCAB4AKADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAA"
    "AAAAAAAA/8QAFwEBAQEBAAAAAAAAAAAAAAAAAAMBAv/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/ALAC6IAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC"
    "GA1yAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA//2Q=="
)


@dataclass
class RequestLog:
    site: str
    method: str
    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class SiteRoutes:
    """Path -> response for one site. Routes are (regex, handler, source) triples tried in order;
    a route whose discovery source the site does not offer answers 404, as a portal would."""

    def __init__(self, site: Site, base_url: Callable[[], str] = lambda: "") -> None:
        self.site = site
        self.base_url = base_url
        self._index: tuple[int, dict] | None = None
        # Swappable renderer: a test can "redesign" a live site by assigning another function.
        self.render_article: Callable[..., str] = templates.article_page
        self.routes: list[tuple[re.Pattern[str], Callable[..., Response], str | None]] = [
            (re.compile(r"^/$"), self.home, None),
            (re.compile(r"^/category/(?P<cat>[a-z0-9-]+)/(?:page/(?P<num>\d+)/)?$"), self.category, "listing"),
            (re.compile(r"^/(?P<slug>[a-z0-9-]+)\.html(?:/amp|/print)?/?$"), self.article, None),
            (re.compile(r"^/wp-content/uploads/.+\.jpg$"), self.image, None),
            (re.compile(r"^/robots\.txt$"), self.robots, None),
            (re.compile(r"^/feed/?$"), self.feed, "feed"),
            (re.compile(r"^/sitemap(?:_index)?\.xml$"), self.sitemap_index, "sitemap"),
            (re.compile(r"^/post-sitemap(?P<num>\d*)\.xml$"), self.post_sitemap, "sitemap"),
            (re.compile(r"^/wp-json/?$"), self.api_root, "wpjson"),
            (re.compile(r"^/wp-json/wp/v2/posts/?$"), self.api_posts, "wpjson"),
        ]

    @property
    def slugs(self) -> dict:
        if self._index is None or self._index[0] != self.site.revision:
            self._index = (self.site.revision, self.site.by_slug())
        return self._index[1]

    def handle(self, path: str, headers: dict[str, str] | None = None) -> Response:
        path, _, query_string = path.split("#", 1)[0].partition("?")
        query = {k: v[-1] for k, v in parse_qs(query_string).items()}
        for pattern, handler, source in self.routes:
            match = pattern.match(path)
            if match:
                if source is not None and source not in self.site.sources:
                    return self.not_found()
                if handler == self.article:
                    return self.article(match["slug"], headers or {})
                if handler in (self.feed, self.api_posts):
                    return handler(query)
                return handler(**match.groupdict())
        return self.not_found()

    def feed(self, query: dict[str, str]) -> Response:
        body = feeds.rss(self.site, self.base_url(), self.site.newest_first(), _int(query.get("paged"), 1))
        if body is None:
            return self.not_found()
        return 200, {"Content-Type": "application/rss+xml; charset=UTF-8"}, body.encode("utf-8")

    def sitemap_index(self) -> Response:
        return _xml(feeds.sitemap_index(self.base_url(), self.site.newest_first()))

    def post_sitemap(self, num: str) -> Response:
        body = feeds.post_sitemap(self.base_url(), self.site.newest_first(), _int(num, 1))
        return _xml(body) if body is not None else self.not_found()

    def api_root(self) -> Response:
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, feeds.api_root(self.site, self.base_url()).encode()

    def api_posts(self, query: dict[str, str]) -> Response:
        status, headers, body = feeds.api_posts(
            self.base_url(), self.site.newest_first(), _int(query.get("page"), 1), _int(query.get("per_page"), 10)
        )
        return status, {"Content-Type": "application/json; charset=UTF-8", **headers}, body.encode("utf-8")

    def home(self) -> Response:
        articles = self.site.newest_first()
        return _html(templates.listing_page(self.site, self.site.name, "/", articles[: templates.PAGE_SIZE], 1))

    def category(self, cat: str, num: str | None) -> Response:
        names = dict(V.CATEGORIES)
        if cat not in names:
            return self.not_found()
        articles = self.site.newest_first(cat)
        number = int(num or 1)
        if number > templates.pages_in(articles):
            return self.not_found()
        return _html(templates.listing_page(self.site, names[cat], f"/category/{cat}/", articles, number))

    def article(self, slug: str, request_headers: dict[str, str]) -> Response:
        """An article page with ETag and Last-Modified, answering conditional requests with 304."""
        article = self.slugs.get(slug)
        if article is None:
            return self.not_found()
        related = [self.slugs[s] for s in article.related if s in self.slugs]
        body = self.render_article(self.site, article, related).encode("utf-8")
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        modified = format_datetime(article.last_change.astimezone(timezone.utc), usegmt=True)
        validators = {"ETag": etag, "Last-Modified": modified}
        if _not_modified(request_headers, etag, article.last_change):
            return 304, validators, b""
        return 200, {"Content-Type": "text/html; charset=UTF-8", **validators}, body

    def image(self) -> Response:
        return 200, {"Content-Type": "image/jpeg"}, _JPEG

    def robots(self) -> Response:
        lines = ["User-agent: *", "Disallow: /wp-admin/", *(f"Disallow: {p}" for p in self.site.disallowed)]
        if "sitemap" in self.site.sources:
            lines.append(f"Sitemap: {self.base_url()}/sitemap.xml")
        return 200, {"Content-Type": "text/plain"}, ("\n".join(lines) + "\n").encode()

    def not_found(self) -> Response:
        return 404, {"Content-Type": "text/html; charset=UTF-8"}, b"<html><body><h1>404 Not Found</h1></body></html>"


def _html(text: str) -> Response:
    return 200, {"Content-Type": "text/html; charset=UTF-8"}, text.encode("utf-8")


def _xml(text: str) -> Response:
    return 200, {"Content-Type": "application/xml; charset=UTF-8"}, text.encode("utf-8")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _not_modified(headers: dict[str, str], etag: str, changed: datetime) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    if "if-none-match" in lowered:
        return etag in [tag.strip() for tag in lowered["if-none-match"].split(",")]
    if "if-modified-since" in lowered:
        try:
            return changed.replace(microsecond=0) <= parsedate_to_datetime(lowered["if-modified-since"])
        except (TypeError, ValueError):
            return False
    return False


class ReplicaServer:
    """Serve a ``Replica`` on loopback; use as a context manager or call start()/stop()."""

    def __init__(self, replica: Replica | None = None, port: int = 0, first_address: int = 1) -> None:
        self.replica = replica or build_replica()
        self.port = port
        self.first_address = first_address
        self.log: list[RequestLog] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self.routes = {
            key: SiteRoutes(site, lambda key=key: self.base_urls[key]) for key, site in self.replica.sites.items()
        }
        # Hooks that may answer a request before routing (fault modes, throttling); each takes
        # (site key, handler) and returns True when it has answered the request itself.
        self.interceptors: list[Callable[[str, BaseHTTPRequestHandler], bool]] = []

    @property
    def base_urls(self) -> dict[str, str]:
        return {key: f"http://{self._address(i)}:{self.port}" for i, key in enumerate(self.replica.sites)}

    def _address(self, index: int) -> str:
        return f"127.0.0.{self.first_address + index}"

    def start(self) -> ReplicaServer:
        for attempt in range(20):
            try:
                self._bind_all()
                break
            except OSError:
                self._close_servers()
                if self.port and attempt == 0 and self._fixed_port_busy():
                    raise
                self.port = 0
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True, name=f"replica-{server.server_address}").start()
        return self

    def _fixed_port_busy(self) -> bool:
        return False

    def _bind_all(self) -> None:
        for index, key in enumerate(self.replica.sites):
            server = ThreadingHTTPServer((self._address(index), self.port), self._handler_for(key))
            server.daemon_threads = True
            if not self.port:
                self.port = server.server_address[1]
            self._servers.append(server)

    def _handler_for(self, key: str) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                if any(intercept(key, self) for intercept in owner.interceptors):
                    return
                status, headers, body = owner.routes[key].handle(self.path, dict(self.headers.items()))
                owner._record(RequestLog(key, "GET", self.path, status, dict(self.headers.items())))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # quiet: the log list is the record
                return

        return Handler

    def _record(self, entry: RequestLog) -> None:
        with self._lock:
            self.log.append(entry)

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
        self._close_servers()

    def _close_servers(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers = []

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
