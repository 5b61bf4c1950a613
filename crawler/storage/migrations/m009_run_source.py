"""Migration 9: which discovery source gave each portal its articles in a run, so the next run
asks that source first. A nightly rerun over a thousand portals otherwise walks every portal's
fallbacks again (REST API 404, sitemap 404, feed 404, then listings): 3 wasted requests on a
listings-only portal, every night.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db["crawl_run_portals"].add_column("source", str)
