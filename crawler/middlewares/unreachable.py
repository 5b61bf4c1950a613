"""A host that refused every retry is not asked again in this run.

With a thousand portals a few are always down. Without this, each of a down host's requests (its
robots.txt, every discovery source it might offer, every start page) waits through its own
retries and backoff: one refused host held a 16-host crawl for 26 s after all others were done.
Once the retries of one request to a host give up on a connection-level error (refused, DNS,
TCP connect timeout), that host's later requests fail at once, each with a failure row saying
why, so the analyst still sees every URL that was not fetched.

Sits early (45: after the host guard, before robots.txt at 100) so a skipped request takes no
download slot, and sees exceptions last, i.e. only after BackoffRetryMiddleware (550) gave up.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as tx_error

from crawler.middlewares.hosts import RefusedRequest

UNREACHABLE = (DownloadConnectionRefusedError, CannotResolveHostError, tx_error.ConnectionRefusedError,
               tx_error.DNSLookupError, tx_error.TCPTimedOutError)


class HostUnreachable(RefusedRequest):
    """A request not sent: its host could not be reached earlier in the run."""


class UnreachableHostMiddleware:
    def __init__(self, stats=None) -> None:
        self.unreachable: dict[str, str] = {}  # host:port -> what happened to it
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request: Request, spider=None) -> None:
        why = self.unreachable.get(urlparse_cached(request).netloc)
        if why is not None:
            if self.stats is not None:
                self.stats.inc_value("muninews/unreachable_skipped")
            raise HostUnreachable(f"{why}: host unreachable earlier in this run, not requested again")
        return None

    def process_exception(self, request: Request, exception: Exception, spider=None) -> None:
        if isinstance(exception, UNREACHABLE) and not isinstance(exception, IgnoreRequest):
            netloc = urlparse_cached(request).netloc
            self.unreachable.setdefault(netloc, _kind(exception))
        return None


def _kind(exception: Exception) -> str:
    if isinstance(exception, (CannotResolveHostError, tx_error.DNSLookupError)):
        return "DNS lookup failed"
    if isinstance(exception, tx_error.TCPTimedOutError):
        return "connect timed out"
    return "connection refused"
