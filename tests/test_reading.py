"""The reading view of `muninews serve`, driven in process (the same Datasette object `serve` runs:
metadata, plugin, templates, settings) on a crawl of the replica: the article list, the bounded
search, the article page, hidden internal tables, key columns as text, the story links."""

from __future__ import annotations

import asyncio
from pathlib import Path

import lxml.html
import pytest
from conftest import rows

from crawler.commands.serve import datasette_app
from crawler.storage.db import open_db
from crawler.storage import reading
from crawler.storage.search import match_expression

DB = "muninews"  # the file below is muninews.db


@pytest.fixture(scope="module")
def db(crawled) -> Path:
    """The module's crawl, plus one image that must never be shown (not http(s))."""
    conn = open_db(crawled).conn
    with conn:
        conn.execute("INSERT INTO images(article_id, position, url, caption) SELECT min(article_id), 99, "
                     "'javascript:alert(1)', 'never shown' FROM images")
        conn.execute("INSERT INTO images(article_id, position, url, caption) SELECT min(article_id), 98, "
                     "'data:image/png;base64,AAAA', 'nor this' FROM images")
        conn.execute("UPDATE articles SET lead = 'Tóm tắt của bài.' WHERE id = (SELECT min(article_id) FROM images)")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return crawled


@pytest.fixture(scope="module")
def get(db):
    app = datasette_app(db)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(app.invoke_startup())

    def fetch(path: str):
        return loop.run_until_complete(app.client.get(path))

    yield fetch
    loop.close()


