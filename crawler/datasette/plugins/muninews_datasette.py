"""Datasette plugin for `muninews serve`: read-only connections, muninews search semantics and
readable article cells.

Loaded with ``--plugins-dir``; knows table and column names of the muninews schema, nothing of any
portal.
"""

from __future__ import annotations

from urllib.parse import urlencode

import markupsafe
from datasette import hookimpl

from crawler.storage.search import match_expression

THUMBNAIL = '<a href="{url}"><img class="muninews-thumb" src="{url}" alt="{alt}" loading="lazy"></a>'


@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    """Read-only connections with muninews search semantics.

    ``PRAGMA query_only``: belt and braces on top of Datasette's ``mode=ro``, no statement may write
    the crawl database. ``escape_fts``: Datasette's search box and the canned queries call
    ``escape_fts(:q)``; it becomes ``crawler.storage.search.match_expression`` (typed words are one phrase,
    đ folded like the index). ``trylast`` so that this replaces Datasette's own definition, which
    is registered by a hook implementation of its own.
    """
    if database not in ("_internal", "_memory"):
        conn.execute("PRAGMA query_only = 1")
    conn.create_function("escape_fts", 1, lambda query: match_expression(query or ""), deterministic=True)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table == "articles" and column == "url" and value:
        return _article_links(row, value, database, datasette)
    if table == "images" and column == "url" and value:
        caption = row["caption"] if "caption" in row.keys() else ""
        return markupsafe.Markup(THUMBNAIL.format(url=markupsafe.escape(value), alt=markupsafe.escape(caption or "")))
    return None


def _article_links(row, url: str, database: str, datasette) -> markupsafe.Markup | None:
    """The source page and the article's images, from every article row."""
    if "id" not in row.keys():
        return None
    images = datasette.urls.table(database, "images") + "?" + urlencode({"article_id": row["id"]})
    return markupsafe.Markup(
        '<a href="{url}" title="{url}">source page ↗</a> · <a class="muninews-images" href="{images}">images</a>'
    ).format(url=url, images=images)
