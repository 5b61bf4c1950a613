"""What the reading view of `muninews serve` asks the database: a bounded search and an article's page.

The reading view (``reading``, migration m015) lists articles newest first with a search box and
facets. Datasette computes a search page as several queries over the same WHERE clause: the rows
(sorted by ``published``), their count, and one per facet. Over every match each of them is linear
in the number of matches: at a million articles a common name matches 250,000 and a broad syllable
700,000, and each query took 0.5–2 s (``benchmarks/search.py``). And each of them evaluated the
full-text query again: a name of common syllables ("Đặng Quang Long": each syllable in half the
articles, the phrase in 2,000) costs 25–70 ms per evaluation however few rows it returns.

So a search reads at most its newest ``SEARCH_CAP`` matches (the same 2,000 the ranked search
ranks, ``crawler.storage.search.RANK_WINDOW``), and the index is asked once per query:
``MatchCache.newest`` walks the index newest first and stops at the cap (cost bounded by the cap,
not the corpus; the index of syllable pairs for phrases of two syllables or more, m016:
``crawler.storage.search.lookup``), and keeps the answer until the database changes (``PRAGMA data_version``).
``SEARCH_CLAUSE`` reads it through the SQL function ``muninews_matches(expression, cap)`` (a JSON
list of ids), so the count, the rows and every facet of the page, and the pages a facet value or
the next page open, read at most ``SEARCH_CAP`` rows by id. A search with at most ``SEARCH_CAP``
matches is exact; one with more says so on the page ("more than 2,000 articles match: the 2,000
collected last are listed, counted and faceted"). The SQL Datasette shows (✎ View and edit SQL)
is the one it ran.

What a query means (phrases, folding, punctuation literal) is ``crawler.storage.search.match_expression``;
an empty or blank query is no search at all (``is_blank``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from crawler.storage.search import RANK_WINDOW, lookup, match_expression

READING_VIEW = "reading"
SEARCH_CAP = RANK_WINDOW
MATCHES_FUNCTION = "muninews_matches"
NEWEST_SQL = "SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?"
SEARCH_CLAUSE = f"id IN (SELECT value FROM json_each({MATCHES_FUNCTION}(:muninews_q, :muninews_cap)))"


class MatchCache:
    """The newest ids matching a full-text expression, newest first, remembered per expression (the
    last ``size`` expressions) until the database changes.

    Its own read-only connection (one, behind a lock: SQLite connections are not shared between
    threads mid-statement) asks the index; ``PRAGMA data_version`` on it moves when another
    connection commits, and then everything remembered is dropped."""

    def __init__(self, uri: str, size: int = 64) -> None:
        self.uri, self.size = uri, size
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, tuple[list[int], bool]] = OrderedDict()  # expression -> (ids, all of them)
        self._version: int | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
            self._conn.execute("PRAGMA query_only = 1")
        return self._conn

    def newest(self, expression: str, limit: int) -> list[int]:
        with self._lock:
            conn = self._connection()
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._seen.clear()
                self._version = version
            ids, complete = self._seen.get(expression, ([], False))
            if not complete and len(ids) < limit:
                table, found_by = lookup(expression)
                ids = [row[0] for row in conn.execute(NEWEST_SQL.format(table=table), (found_by, limit))]
                complete = len(ids) < limit
            self._seen[expression] = (ids, complete)
            self._seen.move_to_end(expression)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)
            return ids[:limit]

    def sql_function(self, expression: str | None, limit: int | None) -> str:
        """``muninews_matches(expression, limit)``: the ids as a JSON list (for ``json_each``)."""
        return json.dumps(self.newest(expression or "", int(limit or 0)) if expression else [])

    def forget(self) -> None:
        with self._lock:
            self._seen.clear()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def is_blank(query: str | None) -> bool:
    """An empty search box (or only spaces) filters nothing."""
    return not (query or "").strip()


def search_params(query: str) -> dict[str, Any]:
    return {"muninews_q": match_expression(query), "muninews_cap": SEARCH_CAP}


def describe_search(query: str, capped: bool, cap: int) -> str:
    """The words Datasette shows after the row count ("2,000 rows where …")."""
    text = f'search matches "{query}"'
    if capped:
        text += (f" — more than {cap:,} articles match: the {cap:,} collected last are listed, counted and "
                 "faceted (add words to narrow it)")
    return text


IMAGES_SQL = """SELECT position, url, caption, credit FROM images
                WHERE article_id = :id AND (url LIKE 'http://%' OR url LIKE 'https://%') ORDER BY position"""
COPIES_SQL = """SELECT a.id, a.portal, p.title AS portal_title, a.title, a.published, a.url
                FROM articles a LEFT JOIN portals p ON p.name = a.portal
                WHERE a.story_id = :story AND a.id != :id ORDER BY a.published, a.id"""
PORTAL_SQL = "SELECT title, base_url FROM portals WHERE name = :portal"


def is_web_image(url: str | None) -> bool:
    """Only http(s) addresses are shown as photos (never data:, javascript: or a local path)."""
    return bool(url) and urlsplit(url).scheme.lower() in ("http", "https") and bool(urlsplit(url).netloc)


COUNTS_TABLE = "reading_counts"  # articles per (portal, author); _portal, _author: totals (m016)
COUNTED = ("portal", "author")
# Arguments that change how a list is shown, not which articles are in it.
PRESENTATION_ARGS = {"_sort", "_sort_desc", "_next", "_size", "_nocount", "_nofacet", "_nosuggest", "_labels",
                     "_nolabels", "_col", "_nocol", "_shape", "_json", "_trace", "_facet_size", "_context"}


def counted_filters(args: list[tuple[str, str]]) -> dict[str, str] | None:
    """The reading view's filters when ``reading_counts`` can answer its facets: nothing but one
    exact value per portal or author (``?portal=x``, ``?author__exact=y``), no search, no other
    filter; else None (the facet counts the listed rows). ``args`` are the request's pairs."""
    filters: dict[str, str] = {}
    for key, value in args:
        if key.startswith("_"):
            if key in PRESENTATION_ARGS or key.startswith("_facet"):
                continue
            if key.startswith("_search") and is_blank(value):
                continue
            return None
        column = key.removesuffix("__exact")
        if column not in COUNTED or column in filters:
            return None
        filters[column] = value
    return filters


def counted_facet_sql(column: str, filters: dict[str, str], limit: int) -> tuple[str, dict[str, Any]]:
    """A facet of the reading view from the kept counts (m016): the same values and counts as
    Datasette's ``group by`` over the listed articles (NULL authors left out), most first. The
    whole list reads the totals per portal or per author; a list of one portal or one author the
    counts per (portal, author)."""
    params: dict[str, Any] = {"limit": limit}
    where = ["authored = 1"] if column == "author" else []
    table = f"{COUNTS_TABLE}_{column}" if not filters else COUNTS_TABLE
    for name, value in filters.items():
        where.append(f"{name} = :{name}" + (" AND authored = 1" if name == "author" else ""))
        params[name] = value
    sql = (f"SELECT {column} AS value, sum(articles) AS count FROM {table} "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY {column} "
           f"ORDER BY count DESC, value LIMIT :limit")
    return sql, params
