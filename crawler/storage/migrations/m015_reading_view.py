"""Migration 15: the analyst's reading view, and a story's first article as a foreign key.

``reading`` is the list `muninews serve` opens: one row per article with what a reader scans
(published, portal, title, author, a short excerpt: the lead when the page has one, else the
start of the text) and the id that links to the article's page,
where keys, hashes and layers are. It is a plain view over ``articles``: every other tool sees it
too, and it costs no space.

``stories.first_article_id`` now references ``articles(id)``, as ``articles.story_id`` references
``stories``, so Datasette links both ways. A story row is written just before its first article
(``crawler.storage.writer``), so the constraint is checked at commit (DEFERRABLE INITIALLY
DEFERRED). SQLite cannot add a constraint to a table in place and rebuilding ``stories`` would trip
the articles that reference it, so the declaration is amended in ``sqlite_master`` (the
documented ``writable_schema`` route for a change that alters no stored row) after checking that
every row already satisfies it.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

EXCERPT_CHARS = 200
ONE_LINE = "replace(replace({x}, char(10) || char(10), ' '), char(10), ' ')"  # paragraphs run on
TEXT = "coalesce(nullif(trim(lead), ''), body)"  # the lead (m010) when the page set one apart, else the text
READING_VIEW = f"""CREATE VIEW reading AS
SELECT id, published, portal, title, author,
       CASE WHEN length({TEXT}) > {EXCERPT_CHARS}
            THEN rtrim({ONE_LINE.format(x=f"substr({TEXT}, 1, {EXCERPT_CHARS})")}) || '…'
            ELSE {ONE_LINE.format(x=TEXT)} END AS excerpt
FROM articles"""
FIRST_ARTICLE = "[first_article_id] INTEGER"
REFERENCING = "[first_article_id] INTEGER REFERENCES [articles]([id]) DEFERRABLE INITIALLY DEFERRED"


def migrate(db: sqlite_utils.Database) -> None:
    db.execute(READING_VIEW)
    orphans = db.execute(
        "SELECT count(*) FROM stories s WHERE s.first_article_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.first_article_id)").fetchone()[0]
    if orphans:  # a story whose first article went: point it at an article it still has
        db.execute(
            """UPDATE stories SET first_article_id = (SELECT min(a.id) FROM articles a WHERE a.story_id = stories.id)
               WHERE first_article_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = stories.first_article_id)""")
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'stories'").fetchone()[0]
    if FIRST_ARTICLE not in sql:
        raise RuntimeError(f"m015: unexpected stories declaration: {sql}")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'stories'",
                   [sql.replace(FIRST_ARTICLE, REFERENCING, 1)])
        db.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    db.execute("PRAGMA writable_schema = RESET")  # this connection rereads the schema (others see the new version)
