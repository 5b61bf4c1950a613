"""Migration 2: full-text search on articles (title, body, photo captions), Vietnamese-aware.

The FTS5 index uses ``unicode61 remove_diacritics 2``, which folds case and tone marks
("NGÔ QUYỀN" -> "ngo quyen") but not đ, a letter of its own: "Đà Nẵng" indexes as "đa nang",
so "Da Nang" would miss it. Each column is therefore indexed twice when it holds a đ: once as
written and once with đ→d (``*_folded``, computed with ``replace()`` so that plain SQL, Datasette
and triggers need no custom function). A query with or without diacritics finds the article,
because its terms match one column or the other.

The index stores no copy of the text: its content table is the view ``articles_search`` over
``articles``, and triggers keep it in sync (a BEFORE trigger removes the old entry, read from the
view before the row changes; an AFTER trigger adds the new one). Captions live in the new column
``articles.captions``, kept by triggers on ``images``, so every indexed value comes from one row.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

FOLD = "replace(replace({x}, 'đ', 'd'), 'Đ', 'D')"
COLUMNS = "title, body, captions, title_folded, body_folded, captions_folded"


def _captions_of(article_id: str) -> str:
    return (
        "(SELECT group_concat(caption, char(10)) FROM (SELECT caption FROM images "
        f"WHERE article_id = {article_id} AND coalesce(caption, '') != '' ORDER BY position))"
    )


def _refresh_captions(article_id: str) -> str:
    """An UPDATE that rewrites one article's captions only when they changed (no needless reindex)."""
    captions = _captions_of(article_id)
    return f"UPDATE articles SET captions = {captions} WHERE id = {article_id} AND captions IS NOT {captions};"


def migrate(db: sqlite_utils.Database) -> None:
    if not db.conn.in_transaction:
        db.execute("BEGIN")  # DDL too: the whole migration lands or none of it does
    db.execute("ALTER TABLE articles ADD COLUMN captions TEXT")
    db.execute(f"UPDATE articles SET captions = {_captions_of('articles.id')}")
    folded = ", ".join(f"nullif({FOLD.format(x=c)}, {c}) AS {c}_folded" for c in ("title", "body", "captions"))
    db.execute(f"CREATE VIEW articles_search AS SELECT id, title, body, captions, {folded} FROM articles")
    db.execute(
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5({COLUMNS}, content='articles_search', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')"""
    )
    # Default ranking (ORDER BY rank): a title hit weighs most, then captions, then body.
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 2.0, 10.0, 1.0, 2.0)')")
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    index_row = f"INSERT INTO articles_fts(rowid, {COLUMNS}) SELECT id, {COLUMNS} FROM articles_search WHERE id = {{id}};"
    drop_row = (
        f"INSERT INTO articles_fts(articles_fts, rowid, {COLUMNS}) "
        f"SELECT 'delete', id, {COLUMNS} FROM articles_search WHERE id = {{id}};"
    )
    triggers = {
        "articles_fts_insert": ("AFTER INSERT ON articles", index_row.format(id="new.id")),
        "articles_fts_before_delete": ("BEFORE DELETE ON articles", drop_row.format(id="old.id")),
        "articles_fts_before_update": ("BEFORE UPDATE OF title, body, captions ON articles", drop_row.format(id="old.id")),
        "articles_fts_after_update": ("AFTER UPDATE OF title, body, captions ON articles", index_row.format(id="new.id")),
        "images_captions_insert": ("AFTER INSERT ON images", _refresh_captions("new.article_id")),
        "images_captions_delete": ("AFTER DELETE ON images", _refresh_captions("old.article_id")),
        "images_captions_update": (
            "AFTER UPDATE OF caption, position, article_id ON images",
            _refresh_captions("old.article_id") + _refresh_captions("new.article_id"),
        ),
    }
    for name, (when, body) in triggers.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
