"""Drift: a portal is redesigned, the profile stops matching, the generic layers keep storing the
articles, and `muninews health` names the portal and the fields the profile lost. Also dated parser
versions: a second version added for the redesign, and old HTML still re-extracts with the old one."""

from __future__ import annotations

import json
import re

import pytest

from conftest import crawl_replica, muninews, rows, stored_records
from crawler.extraction import extract_page
from crawler.registry import BUILTIN_PROFILE_DIR, load_profile
from crawler.replica import ReplicaServer, build_replica
from crawler.replica.redesign import article_page_2025
from crawler.replica.templates import article_page

SMALL = dict(city_articles=8, district_articles=8, syndicated=2, schedules_per_site=1)
PROFILE_FIELDS = {"title", "published", "authors", "body", "images"}


@pytest.fixture(scope="module")
def drifted_db(tmp_path_factory):
    """Run 1 crawls the family as designed; run 2 crawls new articles after ngoquyen's redesign."""
    db = tmp_path_factory.mktemp("drift") / "muninews.db"
    with ReplicaServer(build_replica(seed=11, **SMALL)) as before:
        crawl_replica(before, db)
    after = ReplicaServer(build_replica(seed=12, **SMALL))
    after.routes["ngoquyen"].render_article = article_page_2025
    with after:
        crawl_replica(after, db)
        truth = after.replica.truth(after.base_urls)
    return db, truth


def test_redesigned_portal_is_still_stored_through_the_generic_layers(drifted_db):
    db, truth = drifted_db
    latest = rows(db, "SELECT max(id) AS run FROM crawl_runs")[0]["run"]
    redesigned = rows(db, "SELECT url, layers FROM articles WHERE portal = 'replica-ngoquyen' AND crawl_run = ?", (latest,))
    assert len(redesigned) == len([u for u in truth if u.startswith(next(iter(_hosts(truth, "127.0.0.2"))))])
    stored = stored_records(db)
    for row in redesigned:
        layers = json.loads(row["layers"])
        assert "profile" not in layers.values()
        record, want = stored[row["url"]], truth[row["url"]]
        assert (record["title"], record["published"], record["authors"]) == (want["title"], want["published"], want["authors"])
        assert record["body"].split("\n\n") == want["body"]
    untouched = rows(db, "SELECT layers FROM articles WHERE portal = 'replica-city' AND crawl_run = ?", (latest,))
    assert untouched and all(json.loads(r["layers"])["body"] == "profile" for r in untouched)


def _hosts(truth, address):
    return {re.match(r"https?://[^/]+", url).group(0) for url in truth if address in url}


def test_health_names_the_portal_and_the_broken_fields(drifted_db):
    db, _ = drifted_db
    result = muninews("health", "--db", str(db), "--json")
    report = [json.loads(line) for line in result.stdout.splitlines()]
    drifted = {(r["portal"], r["field"]) for r in report if r["drifted"]}
    assert drifted == {("replica-ngoquyen", field) for field in PROFILE_FIELDS}
    ngoquyen_body = next(r for r in report if (r["portal"], r["field"]) == ("replica-ngoquyen", "body"))
    assert ngoquyen_body["profile_before"] == 1.0 and ngoquyen_body["layers"] == {"generic": ngoquyen_body["articles"]}

    table = muninews("health", "--db", str(db), "--fail-on-drift", check=False)
    assert table.returncode == 1
    assert "DRIFT replica-ngoquyen title" in table.stdout and "DRIFT replica-ngoquyen body" in table.stdout
    assert "DRIFT replica-city" not in table.stdout


# --- dated parser versions ----------------------------------------------------------------------

NEW_VERSION = """
[[parsers]]
version = "2025-news-theme"
valid_from = "2025-01-01"
[parsers.fields]
title = "div.news-detail h1.news-title"
published = "div.news-detail .news-time"
author = ".news-author .author-name"
body = "xpath:.//div[@class='news-body']/*[self::p or self::h2]"
images = ".news-body img"
captions = [{ container = "figure.news-photo", caption = "figcaption" }]
exclude = [".box-related"]
"""


@pytest.fixture(scope="module")
def versioned_profile(tmp_path_factory):
    """The family profile with the old version closed the day before the redesign and a new one."""
    text = (BUILTIN_PROFILE_DIR / "haiphong-replica.toml").read_text(encoding="utf-8")
    text = text.replace('valid_from = "2020-01-01"', 'valid_from = "2020-01-01"\nvalid_until = "2025-01-01"')
    text = text.replace("[[portals]]", NEW_VERSION + "\n[[portals]]", 1)
    path = tmp_path_factory.mktemp("profiles") / "haiphong-replica.toml"
    path.write_text(text, encoding="utf-8")
    return next(p for p in load_profile(path) if p.name == "replica-ngoquyen")


@pytest.mark.parametrize(
    "render, crawled, version",
    [(article_page, "2024-06-01T08:00:00+07:00", "2020-egov-theme"),
     (article_page_2025, "2025-03-01T08:00:00+07:00", "2025-news-theme")],
)
def test_each_page_re_extracts_with_the_version_valid_at_its_crawl_date(versioned_profile, render, crawled, version):
    site = build_replica(seed=12, **SMALL).sites["ngoquyen"]
    article = site.articles[2]
    url = "http://127.0.0.2:8765" + article.path
    record = extract_page(render(site, article, site.articles[:3]).encode(), url, versioned_profile, crawl_time=crawled)
    truth = article.record("http://127.0.0.2:8765")
    assert record.parser_version == version
    assert {f for f, layer in record.layers.items() if layer == "profile"} >= PROFILE_FIELDS
    assert (record.title, record.published, record.authors, record.body, record.captions) == (
        truth["title"], truth["published"], truth["authors"], truth["body"], truth["captions"])


def test_old_html_with_the_new_version_would_miss(versioned_profile):
    """Why versions are dated: the new selectors do not fit the old theme."""
    site = build_replica(seed=12, **SMALL).sites["ngoquyen"]
    article = site.articles[2]
    url = "http://127.0.0.2:8765" + article.path
    record = extract_page(article_page(site, article, []).encode(), url, versioned_profile, crawl_time="2025-03-01")
    assert record.parser_version == "2025-news-theme"
    assert "profile" not in record.layers.values()
