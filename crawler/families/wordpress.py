"""WordPress: its REST API, its sitemaps and feeds, its paging.

What every stock WordPress (4.7 and later) answers, whatever the theme:

- ``/wp-json/wp/v2/posts?per_page=100&page=N``: published posts only (no drafts, private or
  password-protected ones without authentication), each with ``link``, ``date_gmt`` and
  ``modified_gmt``; the ``X-WP-TotalPages`` header says how many pages there are.
- ``/wp-sitemap.xml`` (5.5 and later) and the SEO plugins' ``/sitemap_index.xml``.
- ``/feed/``, paged with ``?paged=N``.
"""

from __future__ import annotations

NAME = "wordpress"

REST_POSTS = "/wp-json/wp/v2/posts"
REST_PAGE_SIZE = 100

DISCOVERY: dict = {
    "sources": ("wpjson", "sitemap", "feed", "listing"),
    "wpjson_path": REST_POSTS,
    "sitemap_paths": ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml"),
    "feed_paths": ("/feed/",),
}

# Classic themes (`.nav-links .next`), block themes (`wp-block-query-pagination-next`), rel=next.
NEXT_PAGE = (
    "xpath://a[contains(concat(' ', normalize-space(@class), ' '), ' next ')"
    " or contains(@class, 'wp-block-query-pagination-next') or @rel='next']"
)


def rest_page_url(base_url: str, path: str, page: int) -> str:
    return f"{base_url}{path}?per_page={REST_PAGE_SIZE}&page={page}"


def rest_total_pages(headers: dict | object) -> int:
    """``X-WP-TotalPages`` of a REST answer; 1 when missing or unreadable."""
    value = headers.get(b"X-WP-TotalPages") if hasattr(headers, "get") else None
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def gmt_as_utc(value: object) -> str | None:
    """WordPress writes ``*_gmt`` without a zone: say it is UTC."""
    return f"{value}+00:00" if isinstance(value, str) and value and "+" not in value and not value.endswith("Z") else None


def feed_page_url(feed_url: str, page: int) -> str | None:
    return feed_url.split("?")[0] + f"?paged={page}"
