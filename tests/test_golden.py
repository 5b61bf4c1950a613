"""Golden pages, as Fundus keeps them: every parser version of every profile has saved HTML whose
extracted record is pinned in JSON, so a change to a profile or to extraction that alters a record
fails here, field by field, until someone regenerates the JSON and reviews the diff.

A version without a saved page fails (selectors nobody has run on a real page are a guess), and a
saved page under a version the registry no longer has fails too (stale fixtures hide nothing).
See tests/golden/README.md for where the pages come from and how to regenerate them.
"""

from __future__ import annotations

import pytest
from golden import GOLDEN, Golden, differences, extract, goldens, registry_versions

from crawler.registry import load_registry

REGISTRY = load_registry()
VERSIONS = registry_versions(REGISTRY)
REGENERATE = ".venv/bin/python tests/golden/regenerate.py"


@pytest.mark.parametrize("family, version", [
    pytest.param(family, version, id=f"{family}/{version or 'no-parser-version'}")
    for family, versions in sorted(VERSIONS.items()) for version in versions or [None]
])
def test_every_parser_version_has_a_golden_page(family, version):
    if version is None:
        pytest.skip(f"{family} has no parser version (generic layers only): no selectors to pin yet")
    saved = [g for g in goldens() if (g.family, g.version) == (family, version) and g.html_path.exists()]
    assert saved, (
        f"no golden page for {family} parser version {version}: save a page of that portal rendered in "
        f"that layout under tests/golden/{family}/{version}/ ({REGENERATE} --add …, or --from-replica)")


def test_no_stale_golden_directories():
    stale = sorted(f"{d.parent.name}/{d.name}" for d in GOLDEN.glob("*/*") if d.is_dir()
                   and d.name not in VERSIONS.get(d.parent.name, []))
    assert stale == [], f"golden pages for versions the registry does not have: {stale}"


@pytest.mark.parametrize("golden", goldens(), ids=lambda g: g.id)
def test_golden_page_extracts_as_recorded(golden: Golden):
    assert golden.html_path.exists() and golden.json_path.exists(), f"{golden.id}: needs both .html.gz and .json"
    saved = golden.load()
    actual = extract(golden, saved["page"], REGISTRY)
    assert actual["parser_version"] == golden.version, (
        f"{golden.id} is filed under {golden.version} but its crawl time selects {actual['parser_version']}")
    problems = differences(saved["record"], actual)
    assert not problems, (f"{golden.id}: {len(problems)} field(s) differ; if intended, run {REGENERATE} "
                          "and review the JSON diff\n  " + "\n  ".join(problems))
