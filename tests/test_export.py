"""`muninews export` writes what the database holds, in every format, filtered as asked."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import sqlite3

import pytest
from conftest import muninews, rows

from crawler.storage.db import SCHEMA_VERSION


@pytest.fixture(scope="module")
def db(crawled):
    """The default replica, crawled (this module's copy of the session's crawl)."""
    return crawled


def stored(db, where: str = "1", params: tuple = ()) -> dict[int, dict]:
    """Articles as the database holds them, with their images in order, by id."""
    articles = {row["id"]: dict(row) for row in rows(db, f"SELECT * FROM articles WHERE {where}", params)}
    for image in rows(db, "SELECT article_id, url, caption FROM images ORDER BY article_id, position"):
        if image["article_id"] in articles:
            articles[image["article_id"]].setdefault("images", []).append((image["url"], image["caption"]))
    return articles


def test_jsonl_holds_every_article_with_its_images(db, tmp_path):
    out = tmp_path / "all.jsonl"
    muninews("export", "--db", str(db), "-o", str(out))
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    truth = stored(db)
    assert len(exported) == len(truth) > 400
    for article in exported:
        row = truth[article["id"]]
        assert (article["url"], article["title"], article["body"], article["published"]) == (
            row["url"], row["title"], row["body"], row["published"])
        assert article["authors"] == json.loads(row["authors"])
        assert [(i["url"], i["caption"]) for i in article["images"]] == row.get("images", [])


def test_csv_has_one_row_per_article_and_images_as_json_lists(db, tmp_path):
    out = tmp_path / "all.csv"
    muninews("export", "--db", str(db), "--format", "csv", "-o", str(out))
    with open(out, encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    truth = stored(db)
    assert len(exported) == len(truth)
    for article in exported:
        row = truth[int(article["id"])]
        assert article["body"] == row["body"]  # multi-line bodies survive CSV quoting
        images = list(zip(json.loads(article["image_urls"]), json.loads(article["image_captions"])))
        assert images == row.get("images", [])


def test_parquet_equals_the_jsonl_export(db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    muninews("export", "--db", str(db), "--format", "parquet", "-o", str(tmp_path / "all.parquet"))
    table = pq.read_table(tmp_path / "all.parquet").to_pylist()
    truth = stored(db)
    assert len(table) == len(truth)
    for article in table:
        row = truth[article["id"]]
        assert (article["title"], article["body"], article["captions"]) == (row["title"], row["body"], row["captions"])
        assert (article["version"], article["removed_at"]) == (row["version"], row["removed_at"])
        assert article["published"] == dt.datetime.fromisoformat(row["published"]).replace(tzinfo=None)
        assert article["published_utc"] == dt.datetime.fromisoformat(row["published_utc"]).astimezone(dt.UTC)
        assert article["authors"] == json.loads(row["authors"])
        assert list(zip(article["image_urls"], article["image_captions"])) == row.get("images", [])
        assert [(i["url"], i["caption"]) for i in article["images"]] == row.get("images", [])


def test_parquet_columns_are_typed(db, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    muninews("export", "--db", str(db), "--format", "parquet", "-o", str(tmp_path / "all.parquet"))
    schema = pq.read_schema(tmp_path / "all.parquet")
    assert schema.field("published").type == pa.timestamp("us")  # the portal's local wall-clock time
    for name in ("published_utc", "removed_at", "first_seen", "last_seen"):
        assert schema.field(name).type == pa.timestamp("us", tz="UTC"), name
    for name in ("authors", "image_urls", "image_captions"):
        assert schema.field(name).type == pa.list_(pa.string()), name
    assert schema.field("version").type == pa.int64() and schema.field("images").type.value_type.num_fields == 3


def test_every_analyst_column_is_exported_and_a_removed_article_says_so(db, tmp_path):
    copy = shutil.copyfile(db, tmp_path / "removed.db")
    removed = rows(db, "SELECT min(id) AS id FROM articles")[0]["id"]
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE articles SET removed_at = '2025-01-02T03:04:05Z', version = 2 WHERE id = ?", [removed])
    conn.commit()
    conn.close()
    exported = {json.loads(line)["id"]: json.loads(line) for line in muninews("export", "--db", str(copy)).stdout.splitlines()}
    columns = [r["name"] for r in rows(db, "PRAGMA table_info(articles)")] + ["year", "month"]
    assert set(columns) - {"d_words"} <= set(exported[removed])
    assert (exported[removed]["removed_at"], exported[removed]["version"]) == ("2025-01-02T03:04:05Z", 2)
    with_captions = rows(db, "SELECT id, captions FROM articles WHERE captions IS NOT NULL LIMIT 1")[0]
    assert exported[with_captions["id"]]["captions"] == with_captions["captions"]


def test_csv_for_excel_starts_with_a_byte_order_mark(db, tmp_path):
    out = tmp_path / "excel.csv"
    muninews("export", "--db", str(db), "--format", "csv", "--excel", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,portal,")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == len(stored(db)) and any("ư" in a["title"] or "ơ" in a["title"] for a in exported)
    plain = tmp_path / "plain.csv"
    muninews("export", "--db", str(db), "--format", "csv", "-o", str(plain))
    assert plain.read_bytes().startswith(b"id,portal,")


@pytest.mark.parametrize("option, value", [("--since", "2024-99-01"), ("--since", "garbage"), ("--until", "2024-13-45"),
                                           ("--since", "2024-1-1")])
def test_a_bad_date_is_one_line_naming_the_option_and_exit_2(db, tmp_path, option, value):
    out = tmp_path / "never.csv"
    result = muninews("export", "--db", str(db), "--format", "csv", option, value, "-o", str(out), check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == f"muninews export: {option}: not a date (YYYY-MM-DD): {value!r}"
    assert not out.exists()


def _fingerprint(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_reads_without_writing_migrating_or_switching_the_journal(db, tmp_path):
    copy = shutil.copyfile(db, tmp_path / "delete-journal.db")
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = _fingerprint(copy)
    muninews("export", "--db", str(copy), "-o", str(tmp_path / "out.jsonl"))
    assert _fingerprint(copy) == before and not (tmp_path / "delete-journal.db-wal").exists()
    assert rows(copy, "PRAGMA journal_mode")[0][0] == "delete"

    conn = sqlite3.connect(copy)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()
    before = _fingerprint(copy)
    result = muninews("export", "--db", str(copy), "-o", str(tmp_path / "old.jsonl"), check=False)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert f"schema version {SCHEMA_VERSION - 1}" in result.stderr and "--db" in result.stderr
    assert _fingerprint(copy) == before and not (tmp_path / "old.jsonl").exists()  # never migrated


def test_a_file_that_is_not_sqlite_is_one_line(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all " * 100)
    result = muninews("export", "--db", str(junk), "--format", "csv", "-o", str(tmp_path / "x.csv"), check=False)
    assert result.returncode == 2 and result.stderr.strip().startswith("muninews export: --db: ")
    assert "not an SQLite database" in result.stderr and not (tmp_path / "x.csv").exists()


def test_portal_and_date_filters_select_what_sql_selects(db, tmp_path):
    month = rows(db, "SELECT substr(published, 1, 7) AS m FROM articles GROUP BY m ORDER BY count(*) DESC LIMIT 1")[0]["m"]
    since, until = f"{month}-01", f"{month}-15"
    result = muninews("export", "--db", str(db), "--portal", "replica-city", "--since", since, "--until", until)
    exported = {json.loads(line)["id"] for line in result.stdout.splitlines()}
    truth = stored(db, "portal = ? AND substr(published, 1, 10) BETWEEN ? AND ?", ("replica-city", since, until))
    assert exported == set(truth) and exported
    assert f"{len(exported)} articles" in result.stderr


def test_parquet_without_a_file_is_a_clear_usage_error(db):
    result = muninews("export", "--db", str(db), "--format", "parquet", check=False)
    assert result.returncode == 2 and "--output" in result.stderr
