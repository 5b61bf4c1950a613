"""The crawl's frontier of article links: bounded in memory, first in first out, per portal.

Discovery can list far more article links than a run fetches at once (a sitemap of 100,000 URLs,
ten of them). Links wait here, not in Scrapy's scheduler: the spider hands a portal's links to the
scheduler a few at a time (``FRONTIER_WINDOW`` requests in flight per portal), so the scheduler
holds a few dozen requests, not a million. Each portal keeps at most ``memory`` entries in a deque;
beyond that, entries go to a temporary SQLite file (deleted when the run closes) and come back in
the order they arrived. An entry is a few short strings, not a Request.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections import deque
from typing import NamedTuple


class Entry(NamedTuple):
    url: str
    key: str | None  # URL key, None for a URL the spider did not canonicalise itself
    lastmod: str | None
    kind: str  # "article" (discovered) or "check" (a stored article a complete index no longer lists)
    published: str | None = None  # when the source says it was published (a feed's time)
    author_pages: str | None = None  # the authors' pages discovery named, one URL a line (crawler.items.Link)


class Frontier:
    def __init__(self, memory: int = 1000, directory: str | None = None) -> None:
        self.memory = max(1, memory)
        self.directory = directory
        self.queues: dict[str, deque[Entry]] = {}
        self.spilled: dict[str, int] = {}  # portal -> entries waiting on disk
        self._db: sqlite3.Connection | None = None
        self._path: str | None = None

    def __len__(self) -> int:
        return sum(len(q) for q in self.queues.values()) + sum(self.spilled.values())

    def size(self, portal: str) -> int:
        return len(self.queues.get(portal, ())) + self.spilled.get(portal, 0)

    def push(self, portal: str, entry: Entry) -> None:
        queue = self.queues.setdefault(portal, deque())
        if len(queue) < self.memory and not self.spilled.get(portal):
            queue.append(entry)
            return
        self._disk().execute("INSERT INTO frontier (portal, url, key, lastmod, kind, published, author_pages) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", (portal, *entry))
        self.spilled[portal] = self.spilled.get(portal, 0) + 1

    def pop(self, portal: str) -> Entry | None:
        queue = self.queues.get(portal)
        if not queue and self.spilled.get(portal):
            self._refill(portal)
            queue = self.queues.get(portal)
        return queue.popleft() if queue else None

    def drop(self, portal: str) -> int:
        """Forget a portal's waiting entries (its run stopped); how many there were."""
        count = self.size(portal)
        self.queues.pop(portal, None)
        if self.spilled.pop(portal, 0) and self._db is not None:
            self._db.execute("DELETE FROM frontier WHERE portal = ?", (portal,))
        return count

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.unlink(self._path + suffix)
                except FileNotFoundError:
                    pass
            self._path = None

    def _refill(self, portal: str) -> None:
        db = self._disk()
        rows = db.execute("SELECT seq, url, key, lastmod, kind, published, author_pages FROM frontier "
                          "WHERE portal = ? ORDER BY seq LIMIT ?", (portal, self.memory)).fetchall()
        if rows:
            db.execute("DELETE FROM frontier WHERE portal = ? AND seq <= ?", (portal, rows[-1][0]))
        self.spilled[portal] = max(0, self.spilled.get(portal, 0) - len(rows))
        self.queues.setdefault(portal, deque()).extend(Entry(*row[1:]) for row in rows)

    def _disk(self) -> sqlite3.Connection:
        if self._db is None:
            handle, self._path = tempfile.mkstemp(prefix="muninews-frontier-", suffix=".sqlite", dir=self.directory)
            os.close(handle)
            self._db = sqlite3.connect(self._path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("CREATE TABLE frontier (seq INTEGER PRIMARY KEY, portal TEXT, url TEXT, key TEXT, "
                             "lastmod TEXT, kind TEXT, published TEXT, author_pages TEXT)")
            self._db.execute("CREATE INDEX frontier_portal ON frontier (portal, seq)")
        return self._db
