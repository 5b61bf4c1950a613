"""Migration 7: a search index Datasette and sqlite-utils recognise, and that folds đ for them too.

m006 declared ``articles_fts`` over the view ``articles_search``: plain ``datasette FILE`` and
``sqlite-utils search`` find a table's index by ``content="<table>"`` in its declaration, so they
saw none (``?_search=`` was ignored; "not configured for full-text search"). Now the index is
declared ``content="articles"`` (the view goes: it only projected articles' own columns, which
snippets read as written).

Those tools pass a typed đ through unfolded, while the index holds đ→d. A fourth indexed column,
``d_words``, holds each article's words that contain a đ, as written (``muninews_d_words()``, a
function every muninews connection registers; see ``crawler.storage.search``), so their
``"Đà" "Nẵng"`` matches. ``articles.d_words`` is a generated NULL column that takes no space: FTS5
needs a column of that name in its content table, the text itself lives in the index only.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

from crawler.storage.search import register_functions

FOLD = "replace(replace({x}, 'đ', 'd'), 'Đ', 'D')"
COLUMNS = ("title", "body", "captions")
TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")


def _values(row: str) -> str:
    folded = [FOLD.format(x=f"{row}.{c}") for c in COLUMNS]
    return ", ".join([*folded, f"muninews_d_words({', '.join(f'{row}.{c}' for c in COLUMNS)})"])


def migrate(db: sqlite_utils.Database) -> None:
    register_functions(db.conn)
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute("DROP VIEW IF EXISTS articles_search")
    db.execute("ALTER TABLE articles ADD COLUMN d_words TEXT GENERATED ALWAYS AS (NULL) VIRTUAL")
    columns = ", ".join([*COLUMNS, "d_words"])
    db.execute(
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5({columns}, content="articles", content_rowid="id",
            tokenize='unicode61 remove_diacritics 2')"""
    )
    # Default ranking (ORDER BY rank): a title hit weighs most, then captions, then body.
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 2.0, 1.0)')")
    db.execute(f"INSERT INTO articles_fts(rowid, {columns}) SELECT a.id, {_values('a')} FROM articles a")
    index_row = f"INSERT INTO articles_fts(rowid, {columns}) VALUES (new.id, {_values('new')});"
    drop_row = f"INSERT INTO articles_fts(articles_fts, rowid, {columns}) VALUES ('delete', old.id, {_values('old')});"
    triggers = {
        "articles_fts_insert": ("AFTER INSERT ON articles", index_row),
        "articles_fts_delete": ("AFTER DELETE ON articles", drop_row),
        "articles_fts_update": ("AFTER UPDATE OF title, body, captions ON articles", drop_row + index_row),
    }
    for name, (when, body) in triggers.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
