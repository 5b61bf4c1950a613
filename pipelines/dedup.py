"""Dedup pipeline: the same URL, the same text, and the same story across portals.

- The same URL key (see ``url_key``) is one page: never stored twice, across runs.
- The same normalised text on one portal at two URLs is one article with two URLs.
- The same story on several portals keeps one article row per portal, sharing a ``story_id``.

State lives in the database (article_urls, content hashes, the story index), never in spider
memory, so it holds across runs and restarts.
"""

from __future__ import annotations

import hashlib
import unicodedata

from w3lib.url import canonicalize_url

from crawler.items import PageItem
from crawler.storage import Storage


def url_key(url: str) -> str:
    """Scheme-insensitive canonical key of a URL."""
    canonical = canonicalize_url(url, keep_fragments=False)
    return canonical.split("://", 1)[-1].rstrip("/")


def content_hash(paragraphs: list[str]) -> str:
    text = " ".join(unicodedata.normalize("NFC", " ".join(paragraphs)).casefold().split())
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


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
        item.url_key = url_key(item.url)
        item.canonical_url = canonicalize_url(item.url)
        if item.record is None:
            return item
        known = self.storage.article_for_url_key(item.url_key)
        if known is not None:
            return self._duplicate(item, known, "url")
        item.content_hash = content_hash(item.record.body)
        same_page = self.storage.article_for_hash(item.content_hash, portal=item.portal)
        if same_page is not None:
            return self._duplicate(item, same_page[0], "text")
        item.story_id = self.story_of(item)
        return item

    def story_of(self, item: PageItem) -> int | None:
        """The story an article from another portal already tells, if any (None: a new story)."""
        same_text = self.storage.article_for_hash(item.content_hash)
        return same_text[1] if same_text else None

    def _duplicate(self, item: PageItem, article_id: int, kind: str) -> PageItem:
        item.duplicate_of = article_id
        if self.stats is not None:
            self.stats.inc_value(f"muninews/dedup/{kind}")
        return item
