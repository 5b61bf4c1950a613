"""Response header limits: the whole header block and each header line are bounded.

Twisted's HTTP client (which Scrapy's downloader uses) caps one line at 16 KiB but not how many
lines a response sends, nor a header continued over many lines: a server sending header lines
without end took a crawl to 2.4 GB. ``install`` bounds, in Twisted's response parser, the bytes of
the status line and headers together (``DOWNLOAD_MAX_HEADER_BYTES``) and of one header, continuation
lines included (``DOWNLOAD_MAX_HEADER_LINE``). Past either, the connection is dropped and the
request fails with ``HeaderLimitExceeded`` ("response headers larger than …"), not retried: the
same server will send the same headers again.

``HeaderLimitsMiddleware`` (a downloader middleware) installs the limits from the settings when a
crawl starts; the limits hold for the process (one crawl per process).
"""

from __future__ import annotations

from scrapy import Request
from twisted.web import _newclient

DEFAULT_TOTAL = 64 * 1024
DEFAULT_LINE = 16 * 1024


class HeaderLimitExceeded(Exception):
    """A response's headers went past a limit; the message is the failure reason."""


_LIMITS = {"total": DEFAULT_TOTAL, "line": DEFAULT_LINE}


def _parser_classes() -> list[type]:
    """Twisted's response parser and Scrapy's lenient copy of it (which has its own lineReceived)."""
    classes: list[type] = [_newclient.HTTPClientParser]
    try:
        from scrapy.core.downloader.handlers.http11 import _LenientHTTPClientParser
    except ImportError:  # an older or newer Scrapy without it: Twisted's parser is the one
        return classes
    return [*classes, _LenientHTTPClientParser]


def _bounded(original):
    def line_received(self, line: bytes) -> None:
        if self.state in (_newclient.STATUS, _newclient.HEADER):
            seen = getattr(self, "_muninews_header_bytes", 0) + len(line) + 1
            self._muninews_header_bytes = seen
            if seen > _LIMITS["total"]:
                raise HeaderLimitExceeded(
                    f"response headers larger than {_LIMITS['total']} bytes (DOWNLOAD_MAX_HEADER_BYTES)")
            if line[:1] in (b" ", b"\t") and self._partialHeader is not None:
                if sum(map(len, self._partialHeader)) + len(line) > _LIMITS["line"]:
                    raise HeaderLimitExceeded(
                        f"response header longer than {_LIMITS['line']} bytes (DOWNLOAD_MAX_HEADER_LINE)")
        original(self, line)

    line_received.muninews_original = original
    return line_received


def _line_length_exceeded(self, line: bytes) -> None:
    raise HeaderLimitExceeded(f"response header longer than {_LIMITS['line']} bytes (DOWNLOAD_MAX_HEADER_LINE)")


def install(total: int = DEFAULT_TOTAL, line: int = DEFAULT_LINE) -> None:
    """Bound the headers of every response this process's Twisted HTTP client parses."""
    _LIMITS.update(total=int(total), line=int(line))
    for parser in _parser_classes():
        current = parser.__dict__.get("lineReceived") or parser.lineReceived
        if not hasattr(current, "muninews_original"):
            parser.lineReceived = _bounded(current)
        parser.lineLengthExceeded = _line_length_exceeded
        parser.MAX_LENGTH = int(line)


def exceeded_in(error: BaseException) -> HeaderLimitExceeded | None:
    """The header limit a download error comes from (Twisted wraps it in ResponseFailed), if any."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen or current is None:
            continue
        seen.add(id(current))
        if isinstance(current, HeaderLimitExceeded):
            return current
        pending += [getattr(reason, "value", reason) for reason in getattr(current, "reasons", []) or []]
        pending += [current.__cause__, current.__context__]
    return None


class HeaderLimitsMiddleware:
    """Installs the header limits; turns a download cut by them into a failure that says so."""

    def __init__(self, total: int, line: int) -> None:
        install(total, line)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getint("DOWNLOAD_MAX_HEADER_BYTES", DEFAULT_TOTAL),
                   settings.getint("DOWNLOAD_MAX_HEADER_LINE", DEFAULT_LINE))

    def process_exception(self, request: Request, exception: Exception, spider=None):
        found = exceeded_in(exception)
        if found is not None:
            request.meta["dont_retry"] = True
            raise found from exception
        return None
