"""Golden pages: saved HTML per (family, parser version) with the record extraction must give.

Layout: ``tests/golden/<family>/<version>/<name>.html.gz`` beside ``<name>.json``. The JSON holds
``page`` (the portal, URL and crawl time the page is extracted with, and where it came from) and
``record`` (every ``Record`` field, in the dataclass's order so diffs read like the record).
Shared by ``tests/test_golden.py`` and ``regenerate.py`` so both read and write the same shape.
"""

from __future__ import annotations

import dataclasses
import difflib
import gzip
import json
from pathlib import Path
from typing import Any

from crawler.extraction import extract_page
from crawler.registry import Registry

GOLDEN = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Golden:
    family: str
    version: str
    name: str

    @property
    def html_path(self) -> Path:
        return GOLDEN / self.family / self.version / f"{self.name}.html.gz"

    @property
    def json_path(self) -> Path:
        return GOLDEN / self.family / self.version / f"{self.name}.json"

    @property
    def id(self) -> str:
        return f"{self.family}/{self.version}/{self.name}"

    def html(self) -> bytes:
        return gzip.decompress(self.html_path.read_bytes())

    def load(self) -> dict[str, Any]:
        return json.loads(self.json_path.read_text(encoding="utf-8"))


def goldens() -> list[Golden]:
    """Every saved page (an ``.html.gz`` or a ``.json``: a half-saved page is listed, then fails)."""
    names = {(p.parent.parent.name, p.parent.name, p.name.removesuffix(".html.gz").removesuffix(".json"))
             for p in GOLDEN.glob("*/*/*") if p.name.endswith((".html.gz", ".json"))}
    return [Golden(*key) for key in sorted(names)]


def registry_versions(registry: Registry) -> dict[str, list[str]]:
    """Family -> its parser versions (a family with none maps to an empty list)."""
    families: dict[str, list[str]] = {}
    for portal in registry.portals.values():
        families.setdefault(portal.family, [p.version for p in portal.parsers])
    return families


def extract(golden: Golden, page: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """Today's record of the saved page, as the JSON stores it."""
    record = extract_page(golden.html(), page["url"], registry.get(page["portal"]),
                          crawl_time=page["crawl_time"], content_type=page.get("content_type"))
    return dataclasses.asdict(record)


def write(golden: Golden, page: dict[str, Any], record: dict[str, Any]) -> bool:
    """Write the JSON; True when its text changed."""
    text = json.dumps({"page": page, "record": record}, ensure_ascii=False, indent=2) + "\n"
    old = golden.json_path.read_text(encoding="utf-8") if golden.json_path.exists() else None
    golden.json_path.parent.mkdir(parents=True, exist_ok=True)
    golden.json_path.write_text(text, encoding="utf-8")
    return text != old


def save_html(golden: Golden, html: bytes) -> None:
    """gzip with no timestamp or name, so the same page always gives the same bytes."""
    golden.html_path.parent.mkdir(parents=True, exist_ok=True)
    golden.html_path.write_bytes(gzip.compress(html, compresslevel=9, mtime=0))


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """One entry per field that differs; lists (body, images) as a line diff of their items."""
    found = []
    for key in dict.fromkeys([*expected, *actual]):
        if key not in expected:
            found.append(f"{key}: not in the golden JSON (a new Record field?), extraction gives {actual[key]!r}")
        elif key not in actual:
            found.append(f"{key}: in the golden JSON but no longer a Record field")
        elif expected[key] != actual[key]:
            if isinstance(expected[key], list) and isinstance(actual[key], list):
                lines = difflib.unified_diff([_line(i) for i in expected[key]], [_line(i) for i in actual[key]],
                                             "golden", "extracted", n=0, lineterm="")
                found.append(f"{key}:\n    " + "\n    ".join(list(lines)[2:]))
            else:
                found.append(f"{key}: golden {expected[key]!r}, extracted {actual[key]!r}")
    return found


def _line(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=False)
