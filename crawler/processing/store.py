"""The store step: pages, articles, versions, images, failures and dropped links into SQLite, in batched
transactions, counting per portal what each page turned out to be."""

from __future__ import annotations

from crawler.dedup.urls import url_key
from crawler.items import DiscoveryReadItem, DroppedItem, FailureItem, PageItem
from crawler.processing.dedup import PREPARED
from crawler.storage import Storage
from crawler.storage.writer import compress_page


class StoreStep:
    def __init__(self, storage: Storage, stats=None) -> None:
        self.storage = storage
        self.stats = stats

    def prepare(self, item):
        """A distributed worker's share of the store: compress the page it ships to the loader
        (only once nothing after it reads the raw page: dedup's ``prepare`` runs first)."""
        if isinstance(item, PageItem) and self.storage.store_html:
            compress_page(item)
        return item

    def process(self, item):
        if isinstance(item, FailureItem):
            self.storage.add_failure(item.portal, item.url, item.reason, item.status, item.crawl_time)
        elif isinstance(item, PageItem):
            self._store_page(item)
        elif isinstance(item, DroppedItem):
            self.storage.add_dropped(item.portal, item.rows, item.crawl_time)
        elif isinstance(item, DiscoveryReadItem):
            self.storage.record_discovery_read(item.portal, item.url, item.modified, item.url_keys, item.crawl_time)
        self.storage.tick()
        return item

    def _store_page(self, item: PageItem) -> None:
        if item.error:
            self.storage.add_failure(item.portal, item.url, item.error, item.status, item.crawl_time)
            self._count(item.portal, "failures")
        elif item.change == "duplicate":
            self.storage.add_alias(item.url_key, item.url, item.duplicate_of, item.crawl_time)
            self.storage.touch_article(item.duplicate_of, item.crawl_time)
            self._count(item.portal, "duplicates")
        elif item.change == "new":
            item.article_id = self.storage.add_article(item, item.record)
            self._claim_canonical(item)
            self._count(item.portal, "articles_new")
        elif item.change == "updated":
            self.storage.update_article(item.article_id, item, item.record)
            self._count(item.portal, "updated")
        elif item.change == "unchanged" and item.article_id is not None:
            self.storage.touch_article(item.article_id, item.crawl_time, duplicate=False)
            self._count(item.portal, "unchanged")
        elif item.change == "removed" and item.article_id is not None:
            self.storage.mark_removed(item.article_id, item.crawl_time)
            self._count(item.portal, "removed")
        if item.status == 304 or item.change == "removed":
            self.storage.refresh_page(item)
        else:
            self.storage.add_page(item)
        for note in item.extra.get("notes", ()):  # what extraction cut from a stored article, and why
            self.storage.add_failure(item.portal, item.url, note, item.status, item.crawl_time)

    def _claim_canonical(self, item: PageItem) -> None:
        """An article first met at an alias URL also owns the canonical URL it declares, so the
        canonical page, fetched later, is the same article (not a second one)."""
        if not item.canonical_url:
            return
        ready = item.extra.get(PREPARED)  # dedup's prepared inputs hold the key already
        key = ready.declared_key if ready is not None and ready.declared_canonical == item.canonical_url else url_key(item.canonical_url)
        if key != item.url_key:
            self.storage.add_alias(key, item.canonical_url, item.article_id, item.crawl_time)

    def _count(self, portal: str, counter: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"muninews/portal/{portal}/{counter}")


def portal_row(portal) -> dict:
    """The ``portals`` table's row for a registry ``Portal``."""
    return {
        "name": portal.name, "title": portal.title, "family": portal.family, "base_url": portal.base_url,
        "languages": ",".join(portal.languages), "timezone": portal.timezone,
    }
