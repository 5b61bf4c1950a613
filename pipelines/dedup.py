"""Dedup pipeline: the same URL, the same text, and the same story across portals.

- The same URL key (crawler.urls.url_key) is one page: never stored twice, across runs; a known
  page that comes back with other text is an edit (a new version), not a new article.
- The same normalised text on one portal at two URLs is one article with two URLs.
- The same story on several portals keeps one article row per portal, sharing a ``story_id``.

State lives in the database (article_urls, content hashes, the story index), never in spider
memory, so it holds across runs and restarts.
"""

from __future__ import annotations

from crawler.items import PageItem
from crawler.storage import Storage
from crawler.urls import canonicalize, url_key
from crawler.similarity import content_hash


class DedupPipeline:
    def __init__(self, storage: Storage, stats=None) -> None:
        self.storage = storage
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Storage.for_crawler(crawler), crawler.stats)

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        item.url_key, item.canonical_url = url_key(item.url), canonicalize(item.url)
        known = self.storage.article_for_url_key(item.url_key)
        if item.status in (304, 404, 410):
            item.article_id = known
            item.change = "unchanged" if item.status == 304 else "removed"
            return item
        if item.record is None:
            return item
        item.content_hash = content_hash(item.record.body_text)
        if known is not None:
            item.article_id = known
            item.change = "unchanged" if self.storage.hash_of(known) == item.content_hash else "updated"
            return self._count(item)
        same_page = self.storage.article_for_hash(item.content_hash, portal=item.portal)
        if same_page is not None:
            item.duplicate_of, item.change = same_page[0], "duplicate"
            return self._count(item)
        item.change = "new"
        item.story_id = self.story_of(item)
        return item

    def story_of(self, item: PageItem) -> int | None:
        """The story an article from another portal already tells, if any (None: a new story)."""
        same_text = self.storage.article_for_hash(item.content_hash)
        return same_text[1] if same_text else None

    def _count(self, item: PageItem) -> PageItem:
        if self.stats is not None:
            self.stats.inc_value(f"muninews/dedup/{item.change}")
        return item
