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

import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.storage.fetchstate import FetchState, Known, is_recent
from crawler.items import DiscoveryReadItem, DroppedItem, FailureItem, PageItem
from crawler.middlewares.hosts import portal_units, unit_of
from crawler.middlewares.reasons import failure_reason
from crawler.dedup.urls import canonicalize, url_key
from crawler.items import Link
from crawler.registry import Portal, Registry, is_article_url, registry_from_settings
from crawler import families
from spiders import sources
from spiders.author_pages import AuthorPages
from spiders.frontier import Entry, Frontier
from spiders.sources import Context, Step
from spiders.sources.parsers import utc_iso

ARTICLE_STATUSES = [304, 404, 410]
READ_FIRST_PRIORITY = 1 << 30  # a read-first source's requests go before article requests
DROPPED_BATCH = 500  # dropped rows per DroppedItem
# The sitemap protocol's limit of URLs per file: a child listing more is never recorded as read
# whole (never left unread), and a padded million-URL sitemap costs no memory for its keys.
SITEMAP_URLS_MAX = 50_000


@dataclass
class DiscoveryRun:
    """Progress of one portal's discovery in this run (per-run state; nothing here outlives it)."""

    source_index: int = 0
    order: tuple[str, ...] = ()  # the portal's sources, the one that worked last run first
    pending: int = 0
    found: int = 0
    seen: set[str] = field(default_factory=set)
    sources_done: set[str] = field(default_factory=set)
    visited: set[str] = field(default_factory=set)  # discovery URLs asked this run: never twice
    pages: Counter[str] = field(default_factory=Counter)  # discovery requests per source
    queued: int = 0  # article links handed to the frontier
    handed: int = 0  # links handed to the scheduler to fetch (DISCOVERY_MAX_LINKS)
    reading: int = 0  # requests of read-first sources (sitemaps) not answered yet: links wait
    drops: list = field(default_factory=list)  # dropped rows not yet yielded (a DroppedItem per batch)
    dropped: int = 0  # rows recorded in `dropped` this run
    unrecorded: int = 0  # drops past DISCOVERY_DROPPED_MAX: counted only
    outstanding: int = 0  # article requests handed to the scheduler and not answered yet
    reported: set[str] = field(default_factory=set)  # budgets already recorded as failures
    missing: int = 0  # article links in a row that answered 404/410 (DISCOVERY_MAX_MISSING)
    waiting: deque = field(default_factory=deque)  # discovery requests not yet handed to the scheduler
    asking: int = 0  # discovery requests handed out and not answered yet
    stopped: str | None = None  # why this portal's discovery stopped early
    # Per chain of pages (a listing or feed and its next pages, named by its first page): the URL
    # keys its pages showed. A next page is read only after a page that showed its chain something
    # new, so a feed that ignores ?paged= stops at its second page, while two listings that list
    # the same articles (the news index and its categories) never stop each other.
    chains: dict[str, set[str]] = field(default_factory=dict)
    unread: list[int] = field(default_factory=list)  # discovery_reads ids of child sitemaps left unread


