"""The crawl's single writer: one SQLite connection shared by the dedup and store pipelines.

Rows are written into an open transaction as items arrive and committed every
``SQLITE_BATCH_SIZE`` items (one fsync per batch, not per article) or ``SQLITE_COMMIT_SECONDS``
after the first uncommitted one, whichever comes first (the store pipeline also commits on a timer
when no item arrives), so a crawl killed at any moment keeps everything fetched a few seconds before. Writing at once, rather than
buffering rows in Python, keeps dedup lookups exact: they query the same connection, so they see
this batch's uncommitted rows as well as earlier runs'.

The two search indexes are the exception (migration m033): a new article's row goes in at once,
but its index rows are written for the whole batch just before it commits (``index_pending``:
one ``INSERT … SELECT`` per index instead of two trigger programs per article), in the same
transaction, so a committed article is always searchable. Nothing in the crawl searches its own
uncommitted rows. Every path that commits this connection goes through ``commit`` or ``close``
(or calls ``index_pending`` first), and an update of a pending article indexes the batch first,
since the update triggers delete the row's old index entries.
"""

from __future__ import annotations

import gzip
import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.storage.db import open_db
from crawler.storage.search import defer_indexing, index_articles
from crawler.extraction.dates import to_utc_iso
from crawler.extraction.record import Record


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Storage:
    def __init__(self, path: str | Path, batch_size: int = 200, store_html: bool = True, *,
                 commit_seconds: float = 3.0, clock=time.monotonic) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.commit_seconds = commit_seconds
        self.clock = clock
        self._first_pending: float | None = None
        self.store_html = store_html
        self.db: sqlite_utils.Database | None = None
        self.run_id: int | None = None
        self.portal_names: list[str] = []
        self._pending = 0
        self.counts: dict[str, int] = {"pages": 0, "articles_new": 0, "duplicates": 0, "failures": 0}
        self._dropped_portals: set[str] = set()  # portals whose earlier runs' dropped rows are gone
        self._unindexed: list[int] = []  # new articles of this batch, not yet in the search indexes

    # --- lifecycle -------------------------------------------------------------------------------
    def open(self, portals: list[dict[str, Any]]) -> None:
        if self.db is not None:
            return
        self.db = open_db(self.path)
        defer_indexing(self.db.conn)
        self.portal_names = [p["name"] for p in portals]
        self.db["portals"].upsert_all(portals, pk="name")
        self.run_id = self.db["crawl_runs"].insert(
            {"started": utc_now(), "portals": json.dumps(sorted(p["name"] for p in portals))}
        ).last_pk
        self.db.conn.commit()

    def close(self, stats: dict[str, Any] | None = None) -> None:
        if self.db is None:
            return
        self.index_pending()  # sqlite-utils' update below commits
        self.db["crawl_runs"].update(
            self.run_id,
            {"finished": utc_now(), "pages_fetched": self.counts["pages"], "articles_new": self.counts["articles_new"],
             "duplicates": self.counts["duplicates"], "failures": self.counts["failures"],
             "stats": json.dumps(stats or {}, default=str)},
        )
        self.db["crawl_run_portals"].insert_all(per_portal_counts(self.run_id, self.portal_names, stats or {}), replace=True)
        self.db.conn.commit()
        self.db.conn.close()
        self.db = None

    def tick(self) -> None:
        """Count one written item; commit when the batch is full or its first item waited long enough."""
        self._pending += 1
        if self._first_pending is None:
            self._first_pending = self.clock()
        if self._pending >= self.batch_size:
            self.commit()
        else:
            self.commit_if_due()

    @property
    def uncommitted(self) -> int:
        """Items written since the last commit."""
        return self._pending

    def seconds_until_due(self) -> float:
        """How long until the uncommitted rows are ``commit_seconds`` old (0: due now or none)."""
        if not self._pending or self._first_pending is None:
            return 0.0
        return max(0.0, self.commit_seconds - (self.clock() - self._first_pending))

    def commit_if_due(self) -> bool:
        """Commit when uncommitted rows are ``commit_seconds`` old (the timer calls this too)."""
        if self._pending and self._first_pending is not None and self.clock() - self._first_pending >= self.commit_seconds:
            self.commit()
            return True
        return False

    def commit(self) -> None:
        if self.db is not None:
            self.index_pending()
            self.db.conn.commit()
        self._pending = 0
        self._first_pending = None

    def index_pending(self) -> None:
        """Write the search-index rows of the articles added since the last commit (m033)."""
        if self._unindexed and self.db is not None:
            index_articles(self.db.conn, self._unindexed)
        self._unindexed = []

    # --- raw writes: sqlite-utils' insert/upsert/update commit per call, which would undo batching
    def _insert(self, table: str, row: dict[str, Any], *, conflict: str = "", upsert_key: str | None = None) -> None:
        self._insert_many(table, [row], conflict=conflict, upsert_key=upsert_key)

    def _insert_many(
        self, table: str, rows: list[dict[str, Any]], *, conflict: str = "", upsert_key: str | None = None
    ) -> None:
        """INSERT [OR IGNORE|OR REPLACE] or, with ``upsert_key``, INSERT … ON CONFLICT DO UPDATE."""
        if not rows:
            return
        columns = list(rows[0])
        sql = f"INSERT {conflict} INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
        if upsert_key:
            updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != upsert_key)
            sql += f" ON CONFLICT([{upsert_key}]) DO UPDATE SET {updates}"
        self.db.conn.executemany(sql, [[row[c] for c in columns] for row in rows])

    def _update(self, table: str, key: int, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"[{c}] = ?" for c in values)
        self.db.conn.execute(f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*values.values(), key])

    # --- lookups for dedup -----------------------------------------------------------------------
    def article_for_url_key(self, url_key: str) -> int | None:
        row = self.db.execute("SELECT article_id FROM article_urls WHERE url_key = ?", [url_key]).fetchone()
        return row[0] if row else None

    def article_for_hash(self, content_hash: str, portal: str | None = None) -> tuple[int, int | None] | None:
        """(article id, story id) of an article with this text, on ``portal`` or on any portal."""
        sql = "SELECT id, story_id FROM articles WHERE content_hash = ?"
        params: list = [content_hash]
        if portal is not None:
            sql += " AND portal = ?"
            params.append(portal)
        row = self.db.execute(sql + " ORDER BY id LIMIT 1", params).fetchone()
        return (row[0], row[1]) if row else None

    def hash_of(self, article_id: int) -> str | None:
        row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", [article_id]).fetchone()
        return row[0] if row else None

    def next_article_id(self) -> int:
        row = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()
        return row[0]

    # --- writes ----------------------------------------------------------------------------------
    def add_page(self, item) -> None:
        html = page_html(item) if self.store_html else None
        self._insert(
            "pages",
            {"url_key": item.url_key or item.url, "url": item.url, "portal": item.portal, "status": item.status,
             "fetched_at": item.crawl_time, "content_type": item.content_type, "etag": item.etag,
             "last_modified": item.last_modified, "html_gz": html,
             "article_id": item.article_id or item.duplicate_of, "error": item.error},
            upsert_key="url_key",
        )
        self.counts["pages"] += 1

    def refresh_page(self, item) -> None:
        """A 304 (the stored copy is still current) or a 404/410 of a stored article (keep its last
        HTML for re-extraction): only the status and the fetch time move."""
        self.db.execute(
            "UPDATE pages SET fetched_at = ?, status = ? WHERE url_key = ?", [item.crawl_time, item.status, item.url_key]
        )
        self.counts["pages"] += 1

    def add_article(self, item, record: Record) -> int:
        article_id = item.article_id or self.next_article_id()
        story_id = item.story_id or article_id
        self._attach_to_story(story_id, article_id, item.portal, record)
        item.story_id = story_id
        row = article_row(article_id, item, record, self.run_id)
        row["captions"] = captions_text(record)
        self._insert("articles", row)  # with its searched text and captions; indexed with its batch
        self._unindexed.append(article_id)
        self._replace_images(article_id, record)
        self.add_alias(item.url_key, item.url, article_id, item.crawl_time)
        self.counts["articles_new"] += 1
        return article_id

    def _replace_images(self, article_id: int, record: Record) -> None:
        """Replace the article's images. The article row is written with its captions
        (``captions_text``) in the same statement as its searched text, so the search index
        reads the row once per article, however many photos it has (m011 removed the per-image
        triggers that rebuilt captions row by row; until issue 17 the row was written with its
        text blank and updated after the images, three index writes per new article)."""
        self.db.execute("DELETE FROM images WHERE article_id = ?", [article_id])
        self._insert_images(article_id, record)

    def _insert_images(self, article_id: int, record: Record) -> None:
        self._insert_many(
            "images",
            [{"article_id": article_id, "position": i, "url": img.url, "caption": img.caption, "credit": img.credit}
             for i, img in enumerate(record.images)],
        )

    def _attach_to_story(self, story_id: int, article_id: int, portal: str, record: Record) -> None:
        """Create the story on its first article; widen its dates and portals on later ones."""
        published = to_utc_iso(record.published)
        row = self.db.execute("SELECT portals, first_published, last_published FROM stories WHERE id = ?", [story_id]).fetchone()
        if row is None:
            self._insert(
                "stories",
                {"id": story_id, "first_article_id": article_id, "title": record.title, "first_published": published,
                 "last_published": published, "portals": json.dumps([portal]), "portal_count": 1, "article_count": 1}
            )
            return
        portals = sorted(set(json.loads(row[0])) | {portal})
        dates = [d for d in (row[1], row[2], published) if d]
        self.db.execute(
            """UPDATE stories SET portals = ?, portal_count = ?, article_count = article_count + 1,
               first_published = ?, last_published = ? WHERE id = ?""",
            [json.dumps(portals), len(portals), min(dates, default=None), max(dates, default=None), story_id],
        )

    def move_to_stories(self, moves: dict[int, int]) -> None:
        """Stored articles changing story (the story index merged or split stories): move them, then
        recompute every story they left or joined from its articles; a story left empty is deleted."""
        if not moves:
            return
        wanted = sorted(moves)
        stored = {row[0] for row in self.db.execute(f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(wanted))})", wanted)}
        moves = {a: s for a, s in moves.items() if a in stored}  # this batch's unwritten article is not
        if not moves:
            return
        ids = sorted(moves)
        placeholders = ",".join("?" * len(ids))
        left = {row[0] for row in self.db.execute(f"SELECT story_id FROM articles WHERE id IN ({placeholders})", ids)}
        for story_id in sorted(set(moves.values())):  # the row must exist before articles point at it
            self._insert("stories", {"id": story_id, "first_article_id": story_id, "portals": "[]", "portal_count": 0,
                                     "article_count": 0}, conflict="OR IGNORE")
        self.db.conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?", [(moves[a], a) for a in ids])
        self.refresh_stories(left | set(moves.values()))

    def refresh_stories(self, story_ids: set[int]) -> None:
        """Rewrite these stories' rows from their articles (first article, title, dates, portals)."""
        for story_id in sorted(s for s in story_ids if s is not None):
            members = self.db.execute(
                "SELECT id, title, published_utc, portal FROM articles WHERE story_id = ? ORDER BY id", [story_id]
            ).fetchall()
            if not members:
                self.db.execute("DELETE FROM stories WHERE id = ?", [story_id])
                continue
            dates = [m[2] for m in members if m[2]]
            portals = sorted({m[3] for m in members})
            self._update("stories", story_id, {
                "first_article_id": members[0][0], "title": members[0][1], "first_published": min(dates, default=None),
                "last_published": max(dates, default=None), "portals": json.dumps(portals), "portal_count": len(portals),
                "article_count": len(members),
            })

    def add_alias(self, url_key: str, url: str, article_id: int, seen: str) -> None:
        self._insert(
            "article_urls", {"url_key": url_key, "url": url, "article_id": article_id, "first_seen": seen},
            conflict="OR IGNORE",
        )

    def touch_article(self, article_id: int, seen: str, duplicate: bool = True) -> None:
        self.db.execute("UPDATE articles SET last_seen = ?, removed_at = NULL WHERE id = ?", [seen, article_id])
        if duplicate:
            self.counts["duplicates"] += 1

    def update_article(self, article_id: int, item, record: Record) -> None:
        """An edited article keeps its row (and id); the text it replaces moves to article_versions."""
        old = self.db.execute(
            "SELECT version, first_seen, last_seen, title, published, modified, author, body, content_hash, lead, "
            "story_id FROM articles WHERE id = ?", [article_id],
        ).fetchone()
        version, first_seen, last_seen, *previous, story_id = old
        self.index_pending()  # the update triggers remove the row's old index entries: they must be there
        self._insert(
            "article_versions",
            dict(zip(("article_id", "version", "fetched_at", "title", "published", "modified", "author", "body",
                      "content_hash", "lead"), (article_id, version, last_seen, *previous))),
            conflict="OR REPLACE",
        )
        item.story_id = story_id
        row = article_row(article_id, item, record, self.run_id)
        row.update(version=version + 1, first_seen=first_seen, removed_at=None, captions=captions_text(record))
        self._update("articles", article_id, {k: v for k, v in row.items() if k != "id"})
        self._replace_images(article_id, record)

    def replace_extraction(self, article_id: int, item, record: Record) -> None:
        """Re-extraction from stored HTML (``muninews reextract``): the same page, read better. Only
        the extracted fields and the images change; id, story, version, first/last seen stay."""
        self.index_pending()  # as in update_article
        row = article_row(article_id, item, record, self.run_id)
        self._update("articles", article_id, {**{name: row[name] for name in EXTRACTED_FIELDS},
                                              "captions": captions_text(record)})
        self._replace_images(article_id, record)

    def mark_removed(self, article_id: int, at: str) -> None:
        """A 404/410 for a stored article: mark it, never delete it (analysts keep what was said)."""
        self.db.execute("UPDATE articles SET removed_at = coalesce(removed_at, ?) WHERE id = ?", [at, article_id])

    def add_failure(self, portal: str, url: str, reason: str, status: int | None, at: str | None) -> None:
        self._insert(
            "failures",
            {"run_id": self.run_id, "portal": portal, "url": url, "reason": reason, "status": status, "at": at or utc_now()}
        )
        self.counts["failures"] += 1

    def add_dropped(self, portal: str, rows: list[tuple[str, str, str]], at: str | None) -> None:
        """One batch of what discovery dropped (``dropped``). The table keeps each portal's latest
        run: a run's first batch for a portal removes that portal's rows of earlier runs."""
        if not rows:
            return
        if portal not in self._dropped_portals:
            self._dropped_portals.add(portal)
            self.db.execute("DELETE FROM dropped WHERE portal = ? AND run_id IS NOT ?", [portal, self.run_id])
        at = at or utc_now()
        self.db.conn.executemany("INSERT INTO dropped (run_id, portal, url, kind, reason, at) VALUES (?, ?, ?, ?, ?, ?)",
                                 [(self.run_id, portal, url, kind, reason, at) for url, kind, reason in rows])


    def record_discovery_read(self, portal: str, url: str, modified: str, url_keys: list[str], at: str | None) -> None:
        """What a child sitemap listed when read whole (``discovery_reads``): the row replaced, its
        links with it."""
        at = at or utc_now()
        self.db.execute(
            """INSERT INTO discovery_reads (portal, url, modified, links, read_at, run_id) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (portal, url) DO UPDATE SET modified = excluded.modified, links = excluded.links,
               read_at = excluded.read_at, run_id = excluded.run_id""",
            [portal, url, modified, len(url_keys), at, self.run_id])
        read_id = self.db.execute("SELECT id FROM discovery_reads WHERE portal = ? AND url = ?", [portal, url]).fetchone()[0]
        self.db.execute("DELETE FROM discovery_read_links WHERE read_id = ?", [read_id])
        self.db.conn.executemany("INSERT INTO discovery_read_links (read_id, url_key) VALUES (?, ?)",
                                 [(read_id, key) for key in dict.fromkeys(url_keys)])


