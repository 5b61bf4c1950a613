"""What the reading view of `muninews serve` asks the database: a bounded search and an article's page.

The reading view (``reading``, migration m015) lists articles newest first with a search box and
facets. Datasette computes a search page as three kinds of query over the same WHERE clause: the
rows (sorted by ``published``), their count, and one per facet. Over every match each of them is
linear in the number of matches: at a million articles a common name matches 250,000 and a broad
syllable 700,000, and each query took 0.5–2 s (``benchmarks/search.py``).

So a search reads at most its newest ``SEARCH_CAP`` matches (the same 2,000 the ranked search
ranks, ``crawler.storage.search.RANK_WINDOW``): ``search_floor`` finds the id below which older
matches are left out, by walking the index newest first (cost bounded by the cap, not the corpus),
and ``SEARCH_CLAUSE`` keeps the matches from that id up (FTS5 seeks straight to it). A search with
at most ``SEARCH_CAP`` matches is exact; one with more says so on the page ("more than 2,000
articles match: the 2,000 collected last are listed, counted and faceted"). Every query of the page
then reads at most ``SEARCH_CAP`` rows, and the SQL Datasette shows (✎ View and edit SQL) is the
one it ran, with the floor as a parameter.

What a query means (phrases, folding, punctuation literal) is ``crawler.storage.search.match_expression``;
an empty or blank query is no search at all (``is_blank``).
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlsplit

from crawler.storage.search import FTS_TABLE, RANK_WINDOW, match_expression

READING_VIEW = "reading"
SEARCH_CAP = RANK_WINDOW
# The (SEARCH_CAP + 1)-th newest match: everything above it is the newest SEARCH_CAP.
FLOOR_SQL = (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
             "ORDER BY rowid DESC LIMIT 1 OFFSET :cap")
SEARCH_CLAUSE = (f"id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :muninews_q "
                 "AND rowid >= :muninews_floor)")

IMAGES_SQL = """SELECT position, url, caption, credit FROM images
                WHERE article_id = :id AND (url LIKE 'http://%' OR url LIKE 'https://%') ORDER BY position"""
COPIES_SQL = """SELECT a.id, a.portal, p.title AS portal_title, a.title, a.published, a.url
                FROM articles a LEFT JOIN portals p ON p.name = a.portal
                WHERE a.story_id = :story AND a.id != :id ORDER BY a.published, a.id"""
PORTAL_SQL = "SELECT title, base_url FROM portals WHERE name = :portal"


def is_blank(query: str | None) -> bool:
    """An empty search box (or only spaces) filters nothing."""
    return not (query or "").strip()


def search_floor(conn: sqlite3.Connection, expression: str, cap: int = SEARCH_CAP) -> int:
    """The lowest id a capped search keeps: 0 when at most ``cap`` articles match (then the search is
    exact), else one above the (cap + 1)-th newest match."""
    row = conn.execute(FLOOR_SQL, {"q": expression, "cap": cap}).fetchone()
    return row[0] + 1 if row else 0


def search_params(query: str, floor: int) -> dict[str, Any]:
    return {"muninews_q": match_expression(query), "muninews_floor": floor}


def describe_search(query: str, floor: int, cap: int) -> str:
    """The words Datasette shows after the row count ("2,000 rows where …")."""
    text = f'search matches "{query}"'
    if floor:
        text += (f" — more than {cap:,} articles match: the {cap:,} collected last are listed, counted and "
                 "faceted (add words to narrow it)")
    return text


def is_web_image(url: str | None) -> bool:
    """Only http(s) addresses are shown as photos (never data:, javascript: or a local path)."""
    return bool(url) and urlsplit(url).scheme.lower() in ("http", "https") and bool(urlsplit(url).netloc)
