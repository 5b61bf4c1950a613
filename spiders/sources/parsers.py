"""What discovery responses say, as pure functions over their bodies: the sitemap, feed,
robots.txt and WordPress REST readers the sources and the onboarding probe share.

Each returns ``Link``s (an article URL with whatever dates the source tells); nothing here fetches.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from datetime import datetime, timezone
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.families import wordpress
from crawler.items import Link
from crawler.text.httpdate import parse_http_date


_UTC_ISO = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\+00:00")


def utc_iso(value: str | None) -> str | None:
    """Normalise an ISO 8601 or RFC 822 timestamp to ISO UTC; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    if _UTC_ISO.fullmatch(value):  # already so (most sitemaps): a million lastmods cost nothing
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = parse_http_date(value)
        if moment is None:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    except (OverflowError, ValueError):  # year 1 with a positive offset, and such
        return None


def wpjson_links(body: bytes) -> list[Link]:
    """Posts of one page of /wp-json/wp/v2/posts; [] for anything that is not that."""
    return wpjson_page(body)[0]


def wpjson_page(body: bytes) -> tuple[list[Link], str | None]:
    """(posts, problem) of one page of /wp-json/wp/v2/posts: problem says why a body is no such page."""
    try:
        posts = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return [], "not a WordPress REST answer: not JSON"
    if not isinstance(posts, list):
        return [], f"not a WordPress REST answer: a JSON {type(posts).__name__}, not a list of posts"
    links = []
    for post in posts:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            lastmod = utc_iso(_text_or_none(wordpress.gmt_as_utc(post.get("modified_gmt")) or post.get("modified")))
            published = utc_iso(_text_or_none(wordpress.gmt_as_utc(post.get("date_gmt")) or post.get("date")))
            links.append(Link(post["link"], lastmod, published))
    return links, None if links or not posts else "not a WordPress REST answer: no post has a link"


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's limit, uncompressed
GZIP_MAGIC = b"\x1f\x8b"


