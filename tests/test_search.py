"""Full-text search: Vietnamese with or without diacritics, in any case and Unicode form; typed
words as a phrase; title hits first, newest first; kept in sync with articles by the triggers alone
(captions are written into ``articles.captions`` with the images, once per article, since m011); the
same semantics in Datasette (the plugin's escape_fts) and the canned query."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from crawler.storage.db import open_db
from crawler.storage.search import (
    NOTHING,
    canned_sql,
    fold,
    index_suspended,
    integrity_check,
    match_expression,
    ranked_sql,
    search,
)

ARTICLES = [
    (1, "Đà Nẵng đón đoàn công tác của quận Ngô Quyền", "Sáng nay đoàn công tác đã làm việc tại thành phố. " * 3),
    (2, "HỘI NGHỊ TỔNG KẾT", "QUẬN NGÔ QUYỀN TỔ CHỨC HỘI NGHỊ TỔNG KẾT CÔNG TÁC NĂM, ĐẢNG ỦY PHƯỜNG BÁO CÁO."),
    (3, "Tin văn hóa", unicodedata.normalize("NFD", "Đảng ủy phường Lê Chân phát động phong trào văn hóa.") * 2),
    (4, "Giao thông", "Sửa đường Lạch Tray; không liên quan."),
]


@pytest.fixture()
def db(tmp_path):
    db = open_db(tmp_path / "search.db")
    db["portals"].insert({"name": "p"})
    for article_id, title, body in ARTICLES:
        db["articles"].insert({"id": article_id, "portal": "p", "url": f"u{article_id}", "url_key": f"u{article_id}",
                               "title": title, "body": body})
    db["images"].insert_all([
        {"article_id": 4, "position": 0, "url": "i0", "caption": "Bí thư Đảng ủy phường kiểm tra công trình"},
        {"article_id": 4, "position": 1, "url": "i1", "caption": None},
    ])
    db.execute("UPDATE articles SET captions = ? WHERE id = 4", ["Bí thư Đảng ủy phường kiểm tra công trình"])
    db.conn.commit()
    yield db
    db.conn.close()


def ids(db, query: str) -> set[int]:
    return {row["id"] for row in search(db.conn, query, limit=100)}


@pytest.mark.parametrize("query", ["Ngo Quyen", "ngô quyền", "NGÔ QUYỀN", "ngo QUYỀN", "Ngô Quyền"])
def test_any_spelling_of_ngo_quyen_finds_both_articles(db, query):
    assert ids(db, query) == {1, 2}


@pytest.mark.parametrize("query", ["Da Nang", "Đà Nẵng", "da nẵng", "ĐÀ NẴNG"])
def test_d_with_stroke_folds_both_ways(db, query):
    assert ids(db, query) == {1}


@pytest.mark.parametrize("query", ["Dang uy", "Đảng ủy", "đang uy"])
def test_body_caption_and_decomposed_unicode_all_match(db, query):
    # 2: upper-case body; 3: body stored in decomposed (NFD) form; 4: only a photo caption says it
    assert ids(db, query) == {2, 3, 4}


def test_a_title_hit_ranks_above_a_body_hit(db):
    db["articles"].insert({"id": 5, "portal": "p", "url": "u5", "url_key": "u5", "title": "Lạch Tray",
                           "body": "Tin ngắn về giao thông thành phố hôm nay."})
    db.conn.commit()
    ranked = [row["id"] for row in search(db.conn, "Lach Tray")]
    assert ranked == [5, 4]


def test_plain_sql_without_custom_functions_works(db):
    rows = db.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank", ['"Dang uy"']
    ).fetchall()
    assert {r[0] for r in rows} == {2, 3, 4}
    folded = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH replace(replace(?, 'đ', 'd'), 'Đ', 'D')"
    assert {r[0] for r in db.execute(folded, ['"Đảng ủy"'])} == {2, 3, 4}


def test_typed_words_are_a_phrase_and_commas_separate_phrases(db):
    assert ids(db, "Quyen Ngo") == set()  # both words occur in 1 and 2, but not in this order
    assert ids(db, "Ngo Quyen, Da Nang") == {1}
    assert ids(db, '"Ngô Quyền" "hội nghị"') == {2}
    assert ids(db, "cong tac") == {1, 2}


def test_the_index_holds_folded_text_plus_the_d_words_and_snippets_show_it_as_written(db):
    columns = [r[1] for r in db.execute("PRAGMA table_info(articles_fts)")]
    assert columns == ["title", "body", "captions", "lead", "d_words"]
    db.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, articles_fts, instance)")
    by_column = {}
    for term, column in db.execute("SELECT term, col FROM temp.v"):
        by_column.setdefault(column, set()).add(term)
    folded = by_column["title"] | by_column["body"] | by_column["captions"]
    assert {"da", "nang", "dang", "uy", "quyen"} <= folded and not any("đ" in t for t in folded)
    assert by_column["d_words"] == {"đa", "đon", "đoan", "đang", "đong", "đuong"}  # words with a đ, unfolded
    [row] = search(db.conn, "Da Nang")
    assert "[Đà Nẵng]" in row["snippet"]


def test_the_lead_is_searched_and_kept_in_sync(db):
    """m010: the lead (a standfirst kept out of the body) is indexed, folded, and follows edits."""
    assert ids(db, "Vinh Bao") == set()
    db.execute("UPDATE articles SET lead = ? WHERE id = 3", ["Đoàn thanh niên huyện Vĩnh Bảo ra quân."])
    assert ids(db, "Vinh Bao") == {3} and ids(db, "đoàn thanh niên") == {3}
    db.execute("UPDATE articles SET lead = NULL WHERE id = 3")
    assert ids(db, "Vinh Bao") == set()
    integrity_check(db.conn)


def test_plain_datasette_and_sqlite_utils_detect_and_search_the_index(db):
    """The ecosystem's own tools, without the muninews plugin: tone marks fold, and a typed đ too."""
    from datasette.utils import detect_fts, escape_fts

    assert detect_fts(db.conn, "articles") == "articles_fts" == db["articles"].detect_fts()
    plain = "SELECT rowid FROM articles WHERE rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    for query, expected in (("Ngô Quyền", {1, 2}), ("ngo quyen", {1, 2}), ("Đà Nẵng", {1}), ("Da Nang", {1}),
                            ("Đảng ủy", {2, 3, 4}), ("dang uy", {2, 3, 4})):
        assert {r[0] for r in db.execute(plain, [escape_fts(query)])} == expected, query  # datasette ?_search=
        assert {r["id"] for r in db["articles"].search(query)} == expected, query  # sqlite-utils search
    # m016's tables open in the plain tools too (the index of pairs is contentless: its rows read as NULL)
    assert db["articles_pairs"].count == db["articles"].count and db["reading_counts"].count > 0


