"""Small loopback sites for the add-portal probe's tests: each path answers what the test says,
every request is recorded, and a few hostile answers (a drip, endless headers, a gzip bomb, a
redirect elsewhere) are one call away. Not part of the product."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import urlsplit

Handler = Callable[[BaseHTTPRequestHandler], None]


class ProbeSite:
    """A loopback server answering ``routes[path]`` (a handler, or (status, headers, body)); 404
    otherwise. ``base_url`` has no trailing slash; ``requests`` lists every path asked."""

    def __init__(self, host: str = "127.0.0.1", routes: dict | None = None) -> None:
        self.host = host
        self.routes: dict[str, object] = dict(routes or {})
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        site = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                site.requests.append(self.path)
                route = site.routes.get(self.path, site.routes.get(urlsplit(self.path).path))
                if callable(route):
                    route(self)
                    return
                status, headers, body = route if route is not None else (404, {}, b"not found")
                answer(self, status, headers, body.replace(b"{base}", site.base_url.encode()))

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer((self.host, 0), RequestHandler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True, name="probe-site").start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def answer(handler: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes) -> None:
    handler.send_response(status)
    for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def html(body: str, head: str = "", lang: str = "vi") -> tuple[int, dict, bytes]:
    return 200, {}, f'<!doctype html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'.encode()


def xml(text: str, content_type: str = "application/xml") -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": content_type}, text.encode()


def redirect(location: str) -> tuple[int, dict, bytes]:
    return 302, {"Location": location}, b""


def drip(seconds: float = 5.0) -> Handler:
    """A 200 whose headers and body come one byte every ``seconds``, forever."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        try:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Slow: " + b"a" * 10_000:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(seconds)
        except OSError:
            return
    return handle


def endless_headers(handler: BaseHTTPRequestHandler) -> None:
    """Header lines without end (until the client hangs up)."""
    try:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for n in range(1_000_000):
            handler.wfile.write(b"X-Filler-%d: %s\r\n" % (n, b"x" * 100))
    except OSError:
        return


def gzip_bomb(megabytes: int = 200) -> tuple[int, dict, bytes]:
    """A sitemap-looking .gz of ``megabytes`` of zeros after an urlset opening."""
    opening = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return 200, {"Content-Type": "application/octet-stream"}, gzip.compress(opening + b"\0" * (megabytes << 20), 1)


def gzipped(text: str, content_type: str = "application/octet-stream") -> Handler:
    """``text`` gzipped, ``{base}`` replaced by the site's address first (as plain routes are)."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        host, port = handler.server.server_address[:2]
        body = gzip.compress(text.replace("{base}", f"http://{host}:{port}").encode())
        answer(handler, 200, {"Content-Type": content_type}, body)
    return handle
