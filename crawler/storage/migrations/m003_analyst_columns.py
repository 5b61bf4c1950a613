"""Migration 3: what analysts filter and facet on, made cheap.

- ``articles.year`` and ``articles.month`` (from the local ``published``), generated columns that
  take no space, for Datasette facets and per-month counts.
- Indexes for the usual filters and sorts: published date, year, author, stories carried by
  several portals, failures by time and portal, pages by portal and article.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

INDEXES = {
    "idx_articles_published": "articles(published)",
    "idx_articles_year_portal": "articles(year, portal)",
    "idx_articles_month_portal": "articles(month, portal)",
    "idx_articles_author": "articles(author)",
    "idx_stories_portal_count": "stories(portal_count, last_published)",
    "idx_failures_at": "failures(at)",
    "idx_failures_portal_at": "failures(portal, at)",
    "idx_pages_portal": "pages(portal)",
    "idx_pages_article_id": "pages(article_id)",
}


def migrate(db: sqlite_utils.Database) -> None:
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    db.execute(
        "ALTER TABLE articles ADD COLUMN year INTEGER GENERATED ALWAYS AS (CAST(substr(published, 1, 4) AS INTEGER)) VIRTUAL"
    )
    db.execute("ALTER TABLE articles ADD COLUMN month TEXT GENERATED ALWAYS AS (substr(published, 1, 7)) VIRTUAL")
    for name, target in INDEXES.items():
        db.execute(f"CREATE INDEX {name} ON {target}")
