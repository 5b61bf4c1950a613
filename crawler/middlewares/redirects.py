"""Redirects checked before they are followed.

Scrapy's RedirectMiddleware sends a redirected request back through the scheduler, where the
duplicate filter silently drops a loop (A -> B -> A) and the offsite filter silently drops a
redirect off the portal: the URL then ends with no page and no failure. This middleware sits
nearer the downloader (priority > 600) so it sees the 3xx first and turns both into a
``RefusedRequest`` the spider's errback records: "redirect loop: …", "redirect to disallowed host …".
The same holds for a meta refresh Scrapy would follow ("meta refresh to disallowed host …") and for
a 3xx whose Location is empty, which Scrapy turns into a redirect to the page itself that the
duplicate filter drops ("redirect without a Location …").
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.response import get_meta_refresh
from w3lib.url import canonicalize_url, safe_url_string

from crawler.middlewares.hosts import HostPolicy, RefusedRequest, _shown
from crawler.registry import registry_from_settings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def redirect_target(request: Request, response: Response) -> str | None:
    location = response.headers.get(b"Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    return safe_url_string(urljoin(request.url, location.decode("latin-1").strip()))


def meta_refresh_target(response: Response, max_delay: float | None) -> str | None:
    """Where an HTML page's ``<meta http-equiv="refresh">`` sends the crawler (Scrapy's
    MetaRefreshMiddleware follows those under METAREFRESH_MAXDELAY), else None."""
    if max_delay is None or not isinstance(response, HtmlResponse):
        return None
    try:
        interval, url = get_meta_refresh(response)
    except (ValueError, UnicodeError):
        return None
    if url is None or interval is None or interval >= max_delay:
        return None
    return safe_url_string(url)


def _same_page(url: str) -> str:
    try:
        return canonicalize_url(url, keep_fragments=False)
    except ValueError:
        return url


class RedirectGuardMiddleware:
    def __init__(self, policy: HostPolicy, stats=None, meta_refresh_max_delay: float | None = 100) -> None:
        self.policy = policy
        self.stats = stats
        self.meta_refresh_max_delay = meta_refresh_max_delay  # None: Scrapy follows no meta refresh

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        delay = settings.getfloat("METAREFRESH_MAXDELAY") if settings.getbool("METAREFRESH_ENABLED") else None
        return cls(HostPolicy.from_registry(registry_from_settings(settings)), crawler.stats, delay)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if request.meta.get("dont_redirect"):
            return response
        if response.status in REDIRECT_STATUSES and b"Location" in response.headers and \
                not (response.headers.get(b"Location") or b"").strip():
            self._count("muninews/refused/redirect_empty")
            raise RefusedRequest(f"redirect without a Location: HTTP {response.status} with an empty Location header")
        target = redirect_target(request, response)
        kind = "redirect"
        if target is None:
            target = meta_refresh_target(response, self.meta_refresh_max_delay)
            kind = "meta refresh"
            if target is None:
                return response
        self._check(request, target, kind)
        return response

    def _check(self, request: Request, target: str, kind: str) -> None:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _same_page(target) in {_same_page(url) for url in chain}:
            self._count("muninews/refused/redirect_loop")
            raise RefusedRequest(f"{kind} loop: {target} after {len(chain)} redirect(s) from {chain[0]}")
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            self._count("muninews/refused/redirect_scheme")
            raise RefusedRequest(f"{kind} to unsupported scheme {parts.scheme}: {target}")
        portal = self.policy.portal_of(request)
        if not self.policy.allows(portal, parts):
            self._count("muninews/refused/redirect_host")
            raise RefusedRequest(f"{kind} to disallowed host {_shown(parts)} ({target}, portal {portal})")

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
