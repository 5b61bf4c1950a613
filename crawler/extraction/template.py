"""Site-template learning: text blocks that recur on many pages of one host are the site's
template, not the story ("Tiện ích thông tin", "Tin khác", the footer address), and are removed
from every later page of that host.

The generic extractor removes most furniture by its markup; what slips through is text a site
prints on every page in an unremarkable <p>. No rule can know it, but the host's own pages do:
a block that appears, word for word, on a large share of a host's pages is template, and it is
removed only where furniture sits: in the run of template blocks that opens or closes a body.
A recurring sentence with story text before and after it is the story's (``removable``). Counts are
kept per host in SQLite (``host_boilerplate``, ``host_pages``; migration m004) so what one crawl
learned still applies to the next one.

Usage (the extract pipeline is the natural caller; see the README)::

    templates = HostTemplates.from_db(db)           # open_spider
    record.body = templates.clean(host, record.body) # after extract_page
    templates.observe(host, record.body)             # learn from this page
    templates.save(db)                                # close_spider (or every batch)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlite_utils

from crawler.text.fold import norm_key

# A block is template once it has been seen on at least MIN_PAGES pages of the host and on at
# least MIN_SHARE of the pages observed there. Both guards matter: the first keeps a small
# sample from deciding anything, the second keeps a recurring but legitimate paragraph (the
# closing line of a weekly notice, printed on one page in fifteen) in the body.
MIN_PAGES = 5
MIN_SHARE = 0.3
# The share of the host's pages a block closing the body must be on to be template: furniture
# (the reuse notice, "Tin khác") is on nearly all of them, a story's formulaic closing on some.
CLOSING_MIN_SHARE = 0.8
MAX_BLOCK = 300  # long paragraphs are never template; skip them to keep the table small

# Most short blocks are the story's own (a caption, a one-line paragraph) and never come back; kept
# forever, they grew the per-host counts with every page of a profile-free host. So every
# PRUNE_EVERY pages of a host, a block seen on one page only is forgotten, unless it was first seen
# in the window that just ended (it gets a whole window to recur). A template block is on at least
# MIN_SHARE of the pages, so it recurs within a few pages; losing its first sighting costs one
# count. MAX_BLOCKS caps what is left per host (rare repeats: a photographer's credit), keeping
# the most frequent, so memory and the ``host_boilerplate`` table stay bounded on any site.
PRUNE_EVERY = 200
MAX_BLOCKS = 5000


def block_key(text: str) -> str:
    """Identity of a block: its normalised words, hashed (case, spacing, punctuation ignored)."""
    return hashlib.blake2b(norm_key(text).encode("utf-8"), digest_size=12).hexdigest()


def block_keys(blocks: Sequence[str]) -> tuple[str | None, ...]:
    """Each block's key in body order; None for a long block (never template) or an empty one."""
    return tuple(block_key(b) if b and len(b) <= MAX_BLOCK else None for b in blocks)


