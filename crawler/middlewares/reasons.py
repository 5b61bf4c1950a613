"""Fetch failures as sentences: the ``failures.reason`` an analyst reads the next morning.

``failure_reason`` maps what Scrapy and Twisted raise to a short, stable phrase ("HTTP 500 after
3 retries", "timeout after 3 retries: …", "truncated body …", "response larger than
DOWNLOAD_MAXSIZE …", "redirect to disallowed host 10.0.0.1 …"), so failures can be grouped by
reason with a plain ``LIKE``.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.middlewares.headers import HeaderLimitExceeded, exceeded_in
from crawler.middlewares.hosts import RefusedRequest
from crawler.middlewares.retry import GIVE_UP

_TIMEOUTS = (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError)
_CONNECTION_LOST = (DownloadFailedError, tx_error.ConnectionLost, tx_error.ConnectionDone, ResponseFailed,
                    ResponseNeverReceived, ConnectionResetError)
_REFUSED = (DownloadConnectionRefusedError, tx_error.ConnectionRefusedError)
_DNS = (CannotResolveHostError, tx_error.DNSLookupError)


def failure_reason(failure: Failure) -> str:
    error = failure.value
    request = getattr(failure, "request", None)
    meta = request.meta if request is not None else {}
    retries = meta.get("retry_times", 0)
    after = f" after {retries} retries" if retries else ""
    message = str(error) or type(error).__name__
    if isinstance(error, HttpError):
        note = f" ({meta[GIVE_UP]})" if meta.get(GIVE_UP) else ""
        return f"HTTP {error.response.status}{note}{after}"
    if isinstance(error, (RefusedRequest, HeaderLimitExceeded)):
        return message
    if (limit := exceeded_in(error)) is not None:
        return str(limit)
    if isinstance(error, IgnoreRequest):
        if "max redirections" in message:
            return f"too many redirects ({len(meta.get('redirect_urls', []))}, REDIRECT_MAX_TIMES)"
        return f"ignored: {message}"
    if isinstance(error, DownloadCancelledError):
        # Scrapy cancels a download for one reason mid-crawl: the body outgrew DOWNLOAD_MAXSIZE
        # (with a message when Content-Length announced it, without one when counting found it).
        detail = message if "larger than" in message else "cancelled while the body was streaming"
        return f"response larger than DOWNLOAD_MAXSIZE: {detail}"
    if isinstance(error, ResponseDataLossError):
        return f"truncated body: connection closed before Content-Length was received{after}"
    if isinstance(error, _TIMEOUTS):
        return f"timeout{after}: {message}"
    if isinstance(error, _REFUSED):
        return f"connection refused{after}"
    if isinstance(error, _DNS):
        return f"DNS lookup failed{after}: {message}"
    if isinstance(error, _CONNECTION_LOST):
        return f"connection reset or closed by the server{after}: {message}"
    return f"{type(error).__name__}{after}: {message}"
