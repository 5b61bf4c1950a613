"""``muninews reextract``: read the stored raw HTML again with today's profiles, fetching nothing.

After a profile fix (a selector that missed the author, a new parser version for a redesign), the
pages already in ``pages.html_gz`` go through the same chain as a crawl (crawler/processing/):
extraction with the hosts' learned templates, dedup (content hash and story), and storage, which
rewrites the article row in place (same id, same story, same first/last seen) with its images
replaced. Only rows whose extracted fields or images really differ are written, so the report's
``changed`` count is exact. A stored page that was rejected before and is an article now becomes
a new article.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler import settings_registry
from crawler.processing import PageProcessor
from crawler.processing.reextract import ReextractReport, reextract_portals
from crawler.processing.stats import StatsCounter
from crawler.registry import Registry
from crawler.settings_registry import default_db_path
from crawler.storage.db import open_db


def reextract(db_path: str | Path, registry: Registry, portals: list[str] | None = None) -> ReextractReport:
    """Re-extract every stored page of ``portals`` (None: all) into the database at ``db_path``."""
    from crawler.runner import project_settings

    processor = PageProcessor.from_settings(project_settings(SQLITE_PATH=str(db_path)), StatsCounter(), registry)
    processor.open(_portal_rows(db_path, portals))  # the rows as crawled: a run row, no portal rewritten
    report = ReextractReport()
    try:
        report = reextract_portals(processor, portals)
    finally:
        processor.close({"muninews/reextract": vars(report)})
    return report


def _portal_rows(db_path: str | Path, portals: list[str] | None) -> list[dict]:
    db = open_db(db_path)
    try:
        rows = [dict(zip(("name", "title", "family", "base_url", "languages", "timezone"), row)) for row in db.execute(
            "SELECT name, title, family, base_url, languages, timezone FROM portals ORDER BY name").fetchall()]
    finally:
        db.conn.close()
    return [row for row in rows if portals is None or row["name"] in portals]


@click.command(name="reextract")
@click.argument("portal", required=False)
@click.option("--all", "all_portals", is_flag=True, help="Re-extract the stored pages of every portal.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=default_db_path(), show_default=True, help="SQLite file to update.")
@click.option("--profiles", "profile_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra directory of portal profiles (TOML); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(portal: str | None, all_portals: bool, db_path: Path, profile_dirs: tuple[str, ...], as_json: bool) -> None:
    """Re-run extraction on the stored HTML of one portal (a name or a family) or --all; no fetching.

    Example: muninews reextract replica-lechan --db data/muninews.db
    """
    from crawler.cli import load_profiles_or_exit
    from crawler.validate import portal_names, writable_db

    if not portal and not all_portals:
        raise click.UsageError("name a portal or pass --all")
    registry = load_profiles_or_exit(settings_registry.profile_dirs(profile_dirs), "reextract")
    names = None if all_portals else portal_names(portal, registry)
    writable_db(db_path)
    report = reextract(db_path, registry, names)
    if as_json:
        click.echo(json.dumps(vars(report)))
        return
    click.echo(
        f"re-extracted {report.pages} stored pages: {report.changed} articles changed, {report.unchanged} unchanged, "
        f"{report.new} new, {report.rejected} still no article, {report.skipped} alias pages skipped"
    )
