"""Migration 6: a search index half the size, with the đ folded once, on both sides.

m002 indexed every column twice when it held a đ (as written, and with đ→d), so that a query with
or without the đ matched one copy or the other. At 1,000,000 articles that doubled the index and
every query's work. Now the index holds only the folded text: ``replace()`` turns đ/Đ into d/D
before tokenizing, and ``unicode61 remove_diacritics 2`` folds case and tone marks as before. The
query is folded the same way (``crawler.storage.search.fold``; Datasette's ``escape_fts()`` is replaced by
the muninews plugin), so "Đà Nẵng", "Da Nang" and "da nẵng" all search for ``da nang``.

The content view ``articles_search`` shows the text as written: snippets and highlights read it,
and folding đ→d never moves a token boundary, so they mark the right words in readable text. The
consequence: FTS5's own ``'rebuild'`` command would index the unfolded view. Rebuild with
``crawler.storage.search.rebuild()`` (delete-all, then insert the folded rows), never ``'rebuild'``.
The image-caption triggers of m002 stay as they are.

Also ``idx_articles_id_portal`` (id, portal): counting matches by portal (Datasette's portal facet
within a search, ``WHERE id IN (matches)``) reads this small covering index instead of the wide
article rows.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

FOLD = "replace(replace({x}, 'đ', 'd'), 'Đ', 'D')"
COLUMNS = ("title", "body", "captions")
OLD_TRIGGERS = ("articles_fts_insert", "articles_fts_before_delete", "articles_fts_before_update",
                "articles_fts_after_update")


def _folded(row: str) -> str:
    return ", ".join(FOLD.format(x=f"{row}.{c}") for c in COLUMNS)


def migrate(db: sqlite_utils.Database) -> None:
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    for name in OLD_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute("DROP VIEW IF EXISTS articles_search")
    columns = ", ".join(COLUMNS)
    db.execute(f"CREATE VIEW articles_search AS SELECT id, {columns} FROM articles")
    db.execute(
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5({columns}, content='articles_search', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')"""
    )
    # Default ranking (ORDER BY rank): a title hit weighs most, then captions, then body.
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 2.0)')")
    db.execute(f"INSERT INTO articles_fts(rowid, {columns}) SELECT a.id, {_folded('a')} FROM articles a")
    index_row = f"INSERT INTO articles_fts(rowid, {columns}) VALUES (new.id, {_folded('new')});"
    drop_row = f"INSERT INTO articles_fts(articles_fts, rowid, {columns}) VALUES ('delete', old.id, {_folded('old')});"
    triggers = {
        "articles_fts_insert": ("AFTER INSERT ON articles", index_row),
        "articles_fts_delete": ("AFTER DELETE ON articles", drop_row),
        "articles_fts_update": ("AFTER UPDATE OF title, body, captions ON articles", drop_row + index_row),
    }
    for name, (when, body) in triggers.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    db.execute("CREATE INDEX idx_articles_id_portal ON articles(id, portal)")