@dataclass
class HostTemplate:
    """What one host's pages have in common so far."""

    pages: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    texts: dict[str, str] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    fresh: set[str] = field(default_factory=set)  # first seen since the last prune
    dropped: set[str] = field(default_factory=set)  # pruned since the last save (to delete from SQLite)

    def is_template(self, key: str, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> bool:
        seen = self.counts.get(key, 0)
        return seen >= min_pages and self.pages > 0 and seen / self.pages >= min_share

    def prune(self, max_blocks: int = MAX_BLOCKS) -> None:
        """Forget the blocks seen once before the current window, then all but the ``max_blocks``
        most frequent ones."""
        gone = {k for k, seen in self.counts.items() if seen <= 1 and k not in self.fresh}
        kept = [k for k in self.counts if k not in gone]
        if len(kept) > max_blocks:
            kept.sort(key=self.counts.__getitem__, reverse=True)
            gone.update(kept[max_blocks:])
        for key in gone:
            del self.counts[key]
            del self.texts[key]
        self.dirty -= gone
        self.dropped |= gone
        self.fresh.clear()


class HostTemplates:
    """Per-host block counts: observe pages, then clean bodies of what recurs."""

    def __init__(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE, prune_every: int = PRUNE_EVERY,
                 max_blocks: int = MAX_BLOCKS) -> None:
        self.min_pages = min_pages
        self.min_share = min_share
        self.prune_every = prune_every
        self.max_blocks = max_blocks
        self.hosts: dict[str, HostTemplate] = {}
        self._pages_dirty: set[str] = set()

    # --- learning --------------------------------------------------------------------------------
    def observe(self, host: str, blocks: Iterable[str]) -> None:
        """Count each distinct short block of one page once."""
        template = self.hosts.setdefault(host, HostTemplate())
        template.pages += 1
        self._pages_dirty.add(host)
        for text in {t for t in blocks if t and len(t) <= MAX_BLOCK}:
            key = block_key(text)
            template.counts[key] += 1
            if key not in template.texts:
                template.texts[key] = text
                template.fresh.add(key)
                template.dropped.discard(key)
            template.dirty.add(key)
        if template.pages % self.prune_every == 0:
            template.prune(self.max_blocks)

    def learned(self, host: str) -> list[str]:
        """The blocks currently considered template on ``host``."""
        template = self.hosts.get(host)
        if template is None:
            return []
        return [template.texts[k] for k in template.counts if template.is_template(k, self.min_pages, self.min_share)]

    # --- applying --------------------------------------------------------------------------------
    def clean(self, host: str, blocks: list[str]) -> list[str]:
        """``blocks`` without the host's template blocks at their edges, order kept."""
        removed = self.removable(host, block_keys(blocks))
        return [b for i, b in enumerate(blocks) if i not in removed] if removed else blocks

    def removable(self, host: str, keys: Sequence[str | None]) -> frozenset[int]:
        """Indexes of the blocks (by ``block_keys``) to remove: the template blocks that open or
        close the body, up to the first block that is not template. What slips past the generic
        extractor's pruning is furniture before or after the story (a widget title, the reuse
        notice, the footer address); a recurring block with the story's own text on both sides of
        it ("Quang cảnh hội nghị.", a formulaic sentence many notices share) is the story's, however
        often the host prints it, and stays. A block closing the body goes only when nearly every page
        prints it (CLOSING_MIN_SHARE), like a reuse notice: district portals close many stories,
        not all, with the same sentence ("Ủy ban nhân dân huyện đề nghị các cơ quan, đơn vị … tiếp
        tục …"), above a byline or a separate author field."""
        template = self.hosts.get(host)
        if template is None or not template.pages:
            return frozenset()
        flags = [key is not None and template.is_template(key, self.min_pages, self.min_share) for key in keys]
        start = 0
        while start < len(flags) and flags[start]:
            start += 1
        end = len(flags)
        closing_share = max(self.min_share, CLOSING_MIN_SHARE)
        while end > start and flags[end - 1] and template.is_template(keys[end - 1], self.min_pages, closing_share):
            end -= 1
        return frozenset([*range(start), *range(end, len(flags))])

    # --- persistence -----------------------------------------------------------------------------
    @classmethod
    def from_db(cls, db: sqlite_utils.Database, **options: float) -> HostTemplates:
        templates = cls(**options)  # type: ignore[arg-type]
        for host, pages in db.execute("SELECT host, pages FROM host_pages").fetchall():
            templates.hosts[host] = HostTemplate(pages=pages)
        for host, key, text, pages in db.execute("SELECT host, block_key, text, pages FROM host_boilerplate").fetchall():
            template = templates.hosts.setdefault(host, HostTemplate())
            template.counts[key] = pages
            template.texts[key] = text
        return templates

    def save(self, db: sqlite_utils.Database) -> None:
        """Write what changed since the last save (upserts; one transaction)."""
        with db.conn:
            db["host_pages"].upsert_all(
                ({"host": h, "pages": self.hosts[h].pages} for h in sorted(self._pages_dirty)), pk="host"
            )
            for host, template in self.hosts.items():
                if template.dropped:
                    db.conn.executemany("DELETE FROM host_boilerplate WHERE host = ? AND block_key = ?",
                                   [(host, key) for key in sorted(template.dropped)])
                    template.dropped.clear()
                if template.dirty:
                    db["host_boilerplate"].upsert_all(
                        ({"host": host, "block_key": k, "text": template.texts[k], "pages": template.counts[k]}
                         for k in sorted(template.dirty)),
                        pk=("host", "block_key"),
                    )
                    template.dirty.clear()
        self._pages_dirty.clear()
