"""The probe's HTTP client: the crawl's guards, for a process that is not a Scrapy crawl.

``muninews add-portal`` runs before any profile exists, so it cannot use the crawl's downloader
middlewares; it applies the same rules itself, because a probe that follows a redirect or a sitemap
link to another host is the same server-side request forgery a crawl would be:

- the allowed unit is the base URL's host **and port** (a link to the portal's address on another
  port is another site); every other URL is refused before connecting;
- the host's address is classified with the crawl's ``non_public_kind``: a loopback or private
  address is refused unless the caller allowed it explicitly (``--allow-private``), and the
  connection goes to the very address that was checked (no second DNS answer);
- redirects are followed by hand, each hop checked like the first (at most ``MAX_REDIRECTS``);
- bodies are cut at ``max_bytes`` (a gzip body is inflated at most to that size), header lines and
  counts are bounded by ``http.client``;
- one overall deadline: a watchdog closes the socket when it passes, so a server that sends one
  byte every few seconds cannot hold the probe, whatever the per-read timeout says.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from crawler.middlewares.hosts import is_ip_literal, non_public_kind

MAX_REDIRECTS = 5
MAX_BYTES = 8 * 1024 * 1024
REQUEST_TIMEOUT = 15.0
DEFAULT_PORTS = {"http": 80, "https": 443}


class ProbeRefused(Exception):
    """The probe must not ask this URL; the message says why, in one line."""


@dataclass
class Answer:
    """One fetch: the final URL, its status (None: no HTTP answer at all), headers and body."""

    url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    raw: bytes | None = None  # a gzipped file's bytes as sent (``body`` is inflated), else None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    def describe(self) -> str:
        """What went wrong, for a "missing" line: an HTTP status, or the failure in words."""
        return self.error if self.error else f"HTTP {self.status}"


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if not parts.hostname:
        raise ValueError(f"no host name in {url!r}")
    return parts.scheme, parts.hostname.lower(), parts.port or DEFAULT_PORTS[parts.scheme]


class ProbeClient:
    """Fetches for one site: only its host and port, within one deadline for the whole probe."""

    def __init__(self, base_url: str, *, allow_private: bool = False, deadline_s: float = 50.0,
                 max_bytes: int = MAX_BYTES, user_agent: str = "muninews") -> None:
        _, self.host, self.port = origin(base_url)
        self.allow_private = allow_private
        self.deadline = time.monotonic() + deadline_s
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.requests: list[str] = []
        self.refused: list[str] = []
        self._address: str | None = None

    # --- policy -------------------------------------------------------------------------------
    def allows(self, url: str) -> bool:
        """Same host and port as the site (scheme may differ only if the port does not)."""
        try:
            _, host, port = origin(url)
        except ValueError:
            return False
        return (host, port) == (self.host, self.port)

    def address(self) -> str:
        """The site's address, checked once: ProbeRefused when it is not public and not allowed,
        OSError when the name does not resolve."""
        if self._address is None:
            address = self.host.strip("[]") if is_ip_literal(self.host) else _resolve(self.host, self.port)
            kind = non_public_kind(address)
            if kind and not self.allow_private:
                raise ProbeRefused(f"{self.host} resolves to {kind} address {address}; "
                                   "probe it only if you mean to, with --allow-private")
            self._address = address
        return self._address

    @property
    def is_private(self) -> bool:
        return non_public_kind(self.address()) is not None

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    # --- fetching -----------------------------------------------------------------------------
    def fetch(self, url: str) -> Answer:
        """GET ``url`` with redirects followed on the site only; never raises for network trouble."""
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allows(url):
                self.refused.append(url)
                return Answer(url, None, error=f"not followed: {url} is not on {self.host}:{self.port}")
            if self.remaining() <= 0:
                return Answer(url, None, error="not asked: the probe's deadline has passed")
            answer = self._get_once(url)
            location = answer.headers.get("location", "").strip()
            if answer.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return answer
        return Answer(url, None, error=f"more than {MAX_REDIRECTS} redirects")

    def _get_once(self, url: str) -> Answer:
        parts = urlsplit(url)
        try:
            address = self.address()
        except OSError as error:
            return Answer(url, None, error=f"cannot resolve {self.host}: {_reason(error)}")
        timeout = max(0.1, min(REQUEST_TIMEOUT, self.remaining()))
        connection = _connection(parts.scheme, self.host, self.port, address, timeout)
        watchdog = threading.Timer(max(0.1, self.remaining()), _shut, (connection,))
        watchdog.daemon = True
        self.requests.append(url)
        watchdog.start()
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip",
                                                     "Host": parts.netloc})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            sent = _read_capped(response, self.max_bytes)
            if headers.get("content-encoding", "").lower() in ("gzip", "x-gzip"):
                sent = inflate(sent, self.max_bytes)  # transport encoding: a crawl decodes it too
            if sent[:2] == b"\x1f\x8b":  # a gzipped file (sitemap.xml.gz), whatever its type says
                return Answer(url, response.status, headers, inflate(sent, self.max_bytes), raw=sent)
            return Answer(url, response.status, headers, sent)
        except (OSError, http.client.HTTPException, ValueError, zlib.error) as error:
            if self.remaining() <= 0:
                return Answer(url, None, error="stopped: the probe's deadline passed during the request")
            return Answer(url, None, error=_reason(error))
        finally:
            watchdog.cancel()
            connection.close()


def _resolve(host: str, port: int) -> str:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return infos[0][4][0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name would resolve to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return kind(host, port, address, timeout)


def _shut(connection: http.client.HTTPConnection) -> None:
    """The deadline passed: end the request whatever it is blocked on."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _read_capped(response: http.client.HTTPResponse, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = response.read1(min(65536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def inflate(body: bytes, limit: int = MAX_BYTES) -> bytes:
    """A gzip body inflated to at most ``limit`` bytes (a compression bomb is cut, not expanded)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return inflater.decompress(body, limit)


def _reason(error: BaseException) -> str:
    """One line for a network failure: never a bare "HTTP 0"."""
    if isinstance(error, socket.gaierror):
        return f"host name not found ({error.strerror or error})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    if isinstance(error, ConnectionError):
        return f"connection failed ({error.strerror or type(error).__name__})"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
