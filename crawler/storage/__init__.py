"""The analysts' database: connection and migrations (``db``), the batched writer (``writer``),
full-text search (``search``) and the fetch state incremental crawls read (``fetchstate``)."""

from crawler.storage.writer import EXTRACTED_FIELDS, Storage, article_row

__all__ = ["EXTRACTED_FIELDS", "Storage", "article_row"]
