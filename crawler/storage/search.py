"""Full-text search over articles, with or without Vietnamese diacritics.

The index (``articles_fts``, migration m007) is declared ``content="articles"``, the way Datasette
and sqlite-utils detect a table's full-text index, so plain ``datasette FILE`` (``?_search=``) and
``sqlite-utils search FILE articles QUERY`` search it. It holds title, body, captions and the lead (m010) with đ→d
folded by ``replace()``; the tokenizer (``unicode61 remove_diacritics 2``) folds case and tone
marks. A muninews query is folded the same way (``fold``), so "Ngo Quyen", "ngô quyền", "NGÔ QUYỀN"
find "Ngô Quyền" and "Da Nang", "Đà Nẵng" find "Đà Nẵng". The plain tools do not fold a typed đ,
so a last indexed column, ``d_words``, holds the article's words that contain a đ as written
(``d_words``; a few per cent of the tokens): their ``"Đà" "Nẵng"`` (words ANDed) then matches "đa"
there and "nang" in the folded text. Its ``articles.d_words`` is a generated NULL column: the
text lives only in the index.

What a query means (``match_expression``): Vietnamese writes every syllable apart, so the words of
one name or term ("Ngô Quyền", "phòng cháy chữa cháy") are separate tokens. Typed words are
therefore one **phrase**: they must occur together, in order. An all-words AND would find any
article with "phòng" somewhere and "cháy" somewhere else — most of a municipal corpus. Several
phrases are separated by commas or semicolons, or quoted, and all must match:
``Ngô Quyền, phòng cháy`` or ``"Ngô Quyền" "phòng cháy"``. Operators and punctuation typed by a
user are literal: a query of punctuation only matches nothing (``NOTHING``), never an error.

Ranking (``search``, the ``search`` canned query): articles naming the phrase in the title first,
then in a photo caption, then in the body only; newest (highest id: most recently stored) first
within each. It is computed only over the newest ``RANK_WINDOW`` matches, so its cost depends on
the window, not on the corpus: bm25 (FTS5's ``rank``) counts every match of every phrase before
scoring one row, which took 100 ms–3.5 s for the common names and topics at 1,000,000 articles
(``benchmarks/search.py`` measures both). ``ORDER BY rank`` still works in plain SQL.

Plain SQL (no custom function needed; fold đ yourself, or type d)::

    SELECT a.id, a.title FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
    WHERE articles_fts MATCH '"ngo quyen"' ORDER BY rank LIMIT 20;
    -- a query with a đ: MATCH replace(replace(:q, 'đ', 'd'), 'Đ', 'D')

In Datasette, ``escape_fts(:q)`` does all of it (the muninews plugin makes it ``match_expression``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

FTS_TABLE = "articles_fts"
INDEXED = ("title", "body", "captions", "lead")  # folded; then d_words (see module docstring; lead since m010)
TOKENIZER = "unicode61 remove_diacritics 2"  # as declared by migration m007
D_WORDS_FUNCTION = "muninews_d_words"
NOTHING = '""'  # an empty phrase: valid FTS5 that matches no row (an empty MATCH is a syntax error)
RANK_WINDOW = 2000  # rank the newest this many matches (see module docstring; the canned query says 2000 too)
_SEGMENT = re.compile(r'"([^"]*)"|([^",;]+)')
#: A word as ``d_words`` reads it: a run of word characters and combining marks.
_WORD_RUN = re.compile(r"[\w\u0300-\u036f]+")


def fold(text: str) -> str:
    """The đ→d folding the index applies (tone marks and case fold in the FTS5 tokenizer)."""
    return text.replace("đ", "d").replace("Đ", "D")


def fold_sql(expression: str) -> str:
    """``fold`` as SQL, for triggers and plain queries: no custom function needed."""
    return f"replace(replace({expression}, 'đ', 'd'), 'Đ', 'D')"


def d_words(*texts: str | None) -> str | None:
    """The distinct words holding a đ/Đ, as written, in order of first use (what ``d_words``
    indexes, so that the plain tools' unfolded ``đ`` matches)."""
    seen: dict[str, None] = {}
    for text in texts:  # the index triggers call this on every stored article: words first, then the đ in them
        if text and ("đ" in text or "Đ" in text):  # (a pattern with the đ inside backtracked through every word)
            for word in _WORD_RUN.findall(text):
                if "đ" in word or "Đ" in word:
                    seen.setdefault(word, None)
    return " ".join(seen) or None


def d_words_sql(row: str) -> str:
    """``d_words`` over one row's indexed columns, as SQL (``row`` is ``new``, ``old`` or a table)."""
    return f"{D_WORDS_FUNCTION}({', '.join(f'{row}.{c}' for c in INDEXED)})"


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the index triggers call; every muninews connection registers them
    (``crawler.storage.db``), so a writer keeps the index right. ``muninews_d_words`` takes any
    number of columns: the triggers of m007 (three) and of m010 (four) both call it."""
    conn.create_function(D_WORDS_FUNCTION, -1, d_words, deterministic=True)  # any number of columns (m007: 3, m010: 4)


def indexed_values(row: str) -> str:
    """The values the index holds for one row, in ``INDEX_COLUMNS`` order, as SQL."""
    return ", ".join([*(fold_sql(f"{row}.{c}") for c in INDEXED), d_words_sql(row)])


INDEX_COLUMNS = (*INDEXED, "d_words")


def match_expression(query: str) -> str:
    """A user's query as a safe, folded FTS5 expression: each comma/semicolon-separated or quoted
    part is one phrase, and every phrase must match. Nothing a user types is an operator or can
    cause a syntax error; parts with no letter or digit are dropped, and a query without any
    is ``NOTHING`` (empty input is "no filter" to the callers, who do not search at all)."""
    phrases = []
    for quoted, bare in _SEGMENT.findall(query):
        words = " ".join((quoted or bare).split())
        if any(ch.isalnum() for ch in words):
            phrases.append(f'"{fold(words)}"')
    return " ".join(phrases) or NOTHING


def _candidates(where: str, tier: int, limit: str, portal: bool) -> str:
    """The newest matches of one tier inside the window, newest first.

    Two readings, of which one runs (SQLite checks the uncorrelated floor once and skips the other):

    - more matches than the window (floor > 0): FTS5 reads the window's id range in ascending order
      and SQLite sorts what it found (``+f.rowid`` keeps the sort out of FTS5), at most ``:window``
      matches. Asked for descending order with a lower bound instead, FTS5 walks the tokens'
      doclists backwards, and for a tier with few or no hits in the window (a topic no caption
      names) that took 40–200 ms at a million articles, against under 1 ms ascending;
    - fewer (floor 0, the window is the whole index): FTS5 walks newest first and stops at
      ``limit`` hits, instead of reading every match of a rare phrase of common syllables
      (``benchmarks/search.py``)."""
    join = "JOIN articles p ON p.id = f.rowid AND p.portal = :portal" if portal else ""

    def select(when: str, order: str) -> str:  # the reading not taken matches the empty phrase: no work
        return (f"SELECT * FROM (SELECT f.rowid AS id, {tier} AS tier FROM {FTS_TABLE} f {join} "
                f"WHERE f.{FTS_TABLE} MATCH CASE WHEN (SELECT id FROM window_floor) {when} THEN {where} "
                f"ELSE '{NOTHING}' END AND f.rowid >= (SELECT id FROM window_floor) ORDER BY {order} LIMIT {limit})")

    return f"{select('> 0', '+f.rowid DESC')} UNION ALL {select('= 0', 'f.rowid DESC')}"


def ranked_sql(*, portal: bool = False) -> str:
    """The ranking as one statement (parameters :q, :limit, :window and, with ``portal``, :portal).

    1. ``window_floor``: the lowest id among the newest ``:window`` matches (0 when fewer), read by
       walking the index newest first — cost bounded by the window, not by the corpus.
    2. ``top``: within the window, the newest title hits, then caption hits, then any hits
       (column-filtered FTS5 queries, each stopping at ``:limit``), each article at its best tier.
    3. Only those rows are looked up by id for their snippet and columns (CROSS JOIN keeps that
       order: never a scan of every match).
    """
    join = "JOIN articles p ON p.id = f.rowid AND p.portal = :portal" if portal else ""
    return f"""WITH window_floor(id) AS (SELECT coalesce((
                 SELECT f.rowid FROM {FTS_TABLE} f {join} WHERE f.{FTS_TABLE} MATCH :q
                 ORDER BY f.rowid DESC LIMIT 1 OFFSET :window - 1), 0)),
               top(id, tier) AS (SELECT id, min(tier) FROM (
                 {_candidates("'title : (' || :q || ')'", 0, ":limit", portal)}
                 UNION ALL {_candidates("'captions : (' || :q || ')'", 1, ":limit", portal)}
                 UNION ALL {_candidates(":q", 2, "3 * :limit", portal)}
               ) GROUP BY id ORDER BY min(tier), id DESC LIMIT :limit)
               SELECT a.id, a.portal, a.published, a.title, a.url,
                      snippet({FTS_TABLE}, -1, '[', ']', '…', 12) AS snippet, top.tier AS tier
               FROM top CROSS JOIN {FTS_TABLE} CROSS JOIN articles a
               WHERE {FTS_TABLE} MATCH :q AND {FTS_TABLE}.rowid = top.id AND a.id = top.id
               ORDER BY top.tier, top.id DESC"""


def search(
    conn: sqlite3.Connection, query: str, *, portal: str | None = None, limit: int = 20,
    window: int = RANK_WINDOW,
) -> list[dict[str, Any]]:
    """Articles matching ``query``, best first, with a snippet of where they matched."""
    expression = match_expression(query)
    if expression == NOTHING:
        return []
    params = {"q": expression, "portal": portal, "limit": limit, "window": window}
    cursor = conn.execute(ranked_sql(portal=portal is not None), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def rebuild(conn: sqlite3.Connection) -> None:
    """Rebuild the whole index from the articles, folded (after a bulk load with triggers off).

    Not FTS5's ``'rebuild'``: that would index the unfolded articles (see migration m007)."""
    register_functions(conn)
    columns = ", ".join(INDEX_COLUMNS)
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    conn.execute(f"INSERT INTO {FTS_TABLE}(rowid, {columns}) SELECT id, {indexed_values('articles')} FROM articles")


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index's segments into one (after a bulk load; a live index merges as it goes)."""
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


@contextmanager
def index_suspended(conn: sqlite3.Connection) -> Iterator[None]:
    """Bulk-load articles without indexing them row by row: the index triggers are dropped for the
    duration, then the index is rebuilt once and the triggers restored (each step committed).

    The image-caption triggers stay on, so ``articles.captions`` stays right."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", (f"{FTS_TABLE}%",)).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.commit()
        with conn:
            rebuild(conn)
            for _, sql in triggers:
                conn.execute(sql)


def integrity_check(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError if the index is damaged or disagrees with the articles.

    FTS5's check against the content table cannot be used (it is unfolded), so the index's
    every token instance is compared with a fresh index of the folded rows built in memory.
    Reads the whole table: for tests and repairs, not for every open."""
    register_functions(conn)
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 0)")
    columns = ", ".join(INDEX_COLUMNS)
    conn.execute("DROP TABLE IF EXISTS temp.fts_check")
    conn.execute(f"CREATE VIRTUAL TABLE temp.fts_check USING fts5({columns}, tokenize='{TOKENIZER}')")
    try:
        conn.execute(f"INSERT INTO temp.fts_check(rowid, {columns}) SELECT id, {indexed_values('articles')} "
                     "FROM articles")
        conn.execute("CREATE VIRTUAL TABLE temp.fts_check_v USING fts5vocab(temp, fts_check, instance)")
        conn.execute(f"CREATE VIRTUAL TABLE temp.fts_live_v USING fts5vocab(main, {FTS_TABLE}, instance)")
        differ = sum(
            conn.execute(f"SELECT count(*) FROM (SELECT * FROM temp.{a} EXCEPT SELECT * FROM temp.{b})").fetchone()[0]
            for a, b in (("fts_live_v", "fts_check_v"), ("fts_check_v", "fts_live_v")))
    finally:
        for table in ("fts_live_v", "fts_check_v", "fts_check"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    if differ:
        raise sqlite3.DatabaseError(f"{FTS_TABLE} disagrees with articles on {differ} token instances")
