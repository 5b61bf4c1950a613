"""The foundation, end to end: crawl the replica portal family into SQLite and compare every
stored field with what the replica really published."""

from __future__ import annotations

import pytest

from conftest import crawl_replica, rows, stored_records

# ``crawled`` (tests/conftest.py): this module's copy of the session's crawl of ``replica``.


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_every_article_is_stored_once(replica, crawled):
    truth = replica.replica.truth(replica.base_urls)
    stored = stored_records(crawled)
    assert len(truth) >= 300
    assert sorted(stored) == sorted(truth)
    urls = [r["url"] for r in rows(crawled, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls))


@pytest.mark.parametrize("field", ["title", "published", "authors", "images"])
def test_every_field_matches_the_truth(replica, crawled, field):
    truth = replica.replica.truth(replica.base_urls)
    stored = stored_records(crawled)
    wrong = [url for url, record in truth.items() if stored[url][field] != record[field]]
    assert wrong == [], f"{len(wrong)} articles with a wrong {field}, e.g. {wrong[:3]}"


def test_bodies_match_after_whitespace_normalisation(replica, crawled):
    truth = replica.replica.truth(replica.base_urls)
    stored = stored_records(crawled)
    wrong = [url for url, t in truth.items() if normalise(stored[url]["body"]) != normalise(" ".join(t["body"]))]
    assert wrong == []
    # paragraphs survive as paragraphs: the stored body keeps one blank line between them
    sample = next(iter(truth))
    assert stored[sample]["body"].split("\n\n") == truth[sample]["body"]


def test_no_widget_or_caption_text_in_bodies(crawled):
    leaks = rows(
        crawled,
        """SELECT count(*) AS n FROM articles WHERE body LIKE '%Tiện ích thông tin%' OR body LIKE '%QR Code%'
           OR body LIKE '%Tin khác%' OR body LIKE '%Chia sẻ%'
           OR EXISTS (SELECT 1 FROM images i WHERE i.article_id = articles.id AND instr(articles.body, i.caption))""",
    )
    assert leaks[0]["n"] == 0


def test_published_is_local_iso_with_offset_and_utc_copy(crawled):
    row = rows(crawled, "SELECT published, published_utc FROM articles LIMIT 1")[0]
    assert row["published"].endswith("+07:00")
    assert row["published_utc"].endswith("+00:00")


def test_syndicated_copies_share_a_story(replica, crawled):
    true_stories = replica.replica.stories(replica.base_urls)
    by_url = {r["url"]: r["story_id"] for r in rows(crawled, "SELECT url, story_id FROM articles")}
    multi = rows(crawled, "SELECT count(*) AS n FROM stories WHERE portal_count > 1")[0]["n"]
    assert multi > 0
    for url_a, story_a in true_stories.items():
        same = [u for u, s in true_stories.items() if s == story_a]
        assert {by_url[u] for u in same} == {by_url[url_a]}


def test_a_second_crawl_adds_nothing(replica, crawled):
    before = rows(crawled, "SELECT count(*) AS n FROM articles")[0]["n"]
    requests_before = len(replica.log)
    crawl_replica(replica, crawled)
    after = rows(crawled, "SELECT count(*) AS n FROM articles")[0]["n"]
    runs = rows(crawled, "SELECT id, articles_new FROM crawl_runs ORDER BY id")
    assert after == before
    assert runs[-1]["articles_new"] == 0
    article_paths = {a.path for a in replica.replica.all_articles()}
    refetched = [e for e in replica.log[requests_before:] if e.path in article_paths and e.status == 200]
    assert refetched == []


def test_the_database_is_in_wal_mode(crawled):
    assert rows(crawled, "PRAGMA journal_mode")[0][0] == "wal"