def test_ranking_title_hits_first_then_newest_and_only_in_the_window(db):
    for article_id in (10, 11, 12):
        db["articles"].insert({"id": article_id, "portal": "p", "url": f"u{article_id}", "url_key": f"u{article_id}",
                               "title": "Tin ngắn", "body": "Đoàn kiểm tra đường Lạch Tray."})
    db.conn.commit()
    assert [r["id"] for r in search(db.conn, "Lach Tray")] == [12, 11, 10, 4]
    assert [r["id"] for r in search(db.conn, "Lach Tray", window=2)] == [12, 11]
    db["articles"].insert({"id": 9, "portal": "p", "url": "u9", "url_key": "u9", "title": "Lạch Tray", "body": "x"})
    db.conn.commit()
    assert [r["id"] for r in search(db.conn, "Lach Tray")][:2] == [9, 12]  # an older title hit outranks body hits
    assert [r["id"] for r in search(db.conn, "Lach Tray", window=2)] == [12, 11]  # but not outside the window
    assert [r["id"] for r in search(db.conn, "Lach Tray", portal="p", limit=2)] == [9, 12]


def test_datasette_search_box_and_canned_query_use_the_same_semantics(db):
    """The plugin's escape_fts is match_expression; the canned query is ranked_sql's statement."""
    from crawler.commands.serve import build_metadata
    from crawler.datasette.plugins import muninews_datasette as plugin

    plugin.prepare_connection(db.conn, "search", None)  # installs escape_fts, as Datasette would
    try:
        box = "SELECT id FROM articles WHERE id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH escape_fts(?))"
        assert {r[0] for r in db.execute(box, ["Đảng ủy"])} == ids(db, "Đảng ủy") == {2, 3, 4}
        canned = build_metadata(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]))
        canned = next(iter(canned["databases"].values()))["queries"]
        assert canned["search"]["sql"] == canned_sql()
        for query in ("Ngo Quyen", "Dang uy", "Da Nang", "cong tac"):
            rows = db.execute(canned["search"]["sql"], {"q": query}).fetchall()
            ours = db.execute(ranked_sql().replace(":q", "escape_fts(:q)"),
                              {"q": query, "limit": 100, "window": 2000}).fetchall()
            assert [r[0] for r in rows] == [r[0] for r in ours] == [r["id"] for r in search(db.conn, query, limit=100)]
        for punctuation in ('"', "*", "'"):
            assert db.execute(canned["search"]["sql"], {"q": punctuation}).fetchall() == []
        newest = db.execute(canned["search"]["sql"], {"q": ""}).fetchall()  # empty: no filter, newest first
        assert [r[0] for r in newest] == [4, 3, 2, 1] and newest[0][4].endswith("…")
    finally:
        db.execute("PRAGMA query_only = 0")