@dataclass(frozen=True)
class Budget:
    """How far one portal's discovery may go in a run (settings, overridden by its profile)."""

    pages_per_source: int
    pages: int
    links: int

    @classmethod
    def of(cls, portal: Portal, settings) -> Budget:
        discovery = portal.discovery
        return cls(
            int(discovery.max_pages_per_source or settings.getint("DISCOVERY_MAX_PAGES_PER_SOURCE")),
            int(discovery.max_pages or settings.getint("DISCOVERY_MAX_PAGES")),
            int(discovery.max_links or settings.getint("DISCOVERY_MAX_LINKS")),
        )


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, portal: str = "all", since: str | None = None, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.portal_arg = portal
        self.since_arg = since
        self.portals: dict[str, Portal] = {}
        self.runs: dict[str, DiscoveryRun] = {}
        self.budgets: dict[str, Budget] = {}
        self.state = FetchState(None)
        self.since: str | None = None
        self.frontier = Frontier()
        self.window = 16
        self.sitemap_max_bytes = 50 * 1024 * 1024
        self.sitemap_trust_days = 7.0
        self.max_time: float | None = None
        self.max_missing = 200
        self.dropped_max = 1_000_000
        self.discovery_concurrency = 1
        self.stopping: str | None = None  # why discovery stopped for every portal (the --max-time deadline)
        self.discovery_sequence = 0
        self.authors: AuthorPages[tuple[str, Entry]] = AuthorPages()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.portals = select_portals(registry_from_settings(settings), spider.portal_arg)
        spider.allowed_domains = sorted({host for p in spider.portals.values() for host in p.hosts})
        spider.budgets = {name: Budget.of(p, settings) for name, p in spider.portals.items()}
        spider.units = {name: portal_units(p) for name, p in spider.portals.items()}
        if settings.getbool("MUNINEWS_INCREMENTAL"):
            spider.state = FetchState(settings.get("SQLITE_PATH"))
        spider.runs = {name: DiscoveryRun(order=source_order(p, spider.state.last_source(name)))
                       for name, p in spider.portals.items()}
        spider.since = utc_iso(spider.since_arg or settings.get("MUNINEWS_SINCE") or None)
        spider.frontier = Frontier(settings.getint("FRONTIER_MEMORY"))
        # Distributed: other workers answer the article requests, so none would come back here to
        # open the window again; the shared queue in Redis is the frontier then.
        spider.distributed = bool(settings.get("REDIS_URL"))
        spider.window = 10**9 if spider.distributed else max(1, settings.getint("FRONTIER_WINDOW"))
        spider.discovery_concurrency = 10**9 if spider.distributed else 1
        spider.sitemap_max_bytes = settings.getint("DISCOVERY_SITEMAP_MAX_BYTES")
        spider.sitemap_trust_days = settings.getfloat("DISCOVERY_SITEMAP_TRUST_DAYS")
        spider.max_time = settings.getfloat("MUNINEWS_MAX_TIME") or None
        spider.max_missing = max(1, settings.getint("DISCOVERY_MAX_MISSING"))
        spider.dropped_max = max(0, settings.getint("DISCOVERY_DROPPED_MAX"))
        spider.grace = max(5.0, settings.getfloat("DOWNLOAD_TIMEOUT"))
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def closed(self, reason: str) -> None:
        self.state.close()
        self.frontier.close()

    async def start(self):
        if self.max_time:
            from twisted.internet import reactor

            reactor.callLater(self.max_time, self.deadline)
        for portal in self.portals.values():
            for output in self._begin_sources(portal):
                yield output

    # --- the deadline (--max-time) ------------------------------------------------------------------
    def deadline(self) -> None:
        """``MUNINEWS_MAX_TIME`` has passed: discovery stops, no waiting link is handed out, the
        pages already asked for finish; the spider closes when they have (or ``grace`` later)."""
        from twisted.internet import reactor

        self.stopping = "max_time"
        left = len(self.frontier)
        for portal in self.portals:
            self._emit(self._drain(portal, "--max-time reached (MUNINEWS_MAX_TIME): not fetched this run, left for the next"))
            self._emit(self._flush_drops(portal))
        self.crawler.stats.set_value("muninews/max_time_reached", True)
        self.crawler.stats.set_value("muninews/max_time_left_in_frontier", left)
        self.logger.info("--max-time reached: discovery stopped, %d links left for the next run", left)
        reactor.callLater(self.grace, self._close_at_deadline)

    def _close_at_deadline(self) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            for portal in self.portals:
                self._emit(self._flush_drops(portal))
            engine.close_spider(self, "max_time")

    # --- sources ---------------------------------------------------------------------------------
    def _begin_sources(self, portal: Portal) -> Iterator:
        run = self.runs[portal.name]
        sources = run.order or portal.discovery.sources
        chosen = sources if portal.discovery.mode == "all" else sources[run.source_index : run.source_index + 1]
        for source in chosen:
            yield from self._source_requests(portal, source)

    def _source_requests(self, portal: Portal, source: str) -> Iterator:
        found = sources.get(source)
        if found is None:
            self.logger.error("portal %s: unknown discovery source %r", portal.name, source)
            return
        yield from self._discoveries(portal, source, found.start(portal))

    def _new_to_chain(self, portal: str, chain: str, links: Iterable[Link]) -> int:
        """How many of a page's article links its chain of pages had not shown before."""
        shown = self.runs[portal].chains.setdefault(chain, set())
        before = len(shown)
        for link in links:
            try:
                shown.add(url_key(link.url))
            except ValueError:
                continue
        return len(shown) - before

    def _discoveries(self, portal: Portal, source: str, steps: Iterable[Step], chain: str | None = None) -> Iterator:
        """Requests for discovery steps: each URL once a run, on the portal's hosts and ports only,
        within the portal's page budgets. A step dropped for a reason is a failures row."""
        run, budget = self.runs[portal.name], self.budgets[portal.name]
        read_first = sources.get(source).read_first
        for step in steps:
            if self.stopping or run.stopped:
                yield from self._drop(portal.name, step.url, "step", f"{source} page not asked: discovery stopped "
                                      f"({self.stopping and '--max-time reached' or run.stopped})")
                continue
            try:
                visit = canonicalize(step.url)
            except ValueError:
                yield self._failure(step.url, portal.name, f"{source}: not followed: not a URL", None)
                continue
            if visit in run.visited:
                self.crawler.stats.inc_value("muninews/discovery/asked_before")
                continue
            if not self._on_portal(portal.name, step.url):
                run.visited.add(visit)
                yield self._failure(step.url, portal.name, f"{source}: not followed: {_unit_text(step.url)} is not one of "
                                    f"portal {portal.name}'s hosts and ports", None)
                continue
            if step.modified and self._unchanged(portal.name, source, visit, step.modified):
                run.visited.add(visit)
                continue
            exceeded = _exceeded(run, budget, source)
            if exceeded:
                run.visited.add(visit)
                reason = f"discovery budget: {exceeded}; this and later {source} pages not asked this run"
                if exceeded not in run.reported:
                    run.reported.add(exceeded)
                    yield self._failure(step.url, portal.name, reason + " (each in `dropped`)", None)
                yield from self._drop(portal.name, step.url, "step", reason)
                continue
            run.visited.add(visit)
            run.pages[source] += 1
            run.pending += 1
            run.reading += read_first
            self.discovery_sequence += 1
            run.waiting.append(scrapy.Request(
                # Below articles (priority 0), first in first out among themselves: the frontier's
                # links are fetched before discovery reads further (Scrapy's queue is last in first
                # out within a priority). A read-first source's go before articles: the portal's
                # links wait for them anyway.
                step.url, callback=self.parse_discovery, errback=self.discovery_failed, dont_filter=True,
                priority=READ_FIRST_PRIORITY * read_first - self.discovery_sequence,
                cb_kwargs={"portal": portal.name, "source": source, "step": step.step, **step.kwargs},
                # a next page continues the chain of the page that linked it; any other step starts one
                meta={"muninews_source": source, "muninews_chain": chain if step.paging and chain else step.url,
                      "muninews_read_first": read_first, "muninews_visit": visit, "muninews_modified": step.modified},
            ))
        yield from self._ask(portal.name)

    def _unchanged(self, portal: str, source: str, visit: str, modified: str) -> bool:
        """A child sitemap its index dates as on a night that read it whole, with all it listed
        stored, is left unread (FetchState.unchanged_read says when). Its links count as found, so
        the portal's sources do not fall through to the next, and as listed, so none of its
        articles is asked about as possibly removed."""
        if self.sitemap_trust_days <= 0:
            return False
        known = self.state.unchanged_read(portal, visit, modified, self.sitemap_trust_days)
        if known is None:
            return False
        read_id, links = known
        run = self.runs[portal]
        run.unread.append(read_id)
        run.found += links
        self._count(portal, "sitemaps_unchanged")
        self.crawler.stats.inc_value("muninews/discovery/unchanged_skipped")
        if links and self.portals[portal].discovery.mode != "all":
            self.crawler.stats.set_value(f"muninews/portal/{portal}/source", source)
        return True

    def _ask(self, portal: str) -> Iterator[scrapy.Request]:
        """Hand out a portal's discovery requests one at a time, in the order they were found: a
        sitemap index's children are read in its order, so its first child's links are fetched
        first (two answered at once would queue their links in whatever order they arrived)."""
        run = self.runs[portal]
        while run.waiting and run.asking < self.discovery_concurrency and not self.stopping:
            run.asking += 1
            yield run.waiting.popleft()

    def _asked(self, portal: str, request: scrapy.Request | None = None) -> None:
        run = self.runs[portal]
        run.asking = max(0, run.asking - 1)
        if request is not None and request.meta.get("muninews_read_first"):
            run.reading = max(0, run.reading - 1)

    def parse_discovery(self, response: Response, portal: str, source: str, step: str, **kwargs) -> Iterator:
        """Any discovery response: the source reads it; new article links go to the frontier, and
        what the source says to fetch next is followed (a next page only after a page that showed
        its own chain of pages an article link it had not shown before)."""
        self._asked(portal, response.request)
        profile = self.portals[portal]
        context = Context(since=self.since, completed_before=self.state.completed_before(portal),
                          max_bytes=self.sitemap_max_bytes)
        found = sources.get(source).parse(response, profile, step, context, **kwargs)
        listed: list[str] = []
        taken = yield from self._take_links(portal, found.links, response.url, listed)
        _, wanted = taken
        modified = response.meta.get("muninews_modified")
        if (found.whole and modified and len(listed) <= SITEMAP_URLS_MAX and not self.stopping
                and self.runs[portal].stopped is None):
            yield DiscoveryReadItem(portal, response.meta["muninews_visit"], modified, listed, _now())
        if self.runs[portal].found and profile.discovery.mode != "all":  # the source that gave articles
            self.crawler.stats.set_value(f"muninews/portal/{portal}/source", source)
        if found.problem:
            yield self._failure(response.url, portal, f"{source}: {found.problem}", response.status)
        chain = response.meta.get("muninews_chain") or response.url
        if wanted or not found.steps_only_if_new:
            fresh = self._new_to_chain(portal, chain, found.links)
            steps = [s for s in found.steps if fresh or not s.paging]
            if len(steps) < len(found.steps):
                self.crawler.stats.inc_value("muninews/discovery/paging_stopped")
            yield from self._discoveries(profile, source, steps, chain=chain)
        yield from self._ask(portal)
        yield from self._source_step_done(portal, source)
        yield from self._feed(portal)
        yield from self._flush_drops(portal)

    def discovery_failed(self, failure: Failure) -> Iterator:
        """A discovery endpoint that is missing is normal (the portal does not offer it); a
        listing that fails is recorded as a failure. A source may have somewhere else to go
        (robots.txt missing: the profile's sitemaps)."""
        request = failure.request
        portal, source = request.cb_kwargs["portal"], request.cb_kwargs["source"]
        self._asked(portal, request)
        if sources.get(source).records_failures:
            yield from self.failed(failure)
        else:
            self.logger.debug("portal %s: %s unavailable at %s (%s)", portal, source, request.url, failure.getErrorMessage())
        kwargs = {k: v for k, v in request.cb_kwargs.items() if k not in ("portal", "source", "step")}
        fallback = sources.get(source).on_failure(self.portals[portal], request.cb_kwargs.get("step", ""), **kwargs)
        yield from self._discoveries(self.portals[portal], source, fallback)
        yield from self._ask(portal)
        yield from self._source_step_done(portal, source)
        yield from self._feed(portal)
        yield from self._flush_drops(portal)

    def _source_step_done(self, portal: str, source: str) -> Iterator:
        """One discovery response handled; when the source is exhausted, move on."""
        run = self.runs[portal]
        run.pending -= 1
        if run.pending > 0:
            return
        run.pending = 0
        run.sources_done.add(source)
        if self.stopping:
            return
        profile = self.portals[portal]
        # A complete index walked to its end: stored articles it no longer lists may be gone. Not
        # after a walk cut short by a budget or a stop (they were merely not reached).
        if run.found and source in sources.complete_sources() and not self.since and not run.reported and not run.stopped:
            self._removal_checks(profile)
            yield from self._feed(portal)
        order = run.order or profile.discovery.sources
        if profile.discovery.mode != "all" and not run.found and run.source_index + 1 < len(order):
            run.source_index += 1
            self.logger.info("portal %s: nothing from %s, trying %s", portal, source, order[run.source_index])
            yield from self._begin_sources(profile)

    # --- the frontier --------------------------------------------------------------------------
    def _take_links(self, portal: str, links: Iterable[Link], page: str = "", listed: list[str] | None = None):
        """Links into the frontier; returns (links this run had not seen, links worth fetching);
        ``listed`` gets the URL key of every article link the page lists.
        Once the portal's discovery stopped, each new article link of the page is a dropped row;
        past the --max-time deadline the page is read no further (one dropped row for it)."""
        run = self.runs[portal]
        new = wanted = 0
        for link in links:
            if self.stopping:
                yield from self._drop(portal, page, "step", "read only in part: --max-time reached")
                break
            if run.stopped:
                outcome = self._accept(portal, link, queue=False, listed=listed)
                if outcome:
                    yield from self._drop(portal, link.url, "link", f"not fetched: discovery stopped ({run.stopped})")
                continue
            outcome = self._accept(portal, link, listed=listed)
            new += outcome is not None
            wanted += outcome is True
        return new, wanted

    def _accept(self, portal: str, link: Link, queue: bool = True, listed: list[str] | None = None) -> bool | None:
        """None: not an article link or seen already this run; False: known and not due; True:
        queued (``queue=False``: would have been)."""
        profile, run = self.portals[portal], self.runs[portal]
        try:
            url = canonicalize(link.url)
            key = url_key(url)
        except ValueError:
            return None
        if not self._is_article_url(profile, url):
            return None
        if listed is not None and len(listed) <= SITEMAP_URLS_MAX:
            listed.append(key)
        if key in run.seen:
            return None
        run.seen.add(key)
        run.found += 1
        if self.since and (link.published or link.lastmod or self.since) < self.since:
            self._count(portal, "skipped_since")
            return False
        known = self.state.lookup(key)
        if known is not None and not self._should_revisit(profile, link, known):
            self._count(portal, "skipped")
            self._learn_authors(link, known)
            return False
        if queue:
            run.queued += 1
            self.frontier.push(portal, Entry(url, key, link.lastmod, "article", link.published,
                                             "\n".join(link.author_pages) or None))
        return True

    def _learn_authors(self, link: Link, known: Known) -> None:
        """A stored article not fetched again names its authors' pages (a rerun asks none it can spare)."""
        if link.author_pages and known.authors:
            try:
                names = json.loads(known.authors)
            except ValueError:
                return
            if isinstance(names, list):
                self.authors.learn(link.author_pages, names)

    def _feed(self, portal: str) -> Iterator[scrapy.Request | FailureItem | DroppedItem]:
        """Hand the scheduler the portal's next waiting links (newest first), up to FRONTIER_WINDOW
        in flight, once its read-first sources are read; past DISCOVERY_MAX_LINKS fetched, the
        waiting links are dropped (a row each, one failures row for the budget)."""
        run, budget = self.runs[portal], self.budgets[portal]
        while run.outstanding < self.window and not self.stopping and run.stopped is None and not run.reading:
            if run.handed >= budget.links:
                if self.frontier.size(portal):
                    yield from self._budget_reached(portal)
                return
            entry = self.frontier.pop(portal)
            if entry is None:
                return
            run.handed += 1
            pages = entry.author_pages.split("\n") if entry.author_pages else []
            if self.authors.unresolved(pages):
                yield from self._ask_author_pages(portal, entry, pages)
                continue
            yield self._fetch_entry(portal, entry)

    def _fetch_entry(self, portal: str, entry: Entry) -> scrapy.Request:
        self.runs[portal].outstanding += 1
        known = self.state.lookup(entry.key) if entry.key else None
        identity = (entry.url, entry.key) if entry.kind == "article" else None
        pages = entry.author_pages.split("\n") if entry.author_pages else []
        return self._fetch_article(portal, entry.url, known, identity=identity, lastmod=entry.lastmod,
                                   published=entry.published, authors=self.authors.names_for(pages))

    # --- author pages (crawler.items.Link.author_pages) -------------------------------------------
    def _ask_author_pages(self, portal: str, entry: Entry, pages: list[str]) -> Iterator:
        """The article waits for its authors' pages; each page is asked once a run, on the portal only."""
        for page in self.authors.wait(pages, (portal, entry)):
            if not self._on_portal(portal, page):
                yield from self._author_answer(portal, page, None)
                continue
            self._count(portal, "author_pages")
            yield scrapy.Request(page, callback=self.parse_author_page, errback=self.author_page_failed,
                                 dont_filter=True, priority=1, cb_kwargs={"portal": portal, "page": page},
                                 meta={"muninews_author_page": True})

    def parse_author_page(self, response: Response, portal: str, page: str) -> Iterator:
        yield from self._author_answer(portal, page, families.author_page_name(self.portals[portal], response.body))

    def author_page_failed(self, failure: Failure) -> Iterator:
        """No name from a page that fails (a private author page): the article is stored without one."""
        kwargs = failure.request.cb_kwargs
        self.logger.debug("author page %s: %s", kwargs["page"], failure.getErrorMessage())
        yield from self._author_answer(kwargs["portal"], kwargs["page"], None)

    def _author_answer(self, portal: str, page: str, name: str | None) -> Iterator:
        for waiting_portal, entry in self.authors.answered(page, name):
            yield self._fetch_entry(waiting_portal, entry)
        yield from self._feed(portal)

    def _budget_reached(self, portal: str) -> Iterator[FailureItem | DroppedItem]:
        run, budget = self.runs[portal], self.budgets[portal]
        reason = (f"discovery budget: {budget.links} article links fetched this run (DISCOVERY_MAX_LINKS); "
                  "not fetched, left for the next run")
        if "links" not in run.reported:
            run.reported.add("links")
            yield self._failure(self.portals[portal].base_url, portal,
                                f"{reason}: {self.frontier.size(portal):,} waiting links, each in `dropped`", None)
        yield from self._drain(portal, reason)

    # --- what discovery leaves: the dropped table ----------------------------------------------
    def _drain(self, portal: str, reason: str) -> Iterator[DroppedItem]:
        """Every link waiting in the portal's frontier, as dropped rows with ``reason``."""
        for entry in self.frontier.drain(portal):
            yield from self._drop(portal, entry.url, "link" if entry.kind == "article" else entry.kind, reason)

    def _drop(self, portal: str, url: str, kind: str, reason: str) -> Iterator[DroppedItem | FailureItem]:
        """One dropped row (batched: a DroppedItem per DROPPED_BATCH rows). Past
        DISCOVERY_DROPPED_MAX rows for a portal in a run, drops are only counted (a failures row
        says so once, the stats key muninews/portal/<name>/dropped_unrecorded has the count)."""
        run = self.runs[portal]
        if run.dropped >= self.dropped_max:
            if not run.unrecorded:
                yield self._failure(url, portal, f"dropped: {self.dropped_max:,} rows recorded for this portal this run "
                                    "(DISCOVERY_DROPPED_MAX); later drops only counted "
                                    f"(stats muninews/portal/{portal}/dropped_unrecorded)", None)
            run.unrecorded += 1
            self._count(portal, "dropped_unrecorded")
            return
        run.dropped += 1
        run.drops.append((url, kind, reason))
        if len(run.drops) >= DROPPED_BATCH:
            yield from self._flush_drops(portal)

    def _flush_drops(self, portal: str) -> Iterator[DroppedItem]:
        run = self.runs[portal]
        if run.drops:
            rows, run.drops = run.drops, []
            self.crawler.stats.inc_value(f"muninews/portal/{portal}/dropped", len(rows))
            yield DroppedItem(portal, rows, _now())

    def _answered(self, request: scrapy.Request) -> None:
        portal = request.cb_kwargs.get("portal")
        if request.meta.get("muninews_article") and portal in self.runs:
            self.runs[portal].outstanding = max(0, self.runs[portal].outstanding - 1)

    def request_dropped(self, request: scrapy.Request, spider=None) -> None:
        """A request the scheduler refused (duplicate, off-portal) never calls back: account for it here."""
        portal = request.cb_kwargs.get("portal")
        if portal not in self.runs:
            return
        if request.meta.get("muninews_article"):
            self._answered(request)
            if request.meta.get("redirect_urls"):  # a redirect to a page this run asked for already
                first = request.meta["redirect_urls"][0]
                self._emit(self._drop(portal, first, "redirect", f"redirect to {request.url} not followed: that URL "
                                      "was asked for already this run (duplicate filter)"))
                self._emit(self._flush_drops(portal))
            self._emit(self._feed(portal))
        elif request.meta.get("muninews_author_page"):
            self._emit(self._author_answer(portal, request.cb_kwargs["page"], None))
        elif request.meta.get("muninews_source") and not self.distributed:  # distributed: another worker's
            self._asked(portal, request)
            self._emit(self._ask(portal))
            self._emit(self._source_step_done(portal, request.cb_kwargs["source"]))
            self._emit(self._feed(portal))

    def spider_idle(self, spider=None) -> None:
        """Nothing in flight: hand out waiting links; finish sources whose steps never came back."""
        outputs = []
        for name, run in self.runs.items():
            run.outstanding = 0
            if not self.distributed:
                run.asking = 0
                run.reading = sum(1 for request in run.waiting if request.meta.get("muninews_read_first"))
            released = list(self._ask(name)) + list(self._feed(name)) + list(self._flush_drops(name))
            outputs += released
            if run.pending > 0 and not released and not run.waiting and not self.stopping and not self.distributed:
                self.logger.warning("portal %s: %d discovery steps never answered; moving on", name, run.pending)
                run.pending = 1
                source = self.portals[name].discovery.sources[run.source_index]
                outputs += list(self._source_step_done(name, source))
        if outputs:
            self._emit(outputs)
            raise DontCloseSpider

    def _emit(self, outputs: Iterable) -> None:
        """Requests and items produced outside a callback (signals)."""
        engine = self.crawler.engine
        for output in outputs:
            if isinstance(output, scrapy.Request):
                engine.crawl(output)
            else:
                engine.scraper._start_itemproc_nowait(output)

    # --- articles ------------------------------------------------------------------------------
    def _on_portal(self, portal: str, url: str) -> bool:
        return unit_of(url) in self.units[portal]

    def _is_article_url(self, profile: Portal, url: str) -> bool:
        if not self._on_portal(profile.name, url):
            return False
        pattern = profile.discovery.article_url_pattern
        return pattern is None or is_article_url(pattern, url, _path(url))

    def _should_revisit(self, profile: Portal, link: Link, known: Known) -> bool:
        if known.removed:
            return bool(link.lastmod and known.fetched_at and link.lastmod >= known.fetched_at)
        if link.lastmod and known.fetched_at:
            return link.lastmod >= known.fetched_at
        return is_recent(known.published_utc, profile.discovery.revisit_days)

    def _fetch_article(
        self, portal: str, url: str, known: Known | None, identity: tuple[str, str] | None = None,
        lastmod: str | None = None, published: str | None = None, authors: list[str] | None = None,
    ) -> scrapy.Request:
        """``identity``: (canonical URL, URL key) of ``url``, already computed for discovery;
        ``lastmod``: when the source says it changed (the record's ``modified`` if the page says none);
        ``published``: when the source says it was published (the time a date-only page lacks);
        ``authors``: the names the authors' pages showed (the byline a page without one lacks)."""
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(
            url, headers=headers, callback=self.parse_article, errback=self.failed, cb_kwargs={"portal": portal},
            meta={"handle_httpstatus_list": ARTICLE_STATUSES, "muninews_known": known is not None, "muninews_article": True,
                  "muninews_identity": identity, "muninews_lastmod": lastmod, "muninews_published": published,
                  "muninews_authors": authors},
        )

    def _removal_checks(self, profile: Portal) -> None:
        """Stored articles a complete index no longer lists: ask the portal whether they are gone
        (through the frontier, so a large archive costs no memory)."""
        run = self.runs[profile.name]
        for key, url in self.state.live_articles(profile.name, run.unread):
            if key not in run.seen:
                run.seen.add(key)
                self._count(profile.name, "removal_checks")
                self.frontier.push(profile.name, Entry(url, key, None, "check"))

    def parse_article(self, response: Response, portal: str) -> Iterator:
        self._answered(response.request)
        yield from self._page(response, portal)
        yield from self._missing(portal, response)
        yield from self._feed(portal)
        yield from self._flush_drops(portal)

    def _missing(self, portal: str, response: Response) -> Iterator[FailureItem]:
        """A portal whose discovered links keep answering 404 lists pages that do not exist (a
        padded sitemap, endless fake listings): after DISCOVERY_MAX_MISSING in a row its discovery
        stops and its waiting links are dropped, with one failures row saying so."""
        run = self.runs[portal]
        if response.status not in (404, 410) or response.meta.get("muninews_known"):
            run.missing = 0
            return
        run.missing += 1
        if run.missing >= self.max_missing and run.stopped is None:
            run.stopped = f"{run.missing} article links in a row answered HTTP {response.status}"
            self.crawler.stats.inc_value("muninews/discovery/stopped_missing")
            yield self._failure(response.url, portal, f"discovery stopped: {run.stopped} (DISCOVERY_MAX_MISSING); "
                                f"{self.frontier.size(portal):,} waiting links dropped, each in `dropped`: "
                                "discovery sources list pages that do not exist", None)
            yield from self._drain(portal, f"not fetched: discovery stopped ({run.stopped}, DISCOVERY_MAX_MISSING)")

    def _page(self, response: Response, portal: str) -> Iterator[PageItem | FailureItem]:
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
            listed_published=response.meta.get("muninews_published"),
            listed_authors=response.meta.get("muninews_authors"),
        )

    def failed(self, failure: Failure) -> Iterator[FailureItem]:
        """Errback: every URL that could not be fetched becomes a failures row, with its reason."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = failure_reason(failure)
        self.crawler.stats.inc_value("muninews/fetch_failures")
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL asked for, not a redirect hop
        portal = request.cb_kwargs.get("portal", "")
        yield self._failure(url, portal, reason, status)
        if request.meta.get("muninews_article"):
            self._answered(request)
            yield from self._feed(portal)
            yield from self._flush_drops(portal)

    def _failure(self, url: str, portal: str, reason: str, status: int | None) -> FailureItem:
        self._count(portal, "failures")
        return FailureItem(url=url, portal=portal, reason=reason, status=status, crawl_time=_now())

    def _count(self, portal: str, counter: str) -> None:
        self.crawler.stats.inc_value(f"muninews/portal/{portal}/{counter}")


def source_order(portal: Portal, last_source: str | None) -> tuple[str, ...]:
    """The portal's sources in profile order, except that the one which gave articles last run
    (mode ``first``) is asked first: a nightly run does not walk the same failing fallbacks again.
    If it gives nothing this time, the others follow in profile order."""
    sources = tuple(portal.discovery.sources)
    if portal.discovery.mode == "all" or last_source not in sources:
        return sources
    return (last_source, *(source for source in sources if source != last_source))


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


def _exceeded(run: DiscoveryRun, budget: Budget, source: str) -> str | None:
    """Which page budget one more discovery request of ``source`` would exceed, as a sentence."""
    if run.pages[source] >= budget.pages_per_source:
        return f"{source} reached {budget.pages_per_source} pages (DISCOVERY_MAX_PAGES_PER_SOURCE)"
    if sum(run.pages.values()) >= budget.pages:
        return f"the portal reached {budget.pages} discovery pages (DISCOVERY_MAX_PAGES)"
    return None


_PLAIN_PATH = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\t\r\n]*(/[^?#\t\r\n]*)")


def _path(url: str) -> str:
    """The path of a URL (a sitemap's million: without urlsplit when it is plain)."""
    plain = _PLAIN_PATH.fullmatch(url)
    return plain[1] if plain else urlsplit(url).path


def _unit_text(url: str) -> str:
    unit = unit_of(url)
    return f"{unit[0]}:{unit[1]}" if unit else repr(url)


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
