"""Datasette plugin for `muninews serve`: read-only connections and readable article cells.

Loaded with ``--plugins-dir``; knows table and column names of the muninews schema, nothing of any
portal.
"""

from __future__ import annotations

from urllib.parse import urlencode

import markupsafe
from datasette import hookimpl

THUMBNAIL = '<a href="{url}"><img class="muninews-thumb" src="{url}" alt="{alt}" loading="lazy"></a>'


@hookimpl
def prepare_connection(conn, database, datasette):
    """Belt and braces on top of Datasette's ``mode=ro``: no statement may write the crawl database."""
    if database not in ("_internal", "_memory"):
        conn.execute("PRAGMA query_only = 1")


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
