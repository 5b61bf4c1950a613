"""Store pipeline: the chain's store step (crawler/processing/store.py) as a Scrapy pipeline:
batched writes into SQLite. It opens and closes the chain (close_spider runs in reverse order,
so it closes after nothing else will write), and commits on a timer (``SQLITE_COMMIT_SECONDS``)
so rows never wait for the next item to be committed."""

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
        seconds = self.processor.storage.commit_seconds
        if seconds and seconds > 0:
            from twisted.internet.task import LoopingCall

            self.timer = LoopingCall(self.processor.storage.commit_if_due)
            self.timer.start(max(0.5, seconds / 2), now=False)

    def close_spider(self, spider=None) -> None:
        if getattr(self, "timer", None) is not None and self.timer.running:
            self.timer.stop()
        stats = self.processor.stats
        self.processor.close(stats.get_stats() if stats is not None else None)

    def process_item(self, item, spider=None):
        return self.processor.write(item)
