"""Opening the database only to read it: never created, migrated or switched to WAL, so a reader
(``health``) works on a read-only file or file system and leaves the file exactly as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlite_utils


def open_readonly(path: str | Path) -> sqlite_utils.Database:
    """The file at ``path`` opened with ``mode=ro`` and ``query_only``. On a read-only file system
    a WAL database cannot get its shared-memory file, so it is opened ``immutable`` instead (no
    writer can be running there). sqlite3.DatabaseError when it is not an SQLite database."""
    uri = f"file:{quote(str(Path(path).resolve()))}"
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("PRAGMA query_only = ON")
    return sqlite_utils.Database(conn)
