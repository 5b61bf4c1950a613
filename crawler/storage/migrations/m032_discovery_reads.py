"""Migration 32: ``discovery_reads`` and ``discovery_read_links``: what each child sitemap listed when
it was last read to its end (issue 17's nightly rerun).

A sitemap index dates its children (``<lastmod>``, as Yoast SEO, Rank Math and most generators
write it). A child whose date has not moved since a night that read it whole, every entry dated,
lists nothing new: the next night may leave it unread. To leave it unread safely the spider must
know what it listed, so the articles it holds are neither taken for removed (a complete index no
longer listing them) nor counted as missing. ``discovery_reads``: one row per portal and child URL
(``modified``: the index's date for it then; ``links``: how many article links it listed;
``read_at``; ``run_id``). ``discovery_read_links``: the URL keys it listed, replaced on each read.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db["discovery_reads"].create(
        {"id": int, "portal": str, "url": str, "modified": str, "links": int, "read_at": str, "run_id": int},
        pk="id", if_not_exists=True,
    )
    db["discovery_reads"].create_index(["portal", "url"], unique=True, if_not_exists=True)
    db["discovery_read_links"].create(
        {"read_id": int, "url_key": str}, foreign_keys=[("read_id", "discovery_reads", "id")], if_not_exists=True,
    )
    db["discovery_read_links"].create_index(["read_id"], if_not_exists=True)
