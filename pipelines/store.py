"""Store pipeline: pages, articles, images and failures into SQLite, in batched transactions."""

from __future__ import annotations

from dataclasses import asdict

from crawler.items import FailureItem, PageItem
from crawler.storage import Storage


class StorePipeline:
    def __init__(self, storage: Storage, stats=None, crawler=None) -> None:
        self.storage = storage
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Storage.for_crawler(crawler), crawler.stats, crawler)

    def open_spider(self, spider=None) -> None:
        spider = spider or getattr(self.crawler, "spider", None)
        portals = getattr(spider, "portals", {}) or {}
        self.storage.open([portal_row(p) for p in portals.values()])

    def close_spider(self, spider=None) -> None:
        self.storage.close(self.stats.get_stats() if self.stats is not None else None)

    def process_item(self, item, spider=None):
        if isinstance(item, FailureItem):
            self.storage.add_failure(item.portal, item.url, item.reason, item.status, item.crawl_time)
        elif isinstance(item, PageItem):
            self._store_page(item)
        self.storage.tick()
        return item

    def _store_page(self, item: PageItem) -> None:
        if item.error:
            self.storage.add_failure(item.portal, item.url, item.error, item.status, item.crawl_time)
        elif item.duplicate_of is not None:
            self.storage.add_alias(item.url_key, item.url, item.duplicate_of, item.crawl_time)
            self.storage.touch_article(item.duplicate_of, item.crawl_time)
        elif item.record is not None:
            item.article_id = self.storage.add_article(item, item.record)
        self.storage.add_page(item)


def portal_row(portal) -> dict:
    return {
        "name": portal.name, "title": portal.title, "family": portal.family, "base_url": portal.base_url,
        "languages": ",".join(portal.languages), "timezone": portal.timezone,
    }
