"""A site whose CMS nobody named: standard sitemaps, feeds and listings, nothing CMS-specific."""

from __future__ import annotations

NAME = "generic"

DISCOVERY: dict = {"sources": ("sitemap", "feed", "listing")}

# A link that names a "next page" in any common markup (rel=next, a "next" class on the link).
NEXT_PAGE = (
    "xpath://*[self::a or self::link][@rel='next' or contains(concat(' ', normalize-space(@class), ' '), ' next ')]"
)


def feed_page_url(feed_url: str, page: int) -> str | None:
    """Feeds in general do not page: the first page is all there is."""
    return None
