"""The analysts' database: schema, migrations and connection settings, in one place.

The schema carries its version in ``PRAGMA user_version``; ``open_db`` upgrades an older file in
place by running the missing migrations in order, each in its own transaction. Migrations are the
modules ``crawler/storage/migrations/mNNN_name.py`` (NNN = the version it produces). Never edit or
renumber a released migration: add the next number.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _load_migrations() -> list[Migration]:
    """Every ``crawler/storage/migrations/mNNN_*.py``; NNN is the schema version it produces, and the
    versions must run 1, 2, 3, … without gaps or repeats (checked here, at import)."""
    from crawler.storage import migrations

    names = sorted(m.name for m in pkgutil.iter_modules(migrations.__path__) if re.match(r"m\d{3}_", m.name))
    versions = [int(name[1:4]) for name in names]
    if versions != list(range(1, len(names) + 1)):
        raise RuntimeError(f"migrations must be numbered m001, m002, … without gaps: {names}")
    return [importlib.import_module(f"crawler.storage.migrations.{name}").migrate for name in names]


MIGRATIONS: list[Migration] = _load_migrations()
SCHEMA_VERSION = len(MIGRATIONS)


def configure(conn: sqlite3.Connection, *, busy_timeout_ms: int = 30000) -> None:
    """WAL so readers never block the crawl; a busy timeout so writers wait instead of failing;
    the SQL functions the search triggers call (``crawler.storage.search.register_functions``)."""
    from crawler.storage.search import register_functions

    register_functions(conn)
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the database to SCHEMA_VERSION; returns how many migrations ran."""
    current = schema_version(db)
    for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        with db.conn:
            migration(db)
            db.execute(f"PRAGMA user_version = {version}")
    return SCHEMA_VERSION - current


def open_db(path: str | Path, *, upgrade: bool = True) -> sqlite_utils.Database:
    """Open (creating folders and file if needed), configure and upgrade the database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    configure(conn)
    db = sqlite_utils.Database(conn)
    if upgrade:
        migrate(db)
    return db


class UnreadableDatabase(Exception):
    """The file is not a muninews database this version can read (one line, for the user)."""


def is_writable(path: Path) -> bool:
    """Whether this process could write the file and its directory (WAL needs both)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def readonly_uri(path: str | Path, *, immutable: bool | None = None) -> str:
    """The URI that opens ``path`` without any right to write it.

    ``mode=ro`` while the file is writable by someone (a crawl may be writing: new rows show up);
    ``immutable=1`` when it cannot be written here (a read-only file system or file): a WAL file
    cannot even be read with ``mode=ro`` when its ``-shm`` cannot be created, and nobody can be
    changing it under us."""
    path = Path(path).resolve()
    if immutable is None:
        immutable = not is_writable(path)
    return f"file:{quote(str(path))}?{'immutable=1' if immutable else 'mode=ro'}"


def open_readonly(path: str | Path, *, immutable: bool | None = None) -> sqlite3.Connection:
    """A connection for readers (serve, export, health): never migrates, never changes the journal
    mode, cannot write (``mode=ro``/``immutable`` plus ``PRAGMA query_only``).

    Raises ``UnreadableDatabase`` when the file is not SQLite or its schema is not this version's."""
    path = Path(path)
    try:
        conn = sqlite3.connect(readonly_uri(path, immutable=immutable), uri=True, timeout=30,
                               check_same_thread=False)
    except sqlite3.Error as error:
        raise UnreadableDatabase(f"{path}: cannot open it ({error})") from None
    try:
        conn.execute("PRAGMA query_only = 1")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise UnreadableDatabase(f"{path}: not an SQLite database ({error})") from None
    if version != SCHEMA_VERSION:
        conn.close()
        hint = "open it once with this muninews for writing (a crawl) to upgrade it" if version < SCHEMA_VERSION \
            else "it was written by a newer muninews"
        raise UnreadableDatabase(f"{path}: schema version {version}, this muninews reads {SCHEMA_VERSION}: {hint}")
    from crawler.storage.search import register_functions

    register_functions(conn)
    return conn
