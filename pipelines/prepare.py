"""Prepare pipeline (distributed workers only): the chain's ``prepare`` (crawler/processing),
the part of dedup and store that reads the page alone: URL keys, content hash, the story
fingerprint, the compressed HTML. It runs in every worker, in parallel, and travels with the item,
so the loader (the database's one writer) only looks up, verifies and writes."""

from __future__ import annotations

from crawler.processing import PageProcessor


class PreparePipeline:
    def __init__(self, processor: PageProcessor) -> None:
        self.processor = processor

    @classmethod
    def from_crawler(cls, crawler):
        return cls(PageProcessor.for_crawler(crawler))

    def process_item(self, item, spider=None):
        return self.processor.prepare(item)
