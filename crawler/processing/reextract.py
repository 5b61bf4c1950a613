"""Re-extraction through the chain: stored raw HTML read again with today's profiles and what
the hosts' templates are known to be, fetching nothing.

Used by ``muninews reextract`` (every stored page of some portals) and by the chain itself when a
run ends (``PageProcessor.close`` settles the pages whose template decisions changed). Both go
through the same steps as a crawl (extract, dedup, store), with two differences: nothing is
learned (re-reading a page must not count it twice), and a known article is rewritten in place
(same id, story, version, first/last seen) instead of becoming a new version.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.items import PageItem
from crawler.storage import EXTRACTED_FIELDS, Storage, article_row
from crawler.text.utc import to_utc

if TYPE_CHECKING:
    from crawler.processing import PageProcessor


@dataclass
class ReextractReport:
    pages: int = 0  # stored pages read again
    changed: int = 0  # articles whose row or images were rewritten
    unchanged: int = 0
    new: int = 0  # pages that were no article before and are one now
    rejected: int = 0  # pages that still yield no article
    skipped: int = 0  # alias pages of an article stored under another URL


PAGES_SQL = """SELECT p.url_key, a.id AS article_id,
                      EXISTS (SELECT 1 FROM article_urls u WHERE u.url_key = p.url_key) AS is_alias
               FROM pages p LEFT JOIN articles a ON a.url_key = p.url_key
               WHERE p.html_gz IS NOT NULL AND p.status = 200 {portal_filter}
               ORDER BY p.rowid"""


def reextract_portals(processor: PageProcessor, portals: list[str] | None) -> ReextractReport:
    """Every stored page of ``portals`` (None: all) through the open chain."""
    report = ReextractReport()
    for url_key, article_id, is_alias in stored_pages(processor.storage, portals):
        report.pages += 1
        if article_id is None and is_alias:
            report.skipped += 1
            continue
        outcome = reextract_page(processor, url_key, article_id)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def reextract_articles(processor: PageProcessor, article_ids: list[int], *, learn: bool = False) -> int:
    """Read these stored articles again; returns how many changed."""
    changed = 0
    for article_id in article_ids:
        row = processor.storage.db.execute("SELECT url_key FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is not None and page_html_stored(processor.storage, row[0]):
            changed += reextract_page(processor, row[0], article_id) == "changed"
    return changed


def reextract_page(processor: PageProcessor, url_key: str, article_id: int | None) -> str:
    """One stored page through extract and dedup; 'changed', 'unchanged', 'new' or 'rejected'."""
    item = stored_page_item(processor.storage, url_key)
    processor.extract(item, learn=False)
    if item.error is not None:
        return "rejected"
    processor.dedup(item)
    if article_id is not None:
        return "changed" if rewrite_if_changed(processor.storage, article_id, item) else "unchanged"
    if item.change != "new":
        return "unchanged"
    processor.write(item)
    return "new"


def stored_pages(storage: Storage, portals: list[str] | None) -> list[tuple[str, int | None, int]]:
    params: list[str] = list(portals or [])
    portal_filter = f"AND p.portal IN ({', '.join('?' for _ in params)})" if params else ""
    return storage.db.execute(PAGES_SQL.format(portal_filter=portal_filter), params).fetchall()


def page_html_stored(storage: Storage, url_key: str) -> bool:
    row = storage.db.execute("SELECT html_gz IS NOT NULL FROM pages WHERE url_key = ? AND status = 200", [url_key]).fetchone()
    return bool(row and row[0])


def stored_page_item(storage: Storage, url_key: str) -> PageItem:
    url, portal, status, fetched_at, content_type, etag, last_modified, html_gz = storage.db.execute(
        "SELECT url, portal, status, fetched_at, content_type, etag, last_modified, html_gz FROM pages WHERE url_key = ?",
        [url_key],
    ).fetchone()
    return PageItem(
        url=url, portal=portal, status=status, body=gzip.decompress(html_gz), crawl_time=fetched_at,
        content_type=content_type, etag=etag, last_modified=last_modified,
        listed_modified=listed_modified_of(storage, url_key),
        listed_published=listed_modified_of(storage, url_key, "published"),
        listed_authors=listed_authors_of(storage, url_key),
    )


def listed_modified_of(storage: Storage, url_key: str, column: str = "modified") -> str | None:
    """The modification (or publication) date discovery gave the stored article (the page itself
    has none, or only the day): the HTML alone cannot say it again, so re-extraction keeps it."""
    row = storage.db.execute(f"SELECT {column}, layers FROM articles WHERE url_key = ?", [url_key]).fetchone()
    if not row or not row[0] or not row[1]:
        return None
    try:
        layers = json.loads(row[1])
    except ValueError:
        return None
    return to_utc(row[0]) if isinstance(layers, dict) and layers.get(column) == "discovery" else None


def listed_authors_of(storage: Storage, url_key: str) -> list[str] | None:
    """The authors discovery named for the stored article (its page names nobody): kept the same way."""
    row = storage.db.execute("SELECT authors, layers FROM articles WHERE url_key = ?", [url_key]).fetchone()
    try:
        names, layers = json.loads(row[0]), json.loads(row[1])
    except (TypeError, ValueError):
        return None
    if isinstance(layers, dict) and layers.get("authors") == "discovery" and isinstance(names, list):
        return [name for name in names if isinstance(name, str)] or None
    return None


def rewrite_if_changed(storage: Storage, article_id: int, item: PageItem) -> bool:
    """Write the new extraction only when a field or an image differs; True if it did."""
    names = ", ".join(EXTRACTED_FIELDS)
    old = dict(zip(EXTRACTED_FIELDS, storage.db.execute(f"SELECT {names} FROM articles WHERE id = ?", [article_id]).fetchone()))
    new_row = article_row(article_id, item, item.record, None)
    new = {name: new_row[name] for name in EXTRACTED_FIELDS}
    old_images = storage.db.execute(
        "SELECT url, caption, credit FROM images WHERE article_id = ? ORDER BY position", [article_id]
    ).fetchall()
    new_images = [(i.url, i.caption, i.credit) for i in item.record.images]
    if old == new and [tuple(i) for i in old_images] == new_images:
        return False
    storage.replace_extraction(article_id, item, item.record)
    return True
