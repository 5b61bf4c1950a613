"""The replica's HTTP side: one real threaded server per portal host, on its own loopback address.

Each site listens on its own 127.0.0.x address (same port), so hosts differ the way real portal
hosts do. Routes live in one table per server so later work (feeds, sitemaps, the WordPress JSON
API, fault modes) adds a route rather than editing a handler. Every request is logged, which lets
tests prove what the crawler did and did not fetch.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.replica import templates
from crawler.replica import vocabulary as V
from crawler.replica.generator import Replica, Site, build_replica

Response = tuple[int, dict[str, str], bytes]
_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@dataclass
class RequestLog:
    site: str
    method: str
    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class SiteRoutes:
    """Path -> response for one site. Routes are (regex, handler) pairs tried in order."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.slugs = site.by_slug()
        # Swappable renderer: a test can "redesign" a live site by assigning another function.
        self.render_article: Callable[..., str] = templates.article_page
        self.routes: list[tuple[re.Pattern[str], Callable[..., Response]]] = [
            (re.compile(r"^/$"), self.home),
            (re.compile(r"^/category/(?P<cat>[a-z0-9-]+)/(?:page/(?P<num>\d+)/)?$"), self.category),
            (re.compile(r"^/(?P<slug>[a-z0-9-]+)\.html$"), self.article),
            (re.compile(r"^/wp-content/uploads/.+\.jpg$"), self.image),
            (re.compile(r"^/robots\.txt$"), self.robots),
        ]

    def handle(self, path: str) -> Response:
        path = path.split("?", 1)[0].split("#", 1)[0]
        for pattern, handler in self.routes:
            match = pattern.match(path)
            if match:
                return handler(**match.groupdict())
        return self.not_found()

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

    def article(self, slug: str) -> Response:
        article = self.slugs.get(slug)
        if article is None:
            return self.not_found()
        related = [self.slugs[s] for s in article.related]
        return _html(self.render_article(self.site, article, related))

    def image(self) -> Response:
        return 200, {"Content-Type": "image/jpeg"}, _JPEG

    def robots(self) -> Response:
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /wp-admin/\n"

    def not_found(self) -> Response:
        return 404, {"Content-Type": "text/html; charset=UTF-8"}, b"<html><body><h1>404 Not Found</h1></body></html>"


def _html(text: str) -> Response:
    return 200, {"Content-Type": "text/html; charset=UTF-8"}, text.encode("utf-8")


class ReplicaServer:
    """Serve a ``Replica`` on loopback; use as a context manager or call start()/stop()."""

    def __init__(self, replica: Replica | None = None, port: int = 0, first_address: int = 1) -> None:
        self.replica = replica or build_replica()
        self.port = port
        self.first_address = first_address
        self.log: list[RequestLog] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self.routes = {key: SiteRoutes(site) for key, site in self.replica.sites.items()}
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
                status, headers, body = owner.routes[key].handle(self.path)
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
