"""Extraction pipeline: the chain's extract step (crawler/processing/extract.py) as a Scrapy
pipeline. Raw page -> ``Record``; a page that is no article keeps ``item.error``."""

from __future__ import annotations

from crawler.processing import PageProcessor


class ExtractPipeline:
    def __init__(self, processor: PageProcessor) -> None:
        self.processor = processor

    @classmethod
    def from_crawler(cls, crawler):
        return cls(PageProcessor.for_crawler(crawler))

    def open_spider(self, spider=None) -> None:
        """Runs first: with a store pipeline after it the store opens the database and reads the
        learned templates there; alone (a distributed worker) it reads them here."""
        if self.processor.storage.db is None:
            self.processor.open_extraction()

    def process_item(self, item, spider=None):
        return self.processor.extract(item)
