"""Zero-config onboarding: probe a site for what it offers and draft a profile that crawls it.

The probe asks, politely and once each, for robots.txt, sitemaps, the WordPress REST API, feeds,
the home page, one article and the likely listing pages; it infers the shape of article URLs from
the links it sees, finds listing pages with pagination, and reads the site's language, timezone
and date order. Every request goes through ``ProbeClient`` (the crawl's host rule, host and port;
no redirect off the site; size caps; one deadline). The draft holds no field selectors: the
structured and generic extraction layers read articles of an unknown layout.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from lxml import etree

from crawler import __version__, families
from crawler.families import plone, wordpress
from crawler.onboarding import site_facts
from crawler.onboarding.client import Answer, ProbeClient
from crawler.registry import is_article_url
from spiders.sources.parsers import (
    feed_links,
    robots_sitemaps,
    sitemap_entries,
    wpjson_links,
)

USER_AGENT = f"muninews/{__version__} (add-portal probe)"
SITEMAP_GUESSES = tuple(dict.fromkeys(("/sitemap.xml", *wordpress.DISCOVERY["sitemap_paths"], "/sitemap.xml.gz")))
FEED_GUESSES = ("/feed/", "/feed", "/rss", "/RSS", "/rss.xml", "/atom.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
MAX_LISTING_CANDIDATES = 25
MAX_SITEMAPS = 8
MIN_LISTING_ARTICLES = 3
# A "next page" link on the link itself or on its list item (``<li class="next"><a>``), plus what
# each CMS family names as its next link: the selector the draft gives the crawl's listings.
LIST_ITEM_NEXT = "//li[contains(concat(' ', normalize-space(@class), ' '), ' next ')]//a[@href][1]"
# A numbered pager with no "next" link ("1 2 3", the current page a <span> or a link-less <li>):
# the link right after the current page whose number is one more. Classic portals (ASP.NET,
# SharePoint, old PHP CMSs) page their news this way.
NUMBERED_NEXT = ("//a[@href][preceding-sibling::*[1][not(self::a) and not(.//a)]"
                 "[normalize-space(.) = string(number(normalize-space(.)))]]"
                 "[normalize-space(.) = string(number(normalize-space(preceding-sibling::*[1])) + 1)]"
                 " | //li[not(.//a)][normalize-space(.) = string(number(normalize-space(.)))]"
                 "/following-sibling::li[1]//a[@href]"
                 "[normalize-space(.) = string(number(normalize-space(ancestor::li[1]/preceding-sibling::li[1])) + 1)]")


def next_page_selector() -> str:
    """One XPath selector: every family's NEXT_PAGE and the list-item rule, as a union."""
    paths = []
    for name in families.names():
        selector = getattr(families.get(name), "NEXT_PAGE", None)
        if isinstance(selector, str) and selector.startswith("xpath:"):
            paths.append(selector[len("xpath:"):])
    return "xpath:" + " | ".join(dict.fromkeys([*paths, LIST_ITEM_NEXT, NUMBERED_NEXT]))


@dataclass
class ProbeReport:
    base_url: str
    sources: list[str] = field(default_factory=list)
    cms: str | None = None
    wpjson_path: str | None = None
    sitemap_paths: list[str] = field(default_factory=list)
    feed_paths: list[str] = field(default_factory=list)
    listing_paths: list[str] = field(default_factory=list)
    article_url_pattern: str | None = None
    language: str | None = None
    timezone: str | None = None
    date_order: str | None = None
    private_address: bool = False
    advertised_feeds: int = 0
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Article-looking URLs per source, most trusted first, to learn the URL shape from.
    samples: dict[str, list[str]] = field(default_factory=dict)


