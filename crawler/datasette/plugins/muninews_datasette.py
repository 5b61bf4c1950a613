"""Datasette plugin for `muninews serve`: read-only connections, muninews search semantics, the
reading view and the article page.

Loaded with ``--plugins-dir``; knows table and column names of the muninews schema, nothing of any
portal. The SQL lives in ``crawler.storage.reading`` and ``crawler.storage.search``.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode

import markupsafe
from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args, tilde_encode
from datasette.utils.asgi import Response

from crawler.storage import reading
from crawler.storage.db import readonly_uri
from crawler.storage.search import match_expression, register_functions

THUMBNAIL = '<a href="{url}"><img class="muninews-thumb" src="{url}" alt="{alt}" loading="lazy"></a>'
# Columns that hold a URL-shaped key nobody serves (normalised for de-duplication): text, not links.
KEY_COLUMNS = {"url_key"}


@hookimpl(trylast=True)
def prepare_connection(conn, database, datasette):
    """Read-only connections with muninews search semantics.

    ``PRAGMA query_only``: belt and braces on top of Datasette's ``mode=ro``, no statement may write
    the crawl database. ``escape_fts``: Datasette's search box and the canned queries call
    ``escape_fts(:q)``; it becomes ``crawler.storage.search.match_expression`` (typed words are one phrase,
    đ folded like the index); ``muninews_pairs_expression`` (the canned query's lookup in the index
    of syllable pairs, ``crawler.storage.search.lookup``). ``trylast`` so that this replaces Datasette's own definition, which
    is registered by a hook implementation of its own.
    """
    if database not in ("_internal", "_memory"):
        conn.execute("PRAGMA query_only = 1")
        cache = _match_cache(datasette.get_database(database)) if datasette is not None else None
        if cache is not None:
            conn.create_function(reading.MATCHES_FUNCTION, 2, cache.sql_function)
    register_functions(conn)  # muninews_pairs_expression: the ranked search's lookup in articles_pairs (m016)
    conn.create_function("escape_fts", 1, lambda query: match_expression(query or ""), deterministic=True)


_MATCH_CACHES: dict[str, reading.MatchCache] = {}


def _match_cache(db) -> reading.MatchCache | None:
    """One ``reading.MatchCache`` per database file, opened as Datasette opened it (mode=ro, or
    immutable)."""
    if not getattr(db, "path", None):
        return None
    if db.path not in _MATCH_CACHES:
        _MATCH_CACHES[db.path] = reading.MatchCache(readonly_uri(db.path, immutable=not db.is_mutable))
    return _MATCH_CACHES[db.path]


@hookimpl
def asgi_wrapper(datasette):
    """An empty search box means no search: ``?_search=`` (or only spaces) redirects to the same
    page without it, on every table (Datasette would search for nothing and list no row)."""

    def wrap(app):
        async def without_blank_search(scope, receive, send):
            if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
                pairs = parse_qsl(scope["query_string"].decode("utf-8", "replace"), keep_blank_values=True)
                kept = [(k, v) for k, v in pairs if not (k.startswith("_search") and reading.is_blank(v))]
                if len(kept) != len(pairs):
                    location = quote(scope.get("root_path", "") + scope["path"]) + ("?" + urlencode(kept) if kept else "")
                    await Response.redirect(location).asgi_send(send)
                    return
            await app(scope, receive, send)

        return without_blank_search

    return wrap


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """The reading view's search (``?_search=``): the newest ``reading.SEARCH_CAP`` matches at most.

    ``trylast``: this runs after Datasette's own search filter (which finds no index for a view and
    would hide the search box), so the box shows and holds the query."""
    if table != reading.READING_VIEW:
        return None

    async def inner():
        query = request.args.get("_search", "")
        if reading.is_blank(query):
            return FilterArguments([], extra_context={"supports_search": True, "search": ""})
        cap = reading.SEARCH_CAP
        db = datasette.get_database(database)
        found = (await db.execute(f"SELECT {reading.MATCHES_FUNCTION}(:q, :n)",
                                  {"q": match_expression(query), "n": cap + 1})).first()[0]
        capped = len(json.loads(found)) > cap  # one more than the cap asked: do more match?
        return FilterArguments(
            [reading.SEARCH_CLAUSE], reading.search_params(query), [reading.describe_search(query, capped, cap)],
            extra_context={"supports_search": True, "search": query, "muninews_search_capped": capped},
        )

    return inner


class CountedFacet(ColumnFacet):
    """The reading view's portal and author facets (``facets: [{counted: portal}, …]`` in the
    metadata): read from the kept counts (``reading_counts``, m016) when the list is filtered by
    nothing but a portal or an author (``reading.counted_filters``), instead of grouping every
    listed article (a million: 100–160 ms a facet, beyond the facet time limit); within a search or
    any other filter, Datasette's own column facet. Same values, counts, links and order."""

    type = "counted"

    async def facet_results(self):
        filters = reading.counted_filters(self.get_querystring_pairs()) if self.table == reading.READING_VIEW else None
        configs = self.get_configs()
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        if filters is None or any(c not in reading.COUNTED for c in columns):
            return await super().facet_results()
        qs_pairs, size, results = self.get_querystring_pairs(), self.get_facet_size(), []
        db = self.ds.get_database(self.database)
        for config, column in zip(configs, columns):
            sql, params = reading.counted_facet_sql(column, filters, size + 1)
            found = list(await db.execute(sql, params))
            values = []
            for row in found[:size]:
                selected = (column, str(row["value"])) in qs_pairs
                path = (path_with_removed_args(self.request, {column: str(row["value"])}) if selected
                        else path_with_added_args(self.request, {column: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                               "selected": selected})
            results.append({
                "name": column, "type": self.type, "hideable": config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_counted": column})),
                "results": values, "truncated": len(found) > size,
            })
        return results, []


@hookimpl
def register_facet_classes():
    return [CountedFacet]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column in KEY_COLUMNS and isinstance(value, str):
        return markupsafe.Markup('<span class="muninews-key">{}</span>').format(value)
    if table == reading.READING_VIEW and column in ("title", "id") and "id" in row.keys() and row["id"] is not None:
        href = datasette.urls.row(database, "articles", str(row["id"]))
        return markupsafe.Markup('<a href="{href}">{text}</a>').format(href=href, text=value if value is not None else "")
    if table == "articles" and column == "url" and value:
        return _article_links(row, value, database, datasette)
    if table == "images" and column == "url" and value:
        if not reading.is_web_image(value):
            return markupsafe.Markup('<span class="muninews-key">{}</span>').format(value)
        caption = row["caption"] if "caption" in row.keys() else ""
        return markupsafe.Markup(THUMBNAIL.format(url=markupsafe.escape(value), alt=markupsafe.escape(caption or "")))
    if table and isinstance(value, (int, str)) and not isinstance(value, bool) and value != "":
        return _foreign_key_link(value, column, table, database, datasette)
    return None


_FOREIGN_KEYS: dict[tuple[str, str], dict[str, str]] = {}  # (database, table) -> {column: other table}


async def _foreign_key_link(value, column, table, database, datasette):
    """A declared foreign key as a link on a row page, where Datasette prints the bare value (its
    table pages expand keys themselves and pass a label, not a plain value). The keys of each table
    are read once per process: a page renders hundreds of cells."""
    key = (database, table)
    if key not in _FOREIGN_KEYS:
        fks = await datasette.get_database(database).foreign_keys_for_table(table)
        _FOREIGN_KEYS[key] = {fk["column"]: fk["other_table"] for fk in fks}
    other = _FOREIGN_KEYS[key].get(column)
    if other is None:
        return None
    href = datasette.urls.row(database, other, tilde_encode(str(value)))
    return markupsafe.Markup('<a class="muninews-fk" href="{href}">{value}</a>').format(href=href, value=value)


def _article_links(row, url: str, database: str, datasette) -> markupsafe.Markup | None:
    """The source page and the article's images, from every article row."""
    if "id" not in row.keys():
        return None
    images = datasette.urls.table(database, "images") + "?" + urlencode({"article_id": row["id"]})
    return markupsafe.Markup(
        '<a href="{url}" title="{url}">source page ↗</a> · <a class="muninews-images" href="{images}">images</a>'
    ).format(url=url, images=images)


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    """An article's page (``/DB/articles/ID``) gets ``muninews_article``: its headline, date,
    portal, authors, lead when the schema has one, photos with captions, and the same story on
    other portals (``crawler.storage.reading``)."""
    if view_name != "row" or table != "articles" or request is None:
        return {}

    async def inner():
        try:
            article_id = int(request.url_vars["pks"])
        except (KeyError, ValueError):
            return {}
        db = datasette.get_database(database)
        found = (await db.execute("SELECT * FROM articles WHERE id = :id", {"id": article_id})).first()
        if found is None:
            return {}
        article = dict(found)
        images = [dict(r) for r in await db.execute(reading.IMAGES_SQL, {"id": article_id})
                  if reading.is_web_image(r["url"])]
        copies = [dict(r) for r in await db.execute(reading.COPIES_SQL, {"story": article.get("story_id"), "id": article_id})]
        portal = (await db.execute(reading.PORTAL_SQL, {"portal": article["portal"]})).first()
        try:
            authors = [a for a in json.loads(article.get("authors") or "[]") if isinstance(a, str) and a.strip()]
        except ValueError:
            authors = []
        urls = datasette.urls
        return {"muninews_article": {
            **article,
            "authors_list": authors or [a.strip() for a in (article.get("author") or "").split(",") if a.strip()],
            "paragraphs": [p.strip() for p in (article.get("body") or "").split("\n\n") if p.strip()],
            "portal_title": portal["title"] if portal and portal["title"] else article["portal"],
            "portal_href": urls.row(database, "portals", tilde_encode(article["portal"])),
            "portal_articles_href": urls.table(database, reading.READING_VIEW) + "?" + urlencode({"portal": article["portal"]}),
            "story_href": urls.row(database, "stories", str(article["story_id"])) if article.get("story_id") else None,
            "images": images,
            "copies": [{**c, "href": urls.row(database, "articles", str(c["id"]))} for c in copies],
        }}

    return inner
