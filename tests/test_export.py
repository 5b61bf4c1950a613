"""`muninews export` writes what the database holds, in every format, filtered as asked."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import muninews, rows


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
        assert (article["title"], article["body"], article["published"]) == (row["title"], row["body"], row["published"])
        assert list(zip(json.loads(article["image_urls"]), json.loads(article["image_captions"]))) == row.get("images", [])


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
