"""Machine-readable discovery endpoints of the replica, as WordPress serves them: RSS 2.0 feeds
(paged with ?paged=N), XML sitemaps (an index plus post sitemaps with lastmod) and the WordPress
REST API (/wp-json/wp/v2/posts with X-WP-Total and X-WP-TotalPages headers)."""

from __future__ import annotations

import json
from datetime import timezone
from email.utils import format_datetime
from html import escape

from crawler.replica.generator import Site, TrueArticle

FEED_PAGE_SIZE = 20
SITEMAP_SIZE = 200
API_MAX_PER_PAGE = 100


def rss(site: Site, base_url: str, articles: list[TrueArticle], page: int) -> str | None:
    chunk = articles[(page - 1) * FEED_PAGE_SIZE : page * FEED_PAGE_SIZE]
    if not chunk and page > 1:
        return None
    items = "\n".join(
        f"""<item><title>{escape(a.title)}</title><link>{base_url}{a.path}?utm_source=rss&amp;utm_medium=rss</link>
<guid isPermaLink="false">{base_url}/?p={a.number}</guid>
<pubDate>{format_datetime(a.published.astimezone(timezone.utc), usegmt=True)}</pubDate>
<dc:creator><![CDATA[{a.author}]]></dc:creator>
<description><![CDATA[{a.body[0][:200]}]]></description></item>"""
        for a in chunk
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>{escape(site.name)}</title><link>{base_url}/</link>
<atom:link href="{base_url}/feed/" rel="self" type="application/rss+xml"/>
<language>vi</language>
{items}
</channel></rss>"""


def sitemap_index(base_url: str, articles: list[TrueArticle]) -> str:
    """Each child dated by its newest change, as Yoast SEO and Rank Math date theirs."""
    chunks = max(1, -(-len(articles) // SITEMAP_SIZE))
    entries = "\n".join(
        f"<sitemap><loc>{base_url}/post-sitemap{n if n > 1 else ''}.xml</loc>{_chunk_lastmod(articles, n)}</sitemap>"
        for n in range(1, chunks + 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{entries}
</sitemapindex>"""


def _chunk_lastmod(articles: list[TrueArticle], number: int) -> str:
    chunk = articles[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]
    if not chunk:
        return ""
    return f"<lastmod>{max(a.last_change for a in chunk).isoformat(timespec='seconds')}</lastmod>"


def post_sitemap(base_url: str, articles: list[TrueArticle], number: int) -> str | None:
    chunk = articles[(number - 1) * SITEMAP_SIZE : number * SITEMAP_SIZE]
    if not chunk:
        return None
    urls = "\n".join(
        f"<url><loc>{base_url}{a.path}</loc><lastmod>{a.last_change.isoformat(timespec='seconds')}</lastmod></url>"
        for a in chunk
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>"""


def api_root(site: Site, base_url: str) -> str:
    return json.dumps({"name": site.name, "url": base_url, "namespaces": ["wp/v2"], "routes": {"/wp/v2/posts": {}}})


def api_posts(base_url: str, articles: list[TrueArticle], page: int, per_page: int) -> tuple[int, dict[str, str], str]:
    per_page = max(1, min(per_page, API_MAX_PER_PAGE))
    total_pages = max(1, -(-len(articles) // per_page))
    headers = {"X-WP-Total": str(len(articles)), "X-WP-TotalPages": str(total_pages)}
    if page > total_pages:
        error = {"code": "rest_post_invalid_page_number", "message": "The page number requested is larger than the number of pages available.", "data": {"status": 400}}
        return 400, headers, json.dumps(error)
    chunk = articles[(page - 1) * per_page : page * per_page]
    posts = [
        {
            "id": a.number, "date": a.published.replace(tzinfo=None).isoformat(),
            "date_gmt": a.published.astimezone(timezone.utc).replace(tzinfo=None).isoformat(),
            "modified": a.last_change.replace(tzinfo=None).isoformat(),
            "modified_gmt": a.last_change.astimezone(timezone.utc).replace(tzinfo=None).isoformat(),
            "slug": a.slug, "link": f"{base_url}{a.path}", "title": {"rendered": escape(a.title)},
        }
        for a in chunk
    ]
    return 200, headers, json.dumps(posts, ensure_ascii=False)
