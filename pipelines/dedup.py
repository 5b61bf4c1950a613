"""Dedup pipeline: the chain's dedup step (crawler/processing/dedup.py) as a Scrapy pipeline:
the same URL, the same text, and the same story across portals."""

from __future__ import annotations

from crawler.processing import PageProcessor


class DedupPipeline:
    def __init__(self, processor: PageProcessor) -> None:
        self.processor = processor

    @classmethod
    def from_crawler(cls, crawler):
        return cls(PageProcessor.for_crawler(crawler))

    def process_item(self, item, spider=None):
        return self.processor.dedup(item)