class Probe:
    """One site's probe; ``run()`` returns the report. Network failures become "missing" lines."""

    def __init__(self, client: ProbeClient, base_url: str) -> None:
        self.client = client
        self.report = ProbeReport(base_url.rstrip("/"))
        # Pages (and feeds, machine-written: often UTC whatever the site's zone) whose dates tell its offset.
        self.texts: list[tuple[str, bytes]] = []
        self.wp_settings: dict | None = None
        # Sources only the probe's readers read: (source, profile path, URLs), the draft's last resort.
        self.unreadable: list[tuple[str, str, list[str]]] = []

    @property
    def base(self) -> str:
        return self.report.base_url

    def fetch(self, url: str) -> Answer:
        return self.client.fetch(url)

    def _relative(self, url: str) -> str | None:
        """``url`` as a profile path: relative to the base URL's path (the crawl prepends the base
        URL), with its query; None for a URL outside the base path."""
        full, prefix = _path_and_query(url), urlsplit(self.base).path.rstrip("/")
        if not prefix:
            return full
        if full == prefix or full.startswith(prefix + "?"):
            return "/" + full[len(prefix):]
        return full[len(prefix):] if full.startswith(prefix + "/") else None

    def run(self, home: Answer) -> ProbeReport:
        report = self.report
        report.private_address = self.client.is_private
        tree = _html(home.body)
        links = [urljoin(home.url, h) for h in tree.xpath("//a/@href")] if tree is not None else []
        self.texts.append(("page", home.body))
        self._wpjson(home.body)
        self._plonerest(home.body)
        self._sitemaps()
        self._feeds(tree)
        self._learn_pattern()
        self._listings(home, links)
        self._last_resort()
        self._article_page(links)
        self._facts(tree)
        report.cms = self._cms(home.body)
        return report

    # --- the WordPress REST API ---------------------------------------------------------------
    def _wpjson(self, home: bytes) -> None:
        path = wordpress.REST_POSTS
        answer = self.fetch(f"{self.base}{path}?per_page=5")
        posts = wpjson_links(answer.body) if answer.ok else []
        if posts:
            self.report.sources.append("wpjson")
            self.report.wpjson_path = path
            self.report.found.append(f"WordPress REST API at {path} ({answer.headers.get('x-wp-total', '?')} posts)")
            self.report.samples["wpjson"] = [p.url for p in posts]
            self.wp_settings = site_facts.wp_settings(self.fetch(self.base + "/wp-json/").body)
        else:
            advertised = b"api.w.org" in home
            self.report.missing.append("WordPress REST API" + (" (advertised but not answering)" if advertised else ""))

    # --- Plone's REST API ------------------------------------------------------------------
    def _plonerest(self, home: bytes) -> None:
        """plone.restapi's @search for News Items, by the crawl's own reader (asked of every site:
        one request; reported missing only where the generator tag says Plone)."""
        answer = self.fetch(plone.rest_search_url(self.base, size=5))
        items = plone.rest_page(answer.body)[0] if answer.ok else []
        urls = [url for url, *_ in items if self.client.allows(url)]
        if urls:
            self.report.sources.append("plonerest")
            self.report.found.append(f"Plone REST API at {plone.REST_SEARCH} (News Items, with their times)")
            self.report.samples["plonerest"] = urls
        elif "plone" in site_facts.generator(home).lower():
            self.report.missing.append("Plone REST API (@search for News Items)")

    # --- sitemaps -----------------------------------------------------------------------------
    # A source goes into the draft only when the crawl's own reader (spiders.sources.parsers) reads
    # what the site sends; one only the probe can read is reported, and left out of the draft.
    def _sitemaps(self) -> None:
        robots = self.fetch(self.base + "/robots.txt")
        candidates = robots_sitemaps(robots.body, self.base + "/") if robots.ok else []
        candidates += [self.base + path for path in SITEMAP_GUESSES]
        visited: set[str] = set()
        unreadable = None
        for url in dict.fromkeys(candidates):
            if not self.client.allows(url):
                self.report.missing.append(f"sitemap {url} (another host: not asked)")
                continue
            links, crawl_reads = self._sitemap_links(url, visited)
            path = self._relative(url)
            if not links or path is None:
                continue
            if not crawl_reads:
                self.unreadable.append(("sitemap", path, links))
                unreadable = unreadable or f"sitemap {path} ({len(links)} URLs; the crawl's sitemap reader cannot read it)"
                continue
            self.report.sitemap_paths.append(path)
            self.report.sources.append("sitemap")
            self.report.found.append(f"sitemap {path} ({len(links)} URLs in the first sitemaps read)")
            self.report.samples["sitemap"] = links
            return
        self.report.missing.append(unreadable or "XML sitemap")

    def _sitemap_links(self, url: str, visited: set[str], depth: int = 0) -> tuple[list[str], bool]:
        """Article URLs of a sitemap or the first children of an index (each sitemap asked once),
        and whether the crawl's reader reads every one of them as sent."""
        if url in visited or len(visited) >= MAX_SITEMAPS or self.client.remaining() <= 0:
            return [], True
        visited.add(url)
        answer = self.fetch(url)
        if not answer.ok:
            return [], True
        children, links = read_sitemap(answer.body)
        crawl_reads = answer.raw is None or read_sitemap(answer.raw) != ([], [])
        found = [link for link in links if self.client.allows(link)]
        for child in (urljoin(url, c) for c in children[:3] if depth < 2):
            if self.client.allows(child):
                more, reads = self._sitemap_links(child, visited, depth + 1)
                found, crawl_reads = found + more, crawl_reads and reads
        return found, crawl_reads

    # --- feeds --------------------------------------------------------------------------------
    def _feeds(self, tree: lxml.html.HtmlElement | None) -> None:
        advertised = advertised_feeds(tree, self.base + "/")
        self.report.advertised_feeds = len(advertised)
        candidates = advertised + [self.base + path for path in FEED_GUESSES]
        unreadable = None
        for url in dict.fromkeys(candidates):
            if not self.client.allows(url):
                self.report.missing.append(f"feed {url} (another host: not asked)")
                continue
            answer = self.fetch(url)
            items = feed_item_urls(answer.body, answer.url) if answer.ok else []
            items = [u for u in items if self.client.allows(u)]
            if items and not feed_links(answer.body, answer.url) and self._relative(url):
                self.unreadable.append(("feed", self._relative(url), items))
                unreadable = unreadable or f"feed {urlsplit(url).path} ({len(items)} items; the crawl's feed reader cannot read it)"
                continue
            if items:
                path = self._relative(answer.url if self.client.allows(answer.url) else url)
                if path is None:
                    continue
                self.report.feed_paths.append(path)
                self.report.sources.append("feed")
                self.report.found.append(f"feed {path} ({len(items)} items on its first page)")
                self.report.samples["feed"] = items
                self.texts.append(("feed", answer.body))
                return
        self.report.missing.append(unreadable or "RSS/Atom feed" + (
            f" ({len(advertised)} advertised, none readable)" if advertised else ""))

    # --- URL shape and listings ---------------------------------------------------------------
    def _learn_pattern(self, extra: list[str] = ()) -> None:
        """The shapes of article paths, from the most trusted source that shows some."""
        if self.report.article_url_pattern is not None:
            return
        trusted = [*self.report.samples.get("wpjson", []), *self.report.samples.get("plonerest", []),
                   *self.report.samples.get("feed", [])]
        self.report.article_url_pattern = (url_pattern(trusted, min_count=1) if trusted else None) or url_pattern(
            [*self.report.samples.get("sitemap", []), *extra], min_count=3)

    def _listings(self, home: Answer, home_links: list[str]) -> None:
        """Pages with a next link and article links: the home page and the pages it links to."""
        selector = next_page_selector()[len("xpath:"):]
        same_site = [u for u in dict.fromkeys(home_links) if self.client.allows(u) and not _is_asset(u)]
        self._learn_pattern(same_site)
        pattern = re.compile(self.report.article_url_pattern) if self.report.article_url_pattern else None
        candidates = [u for u in same_site if pattern is None or not is_article_url(pattern.pattern, u)]
        pages = [(home.url, home.body)]
        for url in candidates[:MAX_LISTING_CANDIDATES]:
            if _path_and_query(url) == _path_and_query(home.url) or self.client.remaining() <= 0:
                continue
            answer = self.fetch(url)
            if answer.ok and answer.body:
                pages.append((answer.url, answer.body))
        paged = []
        for url, body in pages:
            tree = _html(body)
            if tree is not None and tree.xpath(selector) and self.client.allows(url):
                paged.append((url, [urljoin(url, h) for h in tree.xpath("//a/@href")]))
        if pattern is None and paged:
            self._learn_pattern([u for _, links in paged for u in links if self.client.allows(u)])
            pattern = re.compile(self.report.article_url_pattern) if self.report.article_url_pattern else None
        for url, links in paged:
            articles = {u for u in links if pattern is not None and is_article_url(pattern.pattern, u)}
            path = self._relative(url)
            if len(articles) >= MIN_LISTING_ARTICLES and path is not None:
                self.report.listing_paths.append(path)
        self.report.listing_paths = list(dict.fromkeys(self.report.listing_paths))
        if self.report.listing_paths:
            self.report.sources.append("listing")
            self.report.found.append(f"{len(self.report.listing_paths)} paginated listing pages: "
                                     + ", ".join(self.report.listing_paths))
        else:
            self.report.missing.append("paginated listing pages")
        if self.report.article_url_pattern is None:
            self.report.missing.append("article URL shape (no repeated pattern among links)")

    def _last_resort(self) -> None:
        """Nothing the crawl reads today: draft what the site advertises all the same (a newer
        reader may read it) rather than no profile."""
        if self.report.sources or not self.unreadable:
            return
        source, path, urls = self.unreadable[0]
        (self.report.sitemap_paths if source == "sitemap" else self.report.feed_paths).append(path)
        self.report.sources.append(source)
        self.report.found.append(f"{source} {path} drafted although the crawl's reader may not read it: "
                                 "nothing else was found")
        if self.report.article_url_pattern is None:
            self.report.article_url_pattern = url_pattern(urls, min_count=1)

    # --- what the site is ---------------------------------------------------------------------
    def _article_page(self, links: list[str]) -> None:
        """One article, for the dates with offsets its head and body carry."""
        pattern = self.report.article_url_pattern
        pool = [*self.report.samples.get("wpjson", []), *self.report.samples.get("plonerest", []),
                *self.report.samples.get("feed", []), *links,
                *self.report.samples.get("sitemap", [])]
        for url in pool:
            if self.client.allows(url) and pattern and is_article_url(pattern, url):
                answer = self.fetch(url)
                if answer.ok:
                    self.texts.append(("feed", answer.body))
                return

    def _facts(self, tree: lxml.html.HtmlElement | None) -> None:
        facts = site_facts.infer(tree, self.texts, self.wp_settings)
        self.report.language, self.report.timezone, self.report.date_order = facts.language, facts.timezone, facts.date_order
        self.report.found.append(f"site language {facts.language}, timezone {facts.timezone}, "
                                 f"date order {facts.date_order} ({facts.basis})")

    def _cms(self, home: bytes) -> str | None:
        """The CMS family when the site says which (an answering REST API, or its generator tag)."""
        known = families.names()
        if self.report.wpjson_path and "wordpress" in known:
            return "wordpress"
        if "plonerest" in self.report.sources and "plone" in known:
            return "plone"
        generator = site_facts.generator(home).lower()
        return next((name for name in known if name != families.GENERIC and name in generator), None)


