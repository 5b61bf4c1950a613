"""The one generic spider: walks a portal's listings as its profile describes and yields raw pages.

``scrapy crawl portal -a portal=NAME`` (or ``-a portal=all``, or a comma-separated list). Every
portal-specific detail (start paths, link and next-page selectors, URL patterns) comes from the
profile registry; this module knows none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import FailureItem, PageItem
from crawler.registry import Portal, Registry, registry_from_settings, selector_xpath


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, portal: str = "all", *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.portal_arg = portal
        self.portals: dict[str, Portal] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.portals = select_portals(registry_from_settings(crawler.settings), spider.portal_arg)
        spider.allowed_domains = sorted({host for p in spider.portals.values() for host in p.hosts})
        return spider

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for portal in self.portals.values():
            for path in portal.discovery.start_paths:
                yield self._listing_request(portal.base_url + path, portal)

    def _listing_request(self, url: str, portal: Portal) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.failed, cb_kwargs={"portal": portal.name})

    def parse_listing(self, response: Response, portal: str) -> Iterator[scrapy.Request]:
        profile = self.portals[portal]
        discovery = profile.discovery
        pattern = re.compile(discovery.article_url_pattern) if discovery.article_url_pattern else None
        for href in response.xpath(selector_xpath(discovery.article_links)).xpath("@href").getall():
            url = response.urljoin(href)
            if pattern is None or pattern.search(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_article, errback=self.failed, cb_kwargs={"portal": portal})
        if discovery.next_page:
            for href in response.xpath(selector_xpath(discovery.next_page)).xpath("@href").getall()[:1]:
                yield self._listing_request(response.urljoin(href), profile)

    def parse_article(self, response: Response, portal: str) -> Iterator[PageItem]:
        self.crawler.stats.inc_value("muninews/pages_fetched")
        yield PageItem(
            url=response.url, portal=portal, status=response.status, body=response.body, crawl_time=_now(),
            content_type=_header(response, b"Content-Type"), etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )

    def failed(self, failure: Failure) -> Iterator[FailureItem]:
        """Errback: every URL that could not be fetched becomes a failures row, with its reason."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = f"HTTP {status}" if status else f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.crawler.stats.inc_value("muninews/fetch_failures")
        yield FailureItem(
            url=request.url, portal=request.cb_kwargs.get("portal", ""), reason=reason, status=status, crawl_time=_now()
        )


def select_portals(registry: Registry, argument: str) -> dict[str, Portal]:
    """``all``, a portal name, a family name, or a comma-separated list of those."""
    if argument == "all":
        return dict(registry.portals)
    chosen: dict[str, Portal] = {}
    for name in filter(None, (part.strip() for part in argument.split(","))):
        family = registry.family(name)
        for portal in family or [registry.get(name)]:
            chosen[portal.name] = portal
    return chosen


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
