"""The analysts' database: schema, migrations and connection settings, in one place.

The schema carries its version in ``PRAGMA user_version``; ``open_db`` upgrades an older file in
place by running the missing migrations in order, each in its own transaction. Migrations are the
modules ``crawler/storage/migrations/mNNN_name.py`` (NNN = the version it produces). Never edit or
renumber a released migration: add a new number. Numbers are reserved per piece of work and may land
out of order, so ``schema_migrations`` records which ran (``user_version`` is the highest).
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import os
import pkgutil
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
LOG = logging.getLogger("muninews.storage")


def _load_migrations() -> tuple[list[int], list[Migration]]:
    """Every ``crawler/storage/migrations/mNNN_*.py`` in order: (versions, migrations). NNN is the
    schema version it produces; numbers are unique and may leave gaps (each piece of work reserves
    its number, and they land in any order: m010 may land before m009). Checked here, at import."""
    from crawler.storage import migrations

    names = sorted(m.name for m in pkgutil.iter_modules(migrations.__path__) if re.match(r"m\d{3}_", m.name))
    versions = [int(name[1:4]) for name in names]
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise RuntimeError(f"migrations must be numbered from m001, each number once: {names}")
    return versions, [importlib.import_module(f"crawler.storage.migrations.{name}").migrate for name in names]


VERSIONS, MIGRATIONS = _load_migrations()
SCHEMA_VERSION = VERSIONS[-1]
# Which migrations ran, by number: a migration that lands after a higher one (m009 after m010) still
# runs on a database already at the higher ``user_version``.
APPLIED_TABLE = "schema_migrations"


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


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    """The migrations a database has had: its ``schema_migrations`` rows, or (a file older than that
    table, when numbers had no gaps) every number up to its ``user_version``."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [APPLIED_TABLE]).fetchone()
    if exists:
        return {row[0] for row in conn.execute(f"SELECT version FROM {APPLIED_TABLE}")}
    return set(range(1, conn.execute("PRAGMA user_version").fetchone()[0] + 1))


def migrate(db: sqlite_utils.Database) -> int:
    """Run every migration the database has not had, in number order; returns how many ran.
    ``user_version`` is the highest number applied."""
    applied = applied_versions(db.conn)
    ran = 0
    articles = _article_count(db.conn) if applied else 0
    for version, migration in zip(VERSIONS, MIGRATIONS):
        if version in applied:
            continue
        started = time.monotonic()
        if articles:
            LOG.warning("upgrading the database (about %s articles): migration %s; this runs once, and on a large "
                        "file may take minutes", f"{articles:,}", migration.__module__.rsplit(".", 1)[-1])
        with db.conn:
            migration(db)
            _record(db, applied | {version})
        if articles:
            LOG.warning("migration %s done in %.1f s", migration.__module__.rsplit(".", 1)[-1], time.monotonic() - started)
        applied.add(version)
        ran += 1
    if ran == 0 and applied and not db.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ?", [APPLIED_TABLE]).fetchone():
        with db.conn:
            _record(db, applied)
    return ran


def _article_count(conn: sqlite3.Connection) -> int:
    """How many articles an existing file holds (0 for a file without them): an upgrade that will
    rebuild indexes over them says so first, so an operator whose 2 a.m. crawl spends ten minutes in
    a migration (m016 over a million articles) reads why in the log."""
    try:
        return conn.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0
    except sqlite3.OperationalError:
        return 0


def _record(db: sqlite_utils.Database, applied: set[int]) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {APPLIED_TABLE} (version INTEGER PRIMARY KEY)")
    db.conn.executemany(f"INSERT OR IGNORE INTO {APPLIED_TABLE} (version) VALUES (?)", [(v,) for v in sorted(applied)])
    db.execute(f"PRAGMA user_version = {max(applied)}")


def open_db(path: str | Path, *, upgrade: bool = True) -> sqlite_utils.Database:
    """Open (creating folders and file if needed), configure and upgrade the database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    configure(conn)
    db = sqlite_utils.Database(conn)
    if upgrade and set(VERSIONS) - applied_versions(conn):
        with _migration_lock(path):
            migrate(db)  # reads what ran again: another process may have migrated while we waited
    return db


@contextmanager
def _migration_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the file while migrating it.

    Two processes opening a new or older file at once (two workers of a distributed crawl, cron's
    crawl and an analyst's ``muninews reextract``) would otherwise both see a migration missing and
    both run it: the second fails on "table already exists". SQLite's own write lock cannot serve:
    Python's sqlite3 runs DDL outside transactions, and a long upgrade would outlast the busy
    timeout of the process waiting. The kernel drops the lock when its holder dies."""
    try:
        handle = open(f"{path}.migrate.lock", "a+")
    except OSError:  # a folder we cannot write: nobody else can migrate the file there either
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


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
    missing = sorted(set(VERSIONS) - applied_versions(conn)) if version == SCHEMA_VERSION else []
    if version != SCHEMA_VERSION or missing:
        conn.close()
        hint = "open it once with this muninews for writing (a crawl) to upgrade it" \
            if version < SCHEMA_VERSION or missing else "it was written by a newer muninews"
        without = f" without migration {', '.join(f'm{v:03d}' for v in missing)}" if missing else ""
        raise UnreadableDatabase(
            f"{path}: schema version {version}{without}, this muninews reads {SCHEMA_VERSION}: {hint}")
    from crawler.storage.search import register_functions

    register_functions(conn)
    return conn
