"""What earlier runs fetched, read from the database so a rerun fetches only what may have changed.

The spider asks per URL (an indexed lookup) instead of loading every known URL into memory, so
memory stays flat however large the archive grows, and a run killed half-way leaves nothing
behind but rows already committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path


@dataclass(frozen=True)
class Known:
    article_id: int | None
    etag: str | None
    last_modified: str | None
    fetched_at: str | None
    published_utc: str | None
    removed: bool
    authors: str | None = None  # the stored article's authors (JSON list)


class FetchState:
    def __init__(self, path: str | Path | None) -> None:
        self.conn: sqlite3.Connection | None = None
        if path and Path(path).exists():
            self.conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=30)
            self.conn.execute("PRAGMA busy_timeout = 30000")
            if not self._has_table("crawl_run_portals"):
                self.close()

    def _has_table(self, name: str) -> bool:
        return bool(self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [name]).fetchone())

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def lookup(self, url_key: str) -> Known | None:
        """The last fetch of this page, and the article it holds, if any."""
        if self.conn is None:
            return None
        row = self.conn.execute(
            """SELECT a.id, p.etag, p.last_modified, p.fetched_at, a.published_utc, a.removed_at, a.authors
               FROM pages p LEFT JOIN articles a ON a.id = p.article_id
               WHERE p.url_key = ? AND (p.status BETWEEN 200 AND 299 OR p.status = 304)""",
            [url_key],
        ).fetchone()
        if row is None:
            return None
        return Known(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6])

    def live_articles(self, portal: str, unread: Iterable[int] = ()) -> list[tuple[str, str]]:
        """(url_key, url) of the portal's stored articles not marked removed, but those that the
        child sitemaps left unread this run (``unread``: their ``discovery_reads`` ids) listed."""
        if self.conn is None:
            return []
        unread = list(unread)
        if not unread:
            return self.conn.execute(
                "SELECT url_key, url FROM articles WHERE portal = ? AND removed_at IS NULL", [portal]
            ).fetchall()
        marks = ",".join("?" * len(unread))
        return self.conn.execute(
            f"""SELECT url_key, url FROM articles WHERE portal = ? AND removed_at IS NULL AND url_key NOT IN
                (SELECT url_key FROM discovery_read_links WHERE read_id IN ({marks}))""", [portal, *unread]
        ).fetchall()

    def unchanged_read(self, portal: str, url: str, modified: str, trust_days: float,
                       now: datetime | None = None) -> tuple[int, int] | None:
        """(read id, article links) when child sitemap ``url`` may be left unread: an earlier read
        of it saw the same ``modified`` date in its index, less than ``trust_days`` ago, and every
        link it listed is stored (a night cut short, a fetch that failed or a link past a budget
        leaves a link unstored: then the child is read again). The age bound is for generators
        that do not date a child anew when an article leaves it (Yoast SEO dates a child by its
        newest post): a removal is found within ``trust_days``."""
        if self.conn is None or not self._has_table("discovery_reads"):
            return None
        row = self.conn.execute(
            "SELECT id, links, read_at FROM discovery_reads WHERE portal = ? AND url = ? AND modified = ?",
            [portal, url, modified],
        ).fetchone()
        if row is None:
            return None
        read_id, links, read_at = row
        now = now or datetime.now(timezone.utc)
        if datetime.fromisoformat(read_at) < now - timedelta(days=trust_days):
            return None
        unstored = self.conn.execute(
            """SELECT 1 FROM discovery_read_links l WHERE l.read_id = ? AND NOT EXISTS
               (SELECT 1 FROM pages p WHERE p.url_key = l.url_key AND (p.status BETWEEN 200 AND 299 OR p.status = 304))
               LIMIT 1""", [read_id],
        ).fetchone()
        return None if unstored else (read_id, links)

    def completed_before(self, portal: str) -> bool:
        """Did an earlier run of this portal finish? Only then may a listing walk stop early."""
        if self.conn is None:
            return False
        row = self.conn.execute(
            """SELECT 1 FROM crawl_run_portals c JOIN crawl_runs r ON r.id = c.run_id
               WHERE c.portal = ? AND r.finished IS NOT NULL LIMIT 1""",
            [portal],
        ).fetchone()
        return row is not None


    def last_source(self, portal: str) -> str | None:
        """The discovery source that gave this portal its articles in its last finished run."""
        if self.conn is None:
            return None
        try:
            row = self.conn.execute(
                """SELECT c.source FROM crawl_run_portals c JOIN crawl_runs r ON r.id = c.run_id
                   WHERE c.portal = ? AND r.finished IS NOT NULL AND c.source IS NOT NULL
                   ORDER BY c.run_id DESC LIMIT 1""",
                [portal],
            ).fetchone()
        except sqlite3.OperationalError:  # a database from before migration 9: no source recorded
            return None
        return row[0] if row else None


def is_recent(published_utc: str | None, days: float, now: datetime | None = None) -> bool:
    if not published_utc:
        return True
    now = now or datetime.now(timezone.utc)
    return datetime.fromisoformat(published_utc) >= now - timedelta(days=days)
