"""Migration 5: incremental crawls. Article versions (an edited article keeps its row and its old
text stays queryable), removal marks instead of deletes, and per-portal counts of every run."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db["articles"].add_column("version", int, not_null_default=1)
    db["articles"].add_column("removed_at", str)
    db["article_versions"].create(
        {"article_id": int, "version": int, "fetched_at": str, "title": str, "published": str, "modified": str,
         "author": str, "body": str, "content_hash": str},
        pk=("article_id", "version"), foreign_keys=[("article_id", "articles", "id")],
    )
    db["crawl_run_portals"].create(
        {"run_id": int, "portal": str, "pages_fetched": int, "not_modified": int, "skipped": int, "articles_new": int,
         "updated": int, "unchanged": int, "removed": int, "duplicates": int, "failures": int},
        pk=("run_id", "portal"), foreign_keys=[("run_id", "crawl_runs", "id")],
    )
