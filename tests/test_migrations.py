"""Migrations: a database built with the first released schema (m001) opens as the current
schema, in place, with every row kept and the new features (search, year facets) working on them."""

from __future__ import annotations

import gzip
import sqlite3

import pytest
import sqlite_utils

from crawler.storage.db import MIGRATIONS, SCHEMA_VERSION, migrate, open_db, schema_version
from crawler.storage.search import integrity_check, search


def build_v1(path) -> None:
    """A database exactly as release 1 left it: schema m001 only, user_version 1, some data."""
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    with conn:
        MIGRATIONS[0](db)
        conn.execute("PRAGMA user_version = 1")
    db["portals"].insert({"name": "replica-ngoquyen", "title": "Cổng thông tin quận Ngô Quyền", "family": "f",
                          "base_url": "http://127.0.0.2:8765", "languages": "vi", "timezone": "Asia/Ho_Chi_Minh"})
    db["crawl_runs"].insert({"id": 1, "started": "2022-06-22T00:00:00+00:00"})
    db["stories"].insert({"id": 1, "first_article_id": 1, "title": "t", "portals": '["replica-ngoquyen"]',
                          "portal_count": 1, "article_count": 1})
    db["articles"].insert({
        "id": 1, "portal": "replica-ngoquyen", "url": "http://127.0.0.2:8765/a.html", "url_key": "127.0.0.2:8765/a.html",
        "title": "Ban Chỉ đạo 35 quận Ngô Quyền: Tập huấn", "published": "2022-06-22T07:10:00+07:00",
        "published_utc": "2022-06-22T00:10:00+00:00", "author": "Minh Hảo", "authors": '["Minh Hảo"]',
        "body": "Ngày 21/6, 130 đại biểu dự tập huấn tại Đà Nẵng.", "story_id": 1, "crawl_run": 1,
    })
    db["images"].insert({"article_id": 1, "position": 0, "url": "http://127.0.0.2:8765/1.jpg",
                         "caption": "Đồng chí Trịnh Quang Trường phát biểu"})
    db["pages"].insert({"url_key": "127.0.0.2:8765/a.html", "url": "http://127.0.0.2:8765/a.html",
                        "portal": "replica-ngoquyen", "status": 200, "html_gz": gzip.compress(b"<html></html>"),
                        "article_id": 1})
    db["failures"].insert({"run_id": 1, "portal": "replica-ngoquyen", "url": "http://127.0.0.2:8765/x", "reason": "HTTP 500"})
    conn.commit()
    conn.close()


def counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("portals", "crawl_runs", "stories", "articles", "images", "pages", "failures")}
    finally:
        conn.close()


def test_a_release_1_database_upgrades_in_place_with_no_data_lost(tmp_path):
    path = tmp_path / "v1.db"
    build_v1(path)
    before = counts(path)
    article_before = sqlite3.connect(path).execute("SELECT id, title, body, author FROM articles").fetchone()

    db = open_db(path)
    assert schema_version(db) == SCHEMA_VERSION > 1
    db.conn.close()

    assert counts(path) == before
    db = open_db(path)
    assert db.execute("SELECT id, title, body, author FROM articles").fetchone() == article_before
    # features of the later migrations work on the old rows
    assert [r["id"] for r in search(db.conn, "ngo quyen")] == [1]
    assert [r["id"] for r in search(db.conn, "Da Nang")] == [1]
    assert [r["id"] for r in search(db.conn, "Truong phat bieu")] == [1]  # a caption, moved into articles.captions
    assert db.execute("SELECT year, month FROM articles").fetchone() == (2022, "2022-06")
    integrity_check(db.conn)  # both search indexes, articles_pairs built by m016 for the old rows
    assert db.execute("SELECT portal, author, articles FROM reading_counts").fetchall() == \
        db.execute("SELECT portal, coalesce(author, ''), count(*) FROM articles GROUP BY portal, author").fetchall()
    # and rows written after the upgrade are indexed by the triggers
    db["articles"].insert({"id": 2, "portal": "replica-ngoquyen", "url": "u2", "url_key": "u2",
                           "title": "Đảng ủy phường", "body": "x"})
    db.conn.commit()
    assert [r["id"] for r in search(db.conn, "dang uy")] == [2]
    db.conn.close()


