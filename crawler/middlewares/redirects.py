"""Redirects checked before they are followed.

Scrapy's RedirectMiddleware sends a redirected request back through the scheduler, where the
duplicate filter silently drops a loop (A -> B -> A) and the offsite filter silently drops a
redirect off the portal: the URL then ends with no page and no failure. This middleware sits
nearer the downloader (priority > 600) so it sees the 3xx first and turns both into a
``RefusedRequest`` the spider's errback records: "redirect loop: …", "redirect to disallowed host …".
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response
from w3lib.url import canonicalize_url, safe_url_string

from crawler.middlewares.hosts import HostPolicy, RefusedRequest, _shown
from crawler.registry import registry_from_settings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def redirect_target(request: Request, response: Response) -> str | None:
    location = response.headers.get(b"Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    return safe_url_string(urljoin(request.url, location.decode("latin-1").strip()))


def _same_page(url: str) -> str:
    try:
        return canonicalize_url(url, keep_fragments=False)
    except ValueError:
        return url


class RedirectGuardMiddleware:
    def __init__(self, policy: HostPolicy, stats=None) -> None:
        self.policy = policy
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(HostPolicy.from_registry(registry_from_settings(crawler.settings)), crawler.stats)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if request.meta.get("dont_redirect"):
            return response
        target = redirect_target(request, response)
        if target is None:
            return response
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _same_page(target) in {_same_page(url) for url in chain}:
            self._count("muninews/refused/redirect_loop")
            raise RefusedRequest(f"redirect loop: {target} after {len(chain)} redirect(s) from {chain[0]}")
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            self._count("muninews/refused/redirect_scheme")
            raise RefusedRequest(f"redirect to unsupported scheme {parts.scheme}: {target}")
        portal = self.policy.portal_of(request)
        if not self.policy.allows(portal, parts):
            self._count("muninews/refused/redirect_host")
            raise RefusedRequest(f"redirect to disallowed host {_shown(parts)} ({target}, portal {portal})")
        return response

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
