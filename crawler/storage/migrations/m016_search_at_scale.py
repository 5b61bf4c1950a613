"""Migration 16: the reading view at a million articles (issue 16): a second search index, of
adjacent syllable pairs, and kept counts of articles per portal and author for the list's facets.

**Syllable pairs.**

``articles_pairs`` holds, for title, body, captions and lead, every pair of adjacent syllables as
one token (``Ngô_Quyền``; ``crawler.storage.pairs``), folded like ``articles_fts`` (đ by
``replace()``, case and tone marks by its tokenizer, which keeps ``_`` inside a token). A phrase of
two syllables or more is looked up there as the phrase of its pairs: the same rows as in
``articles_fts``, but the doclists walked are the pairs', about as short as the phrase's own
matches, instead of its syllables' (each common syllable is in about half the articles). Single
syllables, the snippets and the plain tools (``datasette FILE``, ``sqlite-utils search``) stay on
``articles_fts``, which is unchanged.

Contentless (``content=''``: the pairs are nowhere else; its column sizes are kept, so the plain
tools can still count and scan it), so a row is removed by the ``'delete'`` command with the values it was indexed
with: ``muninews_pairs()`` recomputes them from the old row. Built here from the existing articles.

**Counts for the facets.** ``reading_counts`` holds how many articles each (portal, author) has
(``authored`` 0 with author '' for the articles without one), ``reading_counts_portal`` and
``reading_counts_author`` the totals per portal and per author, kept by triggers on ``articles``.
The reading view's portal and author facets read them when the list is filtered by nothing but a
portal or an author (``crawler.storage.reading.counted_facet_sql``): a few hundred rows instead of
grouping a million articles (100–160 ms each, beyond the facet time limit, so the list showed no
facets). Built here from the existing articles.
Frozen once released: never edit, add a migration.
"""

from __future__ import annotations

import sqlite_utils

from crawler.storage.search import register_functions

FOLD = "replace(replace({x}, 'đ', 'd'), 'Đ', 'D')"
COLUMNS = ("title", "body", "captions", "lead")
TOKENIZER = "unicode61 remove_diacritics 2 tokenchars ''_''"  # inside the declaration's quotes: '_'


def _values(row: str) -> str:
    return ", ".join(f"muninews_pairs({FOLD.format(x=f'{row}.{c}')})" for c in COLUMNS)


def migrate(db: sqlite_utils.Database) -> None:
    register_functions(db.conn)
    if not db.conn.in_transaction:
        db.execute("BEGIN")
    columns = ", ".join(COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE articles_pairs USING fts5({columns}, content='', "
               f"tokenize='{TOKENIZER}')")
    db.execute(f"INSERT INTO articles_pairs(rowid, {columns}) SELECT a.id, {_values('a')} FROM articles a")
    index_row = f"INSERT INTO articles_pairs(rowid, {columns}) VALUES (new.id, {_values('new')});"
    drop_row = f"INSERT INTO articles_pairs(articles_pairs, rowid, {columns}) VALUES ('delete', old.id, {_values('old')});"
    triggers = {
        "articles_pairs_insert": ("AFTER INSERT ON articles", index_row),
        "articles_pairs_delete": ("AFTER DELETE ON articles", drop_row),
        "articles_pairs_update": ("AFTER UPDATE OF title, body, captions, lead ON articles", drop_row + index_row),
    }
    for name, (when, body) in triggers.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    _counts(db)


# The kept counts: per (portal, author), per portal, per author. (table, its key columns, their
# values for a row of articles: "{r}" is new or old)
COUNTS = (
    ("reading_counts", ("portal", "authored", "author"), ("{r}.portal", "{r}.author IS NOT NULL", "coalesce({r}.author, '')")),
    ("reading_counts_portal", ("portal",), ("{r}.portal",)),
    ("reading_counts_author", ("authored", "author"), ("{r}.author IS NOT NULL", "coalesce({r}.author, '')")),
)
TYPES = {"portal": "TEXT", "authored": "INTEGER", "author": "TEXT"}


def _counts(db: sqlite_utils.Database) -> None:
    add, remove = [], []
    for table, keys, values in COUNTS:
        declared = ", ".join(f"{k} {TYPES[k]} NOT NULL" for k in keys)
        db.execute(f"CREATE TABLE {table} ({declared}, articles INTEGER NOT NULL, PRIMARY KEY ({', '.join(keys)})) "
                   "WITHOUT ROWID")
        grouped = ", ".join(v.format(r="a") for v in values)
        db.execute(f"INSERT INTO {table} SELECT {grouped}, count(*) FROM articles a "
                   f"GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}")
        new = ", ".join(v.format(r="new") for v in values)
        add.append(f"INSERT INTO {table}({', '.join(keys)}, articles) VALUES ({new}, 1) "
                   f"ON CONFLICT({', '.join(keys)}) DO UPDATE SET articles = articles + 1;")
        where = " AND ".join(f"{k} = ({v.format(r='old')})" for k, v in zip(keys, values))
        remove.append(f"UPDATE {table} SET articles = articles - 1 WHERE {where}; "
                      f"DELETE FROM {table} WHERE {where} AND articles <= 0;")
    triggers = {
        "reading_counts_insert": ("AFTER INSERT ON articles", " ".join(add)),
        "reading_counts_delete": ("AFTER DELETE ON articles", " ".join(remove)),
        "reading_counts_update": ("AFTER UPDATE OF portal, author ON articles", " ".join(remove + add)),
    }
    for name, (when, body) in triggers.items():
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