def probe(base_url: str, client: ProbeClient, home: Answer) -> ProbeReport:
    """Probe the site whose home page ``home`` the client has already fetched."""
    return Probe(client, base_url).run(home)


# --- pure helpers ---------------------------------------------------------------------------
def advertised_feeds(tree: lxml.html.HtmlElement | None, base: str) -> list[str]:
    """Feeds named in the page head, whatever the attribute order; comment feeds last."""
    if tree is None:
        return []
    urls = []
    for link in tree.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").lower().strip() in FEED_TYPES:
            urls.append(urljoin(base, link.get("href").strip()))
    return sorted(dict.fromkeys(urls), key=lambda u: "comment" in u.lower())


def read_sitemap(body: bytes) -> tuple[list[str], list[str]]:
    """(child sitemaps, URLs) by the crawl's reader; ([], []) where it fails or crashes."""
    try:
        children, links = sitemap_entries(body)
    except Exception:  # noqa: BLE001 -- a reader's crash on a body is "cannot read it" to the probe
        return [], []
    return children, [link.url for link in links]


def feed_item_urls(body: bytes, base: str) -> list[str]:
    """Item URLs of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, by the crawl's own reader."""
    return [link.url for link in feed_links(body, base)]


def url_pattern(urls: list[str], min_count: int = 3, max_shapes: int = 6) -> str | None:
    """A regex for article paths: the shapes seen at least ``min_count`` times (an alternation
    when articles live in several folders), or None when no shape repeats."""
    urls = list(dict.fromkeys(urls))
    by_query = query_shapes(urls, min_count)
    shapes = Counter(shape for shape in map(path_shape, (urlsplit(u).path for u in urls
                                                         if urlsplit(u).path not in by_query)) if shape)
    shapes.update({shape: count for shape, count in by_query.values()})
    common = [shape for shape, count in shapes.most_common(max_shapes) if count >= min_count]
    if not common:
        return None
    if len(common) == 1:
        return common[0]
    return "^(?:" + "|".join(shape[1:-1] for shape in sorted(common)) + ")$"


