"""Stories across portals: syndicated copies (retitled, abridged, a photo fewer, a day apart, the
other tone-mark placement) share a story; templated families (weekly schedules, weather bulletins)
and different events at one venue (the same two paragraphs about the venue) never merge.

The replica here carries the story-index cases (``build_replica(story_cases=True)``)."""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from conftest import checkpoint, copy_db, crawl_replica, rows
from crawler.processing.dedup import DedupStep
from crawler.storage import Storage
from crawler.dedup.similarity import score_grouping
from crawler.replica import ReplicaServer, build_replica

MOST_PORTALS_THIS_MONTH = """
SELECT s.id, s.title, s.portal_count, s.article_count, s.portals, s.first_published, s.last_published
FROM stories s
WHERE s.last_published >= date((SELECT max(published_utc) FROM articles), 'start of month')
ORDER BY s.portal_count DESC, s.article_count DESC, s.first_published
LIMIT 20
"""


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(build_replica(story_cases=True)) as server:
        yield server


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory):
    db = tmp_path_factory.mktemp("stories") / "m.db"
    crawl_replica(replica, db)
    return db


def pairs(groups: dict[str, object]) -> set[tuple[str, str]]:
    by_group: dict[object, list[str]] = {}
    for url, group in groups.items():
        by_group.setdefault(group, []).append(url)
    return {tuple(sorted(p)) for members in by_group.values() for p in combinations(members, 2)}


def test_story_grouping_precision_and_recall(replica, crawled):
    true = replica.replica.stories(replica.base_urls)
    stored = {r["url"]: r["story_id"] for r in rows(crawled, "SELECT url, story_id FROM articles")}
    true_pairs, stored_pairs = pairs(true), pairs(stored)
    assert len(true_pairs) >= 30, "the replica must syndicate enough stories for this to measure anything"
    precision, recall = score_grouping(true_pairs, stored_pairs)
    assert precision >= 0.99
    assert recall >= 0.99


def stored_story(replica, crawled) -> dict[str, int]:
    return {r["url"]: r["story_id"] for r in rows(crawled, "SELECT url, story_id FROM articles")}


def test_different_events_at_one_venue_stay_apart_and_their_copies_join_them(replica, crawled):
    stored = stored_story(replica, crawled)
    venue = [a for a in replica.replica.all_articles() if a.case and a.case.startswith("venue:")]
    assert len(venue) >= 12
    by_url = {replica.base_urls[a.site] + a.path: a for a in venue}
    for first, second in combinations(sorted(by_url), 2):
        a, b = by_url[first], by_url[second]
        assert (stored[first] == stored[second]) == (a.story == b.story), (a.title, b.title)


def test_the_other_tone_placement_is_the_same_story(replica, crawled):
    stored = stored_story(replica, crawled)
    articles = replica.replica.all_articles()
    variants = [a for a in articles if a.case == "tone-variant"]
    assert len(variants) >= 5
    for variant in variants:
        original = next(a for a in articles if a.story == variant.story and a.case is None)
        assert variant.body != original.body[: len(variant.body)]
        url = replica.base_urls[variant.site] + variant.path
        assert stored[url] == stored[replica.base_urls[original.site] + original.path], variant.title


def test_stories_rows_agree_with_their_articles(crawled):
    """Stories merged or split while the crawl went on leave no stale row behind."""
    mismatched = rows(crawled, """
        SELECT s.id FROM stories s LEFT JOIN (
            SELECT story_id, COUNT(*) AS n, COUNT(DISTINCT portal) AS p, min(id) AS first FROM articles GROUP BY story_id
        ) a ON a.story_id = s.id
        WHERE a.n IS NULL OR a.n != s.article_count OR a.p != s.portal_count OR a.first != s.first_article_id""")
    assert mismatched == []


def test_templated_families_stay_apart(replica, crawled):
    families = [a for a in replica.replica.all_articles() if a.family]
    assert len(families) >= 20
    urls = [replica.base_urls[a.site] + a.path for a in families]
    stories = rows(crawled, f"SELECT story_id FROM articles WHERE url IN ({','.join('?' * len(urls))})", tuple(urls))
    assert len({r["story_id"] for r in stories}) == len(families)


def test_stories_table_knows_first_article_dates_and_portals(replica, crawled):
    widest = rows(crawled, "SELECT * FROM stories ORDER BY portal_count DESC, id LIMIT 1")[0]
    assert widest["portal_count"] == 3
    members = rows(crawled, "SELECT portal, published_utc FROM articles WHERE story_id = ?", (widest["id"],))
    assert sorted({m["portal"] for m in members}) == sorted(json.loads(widest["portals"]))
    assert widest["first_published"] == min(m["published_utc"] for m in members)
    assert widest["last_published"] == max(m["published_utc"] for m in members)


def test_readme_query_stories_carried_by_the_most_portals_this_month(crawled):
    top = rows(crawled, MOST_PORTALS_THIS_MONTH)
    assert top, "the newest month of the demo database has stories"
    counts = [r["portal_count"] for r in top]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] >= 2


def test_an_index_from_before_the_text_form_is_rebuilt_from_the_articles(replica, crawled, tmp_path):
    """Tables built before the comparison form (tone placement, paragraph keys) compare other
    shingles: the dedup step rebuilds them from the stored articles, and the stories follow."""
    checkpoint(crawled)
    db = copy_db(crawled, tmp_path / "old.db")
    storage = Storage(db)
    storage.open([])
    conn = storage.db.conn
    conn.execute("DELETE FROM dedup_meta WHERE name = 'text_form'")
    for table in ("dedup_edges", "dedup_furniture", "dedup_paragraphs"):
        conn.execute(f"DELETE FROM {table}")
    ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
    storage.move_to_stories({article_id: article_id for article_id in ids})  # every article its own story
    assert len({r[0] for r in conn.execute("SELECT story_id FROM articles")}) == len(ids)
    step = DedupStep(storage)
    assert step.index.stale is False
    storage.commit()
    storage.close()
    true_pairs = pairs(replica.replica.stories(replica.base_urls))
    stored = {r["url"]: r["story_id"] for r in rows(db, "SELECT url, story_id FROM articles")}
    assert score_grouping(true_pairs, pairs(stored)) == (1.0, 1.0)
    assert rows(db, "SELECT COUNT(*) AS n FROM stories")[0]["n"] == len(set(stored.values()))
