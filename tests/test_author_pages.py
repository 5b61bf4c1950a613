"""Articles whose authors discovery names only by their author pages (Plone's REST API lists creator
ids; with the byline off the page names nobody): each page read once a run, the article held back
until every page it needs has answered, and a rerun spared the pages its stored articles name."""

from __future__ import annotations

from crawler.extraction.authors import listed_authors
from crawler.extraction.record import Record
from spiders.author_pages import AuthorPages

A, B, C = "http://h/author/a", "http://h/author/b", "http://h/author/c"


def test_each_page_is_asked_once_and_the_article_waits_for_all_of_its_pages():
    pages: AuthorPages[str] = AuthorPages()
    assert pages.wait([A, B], "two authors") == [A, B]
    assert pages.wait([B], "one author") == []  # asked already
    assert pages.answered(B, "Bình") == ["one author"]
    assert pages.answered(A, "An") == ["two authors"]
    assert pages.names_for([A, B]) == ["An", "Bình"]
    assert pages.unresolved([A, B, C]) == [C]


def test_a_page_that_names_nobody_leaves_the_whole_byline_out():
    pages: AuthorPages[str] = AuthorPages()
    pages.wait([A, C], "article")
    pages.answered(A, "An")
    assert pages.answered(C, None) == ["article"]
    assert pages.names_for([A, C]) is None  # a partial list would pass for the whole byline
    assert pages.names_for([]) is None


def test_a_stored_article_names_its_pages_only_when_the_counts_agree():
    pages: AuthorPages[str] = AuthorPages()
    pages.learn([A, B], ["An", "Bình"])
    pages.learn([C], ["Chi", "Dũng"])  # two names for one page: which is whose is unknown
    assert pages.unresolved([A, B, C]) == [C]
    assert pages.wait([A, B], "rerun") == []


def test_the_page_s_own_byline_wins_over_discovery():
    record = Record(url="http://h/a", authors=["Trên Trang"])
    listed_authors(record, ["An"])
    assert record.authors == ["Trên Trang"] and "authors" not in record.layers
    bare = Record(url="http://h/b")
    listed_authors(bare, ["An", "Bình"])
    assert bare.authors == ["An", "Bình"] and bare.layers["authors"] == "discovery"
