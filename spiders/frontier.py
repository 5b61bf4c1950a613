"""The crawl's frontier of article links: bounded in memory, newest first, per portal.

Discovery can list far more article links than a run fetches (a sitemap index of ten sitemaps of
100,000 URLs). Links wait here, not in Scrapy's scheduler: the spider hands a portal's links to the
scheduler a few at a time (``FRONTIER_WINDOW`` requests in flight per portal), so the scheduler
holds a few dozen requests, not a million.

Order: the link a source dates latest (``lastmod``, else its publication time) comes out first;
undated links after all dated ones, in the order they arrived (a listing's or feed's own order).
A news portal's newest articles are the ones a run must not miss, and a sitemap generator lists
its files oldest first, so stream order would fetch a decade of archive (or a million stale
entries) before this week's news.

Each portal keeps at most ``memory`` entries in a heap; beyond that, entries go to a temporary
SQLite file (deleted when the run closes), inserted in batches; ``pop`` takes the better of the
heap's and the file's first entry. An entry is a few short strings, not a Request.
"""

from __future__ import annotations

import heapq
import itertools
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

UNDATED = float("inf")
_BATCH = 500  # rows per insert and per read while draining (under SQLite's old 999-variable limit)


class Entry(NamedTuple):
    url: str
    key: str | None  # URL key, None for a URL the spider did not canonicalise itself
    lastmod: str | None
    kind: str  # "article" (discovered) or "check" (a stored article a complete index no longer lists)
    published: str | None = None  # when the source says it was published (a feed's time)
    author_pages: str | None = None  # the authors' pages discovery named, one URL a line (crawler.items.Link)


def rank(entry: Entry) -> float:
    """Smaller comes out first: minus the entry's time (lastmod, else published), undated last."""
    stamp = entry.lastmod or entry.published
    if not stamp:
        return UNDATED
    try:
        return -datetime.fromisoformat(stamp).timestamp()
    except (ValueError, OverflowError, OSError):
        return UNDATED


class Frontier:
    def __init__(self, memory: int = 1000, directory: str | None = None) -> None:
        self.memory = max(1, memory)
        self.directory = directory
        self.heaps: dict[str, list[tuple[float, int, Entry]]] = {}
        self.spilled: dict[str, int] = {}  # portal -> entries waiting on disk (written or in the batch)
        self._batch: list[tuple] = []
        self._top: dict[str, tuple | None] = {}  # portal -> the file's first row, cached
        self._seq = itertools.count()
        self._db: sqlite3.Connection | None = None
        self._path: str | None = None
        self._indexed = False

    @property
    def queues(self) -> dict[str, list[tuple[float, int, Entry]]]:
        """Entries in memory per portal (the rest are on disk: ``spilled``)."""
        return self.heaps

    def __len__(self) -> int:
        return sum(len(h) for h in self.heaps.values()) + sum(self.spilled.values())

    def size(self, portal: str) -> int:
        return len(self.heaps.get(portal, ())) + self.spilled.get(portal, 0)

    def push(self, portal: str, entry: Entry) -> None:
        item = (rank(entry), next(self._seq), entry)
        heap = self.heaps.setdefault(portal, [])
        if len(heap) < self.memory and not self.spilled.get(portal):
            heapq.heappush(heap, item)
            return
        self._batch.append((portal, item[0], item[1], *entry))
        self.spilled[portal] = self.spilled.get(portal, 0) + 1
        if len(self._batch) >= _BATCH:
            self._flush()

    def pop(self, portal: str) -> Entry | None:
        heap = self.heaps.get(portal)
        top = self._disk_top(portal)
        if top is not None and (not heap or (top[1], top[2]) < heap[0][:2]):
            self._db.execute("DELETE FROM frontier WHERE seq = ?", (top[2],))
            self._top[portal] = None
            self.spilled[portal] -= 1
            return Entry(*top[3:])
        return heapq.heappop(heap)[2] if heap else None

    def drain(self, portal: str) -> Iterator[Entry]:
        """Take every waiting entry of a portal (its run stopped or reached its budget: the spider
        records each as dropped): memory's best first, then the file's in the order they came, a
        batch at a time, so memory holds one batch whatever the count. Entries pushed meanwhile
        come too."""
        while self.heaps.get(portal) or self.spilled.get(portal):
            heap = self.heaps.pop(portal, [])
            for item in sorted(heap):
                yield item[2]
            last = -1
            while self.spilled.get(portal):
                self._flush()
                # NOT INDEXED: along the rowid; the order index would sort all the portal's rows each batch
                rows = self._db.execute(
                    "SELECT seq, url, key, lastmod, kind, published, author_pages FROM frontier NOT INDEXED WHERE portal = ? AND seq > ? "
                    "ORDER BY seq LIMIT ?", (portal, last, _BATCH)).fetchall()
                self._top[portal] = None
                if not rows:
                    self.spilled[portal] = 0
                    break
                last_before, last = last, rows[-1][0]
                self._db.execute("DELETE FROM frontier NOT INDEXED WHERE portal = ? AND seq > ? AND seq <= ?",
                                 (portal, last_before, last))
                self.spilled[portal] -= len(rows)
                for row in rows:
                    yield Entry(*row[1:])

    def drop(self, portal: str) -> int:
        """Forget a portal's waiting entries; how many there were."""
        return sum(1 for _ in self.drain(portal))

    def close(self) -> None:
        self._batch.clear()
        if self._db is not None:
            self._db.close()
            self._db = None
            self._indexed = False
        if self._path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.unlink(self._path + suffix)
                except FileNotFoundError:
                    pass
            self._path = None

    def _disk_top(self, portal: str) -> tuple | None:
        if not self.spilled.get(portal):
            return None
        self._flush()
        if self._top.get(portal) is None:
            self._top[portal] = self._ordered().execute(
                "SELECT portal, rank, seq, url, key, lastmod, kind, published, author_pages FROM frontier WHERE portal = ? "
                "ORDER BY rank, seq LIMIT 1", (portal,)).fetchone()
        return self._top[portal]

    def _flush(self) -> None:
        if not self._batch:
            return
        db = self._disk()
        db.executemany("INSERT INTO frontier (portal, rank, seq, url, key, lastmod, kind, published, author_pages) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self._batch)
        for portal in {row[0] for row in self._batch}:
            self._top[portal] = None
        self._batch.clear()

    def _disk(self) -> sqlite3.Connection:
        if self._db is None:
            handle, self._path = tempfile.mkstemp(prefix="muninews-frontier-", suffix=".sqlite", dir=self.directory)
            os.close(handle)
            self._db = sqlite3.connect(self._path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("CREATE TABLE frontier (seq INTEGER PRIMARY KEY, portal TEXT, rank REAL, url TEXT, key TEXT, "
                             "lastmod TEXT, kind TEXT, published TEXT, author_pages TEXT)")
            # One transaction for the file's life (never committed: the file is deleted at the end):
            # a commit per batch costs four times the inserts; SQLite's page cache (2 MB) spills
            # to the file, so memory stays bounded.
            self._db.execute("BEGIN")
        return self._db

    def _ordered(self) -> sqlite3.Connection:
        """The file, with its order index: made at the first read, so a million links read at once
        (a sitemap index, read before any is fetched) are inserted without keeping it up."""
        db = self._disk()
        if not self._indexed:
            db.execute("CREATE INDEX IF NOT EXISTS frontier_order ON frontier (portal, rank, seq)")
            self._indexed = True
        return db