# Query parameters that number a listing's pages or sort it: never an article's identity.
PAGING_PARAMS = re.compile(r"(?:page|paged|pg|start|offset|b_start(?::int)?|trang|sort|order)$", re.IGNORECASE)


def query_shapes(urls: list[str], min_count: int) -> dict[str, tuple[str, int]]:
    """Paths whose articles differ only in one numeric query parameter (``chi-tiet-tin.aspx?ItemID=4021``,
    ``index.php?id=12``): path -> (a regex for its path and that parameter, how many distinct values).
    A path-only shape cannot tell those articles from a listing at the same folder."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for url in urls:
        parts = urlsplit(url)
        for name, value in parse_qsl(parts.query):
            if value.isdigit() and not PAGING_PARAMS.match(name):
                values[(parts.path, name)].add(value)
    best: dict[str, tuple[str, int]] = {}
    for (path, name), seen in values.items():
        if len(seen) >= max(min_count, 2) and len(seen) > best.get(path, ("", 0))[1]:
            shape = rf"^{re.escape(path)}\?(?:[^#]*&)?{re.escape(name)}=\d+(?:[&#].*)?$"
            best[path] = (shape, len(seen))
    return best


def path_shape(path: str) -> str | None:
    """A regex for paths like this one, when it looks like an article (a long slug or an id)."""
    segments = [s for s in path.split("/") if s]
    if not segments:
        return None
    last = segments[-1]
    slug_words = len(re.findall(r"[a-z0-9]+", last.lower()))
    if slug_words < 4 and not re.search(r"\d{3,}", last):
        return None
    parts = [re.sub(r"\d+", r"\\d+", re.escape(s)) if re.fullmatch(r"[\d-]+", s) else None for s in segments[:-1]]
    prefix = "".join("/" + (p if p is not None else re.escape(s)) for p, s in zip(parts, segments[:-1]))
    suffix = re.search(r"(\.[a-z]{2,5})$", last)
    ending = re.escape(suffix.group(1)) if suffix else "/?"
    return f"^{prefix}/[^/]+{ending}$"


def _html(body: bytes) -> lxml.html.HtmlElement | None:
    if not body or not body.strip():
        return None
    try:
        return lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _is_asset(url: str) -> bool:
    return bool(re.search(r"\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|css|js)$", urlsplit(url).path, re.IGNORECASE))


def portal_name_for(base_url: str) -> str:
    """A slug from the host name (and port, so two loopback sites get two names)."""
    host = urlsplit(base_url).netloc.lower()
    return re.sub(r"[^a-z0-9]+", "-", host.removeprefix("www.")).strip("-")[:63] or "portal"
