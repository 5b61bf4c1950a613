"""Zero-config onboarding: `muninews add-portal` drafts a profile that crawls a host it has never
seen, with no hand-written selectors, finding at least 95% of its articles."""

from __future__ import annotations

import pytest
from conftest import muninews, rows


@pytest.mark.parametrize("site", ["city", "ngoquyen", "lechan", "hongbang"])
def test_drafted_profile_crawls_the_host(replica, tmp_path, site):
    profiles = tmp_path / "profiles"
    name = f"probe-{site}"
    probe = muninews("add-portal", replica.base_urls[site], "--name", name, "--profiles", str(profiles),
                     "--allow-private")
    assert "found" in probe.stdout
    text = (profiles / f"{name}.toml").read_text(encoding="utf-8")
    assert "[parsers" not in text, "a draft holds no hand-written selectors"

    db = tmp_path / "m.db"
    muninews("crawl", name, "--profiles", str(profiles), "--db", str(db), "--quiet")
    stored = {r["url"] for r in rows(db, "SELECT url FROM articles WHERE portal = ?", (name,))}
    expected = {replica.base_urls[site] + a.path for a in replica.replica.sites[site].live}
    assert len(stored & expected) >= 0.95 * len(expected)
    assert stored <= expected, "nothing but articles is stored"


def test_listings_only_host_is_reported_as_such(replica, tmp_path):
    result = muninews("add-portal", replica.base_urls["hongbang"], "--profiles", str(tmp_path), "--allow-private")
    assert "missing  WordPress REST API" in result.stdout
    assert "missing  XML sitemap" in result.stdout
    assert "paginated listing pages" in result.stdout
