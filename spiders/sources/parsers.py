"""What discovery responses say, as pure functions over their bodies: the sitemap, feed,
robots.txt and WordPress REST readers the sources and the onboarding probe share.

Each returns ``Link``s (an article URL with whatever dates the source tells); nothing here fetches.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.families import wordpress
from crawler.items import Link
from crawler.text.httpdate import parse_http_date


def utc_iso(value: str | None) -> str | None:
    """Normalise an ISO 8601 or RFC 822 timestamp to ISO UTC; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = parse_http_date(value)
        if moment is None:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def wpjson_links(body: bytes) -> list[Link]:
    """Posts of one page of /wp-json/wp/v2/posts; [] for anything that is not that."""
    try:
        posts = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(posts, list):
        return []
    links = []
    for post in posts:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            lastmod = utc_iso(wordpress.gmt_as_utc(post.get("modified_gmt")) or post.get("modified"))
            published = utc_iso(wordpress.gmt_as_utc(post.get("date_gmt")) or post.get("date"))
            links.append(Link(post["link"], lastmod, published))
    return links


def sitemap_entries(body: bytes) -> tuple[list[str], list[Link]]:
    """(child sitemaps, article links) of a sitemap index or urlset; ([], []) for garbage."""
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, ValueError):
        return [], []
    entries = list(sitemap)
    if sitemap.type == "sitemapindex":
        return [e["loc"] for e in entries if e.get("loc")], []
    links = []
    for entry in entries:
        if entry.get("loc"):
            news_date = (entry.get("news") or {}).get("publication_date") if isinstance(entry.get("news"), dict) else None
            links.append(Link(entry["loc"], utc_iso(entry.get("lastmod")), utc_iso(news_date)))
    return [], links


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Items of an RSS 2.0 or Atom feed."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    links = []
    for item in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
        url = _child_text(item, "link") or _atom_link(item)
        if url:
            published = _child_text(item, "pubDate") or _child_text(item, "{http://www.w3.org/2005/Atom}published")
            updated = _child_text(item, "{http://www.w3.org/2005/Atom}updated")
            links.append(Link(urljoin(base_url, url.strip()), utc_iso(updated), utc_iso(published)))
    return links


def _child_text(element: etree._Element, tag: str) -> str | None:
    child = element.find(tag)
    return child.text.strip() if child is not None and child.text else None


def _atom_link(entry: etree._Element) -> str | None:
    for link in entry.findall("{http://www.w3.org/2005/Atom}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None
