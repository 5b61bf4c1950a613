"""The dedup step: the same URL, the same text, and the same story across portals.

- The same URL key (crawler.dedup.urls.url_key) is one page: never stored twice, across runs; a
  known page that comes back with other text is an edit (a new version), not a new article.
- The same normalised text on one portal at two URLs is one article with two URLs.
- The same story on several portals keeps one article row per portal, sharing a ``story_id``.
  A new article can join stories together or split one (the story index recomputes the stories
  it touches, so the grouping does not depend on crawl order); the articles and stories rows
  of the stored articles it moved follow at once (``Storage.move_to_stories``).

State lives in the database (article_urls, content hashes, the story index), never in spider
memory, so it holds across runs and restarts.

What reads the page alone (the declared canonical URL, the content hash, the story fingerprint:
shingles, MinHash, facts) is :meth:`DedupStep.prepare`, which needs no database. A distributed
worker runs it (``pipelines.prepare``) and ships the result with the item, so the loader, the
database's one writer, only looks up, verifies and writes; an item that comes unprepared (a
one-process crawl) is prepared when the step needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crawler.dedup.similarity import Fingerprint, StoryIndex, content_hash, day_number
from crawler.dedup.urls import canonicalize, resolve_canonical, url_key
from crawler.items import PageItem
from crawler.storage import Storage


@dataclass(frozen=True)
class DedupOptions:
    """The ``DEDUP_*`` settings (crawler/settings.py says what each one means)."""

    near: bool = True
    threshold: float = 0.5
    min_containment: float = 0.8
    window_days: int = 30

    @classmethod
    def from_settings(cls, settings: Any) -> DedupOptions:
        return cls(
            near=settings.getbool("DEDUP_NEAR_ENABLED"), threshold=settings.getfloat("DEDUP_THRESHOLD"),
            min_containment=settings.getfloat("DEDUP_MIN_CONTAINMENT"), window_days=settings.getint("DEDUP_WINDOW_DAYS"),
        )


#: ``item.extra`` key of a page's :class:`Prepared` dedup inputs.
PREPARED = "dedup_prepared"


@dataclass(frozen=True)
class Prepared:
    """What dedup reads from the page alone, computed once (in a worker, or here)."""

    content_hash: str
    declared_canonical: str  # the page's trustworthy rel=canonical, else its own canonical URL
    declared_key: str  # url_key of declared_canonical
    layout: tuple  # StoryIndex.fingerprint_layout() of the index that computed the fingerprint
    fingerprint: Fingerprint | None  # None with DEDUP_NEAR_ENABLED off


class DedupStep:
    def __init__(self, storage: Storage, stats=None, options: DedupOptions = DedupOptions()) -> None:
        self.storage = storage
        self.stats = stats
        self.options = options
        self._index: StoryIndex | None = None
        o = options  # fingerprints need no connection: the index's parameters alone
        self.fingerprinter = StoryIndex(None, o.threshold, min_containment=o.min_containment, window_days=o.window_days)

    @property
    def index(self) -> StoryIndex:
        """The near-duplicate index on the storage's own connection (open by now)."""
        if self._index is None:
            o = self.options
            self._index = StoryIndex(
                self.storage.db.conn, o.threshold, min_containment=o.min_containment, window_days=o.window_days
            )
            self._index.ensure_schema()
            if self._index.stale:
                self.rebuild_index()
        return self._index

    def rebuild_index(self) -> None:
        """Assign every stored article to the story index again (its tables were built from an
        older text form) and move the articles whose story that changes."""
        rows = self.storage.db.execute(
            "SELECT id, body, coalesce(published, first_seen), portal, story_id FROM articles WHERE body IS NOT NULL ORDER BY id"
        ).fetchall()
        stories = self._index.rebuild((article_id, body, published, portal) for article_id, body, published, portal, _ in rows)
        self.storage.move_to_stories({row[0]: stories[row[0]] for row in rows if stories[row[0]] != row[4]})
        if self.stats is not None:
            self.stats.set_value("muninews/dedup/index_rebuilt", len(rows))

    def prepare(self, item):
        """Compute the page's :class:`Prepared` inputs into ``item.extra`` (no database needed)."""
        if isinstance(item, PageItem) and item.record is not None and item.status not in (304, 404, 410):
            self.prepared(item)
        return item

    def prepared(self, item: PageItem) -> Prepared:
        """The item's prepared inputs: shipped with it when they fit this index, else computed now."""
        if item.url_key is None or item.canonical_url is None:  # the spider passes them on when it can
            item.url_key, item.canonical_url = url_key(item.url), canonicalize(item.url)
        ready = item.extra.get(PREPARED)
        layout = self.fingerprinter.fingerprint_layout()
        if ready is None or ready.layout != layout or (self.options.near and ready.fingerprint is None):
            text = item.record.body_text
            fingerprint = self.fingerprinter.fingerprint(text) if self.options.near else None
            declared = declared_canonical(item)
            ready = item.extra[PREPARED] = Prepared(fingerprint.content_hash if fingerprint else content_hash(text),
                                                    declared, url_key(declared), layout, fingerprint)
        return ready

    def process(self, item):
        if not isinstance(item, PageItem):
            return item
        if item.url_key is None or item.canonical_url is None:  # the spider passes them on when it can
            item.url_key, item.canonical_url = url_key(item.url), canonicalize(item.url)
        known = self.storage.article_for_url_key(item.url_key)
        if item.status in (304, 404, 410):
            item.article_id = known
            item.change = "unchanged" if item.status == 304 else "removed"
            return item
        if item.record is None:
            return item
        ready = self.prepared(item)
        item.content_hash = ready.content_hash
        if known is not None:
            item.article_id = known
            item.change = "unchanged" if self.storage.hash_of(known) == item.content_hash else "updated"
            if item.change == "updated" and self.options.near:
                story_id = self.index.assign_fingerprint(known, ready.fingerprint, day_number(publication_day(item)),
                                                         host=item.portal)
                self.storage.move_to_stories({**self.index.moved, known: story_id})
            return self._count(item)
        item.canonical_url = ready.declared_canonical
        canonical_key = ready.declared_key
        same_url = self.storage.article_for_url_key(canonical_key) if canonical_key != item.url_key else None
        if same_url is not None:  # the page says it is an article stored under its canonical URL
            item.duplicate_of, item.change = same_url, "duplicate"
            return self._count(item)
        same_page = self.storage.article_for_hash(item.content_hash, portal=item.portal)
        if same_page is not None:
            item.duplicate_of, item.change = same_page[0], "duplicate"
            return self._count(item)
        item.change = "new"
        item.article_id = self.storage.next_article_id()
        item.story_id = self.story_of(item)
        return item

    def story_of(self, item: PageItem) -> int:
        """The story this article tells: one already told on another portal (the same text, or
        near-duplicate text that passes the story index's checks), else a new one. The portal is
        the host whose furniture (paragraphs it prints on unrelated articles) the index learns."""
        if self.options.near:
            story_id = self.index.assign_fingerprint(item.article_id, self.prepared(item).fingerprint,
                                                     day_number(publication_day(item)), host=item.portal)
            self.storage.move_to_stories(self.index.moved)
            return story_id
        same_text = self.storage.article_for_hash(item.content_hash)
        return same_text[1] if same_text else item.article_id

    def _count(self, item: PageItem) -> PageItem:
        if self.stats is not None:
            self.stats.inc_value(f"muninews/dedup/{item.change}")
        return item


# <link rel="canonical" href="…"> in either attribute order, in the page's head.
_CANONICAL = re.compile(
    rb"<link\b(?=[^>]*\brel\s*=\s*[\"']?canonical[\"'\s>])[^>]*\bhref\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
HEAD_BYTES = 65536


def declared_canonical(item: PageItem) -> str:
    """The page's ``rel=canonical`` when it is trustworthy (same site, not the home page; see
    ``resolve_canonical``), else the page's own canonical URL. Read with a pattern over the
    page's first bytes: the head, where the link must be, without a second parse."""
    found = _CANONICAL.search(item.body[:HEAD_BYTES]) if item.body else None
    if found is None:
        return item.canonical_url or canonicalize(item.url)
    href = found.group(1).decode("latin-1").replace("&amp;", "&")
    try:
        return resolve_canonical(item.url, href)
    except ValueError:
        return item.canonical_url or canonicalize(item.url)


def publication_day(item: PageItem) -> str:
    """When the story went out (the story index looks for copies near that day): the article's
    own date, else when it was fetched."""
    return item.record.published or item.crawl_time