def html(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return lxml.html.fromstring(response.text)


def matches(db: Path, query: str) -> list[int]:
    """Every article the query matches, newest stored first, from the index itself."""
    return [r[0] for r in rows(db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC",
                               (match_expression(query),))]


def test_the_list_shows_what_a_reader_scans_newest_first_and_links_each_article(db, get):
    data = get(f"/{DB}/reading.json?_shape=objects&_size=max").json()
    assert data["columns"] == ["id", "published", "portal", "title", "author", "excerpt"]
    expected = rows(db, "SELECT id, published FROM articles ORDER BY published DESC LIMIT 50")
    assert [r["published"] for r in data["rows"][:50]] == [r["published"] for r in expected]  # newest first
    assert data["filtered_table_rows_count"] == rows(db, "SELECT count(*) FROM articles")[0][0]
    for row in data["rows"]:
        assert len(row["excerpt"]) <= reading_excerpt_limit() and "\n" not in row["excerpt"]
    page = html(get(f"/{DB}/reading"))
    first = page.cssselect("table.rows-and-columns tbody tr")[0]
    link = first.cssselect("td.col-title a")[0]
    assert link.get("href") == f"/{DB}/articles/{first.cssselect('td.col-id')[0].text_content().strip()}"
    assert first.cssselect("td.col-published")[0].text_content().strip() == expected[0]["published"]
    assert page.cssselect("input[name=_search]"), "the search box is shown"
    assert {f.get("data-column") for f in page.cssselect(".facet-info")} == {"portal", "author"}


def facet(data: dict, column: str) -> dict:
    return {v["value"]: v["count"] for v in data["facet_results"][column]["results"]}


def grouped(db: Path, column: str, where: str = "", params: tuple = ()) -> dict:
    """Datasette's own facet over the articles: the 30 commonest values, NULL left out."""
    sql = (f"SELECT {column}, count(*) FROM articles WHERE {column} IS NOT NULL {where} GROUP BY {column} "
           f"ORDER BY count(*) DESC, {column} LIMIT 30")
    return {r[0]: r[1] for r in rows(db, sql, params)}


def test_the_lists_facets_read_the_kept_counts_and_agree_with_the_articles(db, get, tmp_path):
    """Without a search the portal and author facets come from reading_counts (m016): the same counts
    as grouping the articles, on the list and on a list of one portal or one author; the counts
    follow inserts, edits and deletions."""
    data = get(f"/{DB}/reading.json?_facet_size=30").json()
    assert facet(data, "portal") == grouped(db, "portal") and facet(data, "author") == grouped(db, "author")
    portal = next(iter(grouped(db, "portal")))
    author = next(iter(grouped(db, "author")))
    data = get(f"/{DB}/reading.json?_facet_size=30&portal={portal}").json()
    assert facet(data, "author") == grouped(db, "author", "AND portal = ?", (portal,))
    assert data["filtered_table_rows_count"] == sum(grouped(db, "portal", "AND portal = ?", (portal,)).values())
    data = get(f"/{DB}/reading.json?_facet_size=30&author__exact={author}").json()
    assert facet(data, "portal") == grouped(db, "portal", "AND author = ?", (author,))
    assert reading.counted_filters([("portal", "p"), ("_sort", "title")]) == {"portal": "p"}
    for other in ([("title__contains", "x")], [("_search", "Ngô")], [("_where", "1")], [("portal", "a"), ("portal", "b")]):
        assert reading.counted_filters(other) is None  # Datasette's own facet over the listed rows

    copy = tmp_path / "counts.db"
    copy.write_bytes(db.read_bytes())
    conn = open_db(copy).conn
    with conn:
        conn.execute("UPDATE articles SET author = 'Người Mới' WHERE id IN (SELECT id FROM articles LIMIT 3)")
        conn.execute("UPDATE articles SET author = NULL WHERE id IN (SELECT id FROM articles LIMIT 2 OFFSET 5)")
        conn.execute("UPDATE articles SET portal = (SELECT max(name) FROM portals) WHERE id = (SELECT max(id) FROM articles)")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        deleted = conn.execute("DELETE FROM articles WHERE id = (SELECT min(id) FROM articles WHERE id NOT IN (SELECT article_id FROM images) "
                     "AND id NOT IN (SELECT coalesce(first_article_id, 0) FROM stories) AND id NOT IN "
                     "(SELECT coalesce(article_id, 0) FROM pages) AND id NOT IN (SELECT article_id FROM article_urls))").rowcount
        if not deleted:  # every article is referenced: delete one with what refers to it
            victim = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
            for table, column in (("images", "article_id"), ("article_urls", "article_id"), ("article_versions", "article_id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (victim,))
            conn.execute("UPDATE pages SET article_id = NULL WHERE article_id = ?", (victim,))
            conn.execute("UPDATE stories SET first_article_id = NULL WHERE first_article_id = ?", (victim,))
            deleted = conn.execute("DELETE FROM articles WHERE id = ?", (victim,)).rowcount
        assert deleted == 1
    kept = sorted(conn.execute("SELECT portal, authored, author, articles FROM reading_counts"))
    assert kept == sorted(conn.execute("SELECT portal, author IS NOT NULL, coalesce(author, ''), count(*) FROM articles "
                                       "GROUP BY 1, 2, 3"))
    assert sorted(conn.execute("SELECT * FROM reading_counts_portal")) == sorted(
        conn.execute("SELECT portal, count(*) FROM articles GROUP BY 1"))
    assert sorted(conn.execute("SELECT * FROM reading_counts_author")) == sorted(
        conn.execute("SELECT author IS NOT NULL, coalesce(author, ''), count(*) FROM articles GROUP BY 1, 2"))
    assert ("Người Mới",) in {(r[2],) for r in kept}
    conn.close()


def reading_excerpt_limit() -> int:
    from crawler.storage.migrations.m015_reading_view import EXCERPT_CHARS
    return EXCERPT_CHARS + 1  # and the ellipsis


@pytest.mark.parametrize("words, spelled", [("Ngo Quyen", "Ngô Quyền"), ("Ngô Quyền", "Ngô Quyền"),
                                            ("dang uy", "Đảng ủy"), ("Đảng ủy", "Đảng ủy")])
def test_search_with_and_without_diacritics_is_exact_below_the_cap(db, get, words, spelled):
    expected = matches(db, words)
    assert 0 < len(expected) <= reading.SEARCH_CAP
    data = get(f"/{DB}/reading.json?_shape=objects&_size=max&_search={words}").json()
    assert data["filtered_table_rows_count"] == len(expected)
    assert {r["id"] for r in data["rows"]} == set(expected)
    published = [r["published"] for r in data["rows"]]
    assert published == sorted(published, reverse=True)
    page = html(get(f"/{DB}/reading?_search={words}"))
    assert page.cssselect("input[name=_search]")[0].get("value") == words
    heading = page.cssselect("h3")[0].text_content()
    assert heading.split()[0] == f"{len(expected):,}" and "more than" not in heading


@pytest.mark.parametrize("typed", ['"', "*", "'", "(", 'NEAR(', '"Ngô Quyền', "Ngô Quyền'*", "title:", "AND OR NOT"])
def test_punctuation_and_operators_are_literal_and_never_an_error(db, get, typed):
    page = html(get(f"/{DB}/reading?_search={typed}"))
    expected = matches(db, typed) if match_expression(typed) != '""' else []
    assert int(page.cssselect("h3")[0].text_content().split()[0].replace(",", "")) == len(expected)
    assert not page.cssselect(".message-error")


def test_an_empty_search_box_is_no_filter(db, get):
    for blank in ("", "%20%20"):
        response = get(f"/{DB}/reading?_search={blank}&portal=replica-city")
        assert response.status_code == 302 and response.headers["location"] == f"/{DB}/reading?portal=replica-city"
    total = rows(db, "SELECT count(*) FROM articles")[0][0]
    assert get(f"/{DB}/articles?_search=").headers["location"] == f"/{DB}/articles"  # the table too
    assert get(f"/{DB}/reading.json?_shape=objects").json()["filtered_table_rows_count"] == total


def test_a_search_beyond_the_cap_keeps_its_newest_matches_and_says_so(db, get, monkeypatch):
    """With the cap at 10: the 10 newest matches are listed, counted and faceted; the page says more match."""
    monkeypatch.setattr(reading, "SEARCH_CAP", 10)
    expected = matches(db, "Hai Phong")
    assert len(expected) > 10
    data = get(f"/{DB}/reading.json?_shape=objects&_size=max&_search=Hai+Phong").json()
    assert data["filtered_table_rows_count"] == 10 and {r["id"] for r in data["rows"]} == set(expected[:10])
    page = html(get(f"/{DB}/reading?_search=Hai+Phong"))
    assert "more than 10 articles match" in page.cssselect("h3")[0].text_content()
    portal_facet = {li.cssselect("a")[0].text_content(): int(li.text_content().split()[-1])
                    for li in page.cssselect(".facet-info[data-column=portal] li")}
    assert sum(portal_facet.values()) == 10
    # a facet value within the capped search lists exactly what the facet counted
    portal, count = next(iter(portal_facet.items()))
    within = get(f"/{DB}/reading.json?_shape=objects&_search=Hai+Phong&portal={portal}").json()
    assert within["filtered_table_rows_count"] == count


def test_the_article_page_is_headed_by_its_headline_with_photos_captions_and_the_story(db, get):
    [story] = rows(db, "SELECT story_id FROM articles GROUP BY story_id HAVING count(DISTINCT portal) > 1 LIMIT 1")
    article = rows(db, "SELECT * FROM articles WHERE story_id = ? ORDER BY id LIMIT 1", (story[0],))[0]
    page = html(get(f"/{DB}/articles/{article['id']}"))
    assert page.cssselect("h1")[0].text_content().strip() == article["title"]
    assert page.cssselect("title")[0].text_content().startswith(article["title"])
    meta = page.cssselect("p.muninews-meta")[0].text_content()
    portal_title = rows(db, "SELECT title FROM portals WHERE name = ?", (article["portal"],))[0][0]
    assert article["published"].replace("T", " ") in meta and portal_title in meta
    assert [a.text_content() for a in page.cssselect(".muninews-author")] == __import__("json").loads(article["authors"])
    images = rows(db, "SELECT url, caption FROM images WHERE article_id = ? AND url LIKE 'http%' ORDER BY position",
                  (article["id"],))
    figures = page.cssselect("figure.muninews-photo")
    assert [f.cssselect("img")[0].get("src") for f in figures] == [i["url"] for i in images]
    assert [(f.cssselect("figcaption") or [None])[0] is not None and f.cssselect("figcaption")[0].text_content().strip()
            or None for f in figures] == [i["caption"] or None for i in images]
    others = rows(db, "SELECT id FROM articles WHERE story_id = ? AND id != ?", (story[0], article["id"]))
    assert {a.get("href") for a in page.cssselect("ul.muninews-copies a")} == {f"/{DB}/articles/{o[0]}" for o in others}
    assert page.cssselect("a.muninews-story-link")[0].get("href") == f"/{DB}/stories/{story[0]}"
    columns = page.cssselect("details.muninews-all-columns")[0]
    assert columns.cssselect("td.col-content_hash") and columns.cssselect("td.col-layers")  # one click away


def test_only_web_images_are_shown(db, get):
    [[article]] = rows(db, "SELECT article_id FROM images WHERE position = 99")
    page = html(get(f"/{DB}/articles/{article}"))
    figures = page.cssselect("figure.muninews-photo")
    sources = [f.cssselect("img")[0].get("src") for f in figures]
    assert sources and all(s.startswith(("http://", "https://")) for s in sources)
    assert not any(word in f.text_content() for f in figures for word in ("never shown", "nor this"))
    assert page.cssselect("p.muninews-lead")[0].text_content() == "Tóm tắt của bài."  # the lead (m010), when set
    listed = get(f"/{DB}/reading.json?_shape=objects&id={article}").json()["rows"]
    assert [r["excerpt"] for r in listed] == ["Tóm tắt của bài."]  # the list's excerpt is the lead too
    images = html(get(f"/{DB}/images?article_id={article}"))
    assert not [a for a in images.cssselect("td.col-url a") if not a.get("href").startswith("http")]


def test_internal_tables_are_hidden_and_the_analysts_are_listed(db, get):
    page = html(get(f"/{DB}"))
    listed = {a.text_content().strip() for a in page.cssselect("h3 a, ul li a")}
    assert {"articles", "images", "stories", "portals", "reading"} <= listed
    internal = {name for [name] in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                            "(name LIKE 'dedup%' OR name LIKE 'host%' OR name = 'schema_migrations')")}
    assert {"dedup_bands", "dedup_meta", "dedup_signatures", "host_pages", "host_boilerplate"} <= internal
    assert not listed & (internal | {"articles_fts"})


def test_url_key_is_text_and_story_ids_are_links_both_ways(db, get):
    page = html(get(f"/{DB}/articles?_size=5"))
    keys = page.cssselect("td.col-url_key")
    assert keys and not any(td.cssselect("a") for td in keys)
    assert all(td.cssselect("a") and "/stories/" in td.cssselect("a")[0].get("href") for td in page.cssselect("td.col-story_id"))
    story = rows(db, "SELECT id, first_article_id FROM stories LIMIT 1")[0]
    story_page = html(get(f"/{DB}/stories/{story['id']}"))
    assert story_page.cssselect("td.col-first_article_id a")[0].get("href") == f"/{DB}/articles/{story['first_article_id']}"
    assert any("story_id in articles" in li.text_content() for li in story_page.cssselect("li"))


def test_the_match_cache_asks_the_index_once_and_forgets_when_the_database_changes(tmp_path):
    db = open_db(tmp_path / "m.db")
    db["portals"].insert({"name": "p"})
    for i in (1, 2, 3):
        db["articles"].insert({"id": i, "portal": "p", "url": f"u{i}", "url_key": f"u{i}", "title": "Ngô Quyền", "body": "x"})
    db.conn.commit()
    cache = reading.MatchCache(f"file:{tmp_path / 'm.db'}?mode=ro")
    try:
        expression = match_expression("ngo quyen")
        assert cache.newest(expression, 2) == [3, 2] and cache.newest(expression, 10) == [3, 2, 1]
        asked = []
        cache._connection().set_trace_callback(asked.append)
        assert cache.newest(expression, 10) == [3, 2, 1] and cache.newest(expression, 1) == [3]
        assert not [sql for sql in asked if "MATCH" in sql], "answered from memory"
        db["articles"].insert({"id": 4, "portal": "p", "url": "u4", "url_key": "u4", "title": "Ngô Quyền", "body": "y"})
        db.conn.commit()
        assert cache.newest(expression, 10) == [4, 3, 2, 1]  # another connection committed: asked again
        assert cache.sql_function(expression, 2) == "[4, 3]" and cache.sql_function(None, 2) == "[]"
    finally:
        cache.close()
        db.conn.close()
