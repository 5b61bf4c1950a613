"""The extract step: raw page -> ``Record`` through the layers in crawler.extraction, then the
host-template cleaning.

No exception escapes: a page that is no HTML, or no article, keeps ``item.error`` (stored as a
failure and on the page row) instead of becoming a half-empty article.

Site-template learning: short paragraphs that recur on many pages of one host (a widget title,
the footer address) are counted per host across runs and removed from bodies that the
profile-free layers extracted. Bodies a profile's selectors read are neither cleaned (they are
trusted as they are) nor counted: they hold the article's own paragraphs, selected past the site's
furniture, so counting them added mostly one-off paragraphs, and the per-host counts (held in
memory for the whole crawl) grew by about 1.6 KB with every page (benchmarks/crawl.py).

What counts as template changes while a run learns: the first pages of a new host are cleaned
with what little is known then. So the step remembers, for each page it cleaned this run, which
short blocks it kept and which it removed; when the run ends, a page whose decisions the final
knowledge would change is read again from its stored HTML (``pages_to_settle``). That is what
makes ``muninews reextract`` (which uses the final knowledge and learns nothing) reproduce the
stored record exactly, and it cleans a new host's first pages as well as its later ones.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlite_utils

from crawler import families
from crawler.extraction import NotHTML, extract_page
from crawler.extraction.authors import listed_authors
from crawler.extraction.dates import listed_modified, listed_published
from crawler.extraction.template import HostTemplates, block_keys
from crawler.items import PageItem
from crawler.registry import Registry
from crawler.storage.db import open_db


@dataclass(frozen=True)
class Cleaned:
    """The template decisions taken on one page: its blocks' keys in order (None for a long
    block), and the indexes of those removed."""

    host: str
    keys: tuple[str | None, ...]
    removed: frozenset[int]


# Bodies read by selectors made for the page's markup (the profile's, or its CMS family's text field)
# are trusted as they are: never template-cleaned, never counted.
TRUSTED_BODY_LAYERS = ("profile", "family")


class ExtractStep:
    def __init__(self, registry: Registry, stats=None, *, learn_templates: bool = True) -> None:
        self.registry = registry
        self.stats = stats
        self.templates: HostTemplates | None = HostTemplates() if learn_templates else None
        self._cleaned: dict[int, Cleaned] = {}  # article id -> decisions, for this run's pages

    # --- learned templates -------------------------------------------------------------------------
    def load_templates(self, db: sqlite_utils.Database) -> None:
        if self.templates is not None:
            self.templates = HostTemplates.from_db(db)

    def load_templates_from(self, db_path: str | None) -> None:
        if self.templates is None or not db_path:
            return
        db = open_db(db_path)
        try:
            self.load_templates(db)
        finally:
            db.conn.close()

    def save_templates(self, db: sqlite_utils.Database) -> None:
        if self.templates is not None:
            self.templates.save(db)

    # --- the step ----------------------------------------------------------------------------------
    def process(self, item, *, learn: bool = True):
        if not isinstance(item, PageItem) or item.status != 200:
            return item  # 304 (unchanged) and 404/410 (removed) carry no page to extract
        item.record, item.error = self.extract(item)
        self._count("muninews/extract/" + ("ok" if item.error is None else "rejected"))
        if item.record is not None:
            self.apply_templates(item, learn=learn)
            for field_name, layer in item.record.layers.items():
                self._count(f"muninews/layer/{layer}/{field_name}")
        return item

    def extract(self, item: PageItem):
        """(record, None) for an article, (None, reason) for anything else."""
        profile = self.registry.portals.get(item.portal)
        body, cuts = cut_long_text_runs(item.body)
        for note in cuts:
            item.extra.setdefault("notes", []).append(note)
        try:
            record = extract_page(body, item.url, profile, crawl_time=item.crawl_time, content_type=item.content_type)
        except NotHTML as error:
            return None, f"not HTML: {error}"
        except Exception as error:  # extraction must never stop the crawl; the reason is stored
            return None, f"extraction error: {type(error).__name__}: {error}"
        if not record.is_article():
            return None, families.not_an_article(profile, item.body) or "not an article: no title or no body text"
        never = families.never_an_article(profile, item.body)
        if never:
            return None, never
        if profile is not None:
            listed_published(record, item.listed_published, profile.timezone)
        if profile is not None and (not record.modified or record.modified_precision == "day"):
            listed_modified(record, item.listed_modified, profile.timezone)
        listed_authors(record, item.listed_authors)
        for note in cap_paragraphs(record):
            item.extra.setdefault("notes", []).append(note)
        return record, None

    def apply_templates(self, item: PageItem, *, learn: bool = True) -> None:
        """Drop the host's template blocks from a profile-free body; with ``learn``, count the page."""
        if self.templates is None or item.record.layers.get("body") in TRUSTED_BODY_LAYERS:
            return
        host, record = urlsplit(item.url).netloc, item.record
        keys = block_keys(record.body)
        removed = self.templates.removable(host, keys)
        if removed:
            self._count("muninews/extract/template_blocks_removed")
        item.extra["template_decisions"] = Cleaned(host, keys, removed)
        extracted, record.body = record.body, [block for i, block in enumerate(record.body) if i not in removed]
        if learn:  # what the page printed, not what is left of it: a removed block still recurs
            self.templates.observe(host, extracted)

    def track(self, item) -> None:
        """After the store: remember this run's template decisions for the page's article."""
        decisions = getattr(item, "extra", {}).get("template_decisions") if isinstance(item, PageItem) else None
        if decisions is not None and item.article_id is not None and item.change in ("new", "updated"):
            self._cleaned[item.article_id] = decisions

    def pages_to_settle(self) -> list[int]:
        """Articles of this run whose template decisions today's knowledge would take otherwise."""
        if self.templates is None:
            return []
        changed = [
            article_id for article_id, done in self._cleaned.items()
            if self.templates.removable(done.host, done.keys) != done.removed
        ]
        self._cleaned.clear()
        return changed

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