class SitemapReader:
    """One sitemap or sitemap index read as a stream, by its content: gzipped or not, whatever its
    URL or Content-Type says, inflated at most ``max_bytes`` far and parsed element by element
    (each ``<url>`` is dropped once read), so memory does not grow with the sitemap.

    Iterating yields ``("sitemap", Link)`` for an index's children (their ``lastmod`` the index's date) and ``("url", Link)`` for a
    urlset's pages; afterwards ``kind`` is ``"urlset"``, ``"sitemapindex"`` or None (no sitemap), and
    ``problem`` says why reading stopped early or found nothing (None: read to the end). Never raises
    on a body: HTML, garbage, a broken gzip stream or a compression bomb are problems, not errors."""

    def __init__(self, body: bytes, max_bytes: int = SITEMAP_MAX_BYTES) -> None:
        self.body = body or b""
        self.max_bytes = max_bytes
        self.kind: str | None = None
        self.problem: str | None = None
        self.entries = 0

    def __iter__(self):
        source = _CappedStream(self.body, self.max_bytes)
        events = etree.iterparse(source, events=("start", "end"), recover=True, resolve_entities=False,
                                 no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
        root = None
        depth = 0  # of the element an event is about, the root's children at 1 (cheaper than getparent())
        try:
            for event, element in events:
                if root is None:
                    root = element
                    self.kind = _local(element.tag)
                    if self.kind not in ("urlset", "sitemapindex"):
                        self.problem = f"not a sitemap: the document is <{self.kind or '?'}>"
                        self.kind = None
                        return
                    continue
                if event == "start":
                    depth += 1
                    continue
                depth -= 1
                if depth != 0 or element is root:
                    continue
                entry = _sitemap_entry(element, self.kind)
                element.clear()
                while element.getprevious() is not None:
                    del root[0]
                if entry is not None:
                    self.entries += 1
                    yield entry
        except etree.XMLSyntaxError as error:
            self.problem = f"not a readable sitemap: {error}"
        except (OSError, EOFError, zlib.error) as error:  # a broken gzip stream
            self.problem = f"broken gzip stream: {error}"
        if source.cut:
            self.problem = f"sitemap larger than {self.max_bytes} bytes uncompressed: read the first {self.entries} entries"
        elif root is None and self.problem is None:
            self.problem = "not a sitemap: empty or no XML"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sitemap_entry(element: etree._Element, kind: str) -> tuple[str, object] | None:
    values: dict[str, str] = {}
    news_date = None
    for child in element:  # loc and lastmod are children; a news date is anywhere below
        name = _local(child.tag)
        if name == "publication_date" and child.text:
            news_date = child.text.strip()
        elif name in ("loc", "lastmod") and child.text:
            values[name] = child.text.strip()
        if len(child):
            for below in child.iterdescendants():
                if _local(below.tag) == "publication_date" and below.text:
                    news_date = below.text.strip()
    loc = values.get("loc")
    if not loc:
        return None
    if kind == "sitemapindex":
        if _local(element.tag) != "sitemap":
            return None
        return "sitemap", Link(loc, utc_iso(values.get("lastmod")))
    if _local(element.tag) != "url":
        return None
    return "url", Link(loc, utc_iso(values.get("lastmod")), utc_iso(news_date))


class _CappedStream:
    """A file-like view of a body, gunzipped when it starts with the gzip magic, that ends (and says
    so in ``cut``) after ``limit`` bytes."""

    def __init__(self, body: bytes, limit: int) -> None:
        raw = io.BytesIO(body)
        self.stream = gzip.GzipFile(fileobj=raw) if body[:2] == GZIP_MAGIC else raw
        self.left = limit
        self.cut = False

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            self.cut = self.cut or bool(self.stream.read(1))
            return b""
        wanted = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(wanted)
        self.left -= len(data)
        return data


def sitemap_entries(body: bytes, max_bytes: int = SITEMAP_MAX_BYTES) -> tuple[list[str], list[Link]]:
    """(child sitemaps, article links) of a sitemap index or urlset, gzipped or not; ([], []) for
    garbage. The lists are whole in memory: the crawl iterates ``SitemapReader`` instead."""
    children, links = [], []
    for kind, value in SitemapReader(body, max_bytes):
        if kind == "sitemap":
            children.append(value.url)
        else:
            links.append(value)
    return children, links


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(body, base_url=base_url))


ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Items of an RSS 2.0, RSS 1.0 (RDF, namespaced items) or Atom feed. An item's URL is its
    ``<link>``, else its ``rdf:about`` (RSS 1.0), else its ``<guid>`` when that is a permalink
    (RSS 2.0 items may carry only a guid); its publication date ``pubDate``, ``dc:date`` or Atom
    ``published``; its change date Atom ``updated`` or ``dcterms:modified``."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    links = []
    for item in root.iter("item", f"{RSS1}item", f"{ATOM}entry"):
        url = (_child_text(item, "link") or _child_text(item, f"{RSS1}link") or _atom_link(item)
               or item.get(RDF_ABOUT) or _permalink_guid(item))
        if url:
            published = (_child_text(item, "pubDate") or _child_text(item, f"{DC}date")
                         or _child_text(item, f"{ATOM}published") or _child_text(item, f"{DCTERMS}issued"))
            updated = _child_text(item, f"{ATOM}updated") or _child_text(item, f"{DCTERMS}modified")
            absolute = absolute_url(base_url, url)
            if absolute:
                links.append(Link(absolute, utc_iso(updated), utc_iso(published)))
    return links


def absolute_url(base_url: str, href: str) -> str | None:
    """``href`` resolved against ``base_url``; None for what cannot be a URL ("http://[x", a
    broken IPv6 host: urljoin raises ValueError). A portal's one bad link must not end a page's
    discovery (found by the discovery fuzz target)."""
    try:
        return urljoin(base_url, href.strip())
    except ValueError:
        return None


def absolute_urls(base_url: str, hrefs: list[str]) -> list[str]:
    return [url for url in (absolute_url(base_url, href) for href in hrefs) if url]


def _child_text(element: etree._Element, tag: str) -> str | None:
    child = element.find(tag)
    return child.text.strip() if child is not None and child.text and child.text.strip() else None


def _atom_link(entry: etree._Element) -> str | None:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _permalink_guid(item: etree._Element) -> str | None:
    """An RSS 2.0 ``<guid>`` that is the item's URL: not marked ``isPermaLink="false"``, and a URL."""
    guid = item.find("guid")
    if guid is None or not guid.text or guid.get("isPermaLink", "true").strip().lower() == "false":
        return None
    text = guid.text.strip()
    return text if text.startswith(("http://", "https://", "/")) else None
