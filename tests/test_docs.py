"""The README is the manual: every command, project setting and shipped portal appears in it."""

from __future__ import annotations

import re
from pathlib import Path

import crawler.settings
from crawler.cli import main
from crawler.registry import load_registry

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
PROJECT_SETTING = re.compile(r"^(MUNINEWS|SQLITE|DEDUP|EXTRACT|DISTRIBUTED|DISCOVERY|FRONTIER)_|^RETRY_(BACKOFF|AFTER)_")


def test_every_command_is_documented():
    assert main.commands
    missing = [name for name in main.commands if f"muninews {name}" not in README]
    assert missing == []


def test_every_project_setting_is_documented():
    names = [name for name in dir(crawler.settings) if PROJECT_SETTING.match(name)]
    assert len(names) >= 15
    assert [name for name in names if f"`{name}" not in README and f" `{name}`" not in README] == []


def test_every_shipped_family_is_documented():
    families = {portal.family for portal in load_registry().portals.values()}
    assert [family for family in families if f"`{family}`" not in README] == []


def test_the_readme_settings_table_is_the_settings_registry():
    """The table is generated from crawler/settings_registry.py (`python -m crawler.settings_registry --readme`)."""
    from crawler import settings_registry

    assert settings_registry.readme_table(README) == settings_registry.markdown_table()
    rows = [line for line in settings_registry.readme_table(README).splitlines()[2:]]
    assert [row.split("`")[1] for row in rows] == [s.name for s in settings_registry.SETTINGS]


def test_crawler_settings_takes_every_project_setting_from_the_registry():
    from crawler import settings_registry

    names = {name for name in dir(crawler.settings) if PROJECT_SETTING.match(name)}
    assert names == {s.name for s in settings_registry.SETTINGS}
    assert {name: getattr(crawler.settings, name) for name in names} == settings_registry.defaults()


def test_cli_defaults_come_from_the_settings_registry():
    from crawler import settings_registry

    db = str(settings_registry.default_db_path())
    for name in ("export", "serve", "reextract"):
        option = next(p for p in main.commands[name].params if p.name == "db_path")
        assert str(option.default) == db, name
    for name in ("crawl", "demo", "health", "load"):
        option = next(p for p in main.commands[name].params if p.name == "db_path")
        assert option.default is None and db in option.help, name  # None: the settings decide
    draft = next(p for p in main.commands["add-portal"].params if p.name == "profile_dir")
    assert str(draft.default) == str(settings_registry.draft_profile_dir())
