"""Migration 25: ``dropped``, one row for each thing a run's discovery left without asking (issue 15).

A budget reached, a discovery stopped by links that do not exist, or a ``--max-time`` deadline
used to leave one ``failures`` row for everything it left; an analyst could not tell whether a
given URL was seen and left, or never listed. Now each dropped article link, discovery step and
redirect is a row: ``url``, ``kind`` (``link``: an article link not fetched; ``check``: a stored
article a complete index no longer lists, not asked for; ``step``: a sitemap, feed, API or
listing page not asked for; ``redirect``: a redirect the duplicate filter dropped), ``reason``
(the same sentence as the run's ``failures`` row about it), ``run_id`` and ``at``. The writer
keeps each portal's latest run (a run's first rows for a portal replace the earlier ones), so the
table stays the size of one run's drops however many nights a hostile portal pads its sitemap.
Indexed by (portal, run_id) only: a million rows a run are written in seconds, and finding one
URL among them is a scan of well under a second.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db["dropped"].create(
        {"id": int, "run_id": int, "portal": str, "url": str, "kind": str, "reason": str, "at": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True,
    )
    db["dropped"].create_index(["portal", "run_id"], if_not_exists=True)
