"""Author names that discovery knows only as author pages.

Plone's REST API lists each News Item's creators by user id; with the byline off (Plone's
default) the article page names nobody, and the creators' author pages are the only place the
names are shown. A link then carries its authors' pages (``Link.author_pages``): each page is read
once a run, and an article waits in here until every page it needs has answered, so its record
is complete when it is extracted.

A rerun reads no author page it can do without: an article that is stored already and not due
again tells, through its stored authors, the names of its pages (same number, same order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

Waiting = TypeVar("Waiting")


class AuthorPages(Generic[Waiting]):
    def __init__(self) -> None:
        self.names: dict[str, str | None] = {}  # page URL -> the name it shows (None: it shows none)
        self.asked: set[str] = set()
        self.waiting: list[tuple[list[str], Waiting]] = []

    def learn(self, pages: Sequence[str], names: Sequence[str]) -> None:
        """What a stored article says of its authors' pages: a name each, if it has as many names."""
        if pages and len(pages) == len(names) and all(isinstance(name, str) and name for name in names):
            for page, name in zip(pages, names):
                self.names.setdefault(page, name)

    def unresolved(self, pages: Iterable[str]) -> list[str]:
        return [page for page in pages if page not in self.names]

    def wait(self, pages: Sequence[str], waiting: Waiting) -> list[str]:
        """Park ``waiting`` until ``pages`` have answered; the pages to ask now (not asked before)."""
        self.waiting.append((list(pages), waiting))
        to_ask = [page for page in self.unresolved(pages) if page not in self.asked]
        self.asked.update(to_ask)
        return to_ask

    def answered(self, page: str, name: str | None) -> list[Waiting]:
        """``page`` showed ``name`` (None: no name, or it failed): what no longer waits."""
        self.names[page] = name
        released, still = [], []
        for pages, waiting in self.waiting:
            (still if self.unresolved(pages) else released).append((pages, waiting))
        self.waiting = still
        return [waiting for _, waiting in released]

    def names_for(self, pages: Sequence[str]) -> list[str] | None:
        """The authors in page order, or None unless every page gave a name (a partial list would
        pass for the whole byline)."""
        names = [self.names.get(page) for page in pages]
        return [name for name in names if name] if pages and all(names) else None
