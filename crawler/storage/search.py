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

Where the rows are found (``lookup``): a phrase of common syllables ("Đặng Quang Long", each
syllable in about half the articles) costs a walk of every syllable's list in ``articles_fts``.
``articles_pairs`` (m016, ``crawler.storage.pairs``) indexes each pair of adjacent syllables as one
token, so when every phrase of a query has two syllables or more its rows are found there, by the
phrase of its pairs (same rows, short lists). Snippets, single syllables and the plain tools stay
on ``articles_fts``.

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

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from crawler.storage import pairs

FTS_TABLE = "articles_fts"
PAIRS_TABLE = "articles_pairs"  # adjacent syllable pairs (m016, crawler.storage.pairs)
LOOKUP_FUNCTION = "muninews_pairs_expression"
INDEXED = ("title", "body", "captions", "lead")  # folded; then d_words (see module docstring; lead since m010)
TOKENIZER = "unicode61 remove_diacritics 2"  # as declared by migration m007
PAIRS_TOKENIZER = "unicode61 remove_diacritics 2 tokenchars ''_''"  # as declared by m016 (quoted for SQL)
D_WORDS_FUNCTION = "muninews_d_words"
#: m033: whether the insert triggers index a new article now (1 on every connection but the crawl
#: writer's, which indexes each batch's new articles itself: ``index_articles``).
INDEX_ROWS_FUNCTION = "muninews_index_rows"
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
    """The SQL functions the index triggers and the ranked search call; every muninews connection
    registers them (``crawler.storage.db``), so a writer keeps both indexes right.
    ``muninews_d_words`` takes any number of columns: the triggers of m007 (three) and of m010
    (four) both call it; ``muninews_pairs`` (m016) one column's text; ``muninews_index_rows`` (m033)
    is 1 here: rows inserted on this connection are indexed by their triggers."""
    conn.create_function(D_WORDS_FUNCTION, -1, d_words, deterministic=True)  # any number of columns (m007: 3, m010: 4)
    conn.create_function(INDEX_ROWS_FUNCTION, 0, _index_rows)
    pairs.register(conn)
    conn.create_function(LOOKUP_FUNCTION, 1, pairs_expression, deterministic=True)


def _index_rows() -> int:
    return 1


def defer_indexing(conn: sqlite3.Connection) -> None:
    """Make the insert triggers of this connection skip the search indexes (m033): its writer then
    calls ``index_articles`` for the rows it inserted before it commits them."""
    conn.create_function(INDEX_ROWS_FUNCTION, 0, lambda: 0)


