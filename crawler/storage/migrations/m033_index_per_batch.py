"""Migration 33: the crawl's writer fills both search indexes once per batch, not row by row (issue 17).

The triggers that index a new article (``articles_fts_insert``, m010; ``articles_pairs_insert``,
m016) fire only when ``muninews_index_rows()`` says so. Every muninews connection registers it
as 1 (``crawler.storage.search.register_functions``), so any writer that inserts articles (a
script, a test, ``crawler.storage.search.index_suspended``'s callers) gets them indexed row by row
as before. The crawl's single writer (``crawler.storage.writer.Storage``) registers it as 0 on its
own connection and indexes the batch's new articles itself, with one ``INSERT … SELECT`` per index,
in the same transaction, just before the batch commits: a committed article is always searchable,
with exactly the index rows the triggers gave. The triggers on update and delete are unchanged.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

from crawler.storage.search import register_functions

FOLD = "replace(replace({x}, 'đ', 'd'), 'Đ', 'D')"
COLUMNS = ("title", "body", "captions", "lead")
WHEN = "WHEN muninews_index_rows()"


def _fts_values(row: str) -> str:  # as m010's triggers
    folded = [FOLD.format(x=f"{row}.{c}") for c in COLUMNS]
    return ", ".join([*folded, f"muninews_d_words({', '.join(f'{row}.{c}' for c in COLUMNS)})"])


def _pairs_values(row: str) -> str:  # as m016's triggers
    return ", ".join(f"muninews_pairs({FOLD.format(x=f'{row}.{c}')})" for c in COLUMNS)


def migrate(db: sqlite_utils.Database) -> None:
    register_functions(db.conn)
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    columns = ", ".join(COLUMNS)
    triggers = {
        "articles_fts_insert": f"INSERT INTO articles_fts(rowid, {columns}, d_words) VALUES (new.id, {_fts_values('new')});",
        "articles_pairs_insert": f"INSERT INTO articles_pairs(rowid, {columns}) VALUES (new.id, {_pairs_values('new')});",
    }
    for name, body in triggers.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(f"CREATE TRIGGER {name} AFTER INSERT ON articles {WHEN} BEGIN {body} END")
