"""One processing chain: extract, dedup, store, built once from settings.

Every path that turns a page into rows goes through a ``PageProcessor``: the Scrapy pipelines
(thin adapters, ``pipelines/``), the distributed loader (``muninews load``) and re-extraction
(``muninews reextract``). Before this chain each path assembled the steps itself, and each one
drifted: the loader ignored the ``DEDUP_*`` settings, re-extraction skipped the host-template
cleaning. One object built from one set of settings cannot drift.

Steps, in order (each one a module here):

- ``extract``: raw page -> ``Record`` through the layers in ``crawler.extraction``, then the
  host-template cleaning (``crawler.extraction.template``).
- ``dedup``: the same URL, the same text, the same story (``crawler.dedup``).
- ``store``: batched writes into SQLite (``crawler.storage``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.processing.dedup import DedupOptions, DedupStep
from crawler.processing.extract import ExtractStep
from crawler.processing.store import StoreStep
from crawler.registry import Registry, registry_from_settings
from crawler.storage import Storage


@dataclass(frozen=True)
class ProcessingOptions:
    """Everything the chain reads from settings, as plain values (testable without a crawler)."""

    db_path: str
    batch_size: int = 200
    commit_seconds: float = 3.0
    store_html: bool = True
    learn_templates: bool = True
    dedup: DedupOptions = DedupOptions()

    @classmethod
    def from_settings(cls, settings: Any) -> ProcessingOptions:
        return cls(
            db_path=settings.get("SQLITE_PATH"), batch_size=settings.getint("SQLITE_BATCH_SIZE"),
            commit_seconds=settings.getfloat("SQLITE_COMMIT_SECONDS", 3.0),
            store_html=settings.getbool("SQLITE_STORE_HTML"), learn_templates=settings.getbool("EXTRACT_LEARN_TEMPLATES"),
            dedup=DedupOptions.from_settings(settings),
        )


class PageProcessor:
    """extract -> dedup -> store over one Storage; ``process`` runs all three."""

    def __init__(self, registry: Registry, options: ProcessingOptions, stats: Any = None,
                 storage: Storage | None = None) -> None:
        self.options = options
        self.stats = stats
        self.storage = storage or Storage(options.db_path, options.batch_size, options.store_html,
                                          commit_seconds=options.commit_seconds)
        self.extractor = ExtractStep(registry, stats, learn_templates=options.learn_templates)
        self.deduper = DedupStep(self.storage, stats, options.dedup)
        self.store = StoreStep(self.storage, stats)

    @classmethod
    def from_settings(cls, settings: Any, stats: Any = None, registry: Registry | None = None) -> PageProcessor:
        return cls(registry or registry_from_settings(settings), ProcessingOptions.from_settings(settings), stats)

    @classmethod
    def for_crawler(cls, crawler: Any) -> PageProcessor:
        """One chain per crawl, shared by the three pipeline adapters."""
        if not hasattr(crawler, "_muninews_processor"):
            crawler._muninews_processor = cls.from_settings(crawler.settings, crawler.stats)
        return crawler._muninews_processor

    # --- lifecycle -------------------------------------------------------------------------------
    def open(self, portal_rows: list[dict[str, Any]]) -> None:
        """Open the database (a run row, the portals) and read what earlier runs learned."""
        self.storage.open(portal_rows)
        self.extractor.load_templates(self.storage.db)

    def open_extraction(self) -> None:
        """Extraction only (a distributed worker, which writes no database): read learned templates
        from the database file when there is one."""
        self.extractor.load_templates_from(self.options.db_path)

    def close(self, stats: dict[str, Any] | None = None) -> None:
        """Settle this run's early pages against what the run learned, save it, close the run."""
        if self.storage.db is None:
            return
        settled = self.extractor.pages_to_settle()
        if settled:
            from crawler.processing.reextract import reextract_articles

            reextract_articles(self, settled, learn=False)
        self.storage.index_pending()  # saving the templates commits (sqlite-utils)
        self.extractor.save_templates(self.storage.db)
        self.storage.close(stats)

    # --- the chain -------------------------------------------------------------------------------
    def extract(self, item: Any, *, learn: bool = True) -> Any:
        return self.extractor.process(item, learn=learn)

    def prepare(self, item: Any) -> Any:
        """A distributed worker's share of dedup and store (what reads the page alone: URL keys,
        content hash, story fingerprint, the compressed HTML), shipped with the item so the loader
        only looks up, verifies and writes."""
        return self.store.prepare(self.deduper.prepare(item))

    def dedup(self, item: Any) -> Any:
        return self.deduper.process(item)

    def write(self, item: Any, *, settle: bool = True) -> Any:
        """Store the item. ``settle=False`` where the pages were cleaned with another process's
        template knowledge (the distributed loader): this process cannot judge those decisions."""
        item = self.store.process(item)
        if settle:
            self.extractor.track(item)
        return item

    def process(self, item: Any) -> Any:
        return self.write(self.dedup(self.extract(item)))


__all__ = ["DedupOptions", "PageProcessor", "ProcessingOptions"]
