"""Discovery: every source a portal offers finds every article, alone; the listings-only host is
crawled completely; robots.txt is obeyed; --since and --max-pages bound a run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import crawl_replica, rows
from crawler.registry import BUILTIN_PROFILE_DIR
from crawler.replica import ReplicaServer, build_replica

REPLICA_PROFILE = (BUILTIN_PROFILE_DIR / "haiphong-replica.toml").read_text(encoding="utf-8")


def profile_dir(tmp_path: Path, **discovery: str) -> Path:
    """A copy of the replica profile with discovery settings replaced (same portal names, so it wins)."""
    text = REPLICA_PROFILE
    for key, value in discovery.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    directory = tmp_path / "profiles"
    directory.mkdir(exist_ok=True)
    (directory / "replica-override.toml").write_text(text, encoding="utf-8")
    return directory


def stored_urls(db: Path, portal: str) -> set[str]:
    return {r["url"] for r in rows(db, "SELECT url FROM articles WHERE portal = ?", (portal,))}


def true_urls(server: ReplicaServer, site: str) -> set[str]:
    base = server.base_urls[site]
    return {base + a.path for a in server.replica.sites[site].live}


@pytest.mark.parametrize("source", ["wpjson", "sitemap", "feed", "listing"])
def test_each_source_alone_finds_every_article(replica, tmp_path, source):
    db = tmp_path / "m.db"
    profiles = profile_dir(tmp_path, sources=f'["{source}"]')
    start = len(replica.log)
    crawl_replica(replica, db, "--profiles", str(profiles), family="replica-lechan")
    assert stored_urls(db, "replica-lechan") == true_urls(replica, "lechan")
    used = {e.path.split("?")[0] for e in replica.log[start:] if e.site == "lechan"}
    endpoints = {"wpjson": "/wp-json/wp/v2/posts", "sitemap": "/sitemap.xml", "feed": "/feed/",
                 "listing": "/category/chinh-tri/"}
    assert endpoints[source] in used
    assert {path for name, path in endpoints.items() if name != source} & used == set()


def test_listings_only_host_is_crawled_completely(replica, tmp_path):
    assert replica.replica.sites["hongbang"].sources == {"listing"}
    db = tmp_path / "m.db"
    crawl_replica(replica, db, family="replica-hongbang")
    assert stored_urls(db, "replica-hongbang") == true_urls(replica, "hongbang")


def test_robots_disallow_is_honoured(tmp_path):
    family = build_replica()
    site = family.sites["ngoquyen"]
    forbidden = site.articles[3]
    site.disallowed = (forbidden.path,)
    with ReplicaServer(family) as server:
        db = tmp_path / "m.db"
        crawl_replica(server, db, family="replica-ngoquyen")
        fetched = {e.path for e in server.log if e.site == "ngoquyen"}
        assert forbidden.path not in fetched
        assert stored_urls(db, "replica-ngoquyen") == true_urls(server, "ngoquyen") - {server.base_urls["ngoquyen"] + forbidden.path}


def test_since_bounds_how_far_back(replica, tmp_path):
    db = tmp_path / "m.db"
    site = replica.replica.sites["lechan"]
    cutoff = sorted(a.published for a in site.live)[len(site.live) // 2]
    crawl_replica(replica, db, "--since", cutoff.isoformat(), family="replica-lechan")
    expected = {replica.base_urls["lechan"] + a.path for a in site.live if a.published >= cutoff}
    assert stored_urls(db, "replica-lechan") == expected


def test_max_pages_bounds_a_run(replica, tmp_path):
    db = tmp_path / "m.db"
    crawl_replica(replica, db, "--max-pages", "20", family="replica-city")
    stored = len(stored_urls(db, "replica-city"))
    assert 0 < stored < 40


def test_the_sitemaps_robots_txt_names_are_read_and_the_profile_paths_only_without_them():
    """A portal that names its sitemap in robots.txt is not asked the CMS family's other paths
    (WordPress: /wp-sitemap.xml, /sitemap_index.xml, /sitemap.xml); without a Sitemap: line, or
    without robots.txt, the profile's paths are."""
    from types import SimpleNamespace

    from spiders.sources import get

    portal = SimpleNamespace(base_url="http://site.test", discovery=SimpleNamespace(
        sitemap_paths=("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")))
    source = get("sitemap")

    def asked(body: bytes, status: int = 200) -> list[str]:
        response = SimpleNamespace(body=body, status=status, url="http://site.test/robots.txt")
        return [step.url for step in source.parse(response, portal, "robots", None).steps]

    guessed = ["http://site.test/wp-sitemap.xml", "http://site.test/sitemap_index.xml", "http://site.test/sitemap.xml"]
    assert asked(b"User-agent: *\nDisallow:\nSitemap: http://site.test/sitemap_index.xml\n") == [
        "http://site.test/sitemap_index.xml"]
    assert asked(b"User-agent: *\nDisallow: /wp-admin/\n") == guessed
    assert asked(b"", status=404) == guessed
    assert [step.url for step in source.on_failure(portal, "robots")] == guessed
