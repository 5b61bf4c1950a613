"""A small fleet of portals crawled the way a nightly run crawls a thousand: every reachable host
complete, robots.txt once per host, nothing fetched or stored twice, the down host on record.

The fleet (crawler/replica/fleet.py) serves 16 hosts on 16 loopback addresses from one asyncio
loop, each with its own articles and its own discovery mix; one host is slow, one refuses
connections, and every fourth host carries a story syndicated from its neighbour.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import muninews, rows
from crawler.replica.fleet import FleetServer, build_fleet, fleet_profile

HOSTS, ARTICLES = 16, 4


@pytest.fixture(scope="module")
def fleet_run(tmp_path_factory):
    """The fleet crawled once, then again the next night with nothing changed (same database)."""
    fleet = build_fleet(HOSTS, ARTICLES, syndicate_every=4, slow_every=6, down_every=11)
    assert fleet.slow and fleet.down, "the fleet must include a slow and a down host"
    work = tmp_path_factory.mktemp("fleet")
    with FleetServer(fleet) as server:
        profiles = work / "profiles"
        profiles.mkdir()
        (profiles / "fleet.toml").write_text(fleet_profile(fleet, server.port), encoding="utf-8")
        db = work / "fleet.db"
        crawl = ("crawl", "fleet", "--profiles", str(profiles), "--db", str(db), "--quiet")
        result = muninews(*crawl, check=False)
        first_log = server.take_log()
        muninews(*crawl, check=False)
        RERUN_LOG.extend(server.take_log())
        yield fleet, server.base_urls, first_log, db, result


RERUN_LOG: list = []


def test_every_reachable_host_is_crawled_completely(fleet_run):
    fleet, base_urls, _, db, _ = fleet_run
    stored = {row["url"] for row in rows(db, "SELECT url FROM articles")}
    for key in fleet.reachable:
        site = fleet.replica.sites[key]
        published = {base_urls[key] + article.path for article in site.live}
        assert published <= stored, f"{key} ({sorted(site.sources)}): missing {sorted(published - stored)}"
    served = {base_urls[k] + a.path for k in fleet.reachable for a in fleet.replica.sites[k].live}
    assert stored == served, f"stored what no reachable host published: {sorted(stored - served)}"


def test_robots_txt_is_fetched_once_per_host(fleet_run):
    fleet, _, log, _, _ = fleet_run
    robots = Counter(hit.host for hit in log if hit.path == "/robots.txt")
    assert robots == Counter({key: 1 for key in fleet.reachable})


def test_no_article_is_fetched_or_stored_twice(fleet_run):
    fleet, _, log, db, _ = fleet_run
    fetched = Counter((hit.host, hit.path) for hit in log if hit.path.endswith(".html"))
    assert fetched and max(fetched.values()) == 1, [k for k, n in fetched.items() if n > 1]
    assert rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] == len({(h, p) for h, p in fetched})
    assert rows(db, "SELECT count(*) - count(DISTINCT url_key) AS d FROM articles")[0]["d"] == 0


def test_syndicated_copies_are_one_story(fleet_run):
    fleet, base_urls, _, db, _ = fleet_run
    story_of = {row["url"]: row["story_id"] for row in rows(db, "SELECT url, story_id FROM articles")}
    copies = Counter()
    for key in fleet.reachable:
        for article in fleet.replica.sites[key].live:
            copies[article.story] += 1
    shared = [story for story, n in copies.items() if n > 1]
    assert shared, "the fleet must carry syndicated stories"
    for story in shared:
        urls = [base_urls[k] + a.path for k in fleet.reachable for a in fleet.replica.sites[k].live if a.story == story]
        assert len({story_of[u] for u in urls}) == 1, f"story {story} split across {urls}"


def test_the_down_host_is_reported_and_the_run_is_partial(fleet_run):
    fleet, base_urls, log, db, result = fleet_run
    assert result.returncode == 1, result.stderr  # a portal failed entirely (README's exit codes)
    (down,) = fleet.down
    assert not [hit for hit in log if hit.host == down]
    assert f"fleet-{down}" in result.stdout + result.stderr
    failed = rows(db, "SELECT portal, reason FROM failures WHERE url LIKE ?", (base_urls[down] + "%",))
    assert failed and all(f["portal"] == f"fleet-{down}" for f in failed)
    assert any("refused" in f["reason"] for f in failed), [f["reason"] for f in failed]
    status = rows(db, "SELECT status FROM crawl_run_portals WHERE portal = ? ORDER BY run_id", (f"fleet-{down}",))
    assert [s["status"] for s in status] == ["failed", "failed"]  # both nights


def test_the_next_night_asks_each_host_the_source_that_worked(fleet_run):
    fleet, _, _, db, _ = fleet_run
    expected = {"wpjson": "wpjson", "sitemap": "sitemap", "feed": "feed", "listing": "listing"}
    for key in fleet.reachable:
        mix = fleet.replica.sites[key].sources
        first_offered = next(s for s in ("wpjson", "sitemap", "feed", "listing") if s in mix)
        (row,) = rows(db, "SELECT source FROM crawl_run_portals WHERE portal = ? ORDER BY run_id LIMIT 1",
                      (f"fleet-{key}",))
        assert row["source"] == expected[first_offered], (key, sorted(mix))
    listing_only = [k for k in fleet.reachable if fleet.replica.sites[k].sources == {"listing"}]
    asked = {hit.path for hit in RERUN_LOG if hit.host in listing_only}
    assert listing_only and asked, "the rerun must reach the listings-only hosts"
    assert not [p for p in asked if p.startswith(("/wp-json", "/sitemap", "/feed"))], sorted(asked)
    assert not [hit for hit in RERUN_LOG if hit.path.endswith(".html") and hit.status == 200]  # nothing changed
