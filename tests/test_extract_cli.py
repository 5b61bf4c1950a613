"""`muninews extract` is a stable contract: the right record for a page, a clear error otherwise."""

from __future__ import annotations

import json

import pytest

from conftest import muninews
from crawler.replica import build_replica
from crawler.replica.templates import article_page, listing_page

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def replica_family():
    return build_replica()


def test_extract_prints_the_true_record(tmp_path, replica_family):
    site = replica_family.sites["city"]
    article = site.articles[7]
    page = tmp_path / "article.html"
    page.write_text(article_page(site, article, []), encoding="utf-8")
    result = muninews("extract", str(page), "--url", BASE + article.path)
    record = json.loads(result.stdout)
    truth = article.record(BASE)
    assert record["title"] == truth["title"]
    assert record["published"] == truth["published"]
    assert record["authors"] == truth["authors"]
    assert record["body"].split("\n\n") == truth["body"]
    assert record["captions"] == truth["captions"]
    assert [{"url": i["url"], "caption": i["caption"]} for i in record["images"]] == truth["images"]
    assert record["layers"]["title"] == "profile"


def test_extract_jsonl_prints_one_line_per_file(tmp_path, replica_family):
    site = replica_family.sites["lechan"]
    paths = []
    for article in site.articles[:3]:
        path = tmp_path / f"{article.number}.html"
        path.write_text(article_page(site, article, []), encoding="utf-8")
        paths.append(str(path))
    result = muninews("extract", "--jsonl", "--portal", "replica-lechan", *paths)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["title"] for line in lines] == [a.title for a in site.articles[:3]]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.html", b"", "empty"),
        ("binary.html", bytes(range(256)) * 8, "binary"),
        ("pdf.html", b"%PDF-1.7\n1 0 obj <<>> endobj\n", "binary"),
    ],
)
def test_extract_rejects_garbage_without_a_traceback(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = muninews("extract", str(path), "--url", BASE + "/x.html", check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_says_a_listing_page_is_not_an_article(tmp_path, replica_family):
    site = replica_family.sites["city"]
    path = tmp_path / "listing.html"
    path.write_text(listing_page(site, "Chính trị", "/category/chinh-tri/", site.articles, 1), encoding="utf-8")
    result = muninews("extract", str(path), "--url", BASE + "/category/chinh-tri/", check=False)
    assert result.returncode != 0
    assert "not an article" in result.stderr
    assert "Traceback" not in result.stderr
