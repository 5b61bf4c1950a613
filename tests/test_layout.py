"""Portal knowledge lives in profiles (data), never in spiders or pipelines."""

from __future__ import annotations

from pathlib import Path

from crawler.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent


def generic_code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for d in ("spiders", "pipelines") for p in (ROOT / d).glob("*.py"))


def test_no_portal_name_host_or_selector_in_generic_code():
    code = generic_code()
    registry = load_registry()
    assert registry.portals, "the registry must hold portals for this test to mean anything"
    needles = set()
    for portal in registry.portals.values():
        needles |= {portal.name, portal.family, portal.host, *portal.discovery.start_paths}
        needles |= {portal.discovery.article_links, portal.discovery.next_page or ""}
        for parser in portal.parsers:
            needles |= {s for s in (parser.title, parser.published, parser.author, parser.body, parser.images) if s}
            needles |= {rule.container for rule in parser.captions}
    found = sorted(n for n in needles if len(n) > 2 and n in code)  # "/" and "a" are not knowledge
    assert found == []


def test_client_layout_exists():
    for path in ("crawler/settings.py", "crawler/items.py", "crawler/cli.py", "spiders", "pipelines", "data",
                 "tests", "scrapy.cfg", "pyproject.toml"):
        assert (ROOT / path).exists(), path
