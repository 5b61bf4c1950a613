"""Moving a portal's stored URLs to another address, so its incremental state follows it.

The demo serves the replica on port 8765, or on a free port when 8765 is taken. Every stored URL
and URL key carries that address, so without this the next run on the new port would know
nothing: it would fetch every page again and store each as a second copy. ``rebase`` rewrites
the address prefix (``http://host:port`` and the ``https://`` form URL keys use) in every
column of every ordinary table, so the run on the new port sees its earlier runs as usual.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlite_utils


def rebase(db: sqlite_utils.Database, old_base: str, new_base: str) -> int:
    """Rewrite URLs under ``old_base`` to ``new_base`` (scheme://host[:port]); rows changed.

    A row whose rewritten unique key already exists is left as it was (OR IGNORE)."""
    old, new = urlsplit(old_base).netloc, urlsplit(new_base).netloc
    if not old or old == new:
        return 0
    changed = 0
    with db.conn:
        for table, column in _text_columns(db):
            for scheme in ("http", "https"):
                changed += _rewrite(db, table, column, f"{scheme}://{old}", f"{scheme}://{new}")
    return changed


def _text_columns(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(table, column) of every column that may hold a URL, in ordinary tables (not FTS shadows)."""
    virtual = {name for name in db.table_names() if (db[name].schema or "").upper().startswith("CREATE VIRTUAL")}
    shadows = {name for name in db.table_names() for v in virtual if name.startswith(f"{v}_")}
    columns = []
    for name in db.table_names():
        if name in virtual or name in shadows:
            continue
        columns.extend((name, column.name) for column in db[name].columns if column.type.upper() in ("TEXT", "STR", ""))
    return columns


def _rewrite(db: sqlite_utils.Database, table: str, column: str, old: str, new: str) -> int:
    """``old`` followed by the end, ``/``, ``?`` or ``#`` (so :80 never matches :8080) becomes ``new``."""
    cursor = db.conn.execute(
        f"""UPDATE OR IGNORE [{table}] SET [{column}] = ? || substr([{column}], ?)
            WHERE substr([{column}], 1, ?) = ?
              AND (length([{column}]) = ? OR substr([{column}], ?, 1) IN ('/', '?', '#'))""",
        [new, len(old) + 1, len(old), old, len(old), len(old) + 1],
    )
    return cursor.rowcount
