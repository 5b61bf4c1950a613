"""Portal profiles: the declarative description of each portal, read from TOML files.

A profile file describes a *family* of portals that share one CMS layout (the Hai Phong city
portal and its district sub-sites are one family): its languages and time zone, how discovery finds
article links and next pages, and one or more dated parser versions holding the field selectors.
Each ``[[portals]]`` entry is one host of the family. Spiders and pipelines read profiles; they
hold no portal knowledge themselves.

Selectors are CSS by default; a selector starting with ``xpath:`` is XPath.
Parser versions carry ``valid_from``/``valid_until`` dates (Fundus-style): a redesign adds a
version and leaves older ones in place, so stored HTML re-extracts with the version of its day.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import GenericTranslator
from lxml import etree

BUILTIN_PROFILE_DIR = Path(__file__).parent / "profiles"


class ProfileError(ValueError):
    """A profile file is malformed or names a portal that does not exist."""


@lru_cache(maxsize=4096)
def compile_selector(selector: str) -> etree.XPath:
    """CSS or ``xpath:`` selector to a compiled XPath, relative to the element it runs on."""
    if selector.startswith("xpath:"):
        expression = selector[len("xpath:") :].strip()
    else:
        expression = GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
    try:
        return etree.XPath(expression)
    except etree.XPathSyntaxError as error:
        raise ProfileError(f"bad selector {selector!r}: {error}") from error


@dataclass(frozen=True)
class CaptionRule:
    """Where a photo's caption sits, relative to the element that holds the image."""

    container: str
    caption: str


@dataclass(frozen=True)
class ParserVersion:
    version: str
    valid_from: str = "0001-01-01"
    valid_until: str = "9999-12-31"
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    author: str | None = None
    body: str | None = None
    images: str | None = None
    captions: tuple[CaptionRule, ...] = ()
    exclude: tuple[str, ...] = ()

    def covers(self, day: str) -> bool:
        return self.valid_from <= day[:10] < self.valid_until


@dataclass(frozen=True)
class Discovery:
    """How a portal's articles are found. ``sources`` are tried in order, cheapest first; with
    ``mode = "first"`` the first source that yields article links is used alone, with ``"all"``
    every source runs (the crawl's dupefilter merges what they find)."""

    sources: tuple[str, ...] = ("wpjson", "sitemap", "feed", "listing")
    mode: str = "first"
    wpjson_path: str = "/wp-json/wp/v2/posts"
    sitemap_paths: tuple[str, ...] = ("/sitemap.xml",)
    feed_paths: tuple[str, ...] = ("/feed/",)
    start_paths: tuple[str, ...] = ("/",)
    article_links: str = "a"
    next_page: str | None = None
    article_url_pattern: str | None = None
    # Re-fetch (conditionally) stored articles published within this many days on every run.
    revisit_days: float = 3.0


@dataclass(frozen=True)
class Portal:
    """One portal host with everything its family profile says about it."""

    name: str
    title: str
    base_url: str
    family: str
    languages: tuple[str, ...]
    timezone: str
    date_order: str
    discovery: Discovery
    parsers: tuple[ParserVersion, ...]
    allowed_hosts: tuple[str, ...] = ()
    allow_private_addresses: bool = False
    replica: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.host, *self.allowed_hosts)

    def parser_for(self, day: str | None) -> ParserVersion | None:
        """The parser version valid on ``day`` (the page's crawl date), else the newest."""
        if not self.parsers:
            return None
        if day:
            for parser in self.parsers:
                if parser.covers(day):
                    return parser
        return self.parsers[-1]

    def rebased(self, base_url: str) -> Portal:
        return replace(self, base_url=base_url.rstrip("/"))


@dataclass
class Registry:
    portals: dict[str, Portal] = field(default_factory=dict)

    def get(self, name: str) -> Portal:
        try:
            return self.portals[name]
        except KeyError:
            known = ", ".join(sorted(self.portals)) or "none"
            raise ProfileError(f"unknown portal {name!r}; known portals: {known}") from None

    def family(self, name: str) -> list[Portal]:
        return [p for p in self.portals.values() if p.family == name]

    def for_url(self, url: str) -> Portal | None:
        host = urlsplit(url).netloc
        for portal in self.portals.values():
            if urlsplit(portal.base_url).netloc == host:
                return portal
        return None

    def rebased(self, base_urls: dict[str, str]) -> Registry:
        """A copy with some portals moved (the replica runs on whatever port is free)."""
        moved = {name: (p.rebased(base_urls[name]) if name in base_urls else p) for name, p in self.portals.items()}
        return Registry(moved)


def load_registry(extra_dirs: tuple[str | Path, ...] | list[str | Path] = ()) -> Registry:
    """Every profile in the package plus those in ``extra_dirs`` (later files override earlier)."""
    registry = Registry()
    for directory in (BUILTIN_PROFILE_DIR, *map(Path, extra_dirs)):
        for path in sorted(Path(directory).glob("*.toml")):
            for portal in load_profile(path):
                registry.portals[portal.name] = portal
    return registry


def load_profile(path: Path) -> list[Portal]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"{path}: {error}") from error
    return portals_from_dict(data, origin=str(path))


def portals_from_dict(data: dict, origin: str = "<profile>") -> list[Portal]:
    try:
        family = data["family"]
        discovery = Discovery(**_tuples(data.get("discovery", {})))
        parsers = tuple(sorted((_parser(p) for p in data.get("parsers", [])), key=lambda p: p.valid_from))
        for parser in parsers:
            for selector in _selectors_of(parser):
                compile_selector(selector)
        return [
            Portal(
                name=entry["name"], title=entry.get("title", entry["name"]), base_url=entry["base_url"].rstrip("/"),
                family=family["name"], languages=tuple(family.get("languages", ["vi"])),
                timezone=family.get("timezone", "UTC"), date_order=family.get("date_order", "DMY"),
                discovery=replace(discovery, **_tuples(entry.get("discovery", {}))), parsers=parsers,
                allowed_hosts=tuple(entry.get("allowed_hosts", ())),
                allow_private_addresses=bool(entry.get("allow_private_addresses", False)),
                replica=entry.get("replica"),
            )
            for entry in data.get("portals", [])
        ]
    except (KeyError, TypeError) as error:
        raise ProfileError(f"{origin}: missing or wrong key {error}") from error


def _parser(data: dict) -> ParserVersion:
    data = dict(data)
    fields = data.pop("fields", {})
    captions = tuple(CaptionRule(**rule) for rule in fields.pop("captions", []))
    return ParserVersion(**data, **_tuples(fields), captions=captions)


def _selectors_of(parser: ParserVersion) -> list[str]:
    single = [parser.title, parser.published, parser.modified, parser.author, parser.body, parser.images]
    rules = [s for rule in parser.captions for s in (rule.container, rule.caption)]
    return [s for s in (*single, *rules, *parser.exclude) if s]


def _tuples(data: dict) -> dict:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items()}


def selector_xpath(selector: str) -> str:
    """The XPath text of a selector, for Scrapy's ``response.xpath``."""
    return compile_selector(selector).path


def registry_from_settings(settings) -> Registry:  # settings: scrapy.settings.BaseSettings
    """The registry a crawl uses: built-in and extra profiles, with any base URLs moved."""
    registry = load_registry(settings.getlist("MUNINEWS_PROFILE_DIRS"))
    return registry.rebased(settings.getdict("MUNINEWS_BASE_URLS"))
