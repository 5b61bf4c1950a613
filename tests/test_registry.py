"""Portal profiles: the shipped registry loads, and profiles are validated when read."""

from __future__ import annotations

import pytest

from crawler.registry import ProfileError, load_registry, portals_from_dict
from spiders.portal import select_portals


def test_real_haiphong_portal_is_shipped_and_relies_on_wordpress():
    portal = load_registry().get("haiphong")
    assert portal.host == "thanhphohaiphong.gov.vn"
    assert portal.discovery.sources[:3] == ("wpjson", "sitemap", "feed")
    assert portal.timezone == "Asia/Ho_Chi_Minh"
    assert not portal.allow_private_addresses


def test_all_means_real_portals_not_the_bundled_replica():
    chosen = select_portals(load_registry(), "all")
    assert "haiphong" in chosen
    assert not [name for name, p in chosen.items() if p.replica]


def test_a_family_name_selects_its_portals():
    chosen = select_portals(load_registry(), "haiphong-replica")
    assert sorted(chosen) == ["replica-city", "replica-hongbang", "replica-lechan", "replica-ngoquyen"]


def test_unknown_portal_names_the_known_ones():
    with pytest.raises(ProfileError, match="known portals: .*haiphong"):
        select_portals(load_registry(), "no-such-portal")


def test_a_bad_selector_is_refused_when_the_profile_is_read():
    with pytest.raises(ProfileError, match="bad selector"):
        portals_from_dict(
            {"family": {"name": "x"}, "parsers": [{"version": "1", "fields": {"title": "xpath://h1[["}}],
             "portals": [{"name": "x", "base_url": "https://x.vn"}]}
        )


def test_parser_versions_are_chosen_by_date():
    portals = portals_from_dict(
        {"family": {"name": "x"},
         "parsers": [{"version": "new", "valid_from": "2024-03-01", "fields": {"title": "h1.new"}},
                     {"version": "old", "valid_from": "2020-01-01", "valid_until": "2024-03-01", "fields": {"title": "h1"}}],
         "portals": [{"name": "x", "base_url": "https://x.vn"}]}
    )
    portal = portals[0]
    assert portal.parser_for("2023-12-31T10:00:00+00:00").version == "old"
    assert portal.parser_for("2024-03-01T00:00:00+00:00").version == "new"
    assert portal.parser_for(None).version == "new"
