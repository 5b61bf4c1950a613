"""Extraction pipeline: raw page -> ``Record`` through the layers in crawler.extraction.

No exception escapes: a page that is no HTML, or no article, keeps ``item.error`` (stored as a
failure and on the page row) instead of becoming a half-empty article.

Site-template learning: short paragraphs that recur on many pages of one host ("Tiện ích thông
tin", footer addresses) are counted per host across runs and removed from bodies that the
profile-free layers extracted. Bodies a profile's selectors read are neither cleaned (they are
trusted as they are) nor counted: they hold the article's own paragraphs, selected past the site's
furniture, so counting them added mostly one-off paragraphs, and the per-host counts (held in
memory for the whole crawl) grew by about 1.6 KB with every page (benchmarks/crawl.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.storage.db import open_db
from crawler.extraction import NotHTML, extract_page
from crawler.extraction.template import HostTemplates
from crawler.items import PageItem
from crawler.registry import Registry, registry_from_settings


class ExtractPipeline:
    def __init__(self, registry: Registry, stats=None, *, db_path: str | None = None, learn_templates: bool = True) -> None:
        self.registry = registry
        self.stats = stats
        self.db_path = db_path
        self.templates: HostTemplates | None = HostTemplates() if learn_templates else None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            registry_from_settings(settings), crawler.stats, db_path=settings.get("SQLITE_PATH"),
            learn_templates=settings.getbool("EXTRACT_LEARN_TEMPLATES"),
        )

    def open_spider(self, spider=None) -> None:
        if self.templates is not None and self.db_path:
            db = open_db(self.db_path)
            self.templates = HostTemplates.from_db(db)
            db.conn.close()

    def close_spider(self, spider=None) -> None:
        """Runs after the store pipeline closed the crawl's connection (close order is reversed)."""
        if self.templates is not None and self.db_path:
            db = open_db(self.db_path)
            self.templates.save(db)
            db.conn.close()

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem) or item.status != 200:
            return item  # 304 (unchanged) and 404/410 (removed) carry no page to extract
        item.record, item.error = self.extract(item)
        self._count("muninews/extract/" + ("ok" if item.error is None else "rejected"))
        if item.record is not None:
            self._apply_templates(item)
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

    def _apply_templates(self, item: PageItem) -> None:
        if self.templates is None:
            return
        host, record = urlsplit(item.url).netloc, item.record
        if record.layers.get("body") == "profile":
            return
        cleaned = self.templates.clean(host, record.body)
        if len(cleaned) != len(record.body):
            self._count("muninews/extract/template_blocks_removed")
        record.body = cleaned
        self.templates.observe(host, record.body)

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
