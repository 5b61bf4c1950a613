"""Discovery sources: one module per way a portal lists its articles, behind one small interface.

A source turns a portal's profile into first requests (``start``) and each response into article
links plus further discovery requests (``parse``). Sources fetch nothing and keep no state: the
spider (spiders/portal.py) makes the requests, remembers what a run has seen, and decides what to
fetch. What a CMS does its own way (the WordPress REST API's paging, feed paging) comes from the
portal's family module (crawler/families/).

Adding a source is one module in this package whose class is decorated with ``@register``; its
``name`` is what profiles write in ``[discovery] sources``. Every module here is imported below.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from crawler.items import Link


@dataclass(frozen=True)
class Step:
    """One discovery request: a URL and which of the source's parsers reads its answer."""

    url: str
    step: str = "index"
    kwargs: dict[str, Any] = field(default_factory=dict)
    # The next page of the same list (feed ?paged=N, a listing's next link, a REST API page): followed
    # only when the page it comes from added an article link this run had not seen.
    paging: bool = False
    # When the page that listed this step says the step's page last changed (a sitemap index's
    # <lastmod> for a child): with an earlier whole read at the same date, the spider may skip it.
    modified: str | None = None


@dataclass
class Found:
    """What one discovery response gave: article links, and what to fetch next.

    ``links`` may be a generator (a sitemap read as a stream): the spider consumes it first and
    reads ``steps`` and ``problem`` after it.

    ``steps_only_if_new``: follow ``steps`` only when some link here was worth fetching (a
    listing after a finished earlier run: older pages hold what is stored already).
    ``problem``: why this response was not (wholly) read, a failures row for its URL.
    ``whole``: set with ``problem`` once ``links`` is consumed."""

    links: Iterable[Link] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    steps_only_if_new: bool = False
    problem: str | None = None
    # Read to its end and every link dated (a sitemap urlset): what it listed is recorded, so a later
    # night may leave the page unread while its listing page gives it the same date.
    whole: bool = False


@dataclass(frozen=True)
class Context:
    """What a source may know of the run: the ``--since`` bound, and whether the portal had a
    finished run before this one."""

    since: str | None = None
    completed_before: bool = False
    max_bytes: int = 50 * 1024 * 1024  # how far a sitemap is inflated and read (DISCOVERY_SITEMAP_MAX_BYTES)


class Source:
    name: ClassVar[str]
    complete: ClassVar[bool] = False  # lists every article: after walking it, missing ones are checked
    records_failures: ClassVar[bool] = False  # a failed request is a failures row (else: not offered)
    # Read to the end before the portal's links are fetched (a sitemap index: its files are cheap
    # to read and listed oldest first, so only the whole index says which links are newest).
    read_first: ClassVar[bool] = False

    def start(self, portal: Any) -> list[Step]:
        raise NotImplementedError

    def parse(self, response: Any, portal: Any, step: str, context: Context, **kwargs: Any) -> Found:
        """``response``: Scrapy's (``.body``, ``.url``, ``.headers``, ``.status``, and ``.xpath`` for HTML)."""
        raise NotImplementedError

    def on_failure(self, portal: Any, step: str, **kwargs: Any) -> list[Step]:
        """Steps to take when request ``step`` failed (robots.txt missing: the profile's sitemaps)."""
        return []


SOURCES: dict[str, Source] = {}


def register(cls: type[Source]) -> type[Source]:
    SOURCES[cls.name] = cls()
    return cls


def get(name: str) -> Source | None:
    return SOURCES.get(name)


def complete_sources() -> frozenset[str]:
    return frozenset(name for name, source in SOURCES.items() if source.complete)


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_") and _module.name != "parsers":
        importlib.import_module(f"{__name__}.{_module.name}")
