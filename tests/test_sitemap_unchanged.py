"""The nightly rerun leaves a child sitemap unread when its index dates it as on a night that read
it whole: new and edited articles are still found (their date moves the child's), nothing it lists
is taken for removed, and what the night before did not store is fetched.

A small fleet (crawler/replica/fleet.py): every fourth host, from the second on, offers a sitemap
index whose children are dated by their newest change (as Yoast SEO dates them) before its feed
and listings.
"""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import muninews, rows
from crawler.replica.fleet import FleetServer, build_fleet, fleet_profile

HOSTS, ARTICLES = 8, 6
CHILD = "/post-sitemap.xml"


@pytest.fixture
def fleet_night(tmp_path):
    """A fleet served, and a function that crawls it into one database (a night) and returns the
    night's requests."""
    fleet = build_fleet(HOSTS, ARTICLES, syndicate_every=HOSTS, slow_every=0, down_every=0)
    with FleetServer(fleet) as server:
        profiles = tmp_path / "profiles"
        profiles.mkdir()
        (profiles / "fleet.toml").write_text(fleet_profile(fleet, server.port), encoding="utf-8")
        db = tmp_path / "fleet.db"

        def night(*settings: str):
            sets = [arg for value in settings for arg in ("--set", value)]
            muninews("crawl", "fleet", "--profiles", str(profiles), "--db", str(db), "--quiet", *sets)
            return server.take_log()

        yield fleet, server.base_urls, db, night


def _sitemap_hosts(fleet) -> list[str]:
    return [key for key, site in fleet.replica.sites.items() if "sitemap" in site.sources and "wpjson" not in site.sources]


def _child_reads(log) -> Counter:
    return Counter(hit.host for hit in log if hit.path == CHILD)


def _live(db) -> set[str]:
    return {r["url"] for r in rows(db, "SELECT url FROM articles WHERE removed_at IS NULL")}


def test_a_rerun_with_nothing_changed_reads_no_child_sitemap_and_marks_nothing_removed(fleet_night):
    fleet, base_urls, db, night = fleet_night
    hosts = _sitemap_hosts(fleet)
    assert len(hosts) == 2
    first = night()
    assert _child_reads(first) == Counter({key: 1 for key in hosts})
    recorded = rows(db, "SELECT portal, url, links FROM discovery_reads ORDER BY portal")
    assert [(r["portal"], r["url"], r["links"]) for r in recorded] == [
        (f"fleet-{key}", base_urls[key] + CHILD, ARTICLES) for key in hosts]
    live = _live(db)

    rerun = night()
    assert not _child_reads(rerun), "an undated-anew child sitemap was read again"
    assert {hit.path for hit in rerun if hit.host in hosts} == {"/robots.txt", "/sitemap.xml"}
    assert _live(db) == live, "articles of a child left unread were taken for removed"
    # the portal's sources did not fall through to its feed or listings
    assert not [hit for hit in rerun if hit.host in hosts and (hit.path.startswith("/feed") or "/category/" in hit.path)]

    always = night("DISCOVERY_SITEMAP_TRUST_DAYS=0")  # 0: every child read every night
    assert _child_reads(always) == Counter({key: 1 for key in hosts})


def test_an_edited_article_dates_its_child_anew_and_only_that_child_is_read(fleet_night):
    fleet, base_urls, db, night = fleet_night
    edited_host, quiet_host = _sitemap_hosts(fleet)
    night()
    article = fleet.replica.sites[edited_host].live[2]
    fleet.replica.edit(edited_host, article.slug)

    rerun = night()
    assert _child_reads(rerun) == Counter({edited_host: 1})
    fetched = {(hit.host, hit.path) for hit in rerun if hit.path.endswith(".html")}
    assert fetched == {(edited_host, article.path)}
    versions = rows(db, "SELECT a.url FROM article_versions v JOIN articles a ON a.id = v.article_id")
    assert [v["url"] for v in versions] == [base_urls[edited_host] + article.path]


def test_links_a_night_did_not_store_make_the_child_read_again(fleet_night):
    fleet, base_urls, db, night = fleet_night
    hosts = _sitemap_hosts(fleet)
    night("DISCOVERY_MAX_LINKS=2")  # the child read whole, only two of its articles fetched
    assert {r["links"] for r in rows(db, "SELECT links FROM discovery_reads")} == {ARTICLES}

    rerun = night()
    assert _child_reads(rerun) == Counter({key: 1 for key in hosts})
    stored = {r["url"] for r in rows(db, "SELECT url FROM articles")}
    for key in hosts:
        assert {base_urls[key] + a.path for a in fleet.replica.sites[key].live} <= stored


def test_a_removal_the_index_does_not_date_is_found_once_the_read_is_older_than_the_trust_window(fleet_night):
    fleet, base_urls, db, night = fleet_night
    host = _sitemap_hosts(fleet)[0]
    night()
    site = fleet.replica.sites[host]
    gone = site.newest_first()[-1]  # the oldest: the child's date (its newest change) does not move
    fleet.replica.remove(host, gone.slug)
    gone_url = base_urls[host] + gone.path

    trusted = night()
    assert host not in _child_reads(trusted)
    assert gone_url in _live(db), "found without asking: the test would prove nothing"

    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE discovery_reads SET read_at = '2000-01-01T00:00:00+00:00'")
    conn.commit()
    conn.close()
    again = night()
    assert _child_reads(again)[host] == 1
    assert gone_url not in _live(db)
    marked = {r["url"] for r in rows(db, "SELECT url FROM articles WHERE removed_at IS NOT NULL")}
    assert marked == {gone_url}

