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


# --- Validation on load (issue 12, item 4) ------------------------------------------------------
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

import crawler.registry as registry_module  # noqa: E402
from conftest import ROOT, muninews  # noqa: E402
from crawler.registry import BUILTIN_PROFILE_DIR, check_profiles, load_profile, registry_from_settings  # noqa: E402

GOOD = """
[family]
name = "checked"
cms = "wordpress"
timezone = "Asia/Ho_Chi_Minh"

[discovery]
sources = ["sitemap", "listing"]
start_paths = ["/"]

[[parsers]]
version = "old"
valid_from = "2020-01-01"
valid_until = "2024-03-01"
[parsers.fields]
title = "h1"
captions = [{ container = "figure", caption = "figcaption" }]

[[parsers]]
version = "new"
valid_from = "2024-03-01"
[parsers.fields]
title = "h1.new"

[[portals]]
name = "checked-city"
base_url = "https://checked.example.vn"
[portals.discovery]
start_paths = ["/news/"]
"""


def write(tmp_path: Path, text: str, name: str = "checked.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_profile_loads_with_its_cms(tmp_path):
    (portal,) = load_profile(write(tmp_path, GOOD))
    assert portal.cms == "wordpress"
    assert portal.discovery.sources == ("sitemap", "listing")
    assert portal.discovery.start_paths == ("/news/",)
    assert [p.version for p in portal.parsers] == ["old", "new"]


def test_the_shipped_profiles_pass_the_check():
    report = check_profiles([BUILTIN_PROFILE_DIR])
    assert report.problems == []
    assert report.portals >= 5
    assert {p.cms for p in load_registry().portals.values()} == {"wordpress"}


@pytest.mark.parametrize(("old", "new", "where", "key"), [
    ('sources = ["sitemap", "listing"]', 'sourcse = ["sitemap", "listing"]', "[discovery]", "sourcse"),
    ('cms = "wordpress"', 'cms = "wordpress"\ntimezon = "UTC"', "[family]", "timezon"),
    ('version = "new"', 'version = "new"\nvalid_form = "2024-03-01"', "[[parsers]] 'new'", "valid_form"),
    ('title = "h1.new"', 'titel = "h1.new"', "[[parsers]] 'new' fields", "titel"),
    ('{ container = "figure", caption = "figcaption" }', '{ container = "figure", captoin = "figcaption" }',
     "[[parsers]] 'old' fields captions[1]", "captoin"),
    ('base_url = "https://checked.example.vn"', 'base_url = "https://checked.example.vn"\nbase_ulr = "x"',
     "[[portals]] 'checked-city'", "base_ulr"),
    ('start_paths = ["/news/"]', 'start_path = ["/news/"]', "[[portals]] 'checked-city' discovery", "start_path"),
    ('[family]', 'familly = 1\n[family]', "top level", "familly"),
])
def test_an_unknown_key_at_any_level_is_refused_with_the_key_and_the_file(tmp_path, old, new, where, key):
    assert GOOD.count(old) == 1
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {where}: unknown key {key!r} ")


def test_a_misspelt_key_names_the_likely_one(tmp_path):
    with pytest.raises(ProfileError, match=r"unknown key 'sourcse' \(did you mean 'sources'\?\)"):
        load_profile(write(tmp_path, GOOD.replace("sources =", "sourcse =")))


@pytest.mark.parametrize(("old_until", "message"), [
    ('valid_until = "2024-04-01"', r"'old' \(2020-01-01..2024-04-01\) and 'new' \(2024-03-01..9999-12-31\) overlap"),
    ('valid_until = "2024-02-01"', r"'old' \(until 2024-02-01\) and 'new' \(from 2024-03-01\) leave a gap"),
    ('#', r"'old' \(2020-01-01..9999-12-31\) and 'new' .* overlap"),  # the old version never ended
])
def test_overlapping_or_gapped_parser_versions_are_refused(tmp_path, old_until, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(write(tmp_path, GOOD.replace('valid_until = "2024-03-01"', old_until)))


def test_a_parser_version_ending_before_it_starts_or_named_twice_is_refused(tmp_path):
    with pytest.raises(ProfileError, match="valid_from 2024-03-01 is not before valid_until 2024-01-01"):
        load_profile(write(tmp_path, GOOD.replace('valid_from = "2024-03-01"', 'valid_from = "2024-03-01"\nvalid_until = "2024-01-01"')))
    with pytest.raises(ProfileError, match="version 'old' is defined twice"):
        load_profile(write(tmp_path, GOOD.replace('version = "new"', 'version = "old"')))


def test_toml_dates_are_read_as_days(tmp_path):
    text = GOOD.replace('"2020-01-01"', "2020-01-01").replace('"2024-03-01"', "2024-03-01")
    (portal,) = load_profile(write(tmp_path, text))
    assert [(p.valid_from, p.valid_until) for p in portal.parsers] == [
        ("2020-01-01", "2024-03-01"), ("2024-03-01", "9999-12-31")]


@pytest.mark.parametrize(("old", "new", "message"), [
    ('sources = ["sitemap", "listing"]', 'sources = ["sitemap", "listings"]',
     r"\[discovery\]: unknown discovery source 'listings' \(did you mean 'listing'\?\)"),
    ('start_paths = ["/news/"]', 'sources = ["rss"]', r"discovery: unknown discovery source 'rss'"),
    ('sources = ["sitemap", "listing"]', 'mode = "some"', r"mode must be one of first, all"),
    ('sources = ["sitemap", "listing"]', 'sources = "sitemap"', r"sources must be a list of strings"),
    ('sources = ["sitemap", "listing"]', 'revisit_days = "3"', r"revisit_days must be a number"),
    ('sources = ["sitemap", "listing"]', "article_url_pattern = '^/(['", r"article_url_pattern is not a regular"),
    ('title = "h1.new"', 'title = "xpath://h1[["', r"fields: title: bad selector"),
    ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi City"', r"unknown timezone"),
    ('name = "checked-city"', 'title = "no name"', r"missing key 'name'"),
    ('base_url = "https://checked.example.vn"', 'base_url = "checked.example.vn"', r"base_url must be an http"),
])
def test_wrong_values_are_refused(tmp_path, old, new, message):
    assert GOOD.count(old) == 1
    with pytest.raises(ProfileError, match=message):
        load_profile(write(tmp_path, GOOD.replace(old, new)))


def test_cms_must_name_a_family_module(tmp_path):
    families = pytest.importorskip("crawler.families")
    assert "wordpress" in families.names()
    with pytest.raises(ProfileError, match=r"\[family\]: unknown cms 'wordpres'"):
        load_profile(write(tmp_path, GOOD.replace('cms = "wordpress"', 'cms = "wordpres"')))


def test_every_problem_of_a_file_is_listed(tmp_path):
    path = write(tmp_path, GOOD.replace("sources =", "sourcse =").replace('title = "h1"', 'titel = "h1"'))
    report = check_profiles([tmp_path])
    assert report.files == [path]
    assert len(report.problems) == 2
    with pytest.raises(ProfileError, match=r"\(and 1 more: muninews profiles check ") as caught:
        load_profile(path)
    assert len(caught.value.problems) == 2


def test_profiles_check_prints_one_line_per_problem_and_exits_non_zero(tmp_path):
    from crawler.cli import main

    bad = write(tmp_path, GOOD.replace("sources =", "sourcse =").replace('title = "h1"', 'titel = "h1"'))
    write(tmp_path, GOOD.replace("checked", "other"), "other.toml")
    result = CliRunner().invoke(main, ["profiles", "check", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad}: [discovery]: unknown key 'sourcse'")
    assert "unknown key 'titel'" in lines[1]

    ok = CliRunner().invoke(main, ["profiles", "check", str(tmp_path / "other.toml"), str(BUILTIN_PROFILE_DIR)])
    assert ok.exit_code == 0, ok.output
    assert "ok" in ok.stdout
    assert CliRunner().invoke(main, ["profiles", "check"]).exit_code == 0  # the shipped ones (+ data/profiles)


def test_crawl_with_a_misspelt_key_exits_with_one_line_naming_it(tmp_path):
    write(tmp_path, GOOD.replace("sources =", "sourcse ="))
    result = muninews("crawl", "checked-city", "--profiles", str(tmp_path), "--db", str(tmp_path / "x.db"),
                      "--quiet", check=False, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "sourcse" in lines[0] and str(tmp_path / "checked.toml") in lines[0]
    assert not (tmp_path / "x.db").exists()


def test_extract_reads_the_same_profile_folders_as_crawl(tmp_path):
    from crawler.replica import build_replica
    from crawler.replica.templates import article_page

    site = build_replica().sites["city"]
    article = site.articles[3]
    page = write(tmp_path, article_page(site, article, []), "article.html")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shipped = (BUILTIN_PROFILE_DIR / "haiphong-replica.toml").read_text(encoding="utf-8")
    write(drafts, shipped.replace('"haiphong-replica"', '"drafted"').replace('"replica-', '"drafted-'), "drafted.toml")
    result = muninews("extract", str(page), "--url", "http://127.0.0.1:8765" + article.path,
                      "--portal", "drafted-city", "--profiles", str(drafts))
    record = json.loads(result.stdout)
    assert record["title"] == article.title
    assert record["layers"]["title"] == "profile"


def test_one_crawl_parses_each_profile_file_once(tmp_path, monkeypatch):
    """The spider, both host middlewares and the processing chain each ask for the registry."""
    from types import SimpleNamespace

    from scrapy.signalmanager import SignalManager

    from crawler.middlewares.hosts import HostGuardMiddleware
    from crawler.middlewares.redirects import RedirectGuardMiddleware
    from crawler.processing import PageProcessor
    from crawler.runner import project_settings

    write(tmp_path, GOOD)
    parsed: list[Path] = []
    read = registry_module._read_toml
    monkeypatch.setattr(registry_module, "_read_toml", lambda path: parsed.append(path) or read(path))
    registry_module.clear_cache()
    settings = project_settings(MUNINEWS_PROFILE_DIRS=[str(tmp_path)], SQLITE_PATH=str(tmp_path / "x.db"))
    crawler = SimpleNamespace(settings=settings, stats=None, signals=SignalManager())
    registry_from_settings(crawler.settings)  # the spider's
    HostGuardMiddleware.from_crawler(crawler)
    RedirectGuardMiddleware.from_crawler(crawler)
    PageProcessor.from_settings(crawler.settings)
    files = sorted([*BUILTIN_PROFILE_DIR.glob("*.toml"), tmp_path / "checked.toml"])
    assert sorted(parsed) == files


def test_a_changed_profile_file_is_read_again(tmp_path):
    path = write(tmp_path, GOOD)
    assert load_profile(path)[0].title == "checked-city"
    write(tmp_path, GOOD.replace('name = "checked-city"', 'name = "checked-city"\ntitle = "Checked, longer"'))
    assert load_profile(path)[0].title == "Checked, longer"


def test_no_command_types_the_default_paths_again():
    code = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "crawler/cli.py", *(ROOT / "crawler/commands").glob("*.py")])
    assert 'default="data/' not in code and "Path(\"data/" not in code


def test_a_profile_that_names_its_cms_gets_the_family_s_discovery_where_it_says_nothing(tmp_path):
    """``cms = "plone"`` and a base URL are a working profile: Plone's REST API first, its gzipped
    sitemap, its feeds; what the profile does say wins, and a profile naming no CMS keeps the generic defaults."""
    plone = write(tmp_path, """
[family]
name = "quan-plone"
cms = "plone"
timezone = "Asia/Ho_Chi_Minh"

[discovery]
feed_paths = ["/tin-tuc/RSS"]

[[portals]]
name = "quan-plone"
base_url = "http://127.0.0.1:8080/ngoquyen"
""")
    [portal] = load_profile(plone)
    assert portal.discovery.sources == ("plonerest", "sitemap", "listing", "feed")
    assert portal.discovery.sitemap_paths == ("/sitemap.xml.gz",)
    assert portal.discovery.feed_paths == ("/tin-tuc/RSS",)
    generic = write(tmp_path, GOOD.replace('cms = "wordpress"\n', ""))
    assert load_profile(generic)[0].discovery.sitemap_paths == ("/sitemap.xml",)
