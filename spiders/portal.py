"""The one generic spider: discovers a portal's articles the way its profile says and yields raw
pages. It never extracts fields (pipelines do) and holds no portal knowledge (profiles do).

``scrapy crawl portal -a portal=NAME`` (a portal, a family, ``all`` or a comma-separated list).

Discovery sources, cheapest first, each switchable in the profile: the WordPress REST API, XML
sitemaps (robots.txt ``Sitemap:`` lines too), RSS/Atom feeds, and listing pages with pagination.
Incremental by default: a stored article is re-fetched only when a source says it changed, when it
is recent enough to be edited (``revisit_days``), or to confirm it vanished from a complete index;
re-fetches are conditional (ETag / Last-Modified), so unchanged pages cost a 304.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.storage.fetchstate import FetchState, Known, is_recent
from crawler.items import FailureItem, PageItem
from crawler.middlewares.reasons import failure_reason
from crawler.dedup.urls import canonicalize, url_key
from crawler.items import Link
from crawler.registry import Portal, Registry, registry_from_settings
from spiders import sources
from spiders.sources import Context, Step
from spiders.sources.parsers import utc_iso

ARTICLE_STATUSES = [304, 404, 410]


@dataclass
class DiscoveryRun:
    """Progress of one portal's discovery in this run (per-run state; nothing here outlives it)."""

    source_index: int = 0
    pending: int = 0
    found: int = 0
    seen: set[str] = field(default_factory=set)
    sources_done: set[str] = field(default_factory=set)


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, portal: str = "all", since: str | None = None, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.portal_arg = portal
        self.since_arg = since
        self.portals: dict[str, Portal] = {}
        self.runs: dict[str, DiscoveryRun] = {}
        self.state = FetchState(None)
        self.since: str | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.portals = select_portals(registry_from_settings(settings), spider.portal_arg)
        spider.allowed_domains = sorted({host for p in spider.portals.values() for host in p.hosts})
        spider.runs = {name: DiscoveryRun() for name in spider.portals}
        if settings.getbool("MUNINEWS_INCREMENTAL"):
            spider.state = FetchState(settings.get("SQLITE_PATH"))
        spider.since = utc_iso(spider.since_arg or settings.get("MUNINEWS_SINCE") or None)
        return spider

    def closed(self, reason: str) -> None:
        self.state.close()

    async def start(self):
        for portal in self.portals.values():
            for request in self._begin_sources(portal):
                yield request

    # --- sources ---------------------------------------------------------------------------------
    def _begin_sources(self, portal: Portal) -> Iterator[scrapy.Request]:
        run = self.runs[portal.name]
        sources = portal.discovery.sources
        chosen = sources if portal.discovery.mode == "all" else sources[run.source_index : run.source_index + 1]
        for source in chosen:
            yield from self._source_requests(portal, source)

    def _source_requests(self, portal: Portal, source: str) -> Iterator[scrapy.Request]:
        found = sources.get(source)
        if found is None:
            self.logger.error("portal %s: unknown discovery source %r", portal.name, source)
            return
        for step in found.start(portal):
            yield self._discovery(portal, source, step)

    def _discovery(self, portal: Portal, source: str, step: Step) -> scrapy.Request:
        self.runs[portal.name].pending += 1
        return scrapy.Request(
            step.url, callback=self.parse_discovery, errback=self.discovery_failed, dont_filter=source != "listing",
            cb_kwargs={"portal": portal.name, "source": source, "step": step.step, **step.kwargs},
            meta={"muninews_source": source},
        )

    def parse_discovery(self, response: Response, portal: str, source: str, step: str, **kwargs) -> Iterator:
        """Any discovery response: the source reads it; new article links are fetched, and what
        the source says to fetch next is followed."""
        profile = self.portals[portal]
        context = Context(since=self.since, completed_before=self.state.completed_before(portal))
        found = sources.get(source).parse(response, profile, step, context, **kwargs)
        wanted = list(self._articles(portal, found.links))
        yield from wanted
        if wanted or not found.steps_only_if_new:
            for next_step in found.steps:
                yield self._discovery(profile, source, next_step)
        yield from self._source_step_done(portal, source)

    def discovery_failed(self, failure: Failure) -> Iterator:
        """A discovery endpoint that is missing is normal (the portal does not offer it); a
        listing that fails is recorded as a failure."""
        request = failure.request
        portal, source = request.cb_kwargs["portal"], request.cb_kwargs["source"]
        if sources.get(source).records_failures:
            yield from self.failed(failure)
        else:
            self.logger.debug("portal %s: %s unavailable at %s (%s)", portal, source, request.url, failure.getErrorMessage())
        yield from self._source_step_done(portal, source)

    def _source_step_done(self, portal: str, source: str) -> Iterator[scrapy.Request]:
        """One discovery response handled; when the source is exhausted, move on."""
        run = self.runs[portal]
        run.pending -= 1
        if run.pending > 0:
            return
        run.sources_done.add(source)
        profile = self.portals[portal]
        if run.found and source in sources.complete_sources() and not self.since:
            yield from self._removal_checks(profile)
        if profile.discovery.mode != "all" and not run.found and run.source_index + 1 < len(profile.discovery.sources):
            run.source_index += 1
            self.logger.info("portal %s: nothing from %s, trying %s", portal, source, profile.discovery.sources[run.source_index])
            yield from self._begin_sources(profile)

    # --- articles ------------------------------------------------------------------------------
    def _articles(self, portal: str, links: Iterable[Link]) -> Iterator[scrapy.Request]:
        for link in links:
            request = self._article_request(portal, link)
            if request is not None:
                yield request

    def _article_request(self, portal: str, link: Link) -> scrapy.Request | None:
        profile, run = self.portals[portal], self.runs[portal]
        try:
            url = canonicalize(link.url)
            key = url_key(url)
        except ValueError:
            return None
        if key in run.seen or not self._is_article_url(profile, url):
            return None
        run.seen.add(key)
        run.found += 1
        if self.since and (link.published or link.lastmod or self.since) < self.since:
            self._count(portal, "skipped_since")
            return None
        known = self.state.lookup(key)
        if known is not None and not self._should_revisit(profile, link, known):
            self._count(portal, "skipped")
            return None
        return self._fetch_article(portal, url, known, identity=(url, key), lastmod=link.lastmod)

    def _is_article_url(self, profile: Portal, url: str) -> bool:
        if urlsplit(url).hostname not in profile.hosts:
            return False
        pattern = profile.discovery.article_url_pattern
        return pattern is None or re.search(pattern, urlsplit(url).path) is not None

    def _should_revisit(self, profile: Portal, link: Link, known: Known) -> bool:
        if known.removed:
            return bool(link.lastmod and known.fetched_at and link.lastmod >= known.fetched_at)
        if link.lastmod and known.fetched_at:
            return link.lastmod >= known.fetched_at
        return is_recent(known.published_utc, profile.discovery.revisit_days)

    def _fetch_article(
        self, portal: str, url: str, known: Known | None, identity: tuple[str, str] | None = None,
        lastmod: str | None = None,
    ) -> scrapy.Request:
        """``identity``: (canonical URL, URL key) of ``url``, already computed for discovery;
        ``lastmod``: when the source says it changed (the record's ``modified`` if the page says none)."""
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(
            url, headers=headers, callback=self.parse_article, errback=self.failed, cb_kwargs={"portal": portal},
            meta={"handle_httpstatus_list": ARTICLE_STATUSES, "muninews_known": known is not None,
                  "muninews_identity": identity, "muninews_lastmod": lastmod},
        )

    def _removal_checks(self, profile: Portal) -> Iterator[scrapy.Request]:
        """Stored articles a complete index no longer lists: ask the portal whether they are gone."""
        run = self.runs[profile.name]
        for key, url in self.state.live_articles(profile.name):
            if key not in run.seen:
                run.seen.add(key)
                self._count(profile.name, "removal_checks")
                yield self._fetch_article(profile.name, url, self.state.lookup(key))

    def parse_article(self, response: Response, portal: str) -> Iterator[PageItem | FailureItem]:
        if response.status in (404, 410) and not response.meta.get("muninews_known"):
            yield self._failure(response.url, portal, f"HTTP {response.status}", response.status)
            return
        self._count(portal, "not_modified" if response.status == 304 else "pages_fetched")
        self.crawler.stats.inc_value("muninews/pages_fetched")
        canonical_url, key = _identity(response)
        yield PageItem(
            url_key=key, canonical_url=canonical_url,
            url=response.url, portal=portal, status=response.status, body=response.body, crawl_time=_now(),
            content_type=_header(response, b"Content-Type"), etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"), listed_modified=response.meta.get("muninews_lastmod"),
        )

    def failed(self, failure: Failure) -> Iterator[FailureItem]:
        """Errback: every URL that could not be fetched becomes a failures row, with its reason."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = failure_reason(failure)
        self.crawler.stats.inc_value("muninews/fetch_failures")
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL asked for, not a redirect hop
        yield self._failure(url, request.cb_kwargs.get("portal", ""), reason, status)

    def _failure(self, url: str, portal: str, reason: str, status: int | None) -> FailureItem:
        self._count(portal, "failures")
        return FailureItem(url=url, portal=portal, reason=reason, status=status, crawl_time=_now())

    def _count(self, portal: str, counter: str) -> None:
        self.crawler.stats.inc_value(f"muninews/portal/{portal}/{counter}")


def select_portals(registry: Registry, argument: str) -> dict[str, Portal]:
    """``all`` (every portal except bundled replicas), a portal name, a family name, or a
    comma-separated list of those."""
    if argument == "all":
        return {name: p for name, p in registry.portals.items() if p.replica is None}
    chosen: dict[str, Portal] = {}
    for name in filter(None, (part.strip() for part in argument.split(","))):
        family = registry.family(name)
        for portal in family or [registry.get(name)]:
            chosen[portal.name] = portal
    return chosen


def _identity(response: Response) -> tuple[str | None, str | None]:
    """(canonical URL, URL key) computed when the request was made, if the page answered at that
    very URL (no redirect); else (None, None) and the dedup pipeline computes them. Saves three
    canonicalisations a page (w3lib parsing, the largest per-URL cost)."""
    identity = response.meta.get("muninews_identity")
    if identity and response.url == identity[0]:
        return identity
    return None, None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
