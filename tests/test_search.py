"""Full-text search: Vietnamese with or without diacritics, in any case and Unicode form, ranked,
and kept in sync with articles and captions by the triggers alone."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.db import open_db
from crawler.search import fold, integrity_check, match_expression, search

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


def test_plain_sql_without_custom_functions_works_like_datasette(db):
    # What Datasette runs for ?_search=Dang+uy (escape_fts quotes every word)
    rows = db.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank", ['"Dang" "uy"']
    ).fetchall()
    assert {r[0] for r in rows} == {2, 3, 4}


def test_triggers_follow_updates_deletes_and_captions(db):
    db.execute("UPDATE articles SET title = 'Tin Hải Phòng', body = 'Chỉ còn Hải Phòng ở đây, không gì khác.' WHERE id = 1")
    db.execute("DELETE FROM images WHERE article_id = 4")
    db.execute("DELETE FROM articles WHERE id = 2")
    db["images"].insert({"article_id": 3, "position": 0, "url": "i2", "caption": "Quận Ngô Quyền"})
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
    assert match_expression('Ngô Quyền, "Đà Nẵng" OR (x') == '"Ngô" "Quyền," "Đà Nẵng" "OR" "(x"'
    assert {r["id"] for r in search(db.conn, 'đảng ủy!!! ("')} == {2, 3, 4}
    assert search(db.conn, "   ") == []
    assert fold("Đà Nẵng đẹp") == "Dà Nẵng dẹp"
