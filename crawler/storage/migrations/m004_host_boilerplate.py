"""Migration 4: per-host template learning (crawler/extraction/template.py).

``host_boilerplate`` counts, per host, on how many pages each short text block was seen;
``host_pages`` how many pages of the host were observed, so a block's share can be computed.
"""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db["host_pages"].create({"host": str, "pages": int}, pk="host", if_not_exists=True)
    db["host_boilerplate"].create(
        {"host": str, "block_key": str, "text": str, "pages": int},
        pk=("host", "block_key"), if_not_exists=True,
    )
