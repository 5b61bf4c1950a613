"""Extraction pipeline: raw page -> ``Record`` through the layers in crawler.extraction.

No exception escapes: a page that is no HTML, or no article, keeps ``item.error`` (stored as a
failure and on the page row) instead of becoming a half-empty article.
"""

from __future__ import annotations

from crawler.extraction import NotHTML, extract_page
from crawler.items import PageItem
from crawler.registry import Registry, registry_from_settings


class ExtractPipeline:
    def __init__(self, registry: Registry, stats=None) -> None:
        self.registry = registry
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(registry_from_settings(crawler.settings), crawler.stats)

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem) or item.status != 200:
            return item  # 304 (unchanged) and 404/410 (removed) carry no page to extract
        item.record, item.error = self.extract(item)
        self._count("muninews/extract/" + ("ok" if item.error is None else "rejected"))
        if item.record is not None:
            for field_name, layer in item.record.layers.items():
                self._count(f"muninews/layer/{layer}/{field_name}")
        return item

    def extract(self, item: PageItem):
        profile = self.registry.portals.get(item.portal)
        try:
            record = extract_page(item.body, item.url, profile, crawl_time=item.crawl_time, content_type=item.content_type)
        except NotHTML as error:
            return None, f"not HTML: {error}"
        except Exception as error:  # extraction must never stop the crawl; the reason is stored
            return None, f"extraction error: {type(error).__name__}: {error}"
        if not record.is_article():
            return None, "not an article: no title or no body text"
        return record, None

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
