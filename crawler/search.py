"""Full-text search over articles, with or without Vietnamese diacritics.

The index (``articles_fts``, built by migration m002) folds case and tone marks itself
(``unicode61 remove_diacritics 2``) and holds a đ→d copy of every column that has a đ, so any
spelling of a query matches: "Ngo Quyen", "ngô quyền", "NGÔ QUYỀN", "Da Nang", "Đà Nẵng".
Plain SQL works the same way, no custom function needed::

    SELECT a.* FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
    WHERE articles_fts MATCH '"Dang" "uy"' ORDER BY rank;

``ORDER BY rank`` is bm25 with a title hit worth ten body hits (configured in the index).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

FTS_TABLE = "articles_fts"
_TERM = re.compile(r'"[^"]*"|[^\s"]+')


def fold(text: str) -> str:
    """The đ→d folding the index applies to its ``*_folded`` columns (tone marks fold in FTS5)."""
    return text.replace("đ", "d").replace("Đ", "D")


def match_expression(query: str) -> str:
    """A user's words as a safe FTS5 query: every word must occur; "quoted phrases" stay phrases.

    Punctuation or FTS5 operators typed by a user can never cause a syntax error.
    """
    terms = []
    for term in _TERM.findall(query):
        inner = term.strip('"').replace('"', "")
        if inner.strip():
            terms.append(f'"{inner}"')
    return " ".join(terms)


def search(
    conn: sqlite3.Connection, query: str, *, portal: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Articles matching ``query``, best first, with a snippet of where they matched."""
    expression = match_expression(query)
    if not expression:
        return []
    sql = f"""SELECT a.id, a.portal, a.published, a.title, a.url,
                     snippet({FTS_TABLE}, -1, '[', ']', '…', 12) AS snippet, {FTS_TABLE}.rank AS rank
              FROM {FTS_TABLE} JOIN articles a ON a.id = {FTS_TABLE}.rowid
              WHERE {FTS_TABLE} MATCH :q {"AND a.portal = :portal" if portal else ""}
              ORDER BY {FTS_TABLE}.rank LIMIT :limit"""
    cursor = conn.execute(sql, {"q": expression, "portal": portal, "limit": limit})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def rebuild(conn: sqlite3.Connection) -> None:
    """Rebuild the whole index from the articles (after a bulk load with triggers dropped)."""
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def integrity_check(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError if the index disagrees with the articles it was built from."""
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
