"""``muninews reextract``: read the stored raw HTML again with today's profiles, fetching nothing.

After a profile fix (a selector that missed the author, a new parser version for a redesign), the
pages already in ``pages.html_gz`` are run through extraction and the later pipelines again:
dedup computes the content hash and story, and storage rewrites the article row in place (same
id, same story, same first/last seen) with its images replaced. Only rows whose extracted
fields or images really differ are written, so the report's ``changed`` count is exact. A stored
page that was rejected before and is an article now becomes a new article.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import click

from crawler.storage.db import open_db
from crawler.items import PageItem
from crawler.registry import ProfileError, Registry, load_registry
from crawler.storage.writer import EXTRACTED_FIELDS, Storage, article_row
from pipelines.dedup import DedupPipeline
from pipelines.extract import ExtractPipeline


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


def reextract(db_path: str | Path, registry: Registry, portals: list[str] | None = None) -> ReextractReport:
    """Re-extract every stored page of ``portals`` (None: all) into the database at ``db_path``."""
    storage = Storage(db_path)
    storage.open(_portal_rows(db_path, portals))  # the rows as crawled: a run row, no portal rewritten
    extractor, dedup = ExtractPipeline(registry), DedupPipeline(storage)
    report = ReextractReport()
    try:
        for url_key, article_id, is_alias in _stored_pages(storage, portals):
            report.pages += 1
            if article_id is None and is_alias:
                report.skipped += 1
                continue
            item = _page_item(storage, url_key)
            item.record, item.error = extractor.extract(item)
            if item.error is not None:
                report.rejected += 1
                continue
            dedup.process_item(item)
            if article_id is not None:
                changed = _rewrite_if_changed(storage, article_id, item)
                report.changed += changed
                report.unchanged += not changed
            elif item.duplicate_of is None:
                item.article_id = storage.add_article(item, item.record)
                storage.db.execute("UPDATE pages SET article_id = ? WHERE url_key = ?", [item.article_id, url_key])
                report.new += 1
            storage.tick()
    finally:
        storage.close({"muninews/reextract": vars(report)})
    return report


def _portal_rows(db_path: str | Path, portals: list[str] | None) -> list[dict]:
    db = open_db(db_path)
    try:
        rows = [dict(zip(("name", "title", "family", "base_url", "languages", "timezone"), row)) for row in db.execute(
            "SELECT name, title, family, base_url, languages, timezone FROM portals ORDER BY name").fetchall()]
    finally:
        db.conn.close()
    return [row for row in rows if portals is None or row["name"] in portals]


def _stored_pages(storage: Storage, portals: list[str] | None) -> list[tuple[str, int | None, int]]:
    params: list[str] = list(portals or [])
    portal_filter = f"AND p.portal IN ({', '.join('?' for _ in params)})" if params else ""
    return storage.db.execute(PAGES_SQL.format(portal_filter=portal_filter), params).fetchall()


def _page_item(storage: Storage, url_key: str) -> PageItem:
    url, portal, status, fetched_at, content_type, etag, last_modified, html_gz = storage.db.execute(
        "SELECT url, portal, status, fetched_at, content_type, etag, last_modified, html_gz FROM pages WHERE url_key = ?",
        [url_key],
    ).fetchone()
    return PageItem(
        url=url, portal=portal, status=status, body=gzip.decompress(html_gz), crawl_time=fetched_at,
        content_type=content_type, etag=etag, last_modified=last_modified,
    )


def _rewrite_if_changed(storage: Storage, article_id: int, item: PageItem) -> bool:
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


@click.command(name="reextract")
@click.argument("portal", required=False)
@click.option("--all", "all_portals", is_flag=True, help="Re-extract the stored pages of every portal.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default="data/muninews.db", show_default=True, help="SQLite file to update.")
@click.option("--profiles", "profile_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra directory of portal profiles (TOML); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(portal: str | None, all_portals: bool, db_path: Path, profile_dirs: tuple[str, ...], as_json: bool) -> None:
    """Re-run extraction on the stored HTML of one portal (a name or a family) or --all; no fetching.

    Example: muninews reextract replica-lechan --db data/muninews.db
    """
    if not portal and not all_portals:
        raise click.UsageError("name a portal or pass --all")
    registry = load_registry(profile_dirs)
    try:
        names = None if all_portals else [p.name for p in (registry.family(portal) or [registry.get(portal)])]
    except ProfileError as error:
        raise click.UsageError(str(error)) from None
    report = reextract(db_path, registry, names)
    if as_json:
        click.echo(json.dumps(vars(report)))
        return
    click.echo(
        f"re-extracted {report.pages} stored pages: {report.changed} articles changed, {report.unchanged} unchanged, "
        f"{report.new} new, {report.rejected} still no article, {report.skipped} alias pages skipped"
    )
