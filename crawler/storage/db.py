"""The analysts' database: schema, migrations and connection settings, in one place.

The schema carries its version in ``PRAGMA user_version``; ``open_db`` upgrades an older file in
place by running the missing migrations in order, each in its own transaction. Migrations are the
modules ``crawler/storage/migrations/mNNN_name.py`` (NNN = the version it produces). Never edit or
renumber a released migration: add the next number.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

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
    """WAL so readers never block the crawl; a busy timeout so writers wait instead of failing."""
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
