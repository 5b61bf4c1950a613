"""Store pipeline: the chain's store step (crawler/processing/store.py) as a Scrapy pipeline:
batched writes into SQLite. It opens and closes the chain (close_spider runs in reverse order,
so it closes after nothing else will write)."""

from __future__ import annotations

from crawler.processing import PageProcessor
from crawler.processing.store import portal_row


class StorePipeline:
    def __init__(self, processor: PageProcessor, crawler=None) -> None:
        self.processor = processor
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(PageProcessor.for_crawler(crawler), crawler)

    def open_spider(self, spider=None) -> None:
        spider = spider or getattr(self.crawler, "spider", None)
        portals = getattr(spider, "portals", {}) or {}
        self.processor.open([portal_row(p) for p in portals.values()])

    def close_spider(self, spider=None) -> None:
        stats = self.processor.stats
        self.processor.close(stats.get_stats() if stats is not None else None)

    def process_item(self, item, spider=None):
        return self.processor.write(item)
