"""Migration 11: an article's captions are written once per article, not rebuilt per image row.

m002's triggers on ``images`` rebuilt ``articles.captions`` (a ``group_concat`` over all the
article's images) and re-indexed it in ``articles_fts`` after every inserted, deleted or changed
image row: an article with n captioned photos cost n rebuilds of a growing text, quadratic (one
page with 10,000 captioned photos stalled a crawl for 187 s). The triggers go; the writer
(``crawler.storage.writer.Storage``) writes ``articles.captions`` itself, once, with the article's
images, in the same transaction, so the committed rows are what the triggers gave. Rows already
stored keep their captions. An analyst who edits ``images`` by hand updates ``articles.captions``
too (``crawler.storage.writer.captions_text`` says how they are joined).
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

TRIGGERS = ("images_captions_insert", "images_captions_delete", "images_captions_update")


def migrate(db: sqlite_utils.Database) -> None:
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
