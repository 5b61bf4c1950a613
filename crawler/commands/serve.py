"""``muninews serve``: browse the database in Datasette, read-only, on loopback by default.

Nothing here writes the file: it is checked with ``crawler.storage.db.open_readonly`` (SQLite, this
schema version — never migrated, its journal mode never switched), then Datasette opens it with
``?mode=ro`` (safe while a crawl writes: WAL readers never block the writer and see committed data
only), or immutable (``-i``) when this process cannot write it at all (a read-only file system: a
WAL file cannot be opened ``mode=ro`` there), and the muninews plugin adds ``PRAGMA query_only``. The
metadata (crawler/datasette/metadata.yaml) gives every table and column a description, facets,
full-text search, sorting, canned queries and a chart dashboard (datasette-dashboards); the plugin
(crawler/datasette/plugins) and templates (crawler/datasette/templates) make the reading view: the
``reading`` list with its bounded search, and the article page.
"""

from __future__ import annotations

import json
import sqlite3
import string
import tempfile
from pathlib import Path
from typing import Any

import click
import yaml

from crawler.settings_registry import default_db_path

DATASETTE_DIR = Path(__file__).resolve().parent.parent / "datasette"

# Datasette settings: long bodies truncated in table views (the row page shows them whole). A facet
# gets FACET_TIME_LIMIT_MS (Datasette runs a page's facets one after the other): a search page's
# facets read at most crawler.storage.reading.SEARCH_CAP rows (3-10 ms at a million articles); a
# facet over a whole table of a million (120-160 ms each) is reported as timed out rather than
# holding the page. Analysts' own SQL gets 5 s.
FACET_TIME_LIMIT_MS = 50
SETTINGS: dict[str, int | bool] = {
    "truncate_cells_html": 300,
    "default_page_size": 50,
    "facet_time_limit_ms": FACET_TIME_LIMIT_MS,
    "sql_time_limit_ms": 5000,
    "suggest_facets": False,
}


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file (its stem)."""
    return db_path.stem


# The crawler's own state, not data to read: hidden from Datasette's lists (still queryable by SQL).
# By prefix, so a table a later version adds (dedup_edges, dedup_furniture, …) is hidden too.
INTERNAL_TABLE_PREFIXES = ("dedup_", "host_", "schema_migrations", "reading_counts")


def internal_tables(db_path: Path) -> list[str]:
    """The file's tables that hold the crawler's internal state (``INTERNAL_TABLE_PREFIXES``)."""
    from crawler.storage.db import readonly_uri

    try:
        conn = sqlite3.connect(readonly_uri(db_path), uri=True)
        try:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return sorted(n for n in names if n.startswith(INTERNAL_TABLE_PREFIXES))


def build_metadata(db_path: Path) -> dict[str, Any]:
    """The shipped metadata, with its ``${database}`` placeholders set to this file's name, every
    internal table of the file hidden, and the ``search`` canned query's SQL
    (``crawler.storage.search.canned_sql``: generated, it reads both search indexes)."""
    from crawler.storage.search import canned_sql

    template = string.Template((DATASETTE_DIR / "metadata.yaml").read_text(encoding="utf-8"))
    metadata = yaml.safe_load(template.safe_substitute(database=database_name(db_path)))
    metadata["databases"][database_name(db_path)]["queries"]["search"]["sql"] = canned_sql()
    tables = metadata["databases"][database_name(db_path)]["tables"]
    for name in internal_tables(db_path):
        tables.setdefault(name, {})["hidden"] = True
    return metadata


def datasette_argv(db_path: Path, metadata_path: Path, host: str, port: int, *, immutable: bool = False) -> list[str]:
    """Arguments for ``datasette serve``: a file we could write is read with mode=ro, not
    immutable, so a running crawl's new rows show up; one nobody here can write is immutable."""
    files = ["-i", str(db_path)] if immutable else [str(db_path)]
    argv = [
        "serve", *files, "--host", host, "--port", str(port), "--metadata", str(metadata_path),
        "--plugins-dir", str(DATASETTE_DIR / "plugins"), "--template-dir", str(DATASETTE_DIR / "templates"),
        "--static", f"muninews-static:{DATASETTE_DIR / 'static'}",
    ]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, {True: "on", False: "off"}.get(value, str(value)) if isinstance(value, bool) else str(value)]
    return argv


def datasette_app(db_path: Path, *, immutable: bool = False):
    """The Datasette ``muninews serve`` runs (same metadata, plugin, templates, static files and
    settings as ``datasette_argv``), as an object: tests and benchmarks drive it in process
    (``await app.client.get(path)``). The caller checks the file first (``open_readonly``)."""
    from datasette.app import Datasette

    path = str(db_path)
    return Datasette(
        files=[] if immutable else [path], immutables=[path] if immutable else [], metadata=build_metadata(db_path),
        plugins_dir=str(DATASETTE_DIR / "plugins"), template_dir=str(DATASETTE_DIR / "templates"),
        static_mounts=[("muninews-static", str(DATASETTE_DIR / "static"))], settings=dict(SETTINGS),
    )


@click.command(name="serve")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=default_db_path(), show_default=True, help="SQLite file to browse.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8001, show_default=True, help="Port to listen on (0: any free port).")
def command(db_path: Path, host: str, port: int) -> None:
    """Browse the database in Datasette (read-only): search, facets, canned queries, charts.

    Example: muninews serve --db data/muninews.db --port 8001
    """
    from datasette.cli import cli as datasette_cli

    from crawler.commands.usage import OneLineUsageError
    from crawler.storage.db import UnreadableDatabase, is_writable, open_readonly

    try:
        open_readonly(db_path).close()
    except UnreadableDatabase as error:
        raise OneLineUsageError("serve", "--db", str(error)) from None
    immutable = not is_writable(db_path.resolve())
    with tempfile.TemporaryDirectory(prefix="muninews-serve-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata_path.write_text(json.dumps(build_metadata(db_path), ensure_ascii=False), encoding="utf-8")
        click.echo(f"muninews: serving {db_path} read-only at http://{host}:{port}/", err=True)
        datasette_cli.main(args=datasette_argv(db_path, metadata_path, host, port, immutable=immutable), prog_name="datasette",
                           standalone_mode=True)
