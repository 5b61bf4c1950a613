"""Zero-config onboarding: probe a site for what it offers and draft a profile that crawls it.

The probe asks, politely and once each, for robots.txt, sitemaps, the WordPress REST API, feeds,
and the home page; it infers the shape of article URLs from the links it sees and finds listing
pages with pagination. The draft holds no field selectors: the structured and generic extraction
layers read articles of an unknown layout, and a human may add selectors later.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from collections import Counter
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen

import lxml.html

from crawler import __version__
from crawler.extraction import DEFAULT_ZONE_BY_LANGUAGE
from crawler.families import generic, wordpress
from spiders.sources.parsers import feed_links, robots_sitemaps, sitemap_entries, wpjson_links

USER_AGENT = f"muninews/{__version__} (add-portal probe)"
# A link that names a "next page" in any common markup; used by drafted profiles.
GENERIC_NEXT_PAGE = generic.NEXT_PAGE
SITEMAP_GUESSES = tuple(dict.fromkeys(("/sitemap.xml", *wordpress.DISCOVERY["sitemap_paths"])))
FEED_GUESSES = ("/feed/", "/rss", "/feed")
MAX_LISTING_CANDIDATES = 25


@dataclass
class ProbeReport:
    base_url: str
    sources: list[str] = field(default_factory=list)
    wpjson_path: str | None = None
    sitemap_paths: list[str] = field(default_factory=list)
    feed_paths: list[str] = field(default_factory=list)
    listing_paths: list[str] = field(default_factory=list)
    article_url_pattern: str | None = None
    language: str | None = None
    private_address: bool = False
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def fetch(url: str, timeout: float = 15) -> tuple[int, dict[str, str], bytes]:
    request = Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read(5_000_000)
    except HTTPError as error:
        return error.code, dict(error.headers.items()), b""
    except (URLError, OSError, ValueError):
        return 0, {}, b""


def probe(base_url: str) -> ProbeReport:
    base_url = base_url.rstrip("/")
    report = ProbeReport(base_url, private_address=is_private_host(urlsplit(base_url).hostname or ""))
    status, _, home = fetch(base_url + "/")
    links: list[str] = []
    if status == 200 and home:
        tree = lxml.html.document_fromstring(home)
        report.language = (tree.get("lang") or "").split("-")[0].lower() or None
        links = [urljoin(base_url + "/", href) for href in tree.xpath("//a/@href")]
    else:
        report.missing.append(f"home page (HTTP {status})")
    _probe_wpjson(report, home)
    _probe_sitemaps(report)
    _probe_feeds(report, home)
    _probe_listings(report, links)
    return report


def _probe_wpjson(report: ProbeReport, home: bytes) -> None:
    path = wordpress.REST_POSTS
    status, headers, body = fetch(f"{report.base_url}{path}?per_page=5")
    posts = wpjson_links(body) if status == 200 else []
    if posts:
        total = headers.get("X-WP-Total", "?")
        report.sources.append("wpjson")
        report.wpjson_path = path
        report.found.append(f"WordPress REST API at {path} ({total} posts)")
        _learn_pattern(report, [p.url for p in posts])
    else:
        advertised = b"api.w.org" in home
        report.missing.append("WordPress REST API" + (" (advertised but not answering)" if advertised else ""))


def _probe_sitemaps(report: ProbeReport) -> None:
    status, _, robots = fetch(report.base_url + "/robots.txt")
    candidates = robots_sitemaps(robots, report.base_url) if status == 200 else []
    candidates += [report.base_url + path for path in SITEMAP_GUESSES]
    for url in dict.fromkeys(candidates):
        count = _count_sitemap_links(url)
        if count:
            report.sitemap_paths.append(urlsplit(url).path)
            report.found.append(f"sitemap {urlsplit(url).path} ({count} URLs)")
            break
    if report.sitemap_paths:
        report.sources.append("sitemap")
    else:
        report.missing.append("XML sitemap")


def _count_sitemap_links(url: str, depth: int = 0) -> int:
    status, _, body = fetch(url)
    if status != 200:
        return 0
    children, links = sitemap_entries(body)
    if links:
        return len(links)
    return sum(_count_sitemap_links(child, depth + 1) for child in children[:3]) if depth < 2 else 0


def _probe_feeds(report: ProbeReport, home: bytes) -> None:
    advertised = re.findall(rb'<link[^>]+type="application/(?:rss|atom)\+xml"[^>]*href="([^"]+)"', home)
    candidates = [urljoin(report.base_url + "/", href.decode()) for href in advertised]
    candidates += [report.base_url + path for path in FEED_GUESSES]
    for url in dict.fromkeys(candidates):
        status, _, body = fetch(url)
        items = feed_links(body, url) if status == 200 else []
        if items:
            report.feed_paths.append(urlsplit(url).path)
            report.sources.append("feed")
            report.found.append(f"feed {urlsplit(url).path} ({len(items)} items on its first page)")
            _learn_pattern(report, [i.url for i in items])
            return
    report.missing.append("RSS/Atom feed")


def _probe_listings(report: ProbeReport, home_links: list[str]) -> None:
    host = urlsplit(report.base_url).netloc
    same_host = [u for u in dict.fromkeys(home_links) if urlsplit(u).netloc == host]
    if report.article_url_pattern is None:
        _learn_pattern(report, same_host)
    if report.article_url_pattern is None:
        report.missing.append("article URL shape (no repeated pattern among links)")
        return
    pattern = re.compile(report.article_url_pattern)
    candidates = [u for u in same_host if not pattern.search(urlsplit(u).path) and urlsplit(u).path not in ("", "/")]
    for url in candidates[:MAX_LISTING_CANDIDATES]:
        status, _, body = fetch(url)
        if status != 200 or not body:
            continue
        tree = lxml.html.document_fromstring(body)
        articles = [h for h in tree.xpath("//a/@href") if pattern.search(urlsplit(urljoin(url, h)).path)]
        paged = bool(tree.xpath(GENERIC_NEXT_PAGE[len("xpath:"):]))
        if len(set(articles)) >= 5 and paged:
            report.listing_paths.append(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
    if report.listing_paths:
        report.sources.append("listing")
        report.found.append(f"{len(report.listing_paths)} paginated listing pages: {', '.join(report.listing_paths)}")
    else:
        report.missing.append("paginated listing pages")


def _learn_pattern(report: ProbeReport, urls: list[str]) -> None:
    """The most common shape of article-looking paths, as a regular expression."""
    if report.article_url_pattern is not None:
        return
    shapes = Counter(shape for shape in map(path_shape, (urlsplit(u).path for u in urls)) if shape)
    if shapes:
        shape, count = shapes.most_common(1)[0]
        if count >= 3:
            report.article_url_pattern = shape


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


def is_private_host(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return any(ipaddress.ip_address(a.split("%")[0]).is_private or ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def draft_profile(name: str, report: ProbeReport) -> str:
    """TOML text of a profile that crawls what the probe found, with the generic extraction layers."""
    language = report.language or "vi"
    zone = DEFAULT_ZONE_BY_LANGUAGE.get(language, "UTC")
    q = json.dumps
    lines = [
        f"# Draft profile written by `muninews add-portal {report.base_url}`.",
        "# No field selectors: articles are read by the structured and generic extraction layers.",
        "# Found: " + ("; ".join(report.found) or "nothing"),
        "# Not found: " + ("; ".join(report.missing) or "-"),
        "",
        "[family]",
        f"name = {q(name)}",
        f"languages = [{q(language)}]",
        f"timezone = {q(zone)}",
        f"date_order = {q('MDY' if language == 'en' else 'DMY')}",
        "",
        "[discovery]",
        f"sources = {q(report.sources or ['listing'])}",
        'mode = "first"',
    ]
    if report.wpjson_path:
        lines.append(f"wpjson_path = {q(report.wpjson_path)}")
    if report.sitemap_paths:
        lines.append(f"sitemap_paths = {q(report.sitemap_paths)}")
    if report.feed_paths:
        lines.append(f"feed_paths = {q(report.feed_paths)}")
    lines.append(f"start_paths = {q(report.listing_paths or ['/'])}")
    lines.append('article_links = "a"')
    lines.append(f"next_page = {q(GENERIC_NEXT_PAGE)}")
    if report.article_url_pattern:
        lines.append(f"article_url_pattern = '{report.article_url_pattern}'")
    lines += ["", "[[portals]]", f"name = {q(name)}", f"title = {q(name)}", f"base_url = {q(report.base_url)}"]
    if report.private_address:
        lines.append("# The host is on a private or loopback address; crawling it was allowed explicitly.")
        lines.append("allow_private_addresses = true")
    return "\n".join(lines) + "\n"


def portal_name_for(base_url: str) -> str:
    host = urlsplit(base_url).netloc.lower()
    return re.sub(r"[^a-z0-9]+", "-", host.removeprefix("www.")).strip("-")
