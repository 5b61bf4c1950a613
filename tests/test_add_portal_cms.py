"""`muninews add-portal` then `muninews crawl` on the real CMSs (issues 13 and 18), no hand edits:
the real WordPress (both themes, with its REST API and listings only) and the real Plone (under a
path and at the host root). The truth comes from the CMS itself (tests/wordpress, tests/plone).

Skipped only where the CMS packages are missing (outside CI)."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import pytest
from conftest import muninews, rows
from plone.fixtures import shared_site as shared_plone
from wordpress.fixtures import shared_site as shared_wordpress

from crawler.onboarding.probe import read_sitemap


def crawl_reads_gzip_sitemaps() -> bool:
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://h/a</loc></url></urlset>'
    return read_sitemap(gzip.compress(urlset)) != ([], [])


def onboard_and_crawl(base_url: str, tmp_path: Path, name: str) -> tuple[dict, set[str], str]:
    """The drafted profile (as data), the URLs the crawl stored, and the probe's output."""
    profiles = tmp_path / "profiles"
    probe = muninews("add-portal", base_url, "--name", name, "--profiles", str(profiles), "--allow-private",
                     timeout=120)
    draft = tomllib.loads((profiles / f"{name}.toml").read_text(encoding="utf-8"))
    db = tmp_path / "m.db"
    muninews("crawl", name, "--profiles", str(profiles), "--db", str(db), "--quiet", timeout=600)
    stored = {r["url"] for r in rows(db, "SELECT url FROM articles WHERE portal = ?", (name,))}
    return draft, stored, probe.stdout


@pytest.fixture(scope="module")
def wordpress():
    site = shared_wordpress()
    yield site
    site.restore("built")
    site.switch_theme("twentytwentythree")


@pytest.mark.parametrize("theme", ["twentytwentythree", "twentytwentyone"])
def test_wordpress_draft_reaches_every_post(wordpress, tmp_path, theme):
    if wordpress.theme != theme:
        wordpress.switch_theme(theme)
    wordpress.reset_toggles()
    truth = wordpress.truth()
    draft, stored, output = onboard_and_crawl(wordpress.base_url, tmp_path, f"wp-{theme[6:]}")
    assert draft["family"]["timezone"] == truth["site"]["timezone_string"] == "Asia/Ho_Chi_Minh"
    assert draft["family"]["languages"] == ["vi"] and draft["family"]["date_order"] == "DMY"
    assert draft["family"].get("cms") == "wordpress"
    assert draft["discovery"]["sources"][0] == "wpjson"
    assert "--profiles" in output.splitlines()[-1], "the hint names the folder a crawl must be told"
    posts = {p["url"] for p in truth["posts"]}
    assert posts <= stored, f"missing {sorted(posts - stored)[:5]}"
    never = {*truth["drafts"], *truth["private"], *truth["scheduled"], *truth["pages"]}
    assert not stored & never


@pytest.mark.parametrize("theme", ["twentytwentythree", "twentytwentyone"])
def test_wordpress_listings_only_draft_reaches_every_post(wordpress, tmp_path, theme):
    if wordpress.theme != theme:
        wordpress.switch_theme(theme)
    wordpress.listings_only()
    try:
        truth = wordpress.truth()
        draft, stored, output = onboard_and_crawl(wordpress.base_url, tmp_path, f"wpl-{theme[6:]}")
    finally:
        wordpress.reset_toggles()
    assert draft["discovery"]["sources"] == ["listing"], output
    assert draft["family"]["timezone"] == "Asia/Ho_Chi_Minh", "from the dates on its pages"
    posts = {p["url"] for p in truth["posts"]}
    assert posts <= stored, f"missing {len(posts - stored)}: {sorted(posts - stored)[:5]}"
    assert not stored & {*truth["drafts"], *truth["private"], *truth["pages"]}


@pytest.mark.parametrize("root", [False, True], ids=["under-a-path", "host-root"])
def test_plone_draft_reaches_every_news_item(tmp_path, root):
    site = shared_plone(root=root)
    truth = site.truth()
    name = "plone-root" if root else "plone-path"
    draft, stored, output = onboard_and_crawl(site.portal_url, tmp_path, name)
    assert "found no way" not in output
    assert draft["family"]["timezone"] == "Asia/Ho_Chi_Minh"
    assert draft["family"]["languages"] == ["vi"]
    discovery = draft["discovery"]
    assert "sitemap /sitemap.xml.gz (" in output, "Plone's only sitemap is recognised by its content"
    drafted = discovery.get("sitemap_paths", []) == ["/sitemap.xml.gz"]
    assert drafted == crawl_reads_gzip_sitemaps(), "drafted exactly when the crawl's reader reads it"
    assert discovery.get("feed_paths") and "listing" in discovery["sources"], output
    articles = {a["url"] for a in truth["articles"]}
    assert articles <= stored, f"missing {len(articles - stored)}: {sorted(articles - stored)[:5]}"
    assert not stored & set(truth["hidden"])


def test_plone_navigation_depth_one_still_drafts_feeds_and_listings(tmp_path):
    site = shared_plone(root=False)
    site.configure(nav_depth=1, sitemap=False)
    try:
        truth = site.truth()
        draft, stored, output = onboard_and_crawl(site.portal_url, tmp_path, "plone-depth1")
    finally:
        site.configure(nav_depth=3, sitemap=True)
    assert "found no way" not in output
    assert "feed" in draft["discovery"]["sources"] and "listing" in draft["discovery"]["sources"], output
    articles = {a["url"] for a in truth["articles"]}
    assert articles <= stored, f"missing {len(articles - stored)}: {sorted(articles - stored)[:5]}"
