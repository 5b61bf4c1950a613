"""The analysts' database: schema, migrations and connection settings, in one place.

The schema carries its version in ``PRAGMA user_version``; ``open_db`` upgrades an older file in
place by running the missing migrations in order, each in its own transaction. Never edit a
released migration: add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _v1_initial(db: sqlite_utils.Database) -> None:
    """The first released schema."""
    db["portals"].create(
        {"name": str, "title": str, "family": str, "base_url": str, "languages": str, "timezone": str},
        pk="name",
    )
    db["crawl_runs"].create(
        {"id": int, "started": str, "finished": str, "portals": str, "pages_fetched": int, "articles_new": int,
         "duplicates": int, "failures": int, "stats": str},
        pk="id",
    )
    db["stories"].create(
        {"id": int, "first_article_id": int, "title": str, "first_published": str, "last_published": str,
         "portals": str, "portal_count": int, "article_count": int},
        pk="id",
    )
    db["articles"].create(
        {
            "id": int, "portal": str, "url": str, "url_key": str, "canonical_url": str, "title": str,
            "published": str, "published_utc": str, "modified": str, "author": str, "authors": str, "source": str,
            "body": str, "language": str, "word_count": int, "content_hash": str, "story_id": int,
            "first_seen": str, "last_seen": str, "profile": str, "parser_version": str, "layers": str,
            "crawl_run": int,
        },
        pk="id", not_null={"portal", "url", "url_key"},
        foreign_keys=[("portal", "portals", "name"), ("story_id", "stories", "id"), ("crawl_run", "crawl_runs", "id")],
    )
    db["article_urls"].create(
        {"url_key": str, "url": str, "article_id": int, "first_seen": str},
        pk="url_key", foreign_keys=[("article_id", "articles", "id")],
    )
    db["images"].create(
        {"article_id": int, "position": int, "url": str, "caption": str, "credit": str},
        pk=("article_id", "position"), foreign_keys=[("article_id", "articles", "id")],
    )
    db["pages"].create(
        {"url_key": str, "url": str, "portal": str, "status": int, "fetched_at": str, "content_type": str,
         "etag": str, "last_modified": str, "html_gz": bytes, "article_id": int, "error": str},
        pk="url_key", foreign_keys=[("portal", "portals", "name")],
    )
    db["failures"].create(
        {"id": int, "run_id": int, "portal": str, "url": str, "reason": str, "status": int, "at": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db["articles"].create_index(["url_key"], unique=True)
    db["articles"].create_index(["portal", "published"])
    db["articles"].create_index(["published_utc"])
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["story_id"])
    db["images"].create_index(["article_id"])
    db["failures"].create_index(["run_id"])


MIGRATIONS: list[Migration] = [_v1_initial]
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
