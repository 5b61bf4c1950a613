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


def test_the_readme_layout_names_every_package():
    """The README's Layout section has a line for every package of the product."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = {line.split()[0].rstrip("/") for line in layout.splitlines() if line.strip() and not line.startswith("```")}
    packages = sorted({init.parent.name for top in ("crawler", "spiders", "pipelines")
                       for init in (ROOT / top).rglob("__init__.py")})
    assert len(packages) >= 10
    assert [name for name in packages if name not in named] == []