def test_bulk_load_with_the_index_suspended_then_rebuilt(db):
    with index_suspended(db.conn):
        db["articles"].insert({"id": 20, "portal": "p", "url": "u20", "url_key": "u20", "title": "Quận Ngô Quyền",
                               "body": "Đà Nẵng"})
        assert 20 not in ids(db, "Da Nang")  # not indexed row by row while suspended
    assert ids(db, "Da Nang") == {1, 20}
    db["articles"].insert({"id": 21, "portal": "p", "url": "u21", "url_key": "u21", "title": "Đà Nẵng", "body": "x"})
    db.conn.commit()
    assert ids(db, "Da Nang") == {1, 20, 21}  # the triggers are back
    integrity_check(db.conn)


def test_triggers_follow_updates_deletes_and_captions(db):
    db.execute("UPDATE articles SET title = 'Tin Hải Phòng', body = 'Chỉ còn Hải Phòng ở đây, không gì khác.' WHERE id = 1")
    db.execute("DELETE FROM images WHERE article_id = 4")
    db.execute("UPDATE articles SET captions = NULL WHERE id = 4")  # the writer's one update per article
    db.execute("DELETE FROM articles WHERE id = 2")
    db["images"].insert({"article_id": 3, "position": 0, "url": "i2", "caption": "Quận Ngô Quyền"})
    db.execute("UPDATE articles SET captions = 'Quận Ngô Quyền' WHERE id = 3")
    db.conn.commit()
    assert ids(db, "Ngo Quyen") == {3}
    assert ids(db, "hai phong") == {1}
    assert ids(db, "Dang uy") == {3}
    assert db.execute("SELECT captions FROM articles WHERE id = 3").fetchone()[0] == "Quận Ngô Quyền"
    assert db.execute("SELECT captions FROM articles WHERE id = 4").fetchone()[0] is None
    integrity_check(db.conn)  # the index agrees with the rows it was built from


def test_touching_last_seen_does_not_reindex(db):
    before = db.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0]
    db.execute("UPDATE articles SET last_seen = '2030-01-01' WHERE id = 1")
    db.conn.commit()
    assert db.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0] == before


def test_user_input_never_breaks_the_query(db):
    assert match_expression('Ngô Quyền, "Đà Nẵng" OR (x') == '"Ngô Quyền" "Dà Nẵng" "OR (x"'
    assert match_expression('a"b; ;; !!! ,') == '"a" "b"'
    assert {r["id"] for r in search(db.conn, 'đảng ủy!!! ("')} == {2, 3, 4}
    assert {r["id"] for r in search(db.conn, 'NEAR(ngo) AND * OR title:')} == set()
    assert search(db.conn, "   ") == []
    assert fold("Đà Nẵng đẹp") == "Dà Nẵng dẹp"
    for typed in ('"', "*", "'", '"*"', "()", " , ; "):
        assert match_expression(typed) == NOTHING
        assert db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [NOTHING]).fetchone()[0] == 0
    assert {r["id"] for r in search(db.conn, "Ngô Quyền'*")} == {1, 2}


def test_integrity_check_notices_an_index_out_of_step(db):
    db.execute("DROP TRIGGER articles_fts_update")
    db.execute("UPDATE articles SET title = 'Khác hẳn' WHERE id = 1")
    with pytest.raises(sqlite3.DatabaseError):
        integrity_check(db.conn)