def test_an_upgrade_over_stored_articles_says_so_in_the_log_and_a_new_file_does_not(tmp_path, caplog):
    """A 2 a.m. crawl that spends minutes rebuilding an index (m016 over a million articles) says
    which migration it is in and how long it took; creating a new database logs nothing."""
    old = tmp_path / "v1.db"
    build_v1(old)
    with caplog.at_level("WARNING", logger="muninews.storage"):
        open_db(tmp_path / "new.db").conn.close()
        assert not caplog.records
        open_db(old).conn.close()
    messages = [record.getMessage() for record in caplog.records]
    started = [m for m in messages if m.startswith("upgrading the database (about 1 articles): migration m016_")]
    assert started and any(m.startswith("migration m016_search_at_scale done in ") for m in messages)
    assert len([m for m in messages if m.startswith("upgrading")]) == len(MIGRATIONS) - 1


def test_opening_a_current_database_runs_nothing(tmp_path):
    path = tmp_path / "new.db"
    open_db(path).conn.close()
    db = open_db(path, upgrade=False)
    assert migrate(db) == 0
    assert schema_version(db) == SCHEMA_VERSION


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    build_v1(path)
    import crawler.storage.db

    def broken(db):
        MIGRATIONS[1](db)  # the real m002 runs, then the next step fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(crawler.storage.db, "MIGRATIONS", [MIGRATIONS[0], broken, *MIGRATIONS[2:]])
    try:
        open_db(path)
    except RuntimeError:
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
    assert "captions" not in columns
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0] == 0


def test_a_migration_landing_below_the_newest_still_runs(tmp_path, monkeypatch):
    """Numbers are reserved per piece of work and land in any order: a database already at the newest
    version gets a lower-numbered migration that landed later, and readers refuse it until it has."""
    import crawler.storage.db as storage_db
    from crawler.storage.db import UnreadableDatabase, open_readonly

    db = open_db(tmp_path / "m.db")
    db.conn.close()
    gap = next(n for n in range(2, SCHEMA_VERSION + 2) if n not in storage_db.VERSIONS)
    ran = []
    order = sorted([*zip(storage_db.VERSIONS, MIGRATIONS), (gap, lambda _db: ran.append(gap))], key=lambda p: p[0])
    monkeypatch.setattr(storage_db, "VERSIONS", [v for v, _ in order])
    monkeypatch.setattr(storage_db, "MIGRATIONS", [m for _, m in order])
    newest = max(storage_db.VERSIONS)
    monkeypatch.setattr(storage_db, "SCHEMA_VERSION", newest)
    if gap < SCHEMA_VERSION:
        with pytest.raises(UnreadableDatabase, match=f"without migration m{gap:03d}"):
            open_readonly(tmp_path / "m.db")
    db = open_db(tmp_path / "m.db")
    assert ran == [gap] and schema_version(db) == newest
    assert storage_db.applied_versions(db.conn) == set(storage_db.VERSIONS)
    db.conn.close()
    open_readonly(tmp_path / "m.db").close()
    assert migrate(open_db(tmp_path / "m.db")) == 0 and ran == [gap]


def _open_at_once(path: str, start, results) -> None:
    start.wait()
    try:
        db = open_db(path)
        results.put(("ok", schema_version(db)))
    except Exception as error:  # noqa: BLE001 - the test reports whatever a process hit
        results.put(("error", repr(error)))


def test_processes_opening_a_new_database_at_once_all_get_the_current_schema(tmp_path):
    """Two workers of a distributed crawl (or cron's crawl and an analyst's `muninews serve`) may
    open a file that does not exist yet in the same instant: each must wait for the other's
    migrations, not run them a second time ("duplicate column name")."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    processes = 6
    start, results = context.Barrier(processes), context.Queue()
    path = str(tmp_path / "shared.db")
    workers = [context.Process(target=_open_at_once, args=(path, start, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(30)
    assert outcomes == [("ok", SCHEMA_VERSION)] * processes
    conn = sqlite3.connect(path)
    applied = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    conn.close()
    assert applied == sorted(set(applied)) and len(applied) == len(MIGRATIONS)