# The longest paragraph stored in ``articles.body``, in characters. A longer one (a 19 MB paragraph
# on a hostile page) is cut there and the cut is a ``failures`` row for the page, whose whole HTML
# stays in ``pages.html_gz``: kept and recorded, never silently lost.
PARAGRAPH_MAX_CHARS = 200_000


# Text between two tags longer than this many bytes is cut before parsing: every layer would copy
# it a dozen times (a 19 MB paragraph took the crawl past 500 MB); what is kept is then capped at
# PARAGRAPH_MAX_CHARS like any paragraph.
TEXT_RUN_MAX_BYTES = 4 * PARAGRAPH_MAX_CHARS
_LONG_RUN = re.compile(rb"[^<]{%d,}" % (TEXT_RUN_MAX_BYTES + 1))


def cut_long_text_runs(body: bytes) -> tuple[bytes, list[str]]:
    """``body`` with each text run past TEXT_RUN_MAX_BYTES cut there (at a character boundary of
    UTF-8 or any single-byte code); one sentence per cut."""
    if not isinstance(body, bytes) or len(body) <= TEXT_RUN_MAX_BYTES:
        return body, []
    notes: list[str] = []

    def cut(match: re.Match) -> bytes:
        run = match.group()
        end = TEXT_RUN_MAX_BYTES
        while end > 0 and 0x80 <= run[end] <= 0xBF:  # not inside a UTF-8 sequence
            end -= 1
        notes.append(f"text of {len(run):,} bytes without markup cut to {end:,} bytes before extraction "
                     "(TEXT_RUN_MAX_BYTES); the whole page is in pages.html_gz")
        return run[:end]

    return _LONG_RUN.sub(cut, body), notes


def cap_paragraphs(record) -> list[str]:
    """Cut paragraphs longer than PARAGRAPH_MAX_CHARS; one sentence per cut."""
    notes = []
    for index, paragraph in enumerate(record.body):
        if len(paragraph) > PARAGRAPH_MAX_CHARS:
            notes.append(f"paragraph {index + 1} of {len(paragraph):,} characters cut to {PARAGRAPH_MAX_CHARS:,} "
                         "(PARAGRAPH_MAX_CHARS); the whole page is in pages.html_gz")
            record.body[index] = paragraph[:PARAGRAPH_MAX_CHARS].rstrip() + "…"
    return notes
