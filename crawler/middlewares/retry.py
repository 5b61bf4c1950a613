"""Retries that give a struggling server room: exponential backoff, and ``Retry-After`` honoured.

Replaces Scrapy's RetryMiddleware (same settings: RETRY_TIMES, RETRY_HTTP_CODES, …) with:

- a wait before each retry of ``RETRY_BACKOFF_BASE * 2 ** (n - 1)`` seconds, capped at
  ``RETRY_BACKOFF_MAX`` (Scrapy retries at once, which hammers a server that is already failing);
- on 429/503 with ``Retry-After`` (seconds or an HTTP date), exactly that wait, for the retried
  URL *and* every other request to the same host (the server asked the client, not the URL, to
  back off); a ``Retry-After`` beyond ``RETRY_AFTER_MAX`` is not waited for: the URL is given up
  for this run and its failure says why;
- a budget of ``Retry-After`` waiting per host (``RETRY_AFTER_HOST_BUDGET``) and per run
  (``RETRY_AFTER_RUN_BUDGET``): each honoured ``Retry-After`` spends what it adds to the host's
  pause; one that would overspend is not waited for and its URL fails with that reason (64 URLs
  answering ``Retry-After: 10`` no longer make a crawl twelve times slower).

Waiting happens in ``process_request``, before the request takes a download slot.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

from crawler.text.httpdate import parse_http_date

NOT_BEFORE = "muninews_not_before"  # meta: monotonic time before which the retry must not start
GIVE_UP = "muninews_give_up"  # meta: why a retryable response was not retried (for the failure reason)
RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or HTTP-date); None if absent or invalid."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):  # RFC 9110 says integer; some servers send "1.5"
        return float(text)
    moment = parse_http_date(text)
    if moment is None:
        return None
    return max(0.0, (moment - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_seconds(retry_number: int, base: float, cap: float) -> float:
    """Wait before retry ``retry_number`` (1-based): base, 2·base, 4·base, … up to ``cap``."""
    return min(cap, base * 2 ** max(0, retry_number - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings, clock=time.monotonic) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 300.0)
        self.host_budget = settings.getfloat("RETRY_AFTER_HOST_BUDGET", 120.0)
        self.run_budget = settings.getfloat("RETRY_AFTER_RUN_BUDGET", 600.0)
        self.clock = clock
        self.host_not_before: dict[str, float] = {}
        self.host_spent: dict[str, float] = {}
        self.run_spent = 0.0

    async def process_request(self, request: Request, spider=None) -> None:
        host = urlparse_cached(request).hostname or ""
        wait = max(request.meta.get(NOT_BEFORE, 0.0), self.host_not_before.get(host, 0.0)) - self.clock()
        if wait > 0:
            await sleep(wait)
        return None

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in RETRY_AFTER_STATUSES else None
        if asked is not None and asked > self.retry_after_max:
            request.meta[GIVE_UP] = f"Retry-After {asked:g} s exceeds RETRY_AFTER_MAX {self.retry_after_max:g} s"
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            return response
        host = urlparse_cached(request).hostname or ""
        if asked is not None and (over := self._over_budget(host, asked)):
            request.meta[GIVE_UP] = over
            self.crawler.stats.inc_value("retry/retry_after_over_budget")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if asked is not None:
            self.crawler.stats.inc_value("retry/retry_after")
            now = self.clock()
            before = max(self.host_not_before.get(host, 0.0), now)
            added = max(0.0, now + asked - before)
            self.host_spent[host] = self.host_spent.get(host, 0.0) + added
            self.run_spent += added
            self.host_not_before[host] = max(self.host_not_before.get(host, 0.0), now + asked)
        return self._delayed(retry, asked)

    def _over_budget(self, host: str, asked: float) -> str | None:
        """Why waiting ``asked`` more seconds for ``host`` would overspend a Retry-After budget."""
        now = self.clock()
        added = max(0.0, now + asked - max(self.host_not_before.get(host, 0.0), now))
        spent = self.host_spent.get(host, 0.0)
        if spent + added > self.host_budget:
            return (f"Retry-After {asked:g} s past the Retry-After budget of host {host}: {spent:g} s of "
                    f"RETRY_AFTER_HOST_BUDGET {self.host_budget:g} s waited")
        if self.run_spent + added > self.run_budget:
            return (f"Retry-After {asked:g} s past the Retry-After budget of the run: {self.run_spent:g} s of "
                    f"RETRY_AFTER_RUN_BUDGET {self.run_budget:g} s waited")
        return None

    def process_exception(self, request: Request, exception: Exception, spider=None):
        retry = super().process_exception(request, exception)
        return self._delayed(retry, None) if isinstance(retry, Request) else retry

    def _delayed(self, retry: Request, asked: float | None) -> Request:
        wait = asked if asked is not None else backoff_seconds(retry.meta["retry_times"], self.backoff_base, self.backoff_max)
        retry.meta[NOT_BEFORE] = self.clock() + wait
        return retry