def index_articles(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Index these articles in both indexes with the values the insert triggers would have written,
    in one statement per index (the crawl's writer, once per batch: ``defer_indexing``). An article
    already in an index (its trigger fired after all, e.g. ``register_functions`` ran on the
    connection since) is left as it is, so no article is indexed twice."""
    wanted = json.dumps(sorted(set(ids)))
    if wanted == "[]":
        return
    targets = [(FTS_TABLE, INDEX_COLUMNS, indexed_values("a"))]
    if _has_pairs(conn):
        targets.append((PAIRS_TABLE, INDEXED, pairs_values("a")))
    for table, columns, values in targets:
        conn.execute(f"INSERT INTO {table}(rowid, {', '.join(columns)}) SELECT a.id, {values} FROM articles a "
                     f"WHERE a.id IN (SELECT value FROM json_each(?)) "
                     f"AND NOT EXISTS (SELECT 1 FROM {table}_docsize d WHERE d.id = a.id) ORDER BY a.id", [wanted])


def pairs_values(row: str) -> str:
    """The values ``articles_pairs`` holds for one row, in ``INDEXED`` order, as SQL."""
    return ", ".join(f"{pairs.PAIRS_FUNCTION}({fold_sql(f'{row}.{c}')})" for c in INDEXED)


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


_PHRASE = re.compile(r'"([^"]*)"')


def pairs_expression(expression: str | None) -> str:
    """The ``articles_pairs`` expression for a ``match_expression``: each phrase as the phrase of
    its syllable pairs (``crawler.storage.pairs``). ``NOTHING`` when some phrase is one syllable:
    such a query is looked up in ``articles_fts`` (``lookup``). SQL: ``muninews_pairs_expression``."""
    found = [pairs.pair_phrase(p) for p in _PHRASE.findall(expression or "")]
    return " ".join(found) if found and all(found) else NOTHING  # type: ignore[arg-type]


def lookup(expression: str) -> tuple[str, str]:
    """Where the rows of a ``match_expression`` are found fastest: (index, its expression).
    Every phrase of two syllables or more: ``articles_pairs``; else ``articles_fts``."""
    paired = pairs_expression(expression)
    return (PAIRS_TABLE, paired) if paired != NOTHING else (FTS_TABLE, expression)


# Both indexes in one statement: the one ``lookup`` does not choose is asked for the empty phrase,
# which costs nothing. (index, its expression as SQL of :q)
SOURCES = ((PAIRS_TABLE, f"{LOOKUP_FUNCTION}(:q)"),
           (FTS_TABLE, f"CASE WHEN {LOOKUP_FUNCTION}(:q) = '{NOTHING}' THEN :q ELSE '{NOTHING}' END"))
TIERS = ((0, "'title : (' || {e} || ')'", ":limit"), (1, "'captions : (' || {e} || ')'", ":limit"),
         (2, "{e}", "3 * :limit"))


def _join(portal: bool) -> str:
    return "JOIN articles p ON p.id = f.rowid AND p.portal = :portal" if portal else ""


def _candidates(table: str, where: str, tier: int, limit: str, portal: bool) -> str:
    """The newest matches of one tier inside the window, newest first, from one index.

    Two readings, of which one runs (SQLite checks the uncorrelated floor once and skips the other):

    - more matches than the window (floor > 0): FTS5 reads the window's id range in ascending order
      and SQLite sorts what it found (``+f.rowid`` keeps the sort out of FTS5), at most ``:window``
      matches. Asked for descending order with a lower bound instead, FTS5 walks the tokens'
      doclists backwards, and for a tier with few or no hits in the window (a topic no caption
      names) that took 40–200 ms at a million articles, against under 1 ms ascending;
    - fewer (floor 0, the window is the whole index): FTS5 walks newest first and stops at
      ``limit`` hits, instead of reading every match of a rare phrase of common syllables
      (``benchmarks/search.py``)."""

    def select(when: str, order: str) -> str:  # the reading not taken matches the empty phrase: no work
        return (f"SELECT * FROM (SELECT f.rowid AS id, {tier} AS tier FROM {table} f {_join(portal)} "
                f"WHERE f.{table} MATCH CASE WHEN (SELECT id FROM window_floor) {when} THEN {where} "
                f"ELSE '{NOTHING}' END AND f.rowid >= (SELECT id FROM window_floor) ORDER BY {order} LIMIT {limit})")

    return f"{select('> 0', '+f.rowid DESC')} UNION ALL {select('= 0', 'f.rowid DESC')}"


def _floor(table: str, expression: str, portal: bool, window: str) -> str:
    return (f"coalesce((SELECT f.rowid FROM {table} f {_join(portal)} WHERE f.{table} MATCH {expression} "
            f"ORDER BY f.rowid DESC LIMIT 1 OFFSET {window} - 1), 0)")


def _top(portal: bool, limit: str, window: str) -> str:
    """The ``window_floor`` and ``top`` CTEs of the ranking, over both indexes (``SOURCES``)."""
    floors = ", ".join(_floor(table, e, portal, window) for table, e in SOURCES)
    arms = "\n      UNION ALL ".join(
        _candidates(table, where.format(e=e), tier, tier_limit.replace(":limit", limit), portal)
        for tier, where, tier_limit in TIERS for table, e in SOURCES)
    return (f"window_floor(id) AS (SELECT max({floors})),\n"
            f"top(id, tier) AS (SELECT id, min(tier) FROM ({arms}{{newest}}) "
            f"GROUP BY id ORDER BY min(tier), id DESC LIMIT {limit})")


def ranked_sql(*, portal: bool = False) -> str:
    """The ranking as one statement (parameters :q, :limit, :window and, with ``portal``, :portal).

    1. ``window_floor``: the lowest id among the newest ``:window`` matches (0 when fewer), read by
       walking the index newest first — cost bounded by the window, not by the corpus.
    2. ``top``: within the window, the newest title hits, then caption hits, then any hits
       (column-filtered FTS5 queries, each stopping at ``:limit``), each article at its best tier.
    3. Only those rows are looked up by id for their snippet and columns (CROSS JOIN keeps that
       order: never a scan of every match).

    Steps 1 and 2 ask ``articles_pairs`` (m016) when every phrase has two syllables or more, else
    ``articles_fts`` (``lookup``); the snippet always comes from ``articles_fts``.
    """
    return f"""WITH {_top(portal, ":limit", ":window").format(newest="")}
               SELECT a.id, a.portal, a.published, a.title, a.url,
                      snippet({FTS_TABLE}, -1, '[', ']', '…', 12) AS snippet, top.tier AS tier
               FROM top CROSS JOIN {FTS_TABLE} CROSS JOIN articles a
               WHERE {FTS_TABLE} MATCH :q AND {FTS_TABLE}.rowid = top.id AND a.id = top.id
               ORDER BY top.tier, top.id DESC"""


CANNED_LIMIT = 100


def canned_sql() -> str:
    """The ``search`` canned query of `muninews serve` (``crawler.commands.serve`` puts it in the
    metadata): ``ranked_sql`` for ``escape_fts(:q)`` with :window = ``RANK_WINDOW`` and :limit =
    ``CANNED_LIMIT``, plus the newest articles when :q is empty, and the start of the text as the
    excerpt of a row without a snippet."""
    newest = (f" UNION ALL SELECT * FROM (SELECT id, 3 AS tier FROM articles "
              f"WHERE trim(coalesce(:q, '')) = '' ORDER BY id DESC LIMIT {CANNED_LIMIT})")
    top = _top(False, str(CANNED_LIMIT), str(RANK_WINDOW)).format(newest=newest).replace(":q", "escape_fts(:q)")
    top = top.replace("trim(coalesce(escape_fts(:q), ''))", "trim(coalesce(:q, ''))")
    return f"""WITH {top}
SELECT a.id, a.portal, a.published, a.title,
       coalesce((SELECT snippet({FTS_TABLE}, -1, '[', ']', '…', 16) FROM {FTS_TABLE}
                 WHERE {FTS_TABLE} MATCH escape_fts(:q) AND {FTS_TABLE}.rowid = top.id),
                substr(a.body, 1, 160) || '…') AS excerpt, a.url
FROM top CROSS JOIN articles a
WHERE a.id = top.id
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
    register_functions(conn)  # ranked_sql's lookup (muninews_pairs_expression): any connection will do
    cursor = conn.execute(ranked_sql(portal=portal is not None), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def rebuild(conn: sqlite3.Connection) -> None:
    """Rebuild both indexes from the articles, folded (after a bulk load with triggers off).

    Not FTS5's ``'rebuild'``: that would index the unfolded articles (see migration m007), and
    ``articles_pairs`` has no content to rebuild from (m016)."""
    register_functions(conn)
    columns = ", ".join(INDEX_COLUMNS)
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    conn.execute(f"INSERT INTO {FTS_TABLE}(rowid, {columns}) SELECT id, {indexed_values('articles')} FROM articles")
    if _has_pairs(conn):
        conn.execute(f"INSERT INTO {PAIRS_TABLE}({PAIRS_TABLE}) VALUES ('delete-all')")
        conn.execute(f"INSERT INTO {PAIRS_TABLE}(rowid, {', '.join(INDEXED)}) "
                     f"SELECT id, {pairs_values('articles')} FROM articles")


def _has_pairs(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (PAIRS_TABLE,)).fetchone() is not None


def optimize(conn: sqlite3.Connection) -> None:
    """Merge each index's segments into one (after a bulk load; a live index merges as it goes)."""
    for table in (FTS_TABLE, PAIRS_TABLE) if _has_pairs(conn) else (FTS_TABLE,):
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


@contextmanager
def index_suspended(conn: sqlite3.Connection) -> Iterator[None]:
    """Bulk-load articles without indexing them row by row: the index triggers are dropped for the
    duration, then both indexes are rebuilt once and the triggers restored (each step committed).

    The image-caption triggers stay on, so ``articles.captions`` stays right."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE ? OR name LIKE ?)",
        (f"{FTS_TABLE}%", f"{PAIRS_TABLE}%")).fetchall()
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
    """Raise sqlite3.DatabaseError if an index is damaged or disagrees with the articles.

    FTS5's check against the content table cannot be used (``articles_fts``'s is unfolded,
    ``articles_pairs`` has none), so each index's every token instance is compared with a fresh
    index of the folded rows built in memory. Reads the whole table: for tests and repairs, not for
    every open."""
    register_functions(conn)
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 0)")
    _compare(conn, FTS_TABLE, INDEX_COLUMNS, indexed_values("articles"), f"tokenize='{TOKENIZER}'")
    if _has_pairs(conn):
        conn.execute(f"INSERT INTO {PAIRS_TABLE}({PAIRS_TABLE}, rank) VALUES ('integrity-check', 0)")
        _compare(conn, PAIRS_TABLE, INDEXED, pairs_values("articles"), f"tokenize='{PAIRS_TOKENIZER}'")


def _compare(conn: sqlite3.Connection, live: str, indexed: tuple[str, ...], values: str, options: str) -> None:
    columns = ", ".join(indexed)
    conn.execute("DROP TABLE IF EXISTS temp.fts_check")
    conn.execute(f"CREATE VIRTUAL TABLE temp.fts_check USING fts5({columns}, {options})")
    try:
        conn.execute(f"INSERT INTO temp.fts_check(rowid, {columns}) SELECT id, {values} FROM articles")
        conn.execute("CREATE VIRTUAL TABLE temp.fts_check_v USING fts5vocab(temp, fts_check, instance)")
        conn.execute(f"CREATE VIRTUAL TABLE temp.fts_live_v USING fts5vocab(main, {live}, instance)")
        differ = sum(
            conn.execute(f"SELECT count(*) FROM (SELECT * FROM temp.{a} EXCEPT SELECT * FROM temp.{b})").fetchone()[0]
            for a, b in (("fts_live_v", "fts_check_v"), ("fts_check_v", "fts_live_v")))
        # EXCEPT compares sets: a row indexed twice holds the same instances twice
        differ += abs(conn.execute("SELECT (SELECT count(*) FROM temp.fts_live_v) - "
                                   "(SELECT count(*) FROM temp.fts_check_v)").fetchone()[0])
    finally:
        for table in ("fts_live_v", "fts_check_v", "fts_check"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    if differ:
        raise sqlite3.DatabaseError(f"{live} disagrees with articles on {differ} token instances")
