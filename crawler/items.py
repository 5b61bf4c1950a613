"""What spiders yield: raw pages (extraction happens in pipelines), fetch failures and what
discovery dropped; and the article links discovery sources find."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """A fetched article page. Pipelines add ``record`` (extraction) and dedup decisions."""

    url: str
    portal: str
    status: int
    body: bytes = field(repr=False)
    crawl_time: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    listed_modified: str | None = None  # ISO UTC: when the discovery source said the article changed
    listed_published: str | None = None  # ISO UTC: when the discovery source said it was published
    listed_authors: list[str] | None = None  # the authors discovery named (through their author pages)
    record: Any = field(default=None, repr=False)  # crawler.extraction.Record, set by ExtractPipeline
    error: str | None = None  # why this page yields no article (set by a pipeline)
    url_key: str | None = None
    canonical_url: str | None = None
    content_hash: str | None = None
    duplicate_of: int | None = None  # article id this page repeats at another URL (same text)
    change: str | None = None  # new | updated | unchanged | removed | duplicate (set by dedup)
    story_id: int | None = None
    article_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class FailureItem:
    """A URL that could not be fetched; stored in the ``failures`` table for analysts."""

    url: str
    portal: str
    reason: str
    status: int | None = None
    crawl_time: str | None = None


@dataclass
class DroppedItem:
    """What a portal's discovery left without asking, a batch of rows at a time (the ``dropped``
    table): article links past a budget or after discovery stopped, discovery steps past a page
    budget, redirects the duplicate filter dropped. ``rows``: (url, kind, reason) with kind
    ``link``, ``check``, ``step`` or ``redirect``."""

    portal: str
    rows: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    crawl_time: str | None = None


@dataclass
class DiscoveryReadItem:
    """A child sitemap read to its end with every entry dated (``discovery_reads``): the index's
    date for it, and the URL keys of the article links it listed. A later night that finds the
    same date in the index may leave the child unread (spiders/portal.py ``_unchanged``)."""

    portal: str
    url: str  # the child's URL as the index gave it, canonicalized
    modified: str
    url_keys: list[str] = field(default_factory=list, repr=False)
    crawl_time: str | None = None


@dataclass(frozen=True)
class Link:
    """An article URL a discovery source lists, with the dates it tells."""

    url: str
    lastmod: str | None = None  # ISO 8601 UTC: when the source says the page last changed
    published: str | None = None  # ISO 8601 UTC, when known
    # The CMS's pages of the article's authors, in byline order, when the source names them by user id
    # only (Plone's REST API): the spider reads each once a run for the name it shows.
    author_pages: tuple[str, ...] = ()