#: ``item.extra`` key of the page's gzipped HTML when a worker compressed it (``compress_page``).
HTML_GZ = "html_gz"


def compress_page(item) -> None:
    """Gzip the page's HTML into ``item.extra`` and drop the raw bytes: a distributed worker does
    it, so the loader neither compresses nor receives the page twice."""
    if item.body and HTML_GZ not in item.extra:
        item.extra[HTML_GZ] = gzip.compress(item.body, 6)
        item.body = b""


def page_html(item) -> bytes | None:
    """``pages.html_gz`` for an item: compressed by a worker, or now."""
    return item.extra.get(HTML_GZ) or (gzip.compress(item.body, 6) if item.body else None)


def captions_text(record: Record) -> str | None:
    """``articles.captions``: the images' captions in page order, one per line (None: no caption),
    as m002's triggers joined them."""
    captions = [image.caption for image in record.images if image.caption]
    return "\n".join(captions) if captions else None


PORTAL_COUNTERS = ("pages_fetched", "not_modified", "skipped", "articles_new", "updated", "unchanged", "removed",
                   "duplicates", "failures")


def per_portal_counts(run_id: int | None, portals: list[str], stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of crawl_run_portals from the crawl's stats (keys muninews/portal/<name>/<counter>)."""
    return [
        {"run_id": run_id, "portal": portal,
         **{counter: int(stats.get(f"muninews/portal/{portal}/{counter}", 0)) for counter in PORTAL_COUNTERS},
         "source": stats.get(f"muninews/portal/{portal}/source")}
        for portal in portals
    ]


# The article columns that extraction decides (re-extraction rewrites exactly these).
EXTRACTED_FIELDS = ("title", "published", "published_utc", "published_precision", "modified", "author", "authors",
                    "source", "body", "lead", "language", "word_count", "content_hash", "profile", "parser_version",
                    "layers")


def article_row(article_id: int, item, record: Record, run_id: int | None) -> dict[str, Any]:
    body = record.body_text
    return {
        "id": article_id, "portal": item.portal, "url": item.url, "url_key": item.url_key,
        "canonical_url": item.canonical_url or item.url, "title": record.title, "published": record.published,
        "published_utc": to_utc_iso(record.published), "published_precision": record.published_precision,
        "modified": record.modified, "lead": record.lead,
        "author": ", ".join(record.authors) or None, "authors": json.dumps(record.authors, ensure_ascii=False),
        "source": record.source, "body": body, "language": record.language, "word_count": len(body.split()),
        "content_hash": item.content_hash, "story_id": item.story_id, "first_seen": item.crawl_time,
        "last_seen": item.crawl_time, "profile": record.profile, "parser_version": record.parser_version,
        "layers": json.dumps(record.layers), "crawl_run": run_id,
    }
