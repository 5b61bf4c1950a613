"""The README is the manual: every command, project setting and shipped portal appears in it."""

from __future__ import annotations

import re
from pathlib import Path

import crawler.settings
from crawler.cli import main
from crawler.registry import load_registry

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
PROJECT_SETTING = re.compile(r"^(MUNINEWS|SQLITE|DEDUP|EXTRACT|DISTRIBUTED)_|^RETRY_(BACKOFF|AFTER)_")


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
