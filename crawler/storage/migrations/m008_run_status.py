"""Migration 8: how each crawl run ended, so cron's history tells a cut-short or failed run from a
complete one. ``crawl_runs.status`` is finished, partial (some portal failed entirely), failed
(every portal failed) or interrupted (SIGINT/SIGTERM); ``reason`` says why in one sentence. Each
``crawl_run_portals`` row gets its own status (ok or failed) and reason. Rows of older runs keep
NULL: nobody recorded how they ended.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    for table in ("crawl_runs", "crawl_run_portals"):
        db[table].add_column("status", str)
        db[table].add_column("reason", str)
