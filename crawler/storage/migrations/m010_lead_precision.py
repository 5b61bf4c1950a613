"""Migration 10: the lead and the precision of the publication date (issue 18).

``articles.lead``: the standfirst a page sets apart above its body (Plone's description, a news
site's sapo), never part of ``body``; indexed for search like title, body and captions.
``articles.published_precision``: "minute" when the source stated a time of day, "day" when it
stated a date alone (``published`` then holds midnight, which means nothing); NULL for rows stored
before this version (nobody recorded it) and for articles without a date.
``article_versions`` keeps the lead an edit replaced.

The search index is declared again with a fifth column (lead, before ``d_words``) and refilled
from the articles; its triggers now also fire on a changed lead.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

from crawler.storage.search import register_functions

FOLD = "replace(replace({x}, 'đ', 'd'), 'Đ', 'D')"
COLUMNS = ("title", "body", "captions", "lead")
TRIGGERS = ("articles_fts_insert", "articles_fts_delete", "articles_fts_update")


def _values(row: str) -> str:
    folded = [FOLD.format(x=f"{row}.{c}") for c in COLUMNS]
    return ", ".join([*folded, f"muninews_d_words({', '.join(f'{row}.{c}' for c in COLUMNS)})"])


def migrate(db: sqlite_utils.Database) -> None:
    register_functions(db.conn)
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    db.execute("ALTER TABLE articles ADD COLUMN lead TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN published_precision TEXT")
    db.execute("ALTER TABLE article_versions ADD COLUMN lead TEXT")
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    columns = ", ".join([*COLUMNS, "d_words"])
    db.execute(
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5({columns}, content="articles", content_rowid="id",
            tokenize='unicode61 remove_diacritics 2')"""
    )
    # Default ranking (ORDER BY rank): a title hit weighs most, then captions and the lead, then body.
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 2.0, 2.0, 1.0)')")
    db.execute(f"INSERT INTO articles_fts(rowid, {columns}) SELECT a.id, {_values('a')} FROM articles a")
    index_row = f"INSERT INTO articles_fts(rowid, {columns}) VALUES (new.id, {_values('new')});"
    drop_row = f"INSERT INTO articles_fts(articles_fts, rowid, {columns}) VALUES ('delete', old.id, {_values('old')});"
    triggers = {
        "articles_fts_insert": ("AFTER INSERT ON articles", index_row),
        "articles_fts_delete": ("AFTER DELETE ON articles", drop_row),
        "articles_fts_update": ("AFTER UPDATE OF title, body, captions, lead ON articles", drop_row + index_row),
    }
    for name, (when, body) in triggers.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
